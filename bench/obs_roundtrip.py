"""OBS round trip: panel command -> OBS event -> panel update, against a real OBS on loopback.

Starts a real OBS (xvfb-run) and a real Bridgecast server (eventlet by default), logs in as
admin, and over the crew Socket.IO namespace sends ``obs_take_scene`` and waits for the
``obs_state`` diff announcing the new program scene. The baseline is a bare obsws-python call
(``SetCurrentProgramScene`` then its ``CurrentProgramSceneChanged`` event). Runs alternate
(bare, panel, bare, ...) with the Cut transition, each after a random pause so that both
sides meet OBS's 30 fps frame clock at a random phase. Prints a table and writes JSON
(``bench/results/obs_roundtrip.json`` unless ``--out``). Target (docs/design.md): panel p99 < 150 ms,
ratio <= 1.5.

    python bench/obs_roundtrip.py [--n 100] [--async-mode eventlet|gevent|threading] [--out FILE]
"""

import argparse
import http.cookiejar
import json
import os
import random
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import obsws_python  # noqa: E402
import socketio  # noqa: E402

from tests.support.processes import ServerProcess  # noqa: E402
from tests.support.real_obs import RealObs  # noqa: E402

SLUG = "demo-plenary"
SCENES = ("Bench A", "Bench B")


def pct(values, p):
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def login_cookie(url, password):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(url + "/login").read().decode()
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    data = urllib.parse.urlencode({"username": "admin", "password": password, "csrf_token": csrf}).encode()
    opener.open(url + "/login", data=data)
    return "; ".join(f"{c.name}={c.value}" for c in jar)


class Bare:
    def __init__(self, obs):
        kw = dict(host="127.0.0.1", port=obs.port, password=obs.password, timeout=5)
        self.req = obsws_python.ReqClient(**kw)
        self.events = obsws_python.EventClient(**kw)
        self.seen = threading.Event()
        self.want = None

        def on_current_program_scene_changed(data):
            if data.scene_name == self.want:
                self.seen.set()

        self.events.callback.register(on_current_program_scene_changed)

    def take(self, scene):
        self.want = scene
        self.seen.clear()
        t0 = time.perf_counter()
        self.req.set_current_program_scene(scene)
        if not self.seen.wait(5):
            raise TimeoutError(
                f"bare: no CurrentProgramSceneChanged for {scene} (event thread alive: {self.events.worker.is_alive()}, program {self.req.send('GetCurrentProgramScene', raw=True)})"
            )
        return (time.perf_counter() - t0) * 1000

    def close(self):
        self.events.disconnect()
        self.req.disconnect()


class Panel:
    def __init__(self, url, cookie):
        self.sio = socketio.Client(reconnection=False)
        self.seen = threading.Event()
        self.want = None
        self.state = {}

        @self.sio.on("obs_state", namespace="/crew")
        def on_state(msg):
            self.state.update(msg.get("diff") or {})
            if msg.get("diff", {}).get("program_scene") == self.want:
                self.seen.set()

        self.sio.connect(
            url,
            headers={"Cookie": cookie},
            namespaces=["/crew"],
            auth={"event": SLUG},
            transports=["websocket"],
            wait_timeout=10,
        )

    def wait_connected(self, timeout=30):
        deadline = time.monotonic() + timeout
        while self.state.get("status") != "connected":
            if time.monotonic() > deadline:
                raise TimeoutError(f"panel never saw OBS connected: {self.state.get('error')}")
            time.sleep(0.1)

    def take(self, scene):
        self.want = scene
        self.seen.clear()
        t0 = time.perf_counter()
        ack = self.sio.call("obs_take_scene", {"scene": scene}, namespace="/crew", timeout=5)
        if not ack.get("ok"):
            raise RuntimeError(f"panel command failed: {ack}")
        if not self.seen.wait(5):
            raise TimeoutError("panel: no obs_state with the new program scene")
        return (time.perf_counter() - t0) * 1000

    def close(self):
        self.sio.disconnect()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--async-mode", default="eventlet")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results", "obs_roundtrip.json"))
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="bc-obs-bench-")
    obs = RealObs(password="bench-pw").start()
    server = None
    try:
        with obsws_python.ReqClient(host="127.0.0.1", port=obs.port, password=obs.password, timeout=5) as c:
            for s in SCENES:
                c.send("CreateScene", {"sceneName": s})
            c.send("SetCurrentSceneTransition", {"transitionName": "Cut"})
        server = ServerProcess(
            tmp,
            async_mode=args.async_mode,
            env={
                "BRIDGECAST_OBS_URL": obs.url,
                "BRIDGECAST_OBS_PASSWORD": obs.password,
                "BRIDGECAST_LOG_LEVEL": "WARNING",
            },
        ).start()
        panel = Panel(server.url, login_cookie(server.url, server.admin_password))
        panel.wait_connected()
        bare = Bare(obs)
        # Every take must change the program scene (OBS sends no event otherwise):
        # A, B, A, B ... alternating bare and panel.
        for i in range(6):  # warm-up
            (bare if i % 2 == 0 else panel).take(SCENES[i % 2])
        bare_ms, panel_ms = [], []
        rng = random.Random(7)
        for i in range(2 * args.n):
            # OBS switches scenes on its next video frame: a take issued right after the
            # previous one's event is phase-locked to the frame clock (a whole frame late).
            # A random pause gives both sides the same random frame phase; 200 ms+ also keeps
            # clear of the service's post-transition settle window (150 ms).
            time.sleep(rng.uniform(0.2, 0.3))
            (bare_ms if i % 2 == 0 else panel_ms).append((bare if i % 2 == 0 else panel).take(SCENES[i % 2]))
        bare.close()
        panel.close()
    finally:
        if server:
            server.stop()
        obs.cleanup()

    result = {
        "n": args.n,
        "async_mode": args.async_mode,
        "obs_version": "29.0.2",
        "transition": "Cut",
        "panel_p50_ms": round(statistics.median(panel_ms), 2),
        "panel_p99_ms": round(pct(panel_ms, 99), 2),
        "bare_p50_ms": round(statistics.median(bare_ms), 2),
        "bare_p99_ms": round(pct(bare_ms, 99), 2),
    }
    result["ratio_p50"] = round(result["panel_p50_ms"] / result["bare_p50_ms"], 2)
    result["ratio_p99"] = round(result["panel_p99_ms"] / result["bare_p99_ms"], 2)
    # the target is read on the p99 the table shows: panel p99 < 150 ms, and ≤ 1.5× the bare call's p99
    result["target_p99_ms_met"] = result["panel_p99_ms"] < 150
    result["target_ratio_met"] = result["ratio_p99"] <= 1.5
    result["target_met"] = result["target_p99_ms_met"] and result["target_ratio_met"]
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as fh:
        json.dump(result, fh, indent=2)
    print(f"{'':10}{'p50 ms':>10}{'p99 ms':>10}")
    print(f"{'panel':10}{result['panel_p50_ms']:>10}{result['panel_p99_ms']:>10}")
    print(f"{'bare':10}{result['bare_p50_ms']:>10}{result['bare_p99_ms']:>10}")
    print(f"ratio p50 {result['ratio_p50']}  p99 {result['ratio_p99']}  -> {args.out}")
    print(
        f"target panel p99 < 150 ms: {'met' if result['target_p99_ms_met'] else 'MISSED'}; "
        f"p99 ratio ≤ 1.5: {'met' if result['target_ratio_met'] else 'MISSED'}"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
