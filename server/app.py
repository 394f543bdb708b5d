"""The Bridgecast application factory.

``create_app`` reads like a table of contents: each ``configure_*`` step is a short
function below, in order. ``start_background_services`` lists every long-running task of a
server process (ownership renewals, OBS supervisors, the agenda clock push, the bridge
monitor); the entry points call it, so tests and CLI commands stay quiet. Nothing starts
as a side effect of importing a module or registering a blueprint.
"""

import logging
import os
import secrets

from flask import Flask

from server.config import Config, from_environment
from server.extensions import babel, csrf, db, migrate, socketio


def create_app(config=None):
    """Build the app. ``config`` is a mapping (or object) applied last, after the environment."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    configure_settings(app, config)
    configure_logging(app)
    configure_database(app)
    configure_i18n(app)
    configure_security(app)
    configure_socketio(app)
    configure_ownership(app)
    configure_presence(app)
    configure_obs(app)
    configure_blueprints(app)
    configure_realtime(app)
    configure_static(app)
    configure_cli(app)
    prepare_database(app)
    return app


def configure_settings(app, config):
    """Defaults, then instance/config.py, then the environment, then the caller's mapping."""
    app.config.from_object(Config)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(from_environment())
    if config is not None:
        if isinstance(config, dict):
            app.config.update(config)
        else:
            app.config.from_object(config)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        path = os.path.join(app.instance_path, "bridgecast.db")
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    if not os.path.isabs(app.config["UPLOAD_FOLDER"]):
        app.config["UPLOAD_FOLDER"] = os.path.join(app.instance_path, app.config["UPLOAD_FOLDER"])
    os.makedirs(app.config["UPLOAD_FOLDER"], exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(app.instance_path)
    from server.services.private_files import make_private

    make_private(app)  # umask 077 from here on; existing database and uploads tightened


def _instance_secret(instance_path):
    """A random key kept in instance/secret_key so sessions survive restarts."""
    path = os.path.join(instance_path, "secret_key")
    try:
        with open(path, encoding="ascii") as fh:
            key = fh.read().strip()
            if key:
                return key
    except FileNotFoundError:
        pass
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key)
    return key


def configure_logging(app):
    from server.logs import setup_logging

    setup_logging(app.config["LOG_LEVEL"], json_lines=app.config["LOG_JSON"])


def configure_database(app):
    from server.services.database import install_idle_ping, install_sqlite_pragmas

    if app.config["SQLALCHEMY_ENGINE_OPTIONS"].get("pool_pre_ping") is None:
        # No ping on every checkout (the hot paths check out often): a local SQLite file does not drop
        # connections, and a server's pooled connections are pinged only after sitting idle (install_idle_ping).
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**app.config["SQLALCHEMY_ENGINE_OPTIONS"], "pool_pre_ping": False}
        idle_ping = True
    else:
        idle_ping = False
    if not str(app.config["SQLALCHEMY_DATABASE_URI"] or "").startswith("sqlite"):
        pool = {
            "pool_size": int(app.config["DB_POOL_SIZE"]),
            "max_overflow": int(app.config["DB_MAX_OVERFLOW"]),
            "pool_timeout": float(app.config["DB_POOL_TIMEOUT"]),
        }
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**pool, **app.config["SQLALCHEMY_ENGINE_OPTIONS"]}
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "..", "migrations"))
    with app.app_context():
        install_sqlite_pragmas(db.engine)
        if idle_ping:
            install_idle_ping(db.engine)
    import server.models  # noqa: F401  (registers every model)


def configure_i18n(app):
    from server.i18n import init_i18n

    init_i18n(app, babel)


def configure_security(app):
    from server.web.security import init_security

    csrf.init_app(app)
    init_security(app)


def configure_socketio(app):
    # Flask-SocketIO keeps a Redis client manager from an earlier init_app with a queue: an app
    # without REDIS_URL (a test after a scale-out test, in one process) must start without it.
    from server.realtime.rooms import client_manager

    socketio.server_options.pop("client_manager", None)
    socketio.init_app(
        app,
        async_mode=app.config["ASYNC_MODE"],
        message_queue=app.config.get("REDIS_URL"),
        client_manager=client_manager(app.config.get("REDIS_URL")),  # a disconnect costs its own rooms only
        cors_allowed_origins=app.config.get("SOCKETIO_CORS_ORIGINS"),  # None: same origin only
        ping_interval=10,
        ping_timeout=20,
        max_http_buffer_size=64 * 1024,
        logger=False,
        engineio_logger=False,
    )
    from server.async_support import install as install_websocket_support
    from server.realtime.fair_share import install as install_fair_share

    install_websocket_support(socketio)
    install_fair_share(socketio, app)


