"""The pusher's supervision with a stand-in ffmpeg (a shell script): live from the progress
blocks, retrying with its reason, giving up on a permanent refusal, the key scrubbed from
everything it keeps, and stop() back to idle."""

import os
import stat
import time

from server.services.restream.pusher import FAILED, IDLE, LIVE, WAITING, Pusher

KEY = "live_123456789_SeCrEt"
TARGET = f"rtmp://a.rtmp.example.com/live2/{KEY}"


def fake_ffmpeg(tmp_path, body):
    path = tmp_path / "ffmpeg"
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


def wait(predicate, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def pusher(ffmpeg, changes=None, **kw):
    options = {"backoff_initial": 0.05, "backoff_max": 0.1, "max_failures": 50, "permanent_failures": 3}
    options.update(kw)
    return Pusher(
        7,
        "rtmp://127.0.0.1:1935/live/ev",
        TARGET,
        KEY,
        ffmpeg=ffmpeg,
        on_change=lambda p, f: changes.append(f) if changes is not None else None,
        **options,
    )


def test_a_permanent_refusal_gives_up_after_three_attempts_and_keeps_no_key(tmp_path):
    ffmpeg = fake_ffmpeg(
        tmp_path,
        'echo "Failed to resolve hostname a.example.com: Name or service not known" >&2\n'
        f'echo "{TARGET}: Input/output error" >&2\n'
        f'echo "key={KEY}" >&2\nexit 1\n',
    )
    changes = []
    p = pusher(ffmpeg, changes)
    p.start()
    assert wait(lambda: p.snapshot()["state"] == FAILED)
    snap = p.snapshot()
    assert snap["restarts"] == 2 and snap["last_error"]["reason"] == "dns"
    assert KEY not in str(snap) and KEY not in str(changes)
    assert "retrying" in [c.get("state") for c in changes]
    assert not p.running


def test_progress_makes_it_live_and_an_ended_run_retries_until_stopped(tmp_path):
    block = "total_size=%s\\nout_time_us=%s\\nbitrate=800.0kbits/s\\nspeed=1.0x\\nprogress=continue\\n"
    script = (
        "i=1\nwhile [ $i -le 6 ]; do printf '" + block + "' $((i*50000)) $((i*500000)); sleep 0.1; i=$((i+1)); done\n"
    )
    script += 'echo "av_interleaved_write_frame(): Broken pipe" >&2\nexit 1\n'
    p = pusher(fake_ffmpeg(tmp_path, script))
    p.start()
    assert wait(lambda: p.snapshot()["state"] == LIVE, 5)
    assert wait(lambda: p.snapshot()["bitrate_kbps"] > 0, 5)
    assert wait(lambda: p.snapshot()["restarts"] >= 1, 10)
    assert p.snapshot()["last_error"] in (
        None,
        {"reason": "connection_lost", "detail": "av_interleaved_write_frame(): Broken pipe"},
    )
    assert p.snapshot()["state"] != FAILED  # it went live each time: the failures never add up
    p.stop()
    assert p.snapshot()["state"] == IDLE and not p.running


def test_an_absent_program_is_waited_for_never_failed_and_the_page_resumes(tmp_path):
    """OBS gone: the ingest refuses the reader ("No such stream") run after run. The page shows
    ``waiting`` with the input_lost reason, never burns its failures into ``failed``, does not
    flap between states, and goes live by itself when the program is back."""
    back = tmp_path / "obs-is-back"
    block = "total_size=%s\\nout_time_us=%s\\nprogress=continue\\n"
    script = (
        f"if [ -e {back} ]; then\n"
        "  i=1; while :; do printf '" + block + "' $((i*50000)) $((i*500000)); sleep 0.05; i=$((i+1)); done\n"
        "fi\n"
        'echo "[rtmp @ 0x1] Server error: No such stream" >&2\n'
        'echo "rtmp://127.0.0.1:1935/live/ev: Operation not permitted" >&2\nexit 1\n'
    )
    changes = []
    p = pusher(fake_ffmpeg(tmp_path, script), changes, max_failures=3, input_poll_s=0.05)
    p.start()
    assert wait(lambda: p.snapshot()["state"] == WAITING)
    time.sleep(1.0)  # many more attempts than max_failures
    snap = p.snapshot()
    assert snap["state"] == WAITING and p.running and snap["restarts"] == 0
    assert snap["last_error"]["reason"] == "input_lost"
    assert [c["state"] for c in changes if "state" in c] == ["connecting", WAITING]  # shown once, no flapping
    back.touch()
    assert wait(lambda: p.snapshot()["state"] == LIVE, 5)
    assert p.snapshot()["last_error"] is None
    p.stop()


def test_stop_ends_a_running_ffmpeg(tmp_path):
    marker = tmp_path / "pid"
    p = pusher(fake_ffmpeg(tmp_path, f"echo $$ > {marker}\nexec sleep 30\n"))
    p.start()
    assert wait(lambda: marker.exists() and marker.read_text().strip())
    pid = int(marker.read_text())
    p.stop()
    assert wait(lambda: not os.path.exists(f"/proc/{pid}") or zombie(pid))


def zombie(pid):
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split()[2] == "Z"
    except OSError:
        return True


def test_the_log_filter_masks_keys_in_every_target_form():
    from server.logs import redact

    for url in (
        "rtmps://live-api-s.facebook.com:443/rtmp/FB-1-SeCrEt",
        "rtmp://a.rtmp.youtube.com/live2/SeCrEt",
        "srt://h.example:9000?latency=200&streamid=SeCrEt",
    ):
        assert "SeCrEt" not in redact(f"pushing to {url} failed"), url


def test_rtmp_pages_get_flv_and_srt_pages_mpegts():
    rtmp = Pusher(1, "rtmp://127.0.0.1:1/live/ev", TARGET, KEY).command()
    assert rtmp[rtmp.index("-f") + 1] == "flv" and rtmp[-1] == TARGET and rtmp[:1] == ["ffmpeg"]
    srt = Pusher(1, "rtmp://127.0.0.1:1/live/ev", "srt://h:9000?streamid=k", "k").command()
    assert srt[srt.index("-f") + 1] == "mpegts"
