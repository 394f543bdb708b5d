"""Fair share of the server between socket clients: no single client can stall the room.

Installed on the Socket.IO server before any event handler runs, so a flood is refused where it
enters, before a handler is spawned or the database is touched:

- **events per connection**: a token bucket per Engine.IO connection (``SOCKET_EVENT_RATE``,
  e.g. ``"60/5"`` = bursts of 60, 12/s sustained); an event over it is acked
  ``{"ok": false, "error": "too_many_events"}`` (no handler runs), and a connection that keeps
  flooding (``SOCKET_FLOOD_DISCONNECT`` refusals in a row) is disconnected;
- **events per address**: a bucket per client address across its connections
  (``SOCKET_ADDRESS_EVENT_RATE``), sized for a NAT-ed commune hall;
- **handlers in flight per connection** (``SOCKET_MAX_IN_FLIGHT``): a client that does not wait
  for its acks gets ``too_many_events`` instead of a queue of greenlets;
- **connections per address** (``SOCKET_MAX_PER_ADDRESS``): the Engine.IO handshake is refused
  beyond it;
- each refusal yields to the hub, so heartbeats, the offline sweep and HTTP requests are served
  between the flood's packets.

The address is ``REMOTE_ADDR``, or the last ``X-Forwarded-For`` hop behind a trusted proxy
(``PROXY_FIX``), as for HTTP.
"""

import logging
import threading

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from socketio import packet

from server.services.ratelimit import MemoryRateLimiter, Rule

log = logging.getLogger(__name__)

TOO_MANY = _l("Gửi quá nhiều yêu cầu cùng lúc, hãy chờ giây lát.")


def client_address(environ, trust_proxy=False):
    if trust_proxy:
        forwarded = environ.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return environ.get("REMOTE_ADDR") or "?"


class FairShare:
    """The per-connection and per-address budgets of one Socket.IO server."""

    def __init__(self, server, config, sleep):
        self.server = server
        self.sleep = sleep
        self.trust_proxy = bool(config.get("PROXY_FIX"))
        self.event_rule = Rule.parse(config.get("SOCKET_EVENT_RATE", "60/5"))
        self.address_rule = Rule.parse(config.get("SOCKET_ADDRESS_EVENT_RATE", "3000/5"))
        self.max_in_flight = int(config.get("SOCKET_MAX_IN_FLIGHT", 16))
        self.flood_disconnect = int(config.get("SOCKET_FLOOD_DISCONNECT", 200))
        self.max_per_address = int(config.get("SOCKET_MAX_PER_ADDRESS", 2000))
        self.buckets = MemoryRateLimiter()
        self.lock = threading.Lock()
        self.address_of = {}  # eio sid -> address
        self.connections = {}  # address -> open Engine.IO connections
        self.in_flight = {}  # eio sid -> handlers running
        self.refused = {}  # eio sid -> refusals in a row
        self.refusals_total = 0

    # ---- connections ---------------------------------------------------------------------
    def on_connect(self, eio_sid, environ):
        address = client_address(environ, self.trust_proxy)
        with self.lock:
            if self.connections.get(address, 0) >= self.max_per_address:
                log.warning("socket connection refused: %s has %s connections", address, self.max_per_address)
                return False
            self.connections[address] = self.connections.get(address, 0) + 1
            self.address_of[eio_sid] = address
        return True

    def on_disconnect(self, eio_sid):
        with self.lock:
            address = self.address_of.pop(eio_sid, None)
            if address is not None:
                left = self.connections.get(address, 1) - 1
                if left > 0:
                    self.connections[address] = left
                else:
                    self.connections.pop(address, None)
            self.in_flight.pop(eio_sid, None)
            self.refused.pop(eio_sid, None)

    # ---- events --------------------------------------------------------------------------
    def admit(self, eio_sid):
        """True when this event may run; else counts the refusal."""
        address = self.address_of.get(eio_sid, "?")
        ok = (
            self.in_flight.get(eio_sid, 0) < self.max_in_flight
            and self.buckets.hit(f"c:{eio_sid}", self.event_rule)[0]
            and self.buckets.hit(f"a:{address}", self.address_rule)[0]
        )
        with self.lock:
            if ok:
                self.refused.pop(eio_sid, None)
                self.in_flight[eio_sid] = self.in_flight.get(eio_sid, 0) + 1
            else:
                self.refused[eio_sid] = self.refused.get(eio_sid, 0) + 1
                self.refusals_total += 1
        return ok

    def done(self, eio_sid):
        with self.lock:
            if eio_sid in self.in_flight:
                self.in_flight[eio_sid] = max(0, self.in_flight[eio_sid] - 1)

    def flooding(self, eio_sid):
        return self.refused.get(eio_sid, 0) >= self.flood_disconnect


def _refusal_acks(app):
    """The refusal ack in each language (there is no request context in the gate)."""
    acks = {}
    with app.app_context():
        for lang in ("vi", "en"):
            with force_locale(lang):
                acks[lang] = {"ok": False, "error": "too_many_events", "message": str(TOO_MANY)}
    return acks


def _language(environ):
    accept = (environ or {}).get("HTTP_ACCEPT_LANGUAGE", "")
    return "en" if accept.lower().startswith("en") else "vi"


def install(socketio, app):
    """Put the fair-share gate in front of ``socketio``'s server (once per server)."""
    server = socketio.server
    if getattr(server, "bridgecast_fair_share", None) is not None:
        server.bridgecast_fair_share.__init__(server, app.config, socketio.sleep)  # a new app's settings
        return server.bridgecast_fair_share
    share = FairShare(server, app.config, socketio.sleep)
    server.bridgecast_fair_share = share
    eio_connect = server.eio.handlers["connect"]
    eio_disconnect = server.eio.handlers["disconnect"]

    def on_eio_connect(eio_sid, environ):
        if not share.on_connect(eio_sid, environ):
            return False
        return eio_connect(eio_sid, environ)

    def on_eio_disconnect(eio_sid, *args):
        try:
            return eio_disconnect(eio_sid, *args)
        finally:
            share.on_disconnect(eio_sid)

    server.eio.handlers["connect"] = on_eio_connect
    server.eio.handlers["disconnect"] = on_eio_disconnect
    original = server._handle_event
    refusals = _refusal_acks(app)

    def run(srv, sid, eio_sid, data, namespace, id):
        try:
            server._handle_event_internal(srv, sid, eio_sid, data, namespace, id)
        finally:
            share.done(eio_sid)

    def handle_event(eio_sid, namespace, id, data):
        namespace = namespace or "/"
        if not share.admit(eio_sid):
            if id is not None:
                server._send_packet(
                    eio_sid,
                    server.packet_class(
                        packet.ACK, namespace=namespace, id=id, data=[refusals[_language(server.environ.get(eio_sid))]]
                    ),
                )
            if share.flooding(eio_sid):
                log.warning("socket %s disconnected: event flood", eio_sid)
                share.refused.pop(eio_sid, None)
                server.eio.disconnect(eio_sid)
            share.sleep(0)  # let heartbeats, sweeps and HTTP run between the flood's packets
            return None
        sid = server.manager.sid_from_eio_sid(eio_sid, namespace)
        if not server.manager.is_connected(sid, namespace):
            share.done(eio_sid)
            return original(eio_sid, namespace, id, data)
        if server.async_handlers:
            server.start_background_task(run, server, sid, eio_sid, data, namespace, id)
        else:
            run(server, sid, eio_sid, data, namespace, id)
        return None

    server._handle_event = handle_event
    return share
