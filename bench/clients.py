"""Load-generating client processes: many python-socketio asyncio clients per process.

``run_clients(spec, ready_q, result_q, stop_evt)`` runs in a child process: it connects
``spec["count"]`` clients of one kind, reports how many connected, records the events
they receive (time stamps from ``time.time()``, same machine), beats for sites, and
returns its records when ``stop_evt`` is set.

Options of a spec used by the national bench (``bench/national.py``): ``reconnect`` (sites, and
phones, reconnect after a server restart with their page's back-off, ``reconnect_options``; a
site records, as ``back``, the time its first beat after each reconnect was acknowledged, a phone
the time it reconnected), ``beat_gate`` (a multiprocessing Event: sites connect at once but
beat only once it is set, so an idle phase can measure connected sockets alone) and ``label``
(what the process reports under instead of its kind: ``bench/two_process.py`` tells its two
server processes' clients apart), ``nice`` (the process lowers its own priority by that much:
the pure load, site beaters and phones, yields the shared cores to the server it loads, as other
machines would carry it in a deployment; the measuring clients keep the normal priority);
``check_in`` (a site checks in once, with a client id, when it
first connects), ``resend_check_in`` (and sends the same check-in again after each reconnect) and
``connect_concurrency`` (at most this many first connects in flight: a loaded server is filled
at the pace it answers, not driven into a storm before the one measured), ``back_counter`` and
``back_since`` (shared ``multiprocessing.Value``s: each site adds one to the
counter at its first return after ``back_since``, the kill's time, so the bench sees the sites come
back while they run).
"""

import asyncio
import os
import random
import time

import socketio

# static/js/lib/socket.js's back-offs (RECONNECT) in python-socketio's terms. Socket.IO's JS
# client jitters by a factor (delay × (1 ± randomizationFactor)); python-socketio adds
# ± randomization_factor *seconds*, so the JS factor becomes factor × delay here. site: the site
# phone (first try 5–15 s after the drop, then 15 s ± 5); public: the public phone pages (5–35 s,
# then 30 s ± 15); fast: staff pages.
RECONNECT = {
    "site": {"reconnection_delay": 10.0, "reconnection_delay_max": 15.0, "randomization_factor": 5.0},
    "phone": {"reconnection_delay": 20.0, "reconnection_delay_max": 30.0, "randomization_factor": 15.0},
    "fast": {"reconnection_delay": 0.5, "reconnection_delay_max": 5.0, "randomization_factor": 0.25},
}
PAGE_CONNECT_TIMEOUT_S = 20.0  # Socket.IO's JS client waits 20 s for a connection (its `timeout`)


class PageClient(socketio.AsyncClient):
    """An AsyncClient whose reconnects wait for the server as long as a browser does
    (python-socketio's own reconnect gives a connection 1 s, then drops it and backs off)."""

    async def connect(self, *args, wait_timeout=PAGE_CONNECT_TIMEOUT_S, **kwargs):
        return await super().connect(*args, wait_timeout=wait_timeout, **kwargs)


def reconnect_options(kind):
    """The page's back-off for a client kind (``RECONNECT``: sites and phones spread, staff fast)."""
    return dict(RECONNECT.get(kind, RECONNECT["fast"]))


