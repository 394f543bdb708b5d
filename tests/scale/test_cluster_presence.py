"""Scale-out correctness of the bridge points: two server processes sharing PostgreSQL and
Redis (the pair of tests/scale/test_cluster.py, with a short heartbeat and offline threshold).

A site whose phone moves from one process to the other (a reconnect lands elsewhere) is never
reported offline and its retried check-in is one check-in; a site that goes silent raises one
offline alarm, seen once by a board on either process (only the event's owner sweeps); the
question limit per device holds across processes (buckets in Redis); a crew message sent
through one process reaches site consoles connected to the other."""

import asyncio
import itertools
import time
import uuid

import psycopg
import pytest

from tests.scale.test_cluster import Listener
from tests.support.cluster import http, login_cookie, mint_token, start_node, submit
from tests.support.sio import run_async

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]
EVENT = "demo-forum"
BEAT_S, OFFLINE_S = 1.0, 6.0
_names = itertools.count(1)


@pytest.fixture(scope="module")
def pair(tmp_path_factory, postgres, redis_server):
    db_url = postgres.create_database(f"presence_{next(_names)}_{uuid.uuid4().hex[:6]}")
    env = {
        "BRIDGECAST_HEARTBEAT_S": str(BEAT_S),
        "BRIDGECAST_OFFLINE_S": str(OFFLINE_S),
        "BRIDGECAST_OBS_AUTOSTART": "0",
    }
    base = tmp_path_factory.mktemp("presence")
    a = start_node(base / "a", db_url, redis_server.url, 3.0, env=env)
    b = start_node(base / "b", db_url, redis_server.url, 3.0, env=env)
    yield db_url, a, b
    a.stop()
    b.stop()


def _sites(db_url, n, skip=0):
    """``n`` (id, token) of the event's sites nobody has used yet (each test takes its own)."""
    with psycopg.connect(db_url) as conn:
        return conn.execute(
            "SELECT s.id, s.token FROM sites s JOIN events e ON e.id = s.event_id "
            "WHERE e.slug = %s AND s.is_active AND s.last_beat_at IS NULL ORDER BY s.id OFFSET %s LIMIT %s",
            (EVENT, skip, n),
        ).fetchall()


def _site_row(db_url, site_id):
    with psycopg.connect(db_url) as conn:
        state = conn.execute("SELECT state FROM sites WHERE id = %s", (site_id,)).fetchone()[0]
        logs = conn.execute("SELECT kind, detail FROM site_logs WHERE site_id = %s ORDER BY id", (site_id,)).fetchall()
        alerts = conn.execute("SELECT kind FROM site_alerts WHERE site_id = %s", (site_id,)).fetchall()
    return state, logs, [k for (k,) in alerts]


def _offline_notices(listener, site_id):
    """How many times a board was told that ``site_id`` went offline."""
    count = 0
    for name, data in listener.received:
        views = [data] if name == "site_state" else (data or {}).get("sites", []) if name == "site_states" else []
        count += sum(1 for v in views if v.get("id") == site_id and v.get("state") == "offline")
    return count


async def _site(url, token):
    return await Listener(url, "/site", {"token": token}).connect()


async def _beat(listener):
    return await listener.client.call("site_heartbeat", {"state": "ok"}, namespace="/site", timeout=10)


def test_a_site_moving_to_the_other_process_stays_online_and_checks_in_once(pair):
    db_url, a, b = pair
    ((site_id, token),) = _sites(db_url, 1)
    check_in = {"video_ok": True, "audio_ok": True, "client_id": "check-" + uuid.uuid4().hex[:8]}

    async def scenario():
        phone = await _site(a.url, token)
        for _ in range(3):
            await _beat(phone)
            await asyncio.sleep(BEAT_S)
        ack = await phone.client.call("site_check_in", check_in, namespace="/site", timeout=10)
        assert "error" not in (ack or {}), ack
        await phone.client.disconnect()  # the network drops; the phone reconnects, nginx sends it to b
        await asyncio.sleep(BEAT_S)
        phone = await _site(b.url, token)
        ack = await phone.client.call("site_check_in", check_in, namespace="/site", timeout=10)  # the retry
        assert "error" not in (ack or {}), ack
        deadline = time.monotonic() + OFFLINE_S + 5  # past the threshold a's book would have used
        while time.monotonic() < deadline:
            await _beat(phone)
            await asyncio.sleep(BEAT_S)
        await phone.client.disconnect()

    run_async(scenario())
    state, logs, alerts = _site_row(db_url, site_id)
    assert state == "online", logs
    assert not [d for k, d in logs if k == "state" and "offline" in d], logs
    assert "offline" not in alerts
    assert [k for k, _d in logs].count("check_in") == 1, logs


