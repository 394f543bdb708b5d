"""Settings: defaults for development, overridden by the environment, then by the caller.

Owns every configuration key the application reads. Nothing else reads ``os.environ``
for settings; the entry points only read the async mode before monkey patching.
"""

import os


def _bool(value, default=False):
    if value is None or value == "":
        return default
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def _int(value, default):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _float(value, default):
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


class Config:
    """Defaults. Paths relative to the instance folder are resolved in the factory."""

    SECRET_KEY = None  # resolved in the factory: env, instance/secret_key, or generated
    SQLALCHEMY_DATABASE_URI = None  # default: sqlite under instance/
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLALCHEMY_ENGINE_OPTIONS = {}  # pool_pre_ping unset: pooled connections pinged only after idling (database.py)
    # A database server's connection pool, per process (SQLite keeps SQLAlchemy's own): every request and
    # socket event holds a connection while it runs; thousands of sockets need more than SQLAlchemy's 5 + 10.
    # Processes × (size + overflow) must stay under PostgreSQL's max_connections (100 by default).
    DB_POOL_SIZE = 20
    DB_MAX_OVERFLOW = 20
    DB_POOL_TIMEOUT = 10.0  # seconds a handler waits for a connection before it fails (503), not SQLAlchemy's 30
    REDIS_URL = None
    ASYNC_MODE = "gevent"
    AUTO_MIGRATE = True
    DEMO_SEED = True
    ADMIN_PASSWORD = None
    OBS_URL = None
    OBS_PASSWORD = None
    OBS_AUTOSTART = True
    # Start the media worker with its heavy libraries (scikit-learn, SciPy, PyMuPDF) at start. Off: the server
    # never imports them (theme_jobs.py), and the first job waits for the worker without pausing the hub; on,
    # a gevent server process measured 335 MB idle instead of 165 (docs/operations.md).
    PRELOAD = False
    # restream to fan pages (server/services/restream/): the nginx-rtmp ingest and the pushers
    RESTREAM_DIR = None  # default: instance/restream (nginx prefix, generated config, its log)
    RESTREAM_INGEST_PORT = 0  # 0: a free port at start
    RESTREAM_INGEST_BIND = "127.0.0.1"  # where nginx listens; publishing is loopback-only when it is 127.0.0.1
    RESTREAM_INGEST_HOST = "127.0.0.1"  # the host OBS is told to stream to
    RESTREAM_BACKOFF_MAX = 8.0  # seconds between a page's restarts, at most
    PUBLIC_URL = None  # base for links in QR codes; default: the request host when it is loopback or in PUBLIC_HOSTS
    SOCKET_EVENT_RATE = "60/5"  # events per socket connection: burst/seconds (fair share)
    SOCKET_ADDRESS_EVENT_RATE = "3000/5"  # events per client address, all its connections together
    SOCKET_MAX_IN_FLIGHT = 16  # handlers running at once for one connection
    SOCKET_FLOOD_DISCONNECT = 200  # refusals in a row before a flooding connection is dropped
    SOCKET_MAX_PER_ADDRESS = 2000  # open connections per address (a NAT-ed hall shares one)
    PUBLIC_HOSTS = ()  # extra hosts whose requests may name the links' base (BRIDGECAST_PUBLIC_HOSTS, comma-separated)
    HOST = "127.0.0.1"
    PORT = 5000
    LOG_LEVEL = "INFO"
    LOG_JSON = True
    UPLOAD_FOLDER = "uploads"
    PRIVATE_FILES = True  # umask 077: database and uploads 0600, their folders 0700 (server/services/private_files.py)
    AGENDA_SCENES = None  # scene names agenda cues may use; None: the scene packs and OBS decide
    MAX_CONTENT_LENGTH = 50 * 1024 * 1024  # uploads; JSON endpoints cap lower themselves
    MEDIA_JOB_TIMEOUT_S = 30.0  # one media worker job (a PDF page, a photo, the logo): past it, the worker is killed
    MEDIA_WORKER_MEMORY_MB = 1536  # the media worker's address space (RLIMIT_AS)
    JSON_MAX_BYTES = 16 * 1024
    HEARTBEAT_INTERVAL_S = 5.0
    OFFLINE_AFTER_S = 20.0
    RESTART_GRACE_MAX_S = 120.0  # after a restart, the sweep waits for the phones at most this long
    DEGRADED_AFTER_MISSED_BEATS = 2
    OWNERSHIP_TTL_S = 10.0  # scale-out: an event's owner lock expires this long after its owner died
    # Login throttling (server/services/accounts/login_throttle.py), lists of "N/S" buckets:
    # one account from one address: 5 quick tries, then one per 12 s; past 20 in an hour, one per 3 min.
    LOGIN_RATE_ACCOUNT_ADDRESS = ("5/60", "20/3600")
    # one address over all accounts (password spraying; a venue's NAT shares it): 30/min, 200/hour.
    LOGIN_RATE_ADDRESS = ("30/60", "200/3600")
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")
    SESSION_COOKIE_NAME = "bridgecast_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = 12 * 3600
    WTF_CSRF_TIME_LIMIT = None  # a console stays open all day; the token lives with the session
    TESTING = False
    PROXY_FIX = False  # trust X-Forwarded-* from one reverse proxy (nginx)
    # Question rate limits, "N/S": N at once, then N every S seconds (server/services/questions.py).
    QUESTIONS_RATE_DEVICE = "5/60"  # one phone
    QUESTIONS_RATE_SITE = "60/60"  # one bridge point
    QUESTIONS_RATE_ADDRESS = "600/60"  # one client address (a venue's wifi is shared by many phones)
    QUESTIONS_RATE_UPVOTE_DEVICE = "30/60"  # "tôi cũng hỏi" from one phone
    QUESTIONS_RATE_UPVOTE_SITE = "60/60"  # "tôi cũng hỏi" from one bridge point
    CHAIR_LINK_HOURS = 48  # how long a chair view link (for the chair's tablet) opens the screen
    QUESTIONS_ON_AIR_SCENE = ""  # e.g. "Q&A": OBS cuts to this scene when a question goes on air ("" = no cut)