async def _client(spec, index, records, stopping):
    kind = spec["kind"]
    # moderators reconnect and resync like the console does; sites (and phones when the spec says
    # ``reconnect``) reconnect with their page's back-off; other kinds count a drop as a drop
    client = PageClient(reconnection=kind == "moderator" or bool(spec.get("reconnect")), **reconnect_options(kind))
    ns = spec["namespace"]
    reconnected = []  # a site's reconnects whose first beat is not acknowledged yet
    wake = stopping  # what cuts a site's wait between beats short

    if kind == "site" and spec.get("reconnect"):
        site_connects = []
        wake = asyncio.Event()  # set on a reconnect: beat at once (a stop waits up to one interval)

        @client.on("connect", namespace=ns)
        async def _site_connected():
            site_connects.append(time.time())
            if len(site_connects) > 1:
                records["reconnects"] = records.get("reconnects", 0) + 1
                reconnected.append(time.time())
                records.setdefault("reconnected_at", []).append(reconnected[-1])
                wake.set()

    if kind == "phone" and spec.get("reconnect"):
        phone_connects = []

        @client.on("connect", namespace=ns)
        async def _phone_connected():
            phone_connects.append(time.time())
            if len(phone_connects) > 1:
                records.setdefault("back", []).append((index, time.time()))

    @client.on("question_on_air", namespace=ns)
    async def _on_air(data):
        q = (data or {}).get("question") or {}
        records.setdefault("on_air", []).append((q.get("id"), time.time()))

    if kind == "moderator":

        @client.on("question_new", namespace=ns)
        async def _new(data):
            records.setdefault("new", []).append((index, (data or {}).get("text", ""), data.get("id"), time.time()))

        connects = []

        @client.on("connect", namespace=ns)
        async def _connected():
            connects.append(time.time())
            if len(connects) > 1:  # a reconnect: fetch what was missed, as the console does
                records["reconnects"] = records.get("reconnects", 0) + 1
                asyncio.get_running_loop().create_task(_resync(client, ns, index, records))

    if kind == "crew":

        @client.on("site_state", namespace=ns)
        async def _state(data):
            records.setdefault("states", []).append((data.get("id"), data.get("state"), time.time()))

        @client.on("site_states", namespace=ns)
        async def _states(data):
            for site in (data or {}).get("sites", []):
                records.setdefault("states", []).append((site.get("id"), site.get("state"), time.time()))

    auth = {"token": spec["tokens"][index]} if kind == "site" else {"event": spec["event"]}
    headers = {"Cookie": spec["cookie"]} if spec.get("cookie") else {}
    for attempt in range(5):
        try:
            async with spec["_connecting"]:  # at most ``connect_concurrency`` first connects in flight
                await client.connect(
                    spec["url"], namespaces=[ns], auth=auth, transports=["websocket"], headers=headers, wait_timeout=30
                )
            break
        except Exception:
            await asyncio.sleep(0.5 + random.random() * attempt)
    else:
        records["failed"] = records.get("failed", 0) + 1
        return None
    records["connected"] = records.get("connected", 0) + 1
    if kind == "site":
        token = spec["tokens"][index]
        check_in = {"video_ok": True, "audio_ok": True, "client_id": "ci-" + token[:24]}
        if spec.get("check_in"):
            try:
                await client.call("site_check_in", check_in, namespace=ns, timeout=60)
                records["check_ins"] = records.get("check_ins", 0) + 1
            except Exception:
                records["check_in_errors"] = records.get("check_in_errors", 0) + 1
        counted = False  # this site's first return is counted in ``back_counter`` (the bench's live view)
        interval = spec["beat_s"]
        gate = spec.get("beat_gate")
        while gate is not None and not gate.is_set() and not stopping.is_set():
            await asyncio.sleep(0.5)
        await asyncio.sleep(random.random() * interval)
        while not stopping.is_set():
            try:
                if reconnected:  # the first beat after a reconnect: wait for the server to take it
                    if spec.get("resend_check_in"):  # as a page whose check-in ack was lost
                        await client.call("site_check_in", check_in, namespace=ns, timeout=30)
                    await client.call("site_heartbeat", {"state": "ok"}, namespace=ns, timeout=30)
                    reconnected.clear()
                    records.setdefault("back", []).append((token, time.time()))
                    since = spec.get("back_since")  # the kill's time, set by the bench (0: not yet)
                    if (
                        not counted
                        and spec.get("back_counter") is not None
                        and since
                        and 0 < since.value <= time.time()
                    ):
                        counted = True
                        with spec["back_counter"].get_lock():
                            spec["back_counter"].value += 1
                else:
                    await client.emit("site_heartbeat", {"state": "ok"}, namespace=ns)
                records["beats"] = records.get("beats", 0) + 1
            except Exception:
                records["beat_errors"] = records.get("beat_errors", 0) + 1
            try:
                await asyncio.wait_for(wake.wait(), interval)
            except TimeoutError:
                pass
            if wake is not stopping:
                wake.clear()
    else:
        await stopping.wait()
    await client.disconnect()
    return None


async def _resync(client, ns, index, records):
    """Page through the event's questions; each one is recorded as delivered by resync."""
    offset = 0
    while True:
        ack = await client.call(
            "list_questions", {"offset": offset, "limit": 500, "order": "old"}, namespace=ns, timeout=30
        )
        items = (ack or {}).get("items") or []
        now = time.time()
        for q in items:
            records.setdefault("resynced", []).append((index, q.get("text", ""), q.get("id"), now))
        offset += len(items)
        if not items or offset >= (ack or {}).get("total", 0):
            return


async def _main(spec, ready_q, stop_evt):
    records = {}
    stopping = asyncio.Event()
    tasks = []
    batch = spec.get("connect_batch", 50)
    spec = dict(spec, _connecting=asyncio.Semaphore(spec.get("connect_concurrency", 1_000_000)))
    for i in range(spec["count"]):
        tasks.append(asyncio.ensure_future(_client(spec, i, records, stopping)))
        if (i + 1) % batch == 0:
            await asyncio.sleep(0.05)
    deadline = time.monotonic() + spec.get("connect_timeout", 120)
    while records.get("connected", 0) + records.get("failed", 0) < spec["count"] and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    ready_q.put((spec.get("label", spec["kind"]), records.get("connected", 0)))
    while not stop_evt.is_set():
        await asyncio.sleep(0.2)
    stopping.set()
    if tasks:  # a spec of 0 clients (``--restart-phones 0``) has none
        await asyncio.wait(tasks, timeout=20)
    return records


def run_clients(spec, ready_q, result_q, stop_evt):
    if spec.get("nice"):
        os.nice(spec["nice"])
    records = asyncio.run(_main(spec, ready_q, stop_evt))
    result_q.put((spec.get("label", spec["kind"]), records))
