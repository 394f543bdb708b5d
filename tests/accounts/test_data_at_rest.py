"""Data at rest: the database, its WAL/SHM files and uploads are private to the server's user,
and OBS passwords are sealed in the database (a raw read of the file does not show them)."""

import os
import sqlite3
import stat

from sqlalchemy import text

from server.extensions import db
from server.services import secrets
from server.services.obs.event_settings import save_event_obs
from server.services.obs.settings import settings_for_event

PASSWORD = "obs-super-secret-pw-4711"


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def _db_path(app):
    return app.config["SQLALCHEMY_DATABASE_URI"][len("sqlite:///") :]


def test_seal_and_unseal():
    sealed = secrets.seal("hunter2-long", "k1")
    assert sealed.startswith("fernet:") and "hunter2" not in sealed
    assert secrets.unseal(sealed, "k1") == "hunter2-long"
    assert secrets.seal(sealed, "k1") == sealed  # idempotent
    assert secrets.unseal("legacy-plain", "k1") == "legacy-plain"
    assert secrets.unseal(sealed, "another-key") == ""  # a changed SECRET_KEY cannot read it
    assert secrets.seal(None) is None and secrets.seal("") == ""


def test_obs_password_is_not_in_the_database_file(app, event):
    save_event_obs(event, "127.0.0.1", 4455, PASSWORD)
    db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    db.session.commit()
    path = _db_path(app)
    raw = b""
    for part in (path, path + "-wal"):
        if os.path.exists(part):
            with open(part, "rb") as fh:
                raw += fh.read()
    assert PASSWORD.encode() not in raw
    with sqlite3.connect(path) as conn:
        stored = conn.execute("SELECT obs_password FROM events WHERE id = ?", (event.id,)).fetchone()[0]
    assert stored.startswith("fernet:") and PASSWORD not in stored
    assert settings_for_event(event).password == PASSWORD


def test_migration_seals_plaintext_in_place_and_is_idempotent(app, event):
    import importlib.util

    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    db.session.execute(text("UPDATE events SET obs_password = :pw WHERE id = :id"), {"pw": PASSWORD, "id": event.id})
    db.session.commit()
    here = os.path.dirname(__file__)
    spec = importlib.util.spec_from_file_location(
        "m0006", os.path.join(here, "..", "..", "migrations", "versions", "0006_accounts_security.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with db.engine.begin() as conn:
        ctx = MigrationContext.configure(conn)
        with Operations.context(ctx):
            module.seal_obs_passwords()
    first = db.session.execute(text("SELECT obs_password FROM events WHERE id = :id"), {"id": event.id}).scalar()
    with db.engine.begin() as conn:
        ctx = MigrationContext.configure(conn)
        with Operations.context(ctx):
            module.seal_obs_passwords()
    second = db.session.execute(text("SELECT obs_password FROM events WHERE id = :id"), {"id": event.id}).scalar()
    assert first.startswith("fernet:") and first == second
    assert secrets.unseal(first) == PASSWORD


def test_database_and_uploads_are_private(app, event):
    from server.services.documents import library  # noqa: F401  (an upload writer)

    save_event_obs(event, "127.0.0.1", 4455, PASSWORD)  # a write: WAL and SHM exist
    path = _db_path(app)
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            assert _mode(path + suffix) == 0o600, suffix
    uploads = app.config["UPLOAD_FOLDER"]
    assert _mode(uploads) == 0o700
    nested = os.path.join(uploads, "slides", "deck-1")
    os.makedirs(nested, exist_ok=True)
    with open(os.path.join(nested, "page.png"), "wb") as fh:
        fh.write(b"png")
    assert _mode(nested) == 0o700 and _mode(os.path.join(nested, "page.png")) == 0o600


def test_existing_loose_files_are_tightened_on_start(app_config, tmp_path):
    from server import create_app

    uploads = tmp_path / "uploads"
    (uploads / "old").mkdir(parents=True)
    (uploads / "old" / "doc.pdf").write_bytes(b"%PDF")
    os.chmod(uploads / "old", 0o755)
    os.chmod(uploads / "old" / "doc.pdf", 0o644)
    db_file = app_config["SQLALCHEMY_DATABASE_URI"][len("sqlite:///") :]
    os.chmod(db_file, 0o644)
    create_app(app_config)
    assert _mode(uploads / "old") == 0o700 and _mode(uploads / "old" / "doc.pdf") == 0o600
    assert _mode(db_file) == 0o600


def test_a_fresh_instance_is_private(tmp_path, monkeypatch):
    import server.app as server_app
    from tests.conftest import BASE_CONFIG

    instance = tmp_path / "instance"
    original = server_app.Flask
    monkeypatch.setattr(server_app, "Flask", lambda *a, **k: original(*a, instance_path=str(instance), **k))
    os.umask(0o022)
    app = server_app.create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": None, "UPLOAD_FOLDER": "uploads"})
    with app.app_context():
        db.session.execute(text("SELECT 1"))
        db.session.remove()
        db.engine.dispose()
    assert _mode(instance) == 0o700 and _mode(instance / "uploads") == 0o700
    assert _mode(instance / "bridgecast.db") == 0o600


def test_upgrading_an_existing_database_keeps_its_rows_and_seals_passwords(tmp_path):
    """0006 on a database holding data: no table copy cascades (sites, questions, claims stay)."""
    from flask_migrate import upgrade

    from server import create_app
    from tests.conftest import BASE_CONFIG

    app = create_app(
        {
            **BASE_CONFIG,
            "AUTO_MIGRATE": False,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/old.db",
            "UPLOAD_FOLDER": str(tmp_path / "up"),
        }
    )
    with app.app_context():
        for revision in ("0003_agenda", "0004_bridges", "0005_questions"):
            upgrade(revision=revision)
        for statement in (
            (
                "INSERT INTO events (slug,name,kind,location,description,is_active,obs_password,theme_color,created_at)"
                " VALUES ('e','E','plenary','','',1,'plain-obs-pw','#fff','2026-01-01 00:00:00')"
            ),
            (
                "INSERT INTO users (username,display_name,password_hash,role,is_active,failed_logins,created_at)"
                " VALUES ('u','u','x','crew',1,3,'2026-01-01 00:00:00')"
            ),
            (
                "INSERT INTO sites (event_id,code,name,district,commune,contact_name,phone,token,is_active,state,"
                "reported_state,note,video_ok,audio_ok,created_at) VALUES (1,'S1','n','d','c','','','tok',1,'offline','','',0,0,"
                "'2026-01-01 00:00:00')"
            ),
            (
                "INSERT INTO questions (event_id,site_id,client_id,kind,text,text_folded,author,unit,addressee,status,"
                "reject_reason,version,created_at,updated_at,meta_folded,device_id,claimed_by_id) VALUES (1,1,'c','question',"
                "'t','','','','','pending','',1,'2026-01-01','2026-01-01','','',1)"
            ),
        ):
            db.session.execute(text(statement))
        db.session.commit()
        upgrade(revision="heads")
        counts = {
            t: db.session.execute(text(f"SELECT count(*) FROM {t}")).scalar()
            for t in ("events", "sites", "questions", "users")
        }
        assert counts == {"events": 1, "sites": 1, "questions": 1, "users": 1}
        assert db.session.execute(text("SELECT claimed_by_id FROM questions")).scalar() == 1
        assert db.session.execute(text("SELECT session_version FROM users")).scalar() == 1
        stored = db.session.execute(text("SELECT obs_password FROM events")).scalar()
        assert stored.startswith("fernet:") and secrets.unseal(stored) == "plain-obs-pw"
        db.session.remove()
        db.engine.dispose()
