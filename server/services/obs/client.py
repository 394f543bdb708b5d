"""Thin, safer subclasses of obsws-python's ReqClient and EventClient.

Owns the wire-level behaviour obsws-python gets wrong for a long-running server:

* ``ObsRequestClient.request`` matches responses by request id (so a late answer after a
  timeout cannot be mistaken for the next one), always applies a timeout, reports close codes;
* ``ObsEventClient`` never lets a callback exception kill its reader thread, hands raw
  ``(event_type, data)`` to one handler, and reports *why* the socket closed (close code);
* neither ``repr`` shows the password, and obsws-python's logger is kept at WARNING because it
  logs the password at INFO.

Serialising requests is the caller's job (see ``connection.py``).
"""

import json
import logging
import struct
import threading
import uuid

import obsws_python
from obsws_python.error import OBSSDKError
from websocket import ABNF, WebSocketConnectionClosedException, WebSocketException, WebSocketTimeoutException

from .errors import CLOSE_AUTH_FAILED, FATAL_CLOSE_CODES, ObsError, ObsFatalError

log = logging.getLogger(__name__)
logging.getLogger("obsws_python").setLevel(logging.WARNING)  # it logs the password at INFO


class _NoTraceback(logging.Filter):
    """obsws-python logs every refused connection with a traceback; keep one line instead."""

    def filter(self, record):
        record.exc_info = None
        record.exc_text = None
        return True


for _name in ("obsws_python.baseclient.ObsClient", "obsws_python.reqs.ReqClient", "obsws_python.events.EventClient"):
    logging.getLogger(_name).addFilter(_NoTraceback())

# low-volume events plus the high-volume InputVolumeMeters (~20/s, throttled in connection.py)
EVENT_SUBSCRIPTIONS = int(obsws_python.Subs.LOW_VOLUME) | int(obsws_python.Subs.INPUTVOLUMEMETERS)


class ConnectionClosed(Exception):
    """The OBS socket closed; ``code`` is the WebSocket close code when OBS sent one."""

    def __init__(self, code=None):
        self.code = code
        super().__init__(f"OBS socket closed (code {code})")


def close_code(frame):
    data = getattr(frame, "data", b"") or b""
    return struct.unpack("!H", data[:2])[0] if len(data) >= 2 else None


def recv_message(ws):
    """Read the next JSON message; raise ConnectionClosed (with its code) on close."""
    while True:
        try:
            opcode, frame = ws.recv_data_frame(True)
        except WebSocketTimeoutException:
            raise
        except (WebSocketConnectionClosedException, OSError, WebSocketException) as exc:
            raise ConnectionClosed() from exc
        if opcode == ABNF.OPCODE_CLOSE:
            raise ConnectionClosed(close_code(frame))
        if opcode in (ABNF.OPCODE_TEXT, ABNF.OPCODE_BINARY):
            payload = frame if isinstance(frame, (bytes, str)) else frame.data
            if isinstance(payload, bytes):
                payload = payload.decode("utf-8")
            return json.loads(payload)


class ObsRequestClient(obsws_python.ReqClient):
    """ReqClient with id-matched responses and explicit timeouts. Not thread-safe."""

    def __repr__(self):
        bc = self.base_client
        return f"ObsRequestClient(host={bc.host!r}, port={bc.port})"

    __str__ = __repr__

    def _roundtrip(self, op, d, request_id, response_op, timeout):
        ws = self.base_client.ws
        ws.settimeout(timeout)
        try:
            ws.send(json.dumps({"op": op, "d": d}))
            while True:
                msg = recv_message(ws)
                if msg.get("op") == response_op and msg.get("d", {}).get("requestId") == request_id:
                    return msg["d"]
        except WebSocketTimeoutException as exc:
            raise ObsError("obs_timeout") from exc
        except (WebSocketConnectionClosedException, BrokenPipeError, ConnectionError) as exc:
            raise ConnectionClosed() from exc

    def request(self, request_type, data=None, timeout=5.0):
        """Send one request; return the raw response ``d`` (with requestStatus)."""
        rid = uuid.uuid4().hex
        d = {"requestType": request_type, "requestId": rid}
        if data:
            d["requestData"] = data
        return self._roundtrip(6, d, rid, 7, timeout)

    def request_batch(self, requests, halt_on_failure=False, timeout=10.0):
        """Send a RequestBatch (op 8); return the list of raw results."""
        rid = uuid.uuid4().hex
        d = {"requestId": rid, "haltOnFailure": bool(halt_on_failure), "executionType": 0, "requests": requests}
        return self._roundtrip(8, d, rid, 9, timeout).get("results", [])

    def close(self):
        try:
            self.base_client.ws.abort()
            self.base_client.ws.shutdown()
        except Exception:  # pragma: no cover - best effort
            pass


