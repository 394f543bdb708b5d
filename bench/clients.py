"""Load-generating client processes: many python-socketio asyncio clients per process.

``run_clients(spec, ready_q, result_q, stop_evt)`` runs in a child process: it connects
``spec["count"]`` clients of one kind, reports how many connected, records the events
they receive (time stamps from ``time.time()``, same machine), beats for sites, and
returns its records when ``stop_evt`` is set.

Options of a spec used by the national bench (``bench/national.py``): ``reconnect`` (sites
reconnect after a server restart and record, as ``back``, the time their first beat after each
reconnect was acknowledged), ``beat_gate`` (a multiprocessing Event: sites connect at once but
beat only once it is set, so an idle phase can measure connected sockets alone) and ``label``
(what the process reports under instead of its kind: ``bench/two_process.py`` tells its two
server processes' clients apart), ``nice`` (the process lowers its own priority by that much:
the pure load, site beaters and phones, yields the shared cores to the server it loads, as other
machines would carry it in a deployment; the measuring clients keep the normal priority).
"""

import asyncio
import os
import random
import time

import socketio


async def _client(spec, index, records, stopping):
    kind = spec["kind"]
    # moderators reconnect and resync like the console does; other kinds count a drop as a drop
    client = socketio.AsyncClient(
        reconnection=kind == "moderator" or bool(spec.get("reconnect")), reconnection_delay=0.5
    )
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
                wake.set()

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
        interval = spec["beat_s"]
        gate = spec.get("beat_gate")
        while gate is not None and not gate.is_set() and not stopping.is_set():
            await asyncio.sleep(0.5)
        await asyncio.sleep(random.random() * interval)
        while not stopping.is_set():
            try:
                if reconnected:  # the first beat after a reconnect: wait for the server to take it
                    await client.call("site_heartbeat", {"state": "ok"}, namespace=ns, timeout=30)
                    reconnected.clear()
                    records.setdefault("back", []).append((spec["tokens"][index], time.time()))
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
    await asyncio.wait(tasks, timeout=20)
    return records


def run_clients(spec, ready_q, result_q, stop_evt):
    if spec.get("nice"):
        os.nice(spec["nice"])
    records = asyncio.run(_main(spec, ready_q, stop_evt))
    result_q.put((spec.get("label", spec["kind"]), records))
