"""Scale-out gates: per-event periodic work and its broadcasts run only where
``ownership.runs_here`` says so — the event's owner, or the only process."""

from datetime import timedelta

import pytest

from server.extensions import db
from server.models.agenda import AgendaLive
from server.models.base import utcnow
from server.models.site import Site
from server.services import ownership
from server.services.agenda import live as agenda_live
from server.services.bridges import presence as bridges_state
from server.services.overlays.native_text import register_sink, unregister_sink
from tests.support import factories


@pytest.fixture
def owner(monkeypatch):
    """``owner(True/False)``: make this process the owner of every event, or of none."""

    def set_owner(value):
        monkeypatch.setattr(ownership, "runs_here", lambda slug: value)

    return set_owner


def test_a_single_process_runs_every_event(app, event):
    assert ownership.manager().backend.kind == "local"
    assert ownership.runs_here(event.slug) and ownership.runs_here("any-other-event")


def test_only_the_owner_sweeps_silent_sites_offline(app, event, owner):
    site = factories.make_site(event)
    site.state, site.reported_state = "online", "ok"
    site.last_beat_at = utcnow() - timedelta(seconds=float(app.config["OFFLINE_AFTER_S"]) + 5)
    db.session.commit()
    owner(False)
    assert bridges_state.sweep() == {}
    db.session.expire_all()
    assert db.session.get(Site, site.id).state == "online"
    owner(True)
    changed = bridges_state.sweep()
    assert [view["id"] for view in changed[event.slug]] == [site.id]
    db.session.expire_all()
    assert db.session.get(Site, site.id).state == "offline"


def test_only_the_owner_pushes_the_agenda_clock_to_obs(app, event, owner):
    db.session.add(AgendaLive(event_id=event.id, timer_duration_s=300, timer_ends_at=utcnow() + timedelta(seconds=90)))
    db.session.commit()
    pushed = []
    sink = register_sink(lambda slug, source, text: pushed.append((slug, text)) or True)
    try:
        owner(False)
        agenda_live.push_clocks_once()
        assert pushed == []
        owner(True)
        agenda_live.push_clocks_once()
        assert [slug for slug, _text in pushed] == [event.slug] and pushed[0][1] in ("1:30", "1:29")
    finally:
        unregister_sink(sink)


def test_only_the_owner_broadcasts_the_obs_mirror(app, event, socket_client, owner):
    crew = socket_client("/crew", role="crew")
    crew.get_received("/crew")
    runtime = app.extensions["obs"]
    owner(False)
    runtime._on_change(event.slug, {"program_scene": "Speaker"})
    assert not [p for p in crew.get_received("/crew") if p["name"] == "obs_state"]
    owner(True)
    runtime._on_change(event.slug, {"program_scene": "Speaker"})
    states = [p["args"][0] for p in crew.get_received("/crew") if p["name"] == "obs_state"]
    assert states == [{"event": event.slug, "diff": {"program_scene": "Speaker"}, "side": "primary"}]
