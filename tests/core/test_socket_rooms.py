"""``server/realtime/rooms.py``: the indexed room bookkeeping keeps exactly the rooms python-socketio's
own manager keeps, through random joins, leaves, closed rooms and disconnects, and the app uses it."""

import itertools
import random
from types import SimpleNamespace

import socketio

from server.realtime.rooms import IndexedManager, IndexedRedisManager, client_manager


def _manager(cls):
    ids = itertools.count(1)
    manager = cls()
    manager.set_server(
        SimpleNamespace(eio=SimpleNamespace(generate_id=lambda: f"sid{next(ids)}"), packet_class=socketio.packet.Packet)
    )
    return manager


def _state(manager):
    return {ns: {room: dict(members) for room, members in rooms.items()} for ns, rooms in manager.rooms.items()}


def test_the_index_agrees_with_python_socketio_through_random_operations():
    rng = random.Random(16)
    plain, indexed = _manager(socketio.Manager), _manager(IndexedManager)
    connected = []  # (sid, namespace)
    for step in range(3000):
        op = rng.random()
        if op < 0.3 or not connected:
            ns = rng.choice(["/site", "/public", "/crew"])
            eio = f"eio{step}"
            sids = {m.connect(eio, ns) for m in (plain, indexed)}
            assert len(sids) == 1
            connected.append((sids.pop(), ns))
        elif op < 0.6:
            sid, ns = rng.choice(connected)
            room = f"room{rng.randrange(20)}"
            for m in (plain, indexed):
                m.enter_room(sid, ns, room)
        elif op < 0.75:
            sid, ns = rng.choice(connected)
            room = f"room{rng.randrange(20)}"
            for m in (plain, indexed):
                m.leave_room(sid, ns, room)
        elif op < 0.8:
            ns, room = rng.choice(["/site", "/public"]), f"room{rng.randrange(20)}"
            for m in (plain, indexed):
                m.close_room(room, ns)
        else:
            sid, ns = connected.pop(rng.randrange(len(connected)))
            for m in (plain, indexed):
                m._generate_ack_id(sid, lambda *a: None)
                m.pre_disconnect(sid, ns)
                m.disconnect(sid, ns)
        if step % 100 == 0:
            assert _state(indexed) == _state(plain)
            for sid, ns in connected:
                assert sorted(indexed.get_rooms(sid, ns)) == sorted(plain.get_rooms(sid, ns))
    assert _state(indexed) == _state(plain)
    assert indexed.callbacks == plain.callbacks and indexed.pending_disconnect == plain.pending_disconnect
    for sid, ns in connected:
        assert sorted(indexed.get_rooms(sid, ns)) == sorted(plain.get_rooms(sid, ns))
    # nothing left behind for clients that are gone
    gone = {sid for ns_rooms in indexed._sid_rooms.values() for sid in ns_rooms} - {sid for sid, _ns in connected}
    assert gone == set()


def test_the_app_installs_the_indexed_manager(app):
    from server.extensions import socketio as flask_socketio

    assert isinstance(flask_socketio.server.manager, IndexedManager)
    assert isinstance(client_manager(), IndexedManager)
    assert issubclass(IndexedRedisManager, socketio.RedisManager)
