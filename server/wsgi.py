"""The WSGI entry point for gunicorn: ``gunicorn -k eventlet -w 1 server.wsgi:app``.

gunicorn's eventlet and gevent workers monkey-patch before importing this module; the
async mode follows the worker class (``BRIDGECAST_ASYNC_MODE`` must match it).
"""
import os

from server import create_app, start_background_services

app = create_app({"ASYNC_MODE": os.environ.get("BRIDGECAST_ASYNC_MODE", "eventlet").strip().lower()})
start_background_services(app)