def configure_ownership(app):
    from server.services.ownership import init_app

    init_app(app)


def configure_presence(app):
    """A fresh app starts with an empty in-memory presence book and no restart grace window
    (``start_background_services`` opens the window in a real server process)."""
    from server.services.bridges import presence
    from server.services.bridges.liveness import book

    book.clear()
    presence.end_grace()
    book.share_sockets(None, "")
    if app.config.get("REDIS_URL"):
        import redis

        from server.services.ownership import node_id

        book.share_sockets(
            redis.Redis.from_url(app.config["REDIS_URL"], socket_timeout=2, socket_connect_timeout=2), node_id()
        )


def configure_obs(app):
    """The OBS runtime (one supervised connection per event, started with the background services)."""
    from server.services.archive.observe import watch_obs
    from server.services.obs.runtime import configure_obs as create_obs_runtime

    watch_obs(create_obs_runtime(app))  # recording sessions and the as-run log follow OBS's outputs


def configure_blueprints(app):
    from server.web import register_blueprints

    register_blueprints(app)


def configure_realtime(app):
    from server.realtime import register_namespaces

    register_namespaces(socketio)


def configure_static(app):
    """Hashed, compressed static files served by WhiteNoise (``server/static_build.py``)."""
    from server.static_build import init_static

    init_static(app)


def configure_cli(app):
    from server.cli import register_cli

    register_cli(app)


def prepare_database(app):
    """Run migrations and seed the demo congress on first start, when the settings ask for it."""
    if not app.config["AUTO_MIGRATE"]:
        return
    from server.services.database import upgrade_database
    from server.services.demo.seed import ensure_demo

    with app.app_context():
        upgrade_database()
        if app.config["DEMO_SEED"]:
            ensure_demo(app.config.get("ADMIN_PASSWORD"))


def start_background_services(app):
    """Start every long-running task of a server process. Called by the server entry points."""
    from server import background
    from server.services import ownership
    from server.services.agenda.live import push_clocks_once
    from server.services.bridges import monitor
    from server.services.obs.runtime import obs_runtime
    from server.services.standby.switch import check_auto

    ownership.start_renewals(app)  # first: the loops below ask it which events run here
    with app.app_context():
        from server.services.bridges import presence

        presence.start_grace()  # a restart sends nobody offline before the phones can beat again
    if app.config.get("OBS_AUTOSTART", True):
        obs_runtime(app).start_all()
    if app.config.get("PRELOAD", False):
        preload_libraries(app)
    background.every(app, "agenda clock push", push_clocks_once, 1.0)
    background.every(app, "bridge monitor", monitor.run_once, monitor.tick_seconds(app.config))
    background.every(app, "standby watch", check_auto, 1.0, per_event=True)
    tune_garbage_collector()


def tune_garbage_collector():
    """Thousands of sockets make a large, long-lived heap: move what start-up built out of
    the collector's reach and collect the young generation less often, so full collections
    (which pause every client at once) are rare. Called once the app is built."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


def preload_libraries(app):
    """Start the media worker and import there, before anyone asks, what the heavy jobs need (the
    themes engine: scikit-learn, SciPy; the synthesis's chart picture: PyMuPDF), in a background
    task: the first themes view or Word export then waits for neither. The server process itself
    never imports them (``theme_jobs.py``). Off by default (``BRIDGECAST_PRELOAD=1`` turns it on):
    the first job waits for the worker cooperatively, and a warmed gevent server measured 335 MB
    idle against 165 MB."""
    from server.extensions import socketio

    def warm():
        from server.services.media import worker
        from server.services.questions import theme_jobs

        try:
            with app.app_context():
                worker.run(theme_jobs.warm, timeout=120)
        except Exception:  # the worker starts again on the first job
            logging.getLogger(__name__).exception("media worker warm-up failed")

    socketio.start_background_task(warm)