class ObsEventClient(obsws_python.EventClient):
    """EventClient whose reader thread survives bad callbacks and reports its close code.

    ``on_event(event_type, data)`` is called for each event; ``on_close(code)`` once, when the
    reader stops (``code`` is None for an abrupt close).
    """

    def __init__(self, on_event, on_close, **kwargs):
        self._on_event = on_event
        self._on_close = on_close
        self._stop = threading.Event()
        self.close_code = None
        super().__init__(**kwargs)

    def __repr__(self):
        bc = self.base_client
        return f"ObsEventClient(host={bc.host!r}, port={bc.port})"

    __str__ = __repr__

    def subscribe(self):
        self.base_client.ws.settimeout(None)
        self.worker = threading.Thread(target=self.trigger, args=(self._stop,), daemon=True, name="obs-events")
        self.worker.start()

    def trigger(self, stop_event):
        code = None
        try:
            while not stop_event.is_set():
                try:
                    msg = recv_message(self.base_client.ws)
                except ConnectionClosed as exc:
                    code = exc.code
                    break
                except Exception:  # malformed frame, timeout: treat as a dead socket
                    log.warning("OBS event reader stopped on an unreadable message")
                    break
                if msg.get("op") != 5:
                    continue
                d = msg.get("d") or {}
                try:
                    self._on_event(d.get("eventType"), d.get("eventData") or {})
                except Exception:
                    log.exception("OBS event handler failed for %s", d.get("eventType"))
        finally:
            self.close_code = code
            try:
                self._on_close(code)
            except Exception:
                log.exception("OBS close handler failed")

    @property
    def alive(self):
        return self.worker.is_alive()

    def close(self, join_timeout=2.0):
        self._stop.set()
        try:
            self.base_client.ws.abort()
            self.base_client.ws.shutdown()
        except Exception:  # pragma: no cover - best effort
            pass
        if self.worker is not threading.current_thread():
            self.worker.join(join_timeout)


def probe_identify(host, port, password, timeout):
    """Do a bare Hello/Identify to learn why obsws-python's handshake failed.

    Raises ObsFatalError for close code 4009/4011 (or auth needed but no password), ObsError
    ``obs_unreachable`` otherwise. Returns normally when identification works.
    """
    import base64
    import hashlib

    import websocket

    ws = websocket.WebSocket()
    try:
        ws.connect(f"ws://{host}:{port}", timeout=timeout)
        hello = recv_message(ws)
        ident = {"rpcVersion": 1, "eventSubscriptions": 0}
        auth = (hello.get("d") or {}).get("authentication")
        if auth:
            if not password:
                raise ObsFatalError("obs_auth_failed", detail="password required")
            secret = base64.b64encode(hashlib.sha256((password + auth["salt"]).encode()).digest())
            ident["authentication"] = base64.b64encode(
                hashlib.sha256(secret + auth["challenge"].encode()).digest()
            ).decode()
        ws.send(json.dumps({"op": 1, "d": ident}))
        msg = recv_message(ws)
        if msg.get("op") != 2:
            raise ObsError("obs_unreachable", detail="unexpected handshake reply")
    except ConnectionClosed as exc:
        code = exc.code
        if code in FATAL_CLOSE_CODES:
            raise ObsFatalError(FATAL_CLOSE_CODES[code], status=code) from None
        raise ObsError("obs_unreachable", detail=f"closed {code}") from None
    except ObsError:
        raise
    except Exception as exc:
        raise ObsError("obs_unreachable", detail=type(exc).__name__) from None
    finally:
        try:
            ws.shutdown()
        except Exception:
            pass


def open_clients(settings, on_event, on_close, timeout=5.0):
    """Build (request client, event client) for ``settings``; raise ObsError/ObsFatalError."""
    kwargs = dict(host=settings.host, port=settings.port, password=settings.password, timeout=timeout)
    req = events = None
    try:
        req = ObsRequestClient(**kwargs)
        events = ObsEventClient(on_event, on_close, subs=EVENT_SUBSCRIPTIONS, **kwargs)
        return req, events
    except OBSSDKError:
        if req is not None:
            req.close()
        # obsws-python hides the close code: ask the server again, ourselves.
        probe_identify(settings.host, settings.port, settings.password, timeout)
        raise ObsError("obs_unreachable", detail="handshake failed") from None
    except ObsError:
        if req is not None:
            req.close()
        raise
    except Exception as exc:
        if req is not None:
            req.close()
        raise ObsError("obs_unreachable", detail=type(exc).__name__) from None


__all__ = [
    "ObsRequestClient",
    "ObsEventClient",
    "open_clients",
    "probe_identify",
    "ConnectionClosed",
    "CLOSE_AUTH_FAILED",
]
