"""Fixtures for every test: the app on a throwaway database, clients (HTTP, Socket.IO with
a logged-in session), a real server process, a real browser, PostgreSQL and Redis."""

import os
import re
import shutil

import pytest
from flask.testing import FlaskClient

from tests.support import factories
from tests.support.processes import Postgres, Redis, ServerProcess

BASE_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret",
    "ASYNC_MODE": "threading",
    "DEMO_SEED": False,
    "OBS_AUTOSTART": False,
    "LOG_JSON": False,
    "LOG_LEVEL": "WARNING",
}

pytest_plugins = ["tests.fakes.obs_fixtures"]  # fake_obs, obs: a fake OBS and a connection to it


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    """A SQLite file migrated once; each test gets a copy (migrations run once per session)."""
    from server import create_app

    path = tmp_path_factory.mktemp("template") / "template.db"
    from sqlalchemy import text

    from server.extensions import db

    app = create_app(
        {
            **BASE_CONFIG,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "UPLOAD_FOLDER": str(tmp_path_factory.mktemp("template-uploads")),
        }
    )
    with app.app_context():  # fold the WAL into the file so a plain copy is complete
        db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db.session.remove()
        db.engine.dispose()
    return path


@pytest.fixture
def app_config(tmp_path, migrated_template):
    db_path = tmp_path / "test.db"
    shutil.copy(migrated_template, db_path)
    return {
        **BASE_CONFIG,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
        "AUTO_MIGRATE": False,
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
    }


class FreshContextClient(FlaskClient):
    """Each request runs in its own app context (fresh ``g`` and db session), as in
    production, even though the test itself holds an app context open for factories."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app(app_config):
    from server import create_app
    from server.extensions import db

    app = create_app(app_config)
    app.test_client_class = FreshContextClient
    ctx = app.app_context()
    ctx.push()
    yield app
    db.session.remove()
    ctx.pop()


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_from(html):
    match = re.search(r'name="csrf_token" value="([^"]+)"', html) or re.search(
        r'name="csrf-token" content="([^"]+)"', html
    )
    assert match, "no CSRF token in page"
    return match.group(1)


class AuthActions:
    """Log a test client in as a fresh user of a role, through the real login form."""

    def __init__(self, client):
        self.client = client

    def login(self, role="admin", username=None):
        user = factories.make_user(role, username)
        page = self.client.get("/login").get_data(as_text=True)
        response = self.client.post(
            "/login", data={"username": user.username, "password": factories.PASSWORD, "csrf_token": csrf_from(page)}
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    def csrf(self, path="/"):
        return csrf_from(self.client.get(path).get_data(as_text=True))


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def event(app):
    return factories.make_event("test-event", "Đại hội thử nghiệm")


@pytest.fixture
def socket_client(app, client, auth, event):
    """``socket_client(namespace, role=None, auth=None)``: a Socket.IO test client sharing a
    logged-in HTTP session (role given) or anonymous; ``auth`` defaults to the test event."""
    from server.extensions import socketio

    made = []

    def make(namespace, role=None, auth_payload=None):
        http = client
        if role is not None:
            http = app.test_client()
            AuthActions(http).login(role)
        sio = socketio.test_client(
            app,
            namespace=namespace,
            flask_test_client=http,
            auth=auth_payload if auth_payload is not None else {"event": event.slug},
        )
        made.append(sio)
        return sio

    yield make
    for sio in made:
        if sio.is_connected(sio.namespace if hasattr(sio, "namespace") else None):
            sio.disconnect()


@pytest.fixture
def start_server(tmp_path):
    """``start_server(async_mode="gevent", env=None, command=None)``: a real server process, on a
    copy of a database already migrated and seeded with the demo congress (``demo_database``),
    without preloading the heavy libraries (``BRIDGECAST_PRELOAD=0``)."""
    servers = []

    def start(env=None, **kwargs):
        env = {"BRIDGECAST_PRELOAD": "0", **(env or {})}  # scikit-learn & co. when a test uses them
        server = ServerProcess(tmp_path, demo_copy=True, env=env, **kwargs).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def live_server(start_server):
    """A real gevent server with the demo congress, on a free port."""
    return start_server()


@pytest.fixture(scope="session")
def postgres():
    server = Postgres().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_server():
    server = Redis().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright_instance):
    from tests.support.browser import launch

    browser = launch(playwright_instance)
    yield browser
    browser.close()


def _page_in_new_context(browser, profile):
    context = browser.new_context(**profile, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


@pytest.fixture
def page(browser):
    """A desktop page in a fresh browser context (own cookies)."""
    from tests.support.browser import DESKTOP

    context, page = _page_in_new_context(browser, DESKTOP)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    """A phone-sized page (390×844, touch) in a fresh browser context."""
    from tests.support.browser import PHONE

    context, page = _page_in_new_context(browser, PHONE)
    yield page
    context.close()


def pytest_configure(config):
    os.environ.setdefault("BRIDGECAST_LOG_JSON", "0")
