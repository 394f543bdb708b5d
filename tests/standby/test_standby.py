"""The standby OBS against two fake obs-websocket servers: its settings (REST and the admin form,
the password sealed and never shown), the scene pack and the native texts on both, program
scene changes on the primary mirrored to the standby, the switch command (REST and socket, audit,
crew alert, the crew's commands then driving the standby) and the automatic rule with a
controllable clock. The stream cut itself is tested with real parts in test_standby_real.py."""

import logging

import pytest

from server.extensions import db
from server.models.audit import AuditEntry
from server.services.accounts import users as accounts
from server.services.obs.native_texts import TITLE
from server.services.overlays.native_text import LOWER_THIRD, push_text
from server.services.secrets import unseal
from server.services.standby import switch as standby
from tests.fakes.obs_fixtures import FAST, wait_for
from tests.standby.conftest import BACKUP_PASSWORD


@pytest.fixture
def app_config(app_config):
    return {**app_config, "OBS_CONNECTION_OPTIONS": FAST}


def bearer(role="crew"):
    _token, plain = accounts.create_token(role)
    return {"Authorization": f"Bearer {plain}"}


def add_scene(fake, name):
    fake.state.scenes.append(name)
    fake.state.items[name] = []


# -- settings ---------------------------------------------------------------------------------------


def test_settings_are_stored_sealed_and_never_shown(app, client, auth, event, two, backup_obs):
    db.session.refresh(event)
    assert event.obs_backup_url == backup_obs.url
    assert unseal(event.obs_backup_password) == BACKUP_PASSWORD and BACKUP_PASSWORD not in event.obs_backup_password
    state = client.get(f"/api/v1/events/{event.slug}/standby", headers=bearer()).get_json()
    assert state["configured"] is True and state["on_air"] == "primary"
    assert state["backup"]["status"] == "connected" and BACKUP_PASSWORD not in str(state)
    # an empty password keeps the stored one; the answer says only that one is set
    r = client.put(
        f"/api/v1/events/{event.slug}/standby/settings",
        json={"host": "127.0.0.1", "port": backup_obs.port, "auto_after_s": 5},
        headers=bearer("admin"),
    )
    body = r.get_json()
    assert body["settings"] == {
        "configured": True,
        "host": "127.0.0.1",
        "port": backup_obs.port,
        "password_set": True,
        "auto_after_s": 5,
    }
    db.session.refresh(event)
    assert unseal(event.obs_backup_password) == BACKUP_PASSWORD
    # the admin page shows the host, masks the password
    auth.login("admin")
    html = client.get(f"/admin/events/{event.slug}/obs").get_data(as_text=True)
    assert 'id="standby-settings"' in html and str(backup_obs.port) in html and BACKUP_PASSWORD not in html
    assert "Đã đặt — để trống để giữ nguyên" in html
    # the crew may read and switch, not set it up
    assert client.put(f"/api/v1/events/{event.slug}/standby/settings", json={}, headers=bearer()).status_code == 403
    audit = db.session.scalars(db.select(AuditEntry).filter_by(action="standby.settings")).all()
    assert audit and all(BACKUP_PASSWORD not in a.detail for a in audit)


def test_settings_refuse_the_primary_itself_and_a_bad_delay(client, event, two, fake_obs):
    r = client.put(
        f"/api/v1/events/{event.slug}/standby/settings",
        json={"host": "127.0.0.1", "port": fake_obs.port},
        headers=bearer("admin"),
    )
    assert r.status_code == 422 and r.get_json()["error"] == "standby_same_as_primary"
    r = client.put(
        f"/api/v1/events/{event.slug}/standby/settings",
        json={"host": "127.0.0.1", "port": 4456, "auto_after_s": 601},
        headers=bearer("admin"),
    )
    assert r.status_code == 422


def test_the_admin_form_saves_the_standby(app, client, auth, event, backup_obs, runtime):
    auth.login("admin")
    csrf = auth.csrf(f"/admin/events/{event.slug}/obs")
    r = client.post(
        f"/admin/events/{event.slug}/obs/standby",
        data={"host": "127.0.0.1", "port": str(backup_obs.port), "password": BACKUP_PASSWORD, "auto_after_s": "4"},
        headers={"X-CSRFToken": csrf},
    )
    assert r.status_code == 302
    db.session.refresh(event)
    assert event.obs_backup_url == backup_obs.url and event.standby_auto_after_s == 4
    assert unseal(event.obs_backup_password) == BACKUP_PASSWORD
    conn = runtime.backups.peek(event.slug)
    assert wait_for(lambda: conn.connected, 5)
    html = client.get(f"/admin/events/{event.slug}/obs").get_data(as_text=True)
    assert 'id="standby-status" data-status="connected"' in html and BACKUP_PASSWORD not in html
    # an empty host removes the standby
    client.post(f"/admin/events/{event.slug}/obs/standby", data={"host": ""}, headers={"X-CSRFToken": csrf})
    db.session.refresh(event)
    assert event.obs_backup_url is None and event.obs_backup_password is None
    assert runtime.backups.peek(event.slug) is None


