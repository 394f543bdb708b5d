"""The WSGI entry point for gunicorn: ``gunicorn -k gevent -w 1 server.wsgi:app``
(or ``-k eventlet`` with ``BRIDGECAST_ASYNC_MODE=eventlet``, on gunicorn 25: 26 dropped that worker).

gunicorn's eventlet and gevent workers monkey-patch before importing this module; the
async mode follows the worker class (``BRIDGECAST_ASYNC_MODE`` must match it).
"""

import os

from server import create_app, start_background_services

app = create_app({"ASYNC_MODE": os.environ.get("BRIDGECAST_ASYNC_MODE", "gevent").strip().lower()})
start_background_services(app)
