"""Scale-out helpers for tests and the benchmark: server processes sharing PostgreSQL and
Redis, bearer tokens minted straight in the shared database, HTTP and Socket.IO clients."""

import json
import urllib.error
import urllib.request
import uuid

from tests.support.processes import ServerProcess


def start_node(tmp_path, database_url, redis_url, ttl=3.0, async_mode="eventlet", env=None):
    tmp_path.mkdir(parents=True, exist_ok=True)
    env = {"REDIS_URL": redis_url, "BRIDGECAST_OWNERSHIP_TTL_S": str(ttl), **(env or {})}
    return ServerProcess(tmp_path, async_mode=async_mode, env=env, database_url=database_url).start()


def mint_token(database_url, role):
    """A bearer token created directly in the cluster's database."""
    from server import create_app
    from server.extensions import db
    from server.services.accounts.users import create_token

    url = database_url.replace("postgresql://", "postgresql+psycopg://")
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "AUTO_MIGRATE": False,
            "DEMO_SEED": False,
            "SECRET_KEY": "x",
            "LOG_JSON": False,
            "LOG_LEVEL": "WARNING",
            "ASYNC_MODE": "threading",
        }
    )
    with app.app_context():
        _token, plain = create_token(role)
        db.session.remove()
        db.engine.dispose()
    return plain


def http(method, url, body=None, token=None, headers=None, timeout=10):
    """(status, parsed JSON or text)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    if body is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw, status = response.read(), response.status
    except urllib.error.HTTPError as exc:
        raw, status = exc.read(), exc.code
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode("utf-8", "replace")


def submit(url, event, text, client_id=None, device=None):
    client_id = client_id or uuid.uuid4().hex
    return http(
        "POST",
        url + "/api/v1/questions",
        {"event": event, "kind": "question", "text": text, "client_id": client_id},
        headers={"X-Device-Id": device or client_id},
    )


def login_cookie(url, username, password):
    """Log in through the real form; return the Cookie header value of the session."""
    import http.cookiejar
    import re
    import urllib.parse

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(url + "/login", timeout=10).read().decode()
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"username": username, "password": password, "csrf_token": csrf}).encode()
    opener.open(url + "/login", data=form, timeout=10)
    return "; ".join(f"{c.name}={c.value}" for c in jar)
