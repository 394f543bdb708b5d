"""Small helpers the relay's supervised ffmpeg processes share: stop, reap, and a daemon thread."""

import subprocess
import threading


def terminate(proc):
    """Ask a running process to end (nothing if it is gone already)."""
    if proc is None or proc.poll() is not None:
        return
    try:
        proc.terminate()
    except OSError:
        pass


def reap(proc, timeout=5.0):
    """Wait for it to end; kill it if it has not after ``timeout`` seconds."""
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def thread_spawn(fn, *args):
    """Run ``fn(*args)`` on a daemon thread (the default spawner outside the server)."""
    thread = threading.Thread(target=fn, args=args, daemon=True)
    thread.start()
    return thread
