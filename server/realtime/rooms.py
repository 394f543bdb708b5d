"""Socket.IO room bookkeeping that does not scan every room when a client leaves.

python-socketio's manager finds a leaving client's rooms by testing every room of the namespace,
and every connected client has a room of its own: O(clients) per disconnect, O(clients²) for a
wave of them. At national scale (3,355 sites on ``/site``, thousands of phones on ``/public``) a
wave of disconnects took over half of a process's CPU and fed itself (late pings, more drops;
docs/performance.md). ``IndexedRooms`` keeps each client's rooms per namespace, so a disconnect
and ``get_rooms`` cost the client's own rooms. ``client_manager(redis_url)`` builds the manager
the app installs: in memory, or on Redis (the message queue of a scale-out) with the same index.

``basic_disconnect`` repeats the end of python-socketio 5's ``BaseManager.basic_disconnect``
(its pending lists and ack callbacks); tests/core/test_socket_rooms.py checks the two agree.
"""

import socketio

FLASK_SOCKETIO_CHANNEL = "flask-socketio"  # Flask-SocketIO's default: every process must use the same


class IndexedRooms:
    """A mixin before a python-socketio manager class: ``_sid_rooms[namespace][sid]`` = its rooms."""

    def _rooms_of(self, namespace):
        index = self.__dict__.setdefault("_sid_rooms", {})
        return index.setdefault(namespace, {})

    def basic_enter_room(self, sid, namespace, room, eio_sid=None):
        super().basic_enter_room(sid, namespace, room, eio_sid=eio_sid)
        self._rooms_of(namespace).setdefault(sid, {})[room] = True

    def basic_leave_room(self, sid, namespace, room):
        super().basic_leave_room(sid, namespace, room)
        by_sid = self._rooms_of(namespace)
        rooms = by_sid.get(sid)
        if rooms is not None:
            rooms.pop(room, None)
            if not rooms:
                del by_sid[sid]

    def get_rooms(self, sid, namespace):
        return [room for room in self._rooms_of(namespace).get(sid, {}) if room is not None]

    def basic_disconnect(self, sid, namespace, **kwargs):
        if namespace not in self.rooms:
            return
        for room in list(self._rooms_of(namespace).get(sid, {})):
            self.basic_leave_room(sid, namespace, room)
        self.callbacks.pop(sid, None)
        for pending in (self.pending_connect, self.pending_disconnect):
            if namespace in pending and sid in pending[namespace]:
                pending[namespace].remove(sid)
                if not pending[namespace]:
                    del pending[namespace]


class IndexedManager(IndexedRooms, socketio.Manager):
    pass


class IndexedRedisManager(IndexedRooms, socketio.RedisManager):
    pass


def client_manager(redis_url=None):
    """The app's client manager: on Redis when ``redis_url`` is set (Flask-SocketIO's channel)."""
    if redis_url:
        return IndexedRedisManager(redis_url, channel=FLASK_SOCKETIO_CHANNEL, write_only=False)
    return IndexedManager()
