"""WebSocket support for gevent under every server, not only gevent-websocket's.

python-engineio's gevent driver uses gevent-websocket when it is installed, which needs
``environ["wsgi.websocket"]``: only gevent-websocket's handler (``socketio.run`` or
``gunicorn -k geventwebsocket.gunicorn.workers.GeventWebSocketWorker``) provides it, so
under plain ``gunicorn -k gevent`` every websocket upgrade failed. ``install(server)``
swaps in a wrapper that uses gevent-websocket when the request carries it and otherwise
simple-websocket on the raw socket (``gunicorn.socket``), with gevent's primitives.

Also: gevent's pywsgi writes a response's headers and its body in two sends, so with Nagle's
algorithm on, every keep-alive response waited for the client's delayed ACK (about 40 ms per
request, measured). ``install`` turns TCP_NODELAY on for every connection gevent accepts.
"""

import socket as _socket


class _EitherWebSocket:
    """Engine.IO's websocket wrapper interface, picking the implementation per request."""

    def __init__(self, handler, server):
        self.handler = handler
        self.server = server
        self.impl = None

    def __call__(self, environ, start_response):
        from engineio.async_drivers import gevent as gevent_driver

        if "wsgi.websocket" in environ:
            self.impl = gevent_driver.WebSocketWSGI(self.handler, self.server)
        else:
            import gevent.event
            import gevent.selectors
            from engineio.async_drivers._websocket_wsgi import SimpleWebSocketWSGI

            self.impl = SimpleWebSocketWSGI(
                self.handler,
                self.server,
                thread_class=gevent_driver.Thread,
                event_class=gevent.event.Event,
                selector_class=gevent.selectors.DefaultSelector,
            )
        return self.impl(environ, start_response)

    def close(self):
        return self.impl.close()

    def send(self, message):
        return self.impl.send(message)

    def wait(self):
        return self.impl.wait()


def _no_delay_on_accept():
    """Wrap gevent's ``WSGIServer.handle`` (also gunicorn's gevent servers) once."""
    from gevent import pywsgi

    original = pywsgi.WSGIServer.handle
    if getattr(original, "bridgecast_nodelay", False):
        return

    def handle(self, sock, address):
        try:
            sock.setsockopt(_socket.IPPROTO_TCP, _socket.TCP_NODELAY, 1)
        except (OSError, AttributeError):  # not TCP (a unix socket): nothing to do
            pass
        return original(self, sock, address)

    handle.bridgecast_nodelay = True
    pywsgi.WSGIServer.handle = handle


def _client_errors_without_traceback():
    """gevent's handler prints a traceback for a request it cannot parse unless the error is a
    ValueError; http.client's "got more than 100 headers" is an HTTPException. A client's bad
    request is a 400 and one log line, never a traceback in the server's log."""
    import http.client

    from gevent import pywsgi

    original = pywsgi.WSGIHandler._handle_client_error
    if getattr(original, "bridgecast_quiet", False):
        return

    def handle(self, ex):
        if isinstance(ex, http.client.HTTPException):
            ex = ValueError(str(ex) or type(ex).__name__)
        return original(self, ex)

    handle.bridgecast_quiet = True
    pywsgi.WSGIHandler._handle_client_error = handle


def install(socketio):
    """Give the Engine.IO server of ``socketio`` the dual websocket wrapper in gevent mode,
    gevent's server TCP_NODELAY, and no traceback for a client's unparseable request."""
    eio = getattr(getattr(socketio, "server", None), "eio", None)
    if eio is None or eio.async_mode != "gevent":
        return False
    eio._async = dict(eio._async, websocket=_EitherWebSocket)
    _no_delay_on_accept()
    _client_errors_without_traceback()
    return True