def from_environment(environ=None):
    """Return the settings the environment gives, as a dict (only keys that are set)."""
    env = os.environ if environ is None else environ
    out = {}

    def put(key, value):
        if value is not None:
            out[key] = value

    put("SECRET_KEY", env.get("BRIDGECAST_SECRET_KEY") or None)
    put("SQLALCHEMY_DATABASE_URI", _database_url(env.get("DATABASE_URL")))
    put("REDIS_URL", env.get("REDIS_URL") or None)
    if env.get("BRIDGECAST_DB_POOL_SIZE"):
        put("DB_POOL_SIZE", _int(env["BRIDGECAST_DB_POOL_SIZE"], 20))
    if env.get("BRIDGECAST_DB_MAX_OVERFLOW"):
        put("DB_MAX_OVERFLOW", _int(env["BRIDGECAST_DB_MAX_OVERFLOW"], 20))
    if env.get("BRIDGECAST_DB_POOL_TIMEOUT"):
        put("DB_POOL_TIMEOUT", _float(env["BRIDGECAST_DB_POOL_TIMEOUT"], 10.0))
    if env.get("BRIDGECAST_ASYNC_MODE"):
        put("ASYNC_MODE", env["BRIDGECAST_ASYNC_MODE"].strip().lower())
    if "BRIDGECAST_DEMO" in env:
        put("DEMO_SEED", _bool(env["BRIDGECAST_DEMO"], True))
    if "BRIDGECAST_AUTO_MIGRATE" in env:
        put("AUTO_MIGRATE", _bool(env["BRIDGECAST_AUTO_MIGRATE"], True))
    put("ADMIN_PASSWORD", env.get("BRIDGECAST_ADMIN_PASSWORD") or None)
    put("OBS_URL", env.get("BRIDGECAST_OBS_URL") or None)
    put("OBS_PASSWORD", env.get("BRIDGECAST_OBS_PASSWORD") or None)
    if "BRIDGECAST_OBS_AUTOSTART" in env:
        put("OBS_AUTOSTART", _bool(env["BRIDGECAST_OBS_AUTOSTART"], True))
    if "BRIDGECAST_PRELOAD" in env:
        put("PRELOAD", _bool(env["BRIDGECAST_PRELOAD"], False))
    put("RESTREAM_DIR", env.get("BRIDGECAST_RESTREAM_DIR") or None)
    if env.get("BRIDGECAST_RESTREAM_INGEST_PORT"):
        put("RESTREAM_INGEST_PORT", _int(env["BRIDGECAST_RESTREAM_INGEST_PORT"], 0))
    put("RESTREAM_INGEST_BIND", env.get("BRIDGECAST_RESTREAM_INGEST_BIND") or None)
    put("RESTREAM_INGEST_HOST", env.get("BRIDGECAST_RESTREAM_INGEST_HOST") or None)
    if env.get("BRIDGECAST_RESTREAM_BACKOFF_MAX"):
        put("RESTREAM_BACKOFF_MAX", _float(env["BRIDGECAST_RESTREAM_BACKOFF_MAX"], 8.0))
    put("PUBLIC_URL", (env.get("BRIDGECAST_PUBLIC_URL") or "").rstrip("/") or None)
    put(
        "PUBLIC_HOSTS",
        tuple(h.strip() for h in (env.get("BRIDGECAST_PUBLIC_HOSTS") or "").split(",") if h.strip()) or None,
    )
    for key in ("SOCKET_EVENT_RATE", "SOCKET_ADDRESS_EVENT_RATE"):
        put(key, env.get(f"BRIDGECAST_{key}") or None)
    for key in ("SOCKET_MAX_IN_FLIGHT", "SOCKET_FLOOD_DISCONNECT", "SOCKET_MAX_PER_ADDRESS"):
        if env.get(f"BRIDGECAST_{key}"):
            put(key, _int(env[f"BRIDGECAST_{key}"], getattr(Config, key)))
    put("HOST", env.get("HOST") or None)
    if env.get("PORT"):
        put("PORT", _int(env["PORT"], 5000))
    put("LOG_LEVEL", (env.get("BRIDGECAST_LOG_LEVEL") or "").upper() or None)
    if "BRIDGECAST_LOG_JSON" in env:
        put("LOG_JSON", _bool(env["BRIDGECAST_LOG_JSON"], True))
    put("UPLOAD_FOLDER", env.get("BRIDGECAST_UPLOAD_FOLDER") or None)
    if "BRIDGECAST_SECURE_COOKIES" in env:
        put("SESSION_COOKIE_SECURE", _bool(env["BRIDGECAST_SECURE_COOKIES"]))
    if "BRIDGECAST_BEHIND_PROXY" in env:
        put("PROXY_FIX", _bool(env["BRIDGECAST_BEHIND_PROXY"]))
    if env.get("BRIDGECAST_HEARTBEAT_S"):
        put("HEARTBEAT_INTERVAL_S", _float(env["BRIDGECAST_HEARTBEAT_S"], 5.0))
    if env.get("BRIDGECAST_OFFLINE_S"):
        put("OFFLINE_AFTER_S", _float(env["BRIDGECAST_OFFLINE_S"], 20.0))
    if env.get("BRIDGECAST_RESTART_GRACE_MAX_S"):
        put("RESTART_GRACE_MAX_S", _float(env["BRIDGECAST_RESTART_GRACE_MAX_S"], 120.0))
    if env.get("BRIDGECAST_OWNERSHIP_TTL_S"):
        put("OWNERSHIP_TTL_S", _float(env["BRIDGECAST_OWNERSHIP_TTL_S"], 10.0))
    if "BRIDGECAST_QUESTIONS_ON_AIR_SCENE" in env:
        put("QUESTIONS_ON_AIR_SCENE", env["BRIDGECAST_QUESTIONS_ON_AIR_SCENE"].strip())
    for name in ("ACCOUNT_ADDRESS", "ADDRESS"):  # e.g. BRIDGECAST_LOGIN_RATE_ADDRESS="30/60,200/3600"
        put(f"LOGIN_RATE_{name}", env.get(f"BRIDGECAST_LOGIN_RATE_{name}") or None)
    for name in ("DEVICE", "SITE", "ADDRESS", "UPVOTE_DEVICE", "UPVOTE_SITE"):
        put(f"QUESTIONS_RATE_{name}", env.get(f"BRIDGECAST_QUESTIONS_RATE_{name}") or None)
    return out


def _database_url(url):
    if not url:
        return None
    # Heroku-style URLs and plain postgresql:// go through psycopg 3.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url
