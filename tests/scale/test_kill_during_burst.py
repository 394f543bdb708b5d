"""``kill -9`` of the server during a burst of submissions: after a restart every
acknowledged question is stored, and phones that resend everything with their client
ids (acknowledged or not) create no duplicates."""

import asyncio
import os
import sqlite3
import uuid

import aiohttp
import pytest

from tests.support.processes import ServerProcess
from tests.support.sio import run_async

pytestmark = pytest.mark.slow
EVENT = "demo-plenary"
TOTAL = 400


async def _send(session, url, client_id, acked, stop_on_error):
    body = {"event": EVENT, "kind": "question", "text": f"Câu hỏi {client_id[:8]}", "client_id": client_id}
    try:
        async with session.post(url + "/api/v1/questions", json=body, headers={"X-Device-Id": client_id}) as response:
            data = await response.json()
            if response.status in (200, 201):
                acked[client_id] = data["id"]
            elif stop_on_error:
                raise AssertionError((response.status, data))
    except (TimeoutError, aiohttp.ClientError):
        if stop_on_error:
            raise


async def _burst(url, client_ids, acked, concurrency, stop_on_error):
    queue = list(client_ids)
    timeout = aiohttp.ClientTimeout(total=10)
    async with aiohttp.ClientSession(timeout=timeout) as session:

        async def worker():
            while queue:
                await _send(session, url, queue.pop(), acked, stop_on_error)

        await asyncio.gather(*(worker() for _ in range(concurrency)))


def test_kill_9_during_a_burst_loses_no_acknowledged_question_and_retries_do_not_duplicate(tmp_path):
    server = ServerProcess(tmp_path).start()
    client_ids = [uuid.uuid4().hex for _ in range(TOTAL)]
    acked = {}

    async def burst_then_kill():
        task = asyncio.ensure_future(_burst(server.url, client_ids, acked, 16, stop_on_error=False))
        while len(acked) < 60:
            await asyncio.sleep(0.01)
        server.kill()  # SIGKILL to the process group, mid-burst
        await task

    run_async(burst_then_kill())
    assert 60 <= len(acked) < TOTAL, len(acked)
    db_path = os.path.join(str(tmp_path), "server.db")

    restarted = ServerProcess(tmp_path).start()
    try:
        # Phones resend every submission they ever made, acknowledged or not.
        resent = {}
        run_async(_burst(restarted.url, client_ids, resent, 8, stop_on_error=True))
        assert set(resent) == set(client_ids)
        for client_id, qid in acked.items():
            assert resent[client_id] == qid, "an acknowledged question changed id (was it lost?)"
    finally:
        restarted.stop()
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute("SELECT client_id, COUNT(*) FROM questions GROUP BY client_id").fetchall()
        stored = dict(rows)
        for client_id, qid in acked.items():
            assert conn.execute("SELECT id FROM questions WHERE client_id = ?", (client_id,)).fetchone()[0] == qid
    assert set(stored) == set(client_ids)
    assert max(stored.values()) == 1