# -- both OBS get the pack, the texts and the program scene -----------------------------------------


def test_scene_pack_and_native_texts_reach_both(client, event, two, fake_obs, backup_obs):
    r = client.post(f"/api/v1/events/{event.slug}/obs/scene-pack", json={}, headers=bearer())
    body = r.get_json()
    assert r.status_code == 200 and body["report"]["created_scenes"] and body["backup_report"]["created_scenes"]
    assert set(fake_obs.state.scenes) == set(backup_obs.state.scenes) and len(backup_obs.state.scenes) > 3
    assert push_text(event.slug, LOWER_THIRD, "Nguyễn Văn A\nĐại biểu")
    for fake in (fake_obs, backup_obs):
        assert fake.state.inputs[LOWER_THIRD]["settings"]["text"] == "Nguyễn Văn A\nĐại biểu"


def test_a_take_on_the_primary_is_mirrored_to_the_standby(client, event, two, fake_obs, backup_obs):
    for fake in (fake_obs, backup_obs):
        add_scene(fake, "Diễn giả")
        add_scene(fake, "Toàn cảnh")
    primary, backup = two
    primary.resync()
    backup.resync()
    # a take through Bridgecast
    r = client.post(f"/api/v1/events/{event.slug}/obs/scene", json={"scene": "Diễn giả"}, headers=bearer())
    assert r.status_code == 200
    assert wait_for(lambda: backup_obs.state.program == "Diễn giả", 3), backup_obs.state.program
    # a change made in OBS itself (observed, not asked for through Bridgecast)
    fake_obs.state.program = "Toàn cảnh"
    fake_obs.emit("CurrentProgramSceneChanged", {"sceneName": "Toàn cảnh"})
    assert wait_for(lambda: backup_obs.state.program == "Toàn cảnh", 3), backup_obs.state.program


def test_a_reconnected_standby_gets_the_texts_and_the_program_scene(event, two, fake_obs, backup_obs, runtime):
    for fake in (fake_obs, backup_obs):
        add_scene(fake, "Diễn giả")
        fake.state.add_input(TITLE, "text_ft2_source_v2", {"text": ""})
    primary, backup = two
    primary.resync()
    primary.set_program_scene("Diễn giả")
    backup_obs.stop()
    assert wait_for(lambda: not backup.connected, 3)
    backup_obs.state.program = "Scene"  # what a restarted OBS shows
    backup_obs.state.inputs[TITLE]["settings"]["text"] = "cũ"
    backup_obs.start()
    assert wait_for(lambda: backup_obs.state.program == "Diễn giả", 5)
    assert wait_for(lambda: backup_obs.state.inputs[TITLE]["settings"]["text"] == event.name, 5)


# -- the switch ---------------------------------------------------------------------------------------


def test_switch_without_a_standby_is_409(client, event):
    r = client.post(f"/api/v1/events/{event.slug}/standby/switch", json={}, headers=bearer())
    assert r.status_code == 409 and r.get_json()["error"] == "standby_not_configured"


def test_switch_by_socket_audits_alerts_and_moves_the_commands(
    client, socket_client, event, two, fake_obs, backup_obs, runtime
):
    for fake in (fake_obs, backup_obs):
        add_scene(fake, "Diễn giả")
    for conn in two:
        conn.resync()
    sio = socket_client("/crew", role="crew")
    joined = [p["args"][0] for p in sio.get_received("/crew") if p["name"] == "standby_state"]
    assert joined and joined[0]["configured"] is True and joined[0]["backup"]["status"] == "connected"
    assert BACKUP_PASSWORD not in str(joined)

    ack = sio.emit("standby_switch", {"to": "backup"}, namespace="/crew", callback=True)
    assert ack["ok"] is True and ack["on_air"] == "backup", ack
    received = sio.get_received("/crew")
    alerts = [p["args"][0] for p in received if p["name"] == "standby_alert"]
    assert alerts and alerts[0]["on_air"] == "backup" and alerts[0]["reason"] == "manual" and alerts[0]["message"]
    entry = db.session.scalars(db.select(AuditEntry).filter_by(action="standby.switch")).first()
    assert entry is not None and "primary → backup (manual)" in entry.detail and entry.target == event.slug
    assert BACKUP_PASSWORD not in str(received)

    # the crew's commands now drive the standby OBS
    r = client.post(f"/api/v1/events/{event.slug}/obs/scene", json={"scene": "Diễn giả"}, headers=bearer())
    assert r.status_code == 200 and backup_obs.state.program == "Diễn giả"
    assert wait_for(lambda: fake_obs.state.program == "Diễn giả", 3)  # mirrored back to the primary

    # idempotent, then back to the primary over REST
    again = client.post(f"/api/v1/events/{event.slug}/standby/switch", json={"to": "backup"}, headers=bearer())
    assert again.status_code == 200 and again.get_json()["on_air"] == "backup"
    back = client.post(f"/api/v1/events/{event.slug}/standby/switch", json={"to": "primary"}, headers=bearer())
    assert back.status_code == 200 and back.get_json()["on_air"] == "primary"
    assert db.session.scalar(db.select(db.func.count()).where(AuditEntry.action == "standby.switch")) == 2


