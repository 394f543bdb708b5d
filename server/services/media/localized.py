"""Documents rendered in the media worker, in the caller's language.

Building a large document is seconds of pure CPU (the synthesis of 5,000 questions: about
10–20 s of reportlab), and under gevent or eventlet a request that computes for seconds stops
every socket of the process: heartbeats, questions, overlays. So the server gathers the data
(database work, cheap) and the worker process lays it out: ``render(fn, *args)`` runs
``fn(*args)`` in the media worker (``worker.run``: one job at a time, a time limit, the hub
keeps serving while it waits) inside a bare Flask app context that speaks the request's
locale, so ``gettext`` in ``fn`` translates as it would have in the request. ``fn`` and its
arguments must pickle (module-level functions, plain data). The caller's read transaction is
ended before the wait, so a request waiting for its document holds no pooled database
connection (a dozen downloads at once would otherwise empty the pool for everyone).
"""

from server.services.media import worker

DOCUMENT_TIMEOUT_S = 180.0
_apps = {}


def _worker_app():
    """A bare Flask app with the message catalogs (in the worker; no database, no sockets)."""
    app = _apps.get("app")
    if app is None:
        from flask import Flask
        from flask_babel import Babel

        from server.i18n import TRANSLATIONS

        app = Flask("bridgecast-document-worker")
        app.config.update(BABEL_TRANSLATION_DIRECTORIES=TRANSLATIONS, BABEL_DEFAULT_LOCALE="vi")
        Babel(app)
        _apps["app"] = app
    return app


def call_in_locale(locale, fn, *args):
    """The worker side: ``fn(*args)`` in an app context speaking ``locale``."""
    from flask_babel import force_locale

    with _worker_app().app_context(), force_locale(locale):
        return fn(*args)


def render(fn, *args, timeout=DOCUMENT_TIMEOUT_S):
    """The server side: ``fn(*args)`` laid out in the media worker, in the current locale."""
    from flask_babel import get_locale

    from server.extensions import db

    locale = str(get_locale() or "vi")
    db.session.commit()  # the data is gathered: give the connection back while the worker lays it out
    return worker.run(call_in_locale, locale, fn, *args, timeout=timeout)
