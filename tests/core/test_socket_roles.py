"""Who may connect to which Socket.IO namespace, and the rooms they join."""

import pytest

from server.extensions import socketio
from tests.support import factories


def test_anonymous_socket_is_refused_on_staff_namespaces(app, client, event):
    for namespace in ("/crew", "/moderation", "/admin"):
        sio = socketio.test_client(app, namespace=namespace, flask_test_client=client, auth={"event": event.slug})
        assert not sio.is_connected(namespace), namespace


def test_crew_connects_to_crew_but_not_to_moderation(socket_client):
    crew = socket_client("/crew", role="crew")
    assert crew.is_connected("/crew")
    crew_on_moderation = socket_client("/moderation", role="crew")
    assert not crew_on_moderation.is_connected("/moderation")


def test_moderator_cannot_join_the_crew_room(socket_client):
    sio = socket_client("/crew", role="moderator")
    assert not sio.is_connected("/crew")


def test_admin_may_join_every_staff_namespace(socket_client):
    for namespace in ("/crew", "/moderation", "/admin"):
        assert socket_client(namespace, role="admin").is_connected(namespace)


def test_unknown_event_is_refused(socket_client):
    sio = socket_client("/crew", role="crew", auth_payload={"event": "no-such-event"})
    assert not sio.is_connected("/crew")


def test_public_and_overlay_need_a_known_event(socket_client):
    assert socket_client("/public").is_connected("/public")
    assert socket_client("/overlay").is_connected("/overlay")
    assert not socket_client("/public", auth_payload={"event": "nope"}).is_connected("/public")
    assert not socket_client("/overlay", auth_payload={}).is_connected("/overlay")


def test_site_socket_needs_a_valid_active_token(app, socket_client, event):
    site = factories.make_site(event)
    assert socket_client("/site", auth_payload={"token": site.token}).is_connected("/site")
    assert not socket_client("/site", auth_payload={"token": "x" * 32}).is_connected("/site")
    site.is_active = False
    from server.extensions import db

    db.session.commit()
    assert not socket_client("/site", auth_payload={"token": site.token}).is_connected("/site")


def test_broadcast_reaches_only_the_event_room(app, socket_client, event):
    from server.services.broadcast import broadcast

    other = factories.make_event("other-event")
    mine = socket_client("/crew", role="crew")
    theirs = socket_client("/crew", role="crew", auth_payload={"event": other.slug})
    mine.get_received("/crew")
    theirs.get_received("/crew")
    broadcast("ping_room", {"n": 1}, event.slug, "crew")
    assert [m["name"] for m in mine.get_received("/crew")] == ["ping_room"]
    assert theirs.get_received("/crew") == []


@pytest.mark.parametrize("namespace", ["/crew", "/moderation"])
def test_deactivated_account_loses_its_socket_access(app, client, auth, event, namespace):
    from server.extensions import db

    role = "crew" if namespace == "/crew" else "moderator"
    user = auth.login(role)
    user.is_active = False
    db.session.commit()
    sio = socketio.test_client(app, namespace=namespace, flask_test_client=client, auth={"event": event.slug})
    assert not sio.is_connected(namespace)


def test_the_role_is_checked_again_on_every_event_of_an_open_socket(app, socket_client, event):
    """A crew member demoted (or deactivated) while their panel is open loses the commands at once."""
    from server.extensions import db
    from server.models.user import User

    sio = socket_client("/crew", role="crew")
    ack = sio.emit("agenda_state", {}, namespace="/crew", callback=True) or sio.emit(
        "list_slides", {}, namespace="/crew", callback=True
    )
    assert ack["ok"] is True, ack
    user = db.session.scalars(db.select(User).filter_by(role="crew")).first()
    user.role = "moderator"
    db.session.commit()
    refused = sio.emit("list_slides", {}, namespace="/crew", callback=True)
    assert refused["ok"] is False and refused["error"] == "forbidden", refused
    user.role, user.is_active = "crew", False
    db.session.commit()
    refused = sio.emit("list_slides", {}, namespace="/crew", callback=True)
    assert refused["ok"] is False and refused["error"] == "forbidden", refused


def test_hostile_auth_is_refused_cleanly(socket_client):
    """A lone surrogate, a huge or a wrongly typed value in the socket's auth is a refusal, not an error."""
    for auth in ({"event": "\ud800"}, {"event": "a" * 10_000}, {"event": 12}, {"event": ["x"]}, "nope"):
        assert not socket_client("/public", auth_payload=auth).is_connected("/public"), auth
    for auth in ({"token": "\ud800" * 20}, {"token": "x" * 10_000}, {"token": None}):
        assert not socket_client("/site", auth_payload=auth).is_connected("/site"), auth