def test_switch_to_a_standby_that_is_down_is_503(client, event, two, backup_obs):
    backup_obs.stop()
    assert wait_for(lambda: not two[1].connected, 3)
    r = client.post(f"/api/v1/events/{event.slug}/standby/switch", json={"to": "backup"}, headers=bearer())
    assert r.status_code == 503 and r.get_json()["error"] == "standby_target_down"
    assert standby.view(event.slug)["on_air"] == "primary"


# -- the automatic rule -----------------------------------------------------------------------------


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_the_automatic_rule_switches_after_n_seconds_of_a_lost_live_primary(
    app, client, socket_client, event, two, fake_obs, runtime
):
    primary, _backup = two
    event.standby_auto_after_s = 5
    db.session.commit()
    clock = Clock()
    standby.watch(app).clock = clock
    sio = socket_client("/crew", role="crew")

    # not live: a lost primary is not switched away from
    assert standby.check_auto(event.slug) is None
    primary.start_stream()
    assert wait_for(lambda: primary.state["stream"]["state"] == "live", 3)
    assert standby.check_auto(event.slug) is None  # live, not lost

    fake_obs.stop()
    assert wait_for(lambda: not primary.connected, 3)
    assert standby.check_auto(event.slug) is None  # lost since now
    clock.now += 4.9
    assert standby.check_auto(event.slug) is None
    clock.now += 0.2
    switched = standby.check_auto(event.slug)
    assert switched is not None and switched["on_air"] == "backup"
    entry = db.session.scalars(db.select(AuditEntry).filter_by(action="standby.switch")).first()
    assert entry.actor == "system" and "(auto)" in entry.detail
    alerts = [p["args"][0] for p in sio.get_received("/crew") if p["name"] == "standby_alert"]
    assert alerts and alerts[-1]["reason"] == "auto" and "5" in alerts[-1]["message"]
    assert standby.check_auto(event.slug) is None  # already on the standby


def test_the_automatic_rule_waits_for_a_primary_that_comes_back(app, event, two, fake_obs):
    primary, _backup = two
    event.standby_auto_after_s = 5
    db.session.commit()
    clock = Clock()
    standby.watch(app).clock = clock
    primary.start_stream()
    assert wait_for(lambda: primary.state["stream"]["state"] == "live", 3)
    assert standby.check_auto(event.slug) is None
    fake_obs.stop()
    assert wait_for(lambda: not primary.connected, 3)
    standby.check_auto(event.slug)
    clock.now += 3
    fake_obs.start()  # back (still live: the fake keeps its stream running)
    assert wait_for(lambda: primary.connected, 5)
    assert standby.check_auto(event.slug) is None
    clock.now += 10
    assert standby.check_auto(event.slug) is None  # the loss was forgiven
    assert standby.view(event.slug)["on_air"] == "primary"


def test_without_the_rule_nothing_switches_by_itself(app, event, two, fake_obs):
    primary, _backup = two
    clock = Clock()
    standby.watch(app).clock = clock
    primary.start_stream()
    assert wait_for(lambda: primary.state["stream"]["state"] == "live", 3)
    standby.check_auto(event.slug)
    fake_obs.stop()
    assert wait_for(lambda: not primary.connected, 3)
    standby.check_auto(event.slug)
    clock.now += 3600
    assert standby.check_auto(event.slug) is None and standby.view(event.slug)["on_air"] == "primary"


def test_the_backup_password_is_never_logged(app, client, event, two, backup_obs, caplog):
    caplog.set_level(logging.DEBUG)
    backup_obs.stop()
    assert wait_for(lambda: not two[1].connected, 3)
    backup_obs.start()
    assert wait_for(lambda: two[1].connected, 5)
    client.put(
        f"/api/v1/events/{event.slug}/standby/settings",
        json={"host": "127.0.0.1", "port": backup_obs.port, "password": BACKUP_PASSWORD},
        headers=bearer("admin"),
    )
    client.get(f"/api/v1/events/{event.slug}/standby", headers=bearer())
    assert "standby" in caplog.text or "OBS" in caplog.text
    assert BACKUP_PASSWORD not in caplog.text
    assert BACKUP_PASSWORD not in repr(two[1].settings)
