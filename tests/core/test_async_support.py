"""gevent's server gets TCP_NODELAY on every accepted connection (its pywsgi sends headers
and body separately; with Nagle on, each keep-alive response waited ~40 ms for an ACK)."""

import socket

from server import async_support


def test_accepted_connections_get_tcp_nodelay(monkeypatch):
    from gevent import pywsgi

    handled = []
    monkeypatch.setattr(pywsgi.WSGIServer, "handle", lambda self, sock, address: handled.append(address))
    async_support._no_delay_on_accept()
    async_support._no_delay_on_accept()  # idempotent: wrapped once
    assert pywsgi.WSGIServer.handle.bridgecast_nodelay
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    client = socket.create_connection(listener.getsockname())
    accepted, address = listener.accept()
    try:
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
        pywsgi.WSGIServer.handle(object(), accepted, address)
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
        assert handled == [address]
    finally:
        for s in (client, accepted, listener):
            s.close()