def test_a_silent_site_raises_one_offline_alarm_seen_once_on_each_process(pair):
    db_url, a, b = pair
    ((site_id, token),) = _sites(db_url, 1, skip=5)
    boards = []

    async def scenario():
        for node in (a, b):
            cookie = login_cookie(node.url, "admin", node.admin_password)
            boards.append(await Listener(node.url, "/crew", {"event": EVENT}, cookie).connect())
        phone = await _site(b.url, token)
        await _beat(phone)
        await asyncio.sleep(BEAT_S)
        await _beat(phone)
        await phone.client.disconnect()  # silent from now on
        silent_at = time.monotonic()
        for board in boards:
            assert await board.wait_for(
                "site_states",
                lambda d: any(v.get("id") == site_id and v.get("state") == "offline" for v in d.get("sites", [])),
                OFFLINE_S + 8,
            ), board.received[-5:]
        took = time.monotonic() - silent_at
        await asyncio.sleep(4)  # a second sweep on the other process would land within this
        for board in boards:
            await board.client.disconnect()
        return took

    took = run_async(scenario())
    assert took <= OFFLINE_S + 2 + 2.5, took  # threshold + sweep tick + beat flush (and a loaded machine)
    assert [_offline_notices(board, site_id) for board in boards] == [1, 1]
    _state, logs, alerts = _site_row(db_url, site_id)
    assert alerts.count("offline") == 1, alerts
    assert len([d for k, d in logs if k == "state" and "→ offline" in d]) == 1, logs


def test_the_question_limit_per_device_holds_across_processes(pair):
    _db_url, a, b = pair
    device = "phone-" + uuid.uuid4().hex[:10]
    statuses = [
        submit(node.url, EVENT, f"Câu hỏi {i} từ một máy", device=device)[0] for i, node in enumerate([a, b, a, b, a])
    ]
    assert statuses == [201] * 5  # QUESTIONS_RATE_DEVICE = 5/60: five at once, whichever process
    for node in (b, a):
        status, body = submit(node.url, EVENT, "Câu hỏi thứ sáu", device=device)
        assert status == 429 and body["error"] == "rate_limited", body
    assert submit(b.url, EVENT, "Một máy khác", device=device + "-2")[0] == 201


def test_a_crew_message_sent_on_one_process_reaches_consoles_on_the_other(pair):
    db_url, a, b = pair
    admin = mint_token(db_url, "admin")
    (id_b, token_b), (id_a, token_a) = _sites(db_url, 2, skip=10)

    async def scenario():
        on_b, on_a = await _site(b.url, token_b), await _site(a.url, token_a)
        text = f"Chuẩn bị phát biểu {uuid.uuid4().hex[:6]}"
        status, body = http(
            "POST", f"{a.url}/api/v1/events/{EVENT}/site-messages", {"scope": "all", "text": text}, token=admin
        )
        assert status in (200, 201), body
        for console in (on_b, on_a):
            assert await console.wait_for("crew_message", lambda d: d.get("text") == text, 5), console.received
        only = f"Riêng điểm cầu {id_b}"
        status, body = http(
            "POST",
            f"{a.url}/api/v1/events/{EVENT}/site-messages",
            {"scope": "site", "site_id": id_b, "text": only},
            token=admin,
        )
        assert status in (200, 201), body
        assert await on_b.wait_for("crew_message", lambda d: d.get("text") == only, 5), on_b.received
        await asyncio.sleep(1.0)
        assert not [d for n, d in on_a.received if n == "crew_message" and d.get("text") == only]
        for console in (on_b, on_a):
            await console.client.disconnect()

    run_async(scenario())
