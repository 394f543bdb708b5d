"""Where the server spends its time under load: py-spy samples the server process during
the question phase (``python -m bench --profile``; ``--national --profile`` samples the national
run's question phase, heartbeats included, as ``profile-national.txt``) and this module folds the samples into
a short report of the hottest functions, self and inclusive, written next to the results.
"""

import collections
import os
import re
import shutil
import subprocess
import sys

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")


def _py_spy():
    here = os.path.join(os.path.dirname(sys.executable), "py-spy")
    return here if os.path.exists(here) else shutil.which("py-spy")


def start(pid, seconds, mode, rate=100, nonblocking=False):
    """Start sampling ``pid`` for ``seconds``; returns a handle for ``finish`` (None without py-spy).
    ``nonblocking``: never pause the process to sample (the national run measures its CPU meanwhile)."""
    exe = _py_spy()
    if exe is None:
        print("bench: py-spy not installed (pip install py-spy); no profile", flush=True)
        return None
    os.makedirs(RESULTS, exist_ok=True)
    raw = os.path.join(RESULTS, f"profile-{mode}.raw")
    proc = subprocess.Popen(
        [exe, "record", "-p", str(pid), "-d", str(int(seconds)), "-r", str(rate), "-f", "raw", "-o", raw]
        + (["--nonblocking"] if nonblocking else []),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return {"proc": proc, "raw": raw, "mode": mode, "seconds": seconds, "rate": rate}


def fold(lines, top=30):
    """``(total, self, inclusive)``: sample counts per function from py-spy's raw stacks."""
    self_counts, inclusive, total = collections.Counter(), collections.Counter(), 0
    for line in lines:
        stack, _, count = line.rstrip().rpartition(" ")
        if not stack or not count.isdigit():
            continue
        count = int(count)
        total += count
        frames = [re.sub(r":\d+\)$", ")", f) for f in stack.split(";")]
        self_counts[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
    return total, self_counts.most_common(top), inclusive.most_common(top * 3)


def report(total, self_top, incl_top, seconds, rate):
    busy = 100.0 * total / max(1, seconds * rate)
    lines = [f"samples {total} over {seconds} s at {rate} Hz: server busy {busy:.0f}% of one core", "", "self:"]
    lines += [f"{100.0 * n / max(1, total):5.1f}%  {f}" for f, n in self_top]
    lines += ["", "inclusive:"]
    lines += [f"{100.0 * n / max(1, total):5.1f}%  {f}" for f, n in incl_top]
    return "\n".join(lines) + "\n"


def finish(handle):
    """Wait for py-spy, write ``profile-MODE.txt``; return its path (None when sampling failed)."""
    handle["proc"].wait(timeout=handle["seconds"] + 60)
    if not os.path.exists(handle["raw"]):
        return None
    with open(handle["raw"], encoding="utf-8", errors="replace") as fh:
        text = report(*fold(fh), handle["seconds"], handle["rate"])
    path = os.path.join(RESULTS, f"profile-{handle['mode']}.txt")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.remove(handle["raw"])
    return path
