"""Settings layering: defaults < instance/config.py < environment < the caller's mapping."""

from server import create_app
from server.config import Config, from_environment


def test_environment_values_are_read_and_typed():
    env = {
        "DATABASE_URL": "postgres://u:p@db:5432/bc",
        "REDIS_URL": "redis://r:6379/0",
        "BRIDGECAST_ASYNC_MODE": "GEVENT",
        "BRIDGECAST_DEMO": "0",
        "PORT": "8080",
        "BRIDGECAST_SECURE_COOKIES": "true",
        "BRIDGECAST_OFFLINE_S": "12.5",
        "BRIDGECAST_OBS_URL": "ws://127.0.0.1:4455",
        "BRIDGECAST_DB_POOL_SIZE": "30",
        "BRIDGECAST_DB_MAX_OVERFLOW": "5",
        "BRIDGECAST_DB_POOL_TIMEOUT": "4.5",
    }
    out = from_environment(env)
    assert (out["DB_POOL_SIZE"], out["DB_MAX_OVERFLOW"], out["DB_POOL_TIMEOUT"]) == (30, 5, 4.5)
    assert out["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db:5432/bc"
    assert out["REDIS_URL"] == "redis://r:6379/0"
    assert out["ASYNC_MODE"] == "gevent"
    assert out["DEMO_SEED"] is False
    assert out["PORT"] == 8080
    assert out["SESSION_COOKIE_SECURE"] is True
    assert out["OFFLINE_AFTER_S"] == 12.5
    assert out["OBS_URL"] == "ws://127.0.0.1:4455"


def test_unset_environment_leaves_defaults():
    assert from_environment({}) == {}
    assert Config.ASYNC_MODE == "gevent" and Config.BABEL_DEFAULT_LOCALE == "vi"


def test_caller_mapping_overrides_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("BRIDGECAST_OFFLINE_S", "33")
    monkeypatch.setenv("BRIDGECAST_HEARTBEAT_S", "7")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/c.db",
            "AUTO_MIGRATE": False,
            "ASYNC_MODE": "threading",
            "SECRET_KEY": "k",
            "OFFLINE_AFTER_S": 44.0,
            "UPLOAD_FOLDER": str(tmp_path / "up"),
        }
    )
    assert app.config["HEARTBEAT_INTERVAL_S"] == 7.0  # from the environment
    assert app.config["OFFLINE_AFTER_S"] == 44.0  # the caller wins
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True  # default kept


def test_instance_config_file_sits_between_defaults_and_environment(monkeypatch, tmp_path):
    import server.app as server

    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text('LOGIN_RATE_ADDRESS = "42/60"\nOFFLINE_AFTER_S = 99.0\n')
    monkeypatch.setenv("BRIDGECAST_OFFLINE_S", "21")
    original = server.Flask

    def flask_with_instance(*args, **kwargs):
        return original(*args, instance_path=str(instance), **kwargs)

    monkeypatch.setattr(server, "Flask", flask_with_instance)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/c.db",
            "AUTO_MIGRATE": False,
            "ASYNC_MODE": "threading",
            "UPLOAD_FOLDER": str(tmp_path / "up"),
        }
    )
    assert app.config["LOGIN_RATE_ADDRESS"] == "42/60"  # instance file beats the default
    assert app.config["OFFLINE_AFTER_S"] == 21.0  # environment beats the instance file
    assert (instance / "secret_key").exists()  # a generated key is kept for restarts
    assert len(app.config["SECRET_KEY"]) == 64
