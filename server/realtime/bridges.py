"""Bridge-point sockets: the site phone on ``/site`` (check in, heartbeat, report, roll
call), the crew board's actions on ``/crew``, and the counter on ``/overlay``.

A site handler acts only on the site its socket connected as (``session["site_id"]``) and
re-checks the token on every event: a rotated or deactivated link stops working at once.
"""
import functools

from flask import current_app
from flask_socketio import disconnect, emit

from server.extensions import db
from server.models.site import Site
from server.realtime.session import connected_site
from server.realtime.guard import error_ack, on_join, staff_event
from server.services.bridges import incidents as bridges_incidents
from server.services.bridges import messages as bridges_messages
from server.services.bridges import rollcall as bridges_rollcall
from server.services.bridges import sites as bridges_sites
from server.services.bridges import presence as bridges_state
from server.services.bridges.counter import summary
from server.services.errors import ServiceError
from server.services.events import get_event

REVOKED = {"ok": False, "error": "invalid_site_token", "message": "Đường dẫn không còn hiệu lực / Link revoked"}


def _payload(args):
    return args[0] if args and isinstance(args[0], dict) else {}


def site_event(handler):
    """Guard a site handler: the socket's own, still valid site; errors become acks."""

    @functools.wraps(handler)
    def wrapped(*args):
        site_id, token = connected_site()
        site = db.session.get(Site, site_id) if site_id else None
        if site is None or not site.is_active or site.token != token:
            disconnect()
            return REVOKED
        try:
            result = handler(site, _payload(args))
        except ServiceError as exc:
            return error_ack(exc)
        return {"ok": True} if result is None else {"ok": True, **result}

    wrapped.allowed_roles = ("site",)
    return wrapped


@on_join("site")
def _site_hello(event_slug, context):
    site = context["site"]
    emit("site_hello", {
        "site": bridges_sites.site_self_view(site),
        "heartbeat_s": current_app.config["HEARTBEAT_INTERVAL_S"],
        "messages": bridges_messages.for_site(site),
        "incidents": bridges_incidents.site_incidents(site),
        "roll_call": bridges_rollcall.site_state(site),
    })


@on_join("overlay")
def _overlay_counts(event_slug, context):
    emit("site_counts", summary(get_event(event_slug)))


@site_event
def site_check_in(site, payload):
    bridges_state.check_in(site, payload.get("video_ok") is True, payload.get("audio_ok") is True)
    return {"site": bridges_sites.site_self_view(site)}


@site_event
def _heartbeat(site, payload):
    note = payload.get("note") if isinstance(payload.get("note"), str) else None
    result = bridges_state.record_beat(site, payload.get("state", "ok"), note)
    return {"state": result["state"]}


def site_heartbeat(*args):
    """A beat that changes nothing but its time takes one UPDATE (checked against the
    socket's token); anything else goes through the guard and the full path."""
    payload = _payload(args)
    if "note" not in payload:
        quiet = bridges_state.quiet_beat(*connected_site(), payload.get("state", "ok"))
        if quiet is not None:
            return {"ok": True, "state": quiet["state"]}
    return _heartbeat(*args)


site_heartbeat.allowed_roles = ("site",)


@site_event
def site_report(site, payload):
    incident = bridges_incidents.report(site, payload.get("kind"), payload.get("text", ""))
    return {"incident": bridges_incidents.site_view(incident)}


@site_event
def roll_call_confirm(site, payload):
    return {"roll_call": bridges_rollcall.confirm(site)}


def _site_disconnect(*_args):
    site_id = connected_site()[0]
    if site_id:
        bridges_state.note_disconnect(site_id)


def _actor(user):
    return user.display_name or user.username


@staff_event("crew")
def incident_ack(slug, user, payload=None):
    incident = bridges_incidents.acknowledge(get_event(slug), _payload([payload]).get("id"), _actor(user))
    return {"ok": True, "incident": bridges_incidents.view(incident)}


@staff_event("crew")
def incident_resolve(slug, user, payload=None):
    incident = bridges_incidents.resolve(get_event(slug), _payload([payload]).get("id"), _actor(user))
    return {"ok": True, "incident": bridges_incidents.view(incident)}


@staff_event("crew")
def roll_call_start(slug, user, payload=None):
    event = get_event(slug)
    bridges_rollcall.start(event, _actor(user), _payload([payload]).get("title", ""))
    return {"ok": True, "roll_call": bridges_rollcall.crew_state(event)}


@staff_event("crew")
def roll_call_close(slug, user, payload=None):
    event = get_event(slug)
    bridges_rollcall.close(event, _payload([payload]).get("id"), _actor(user))
    return {"ok": True, "roll_call": bridges_rollcall.crew_state(event)}


@staff_event("crew")
def site_message_send(slug, user, payload=None):
    data = _payload([payload])
    message = bridges_messages.send(get_event(slug), _actor(user), data.get("scope"), data.get("text"),
                                    district=data.get("district"), site_id=data.get("site_id"))
    return {"ok": True, "message": bridges_messages.view(message)}


@staff_event("crew")
def site_detail(slug, user, payload=None):
    site = bridges_sites.get_site(get_event(slug), _payload([payload]).get("id"))
    return {"ok": True, "site": bridges_sites.crew_view(site), "log": bridges_sites.site_log(site, 50),
            "incidents": bridges_incidents.site_incidents(site, 10)}


SITE_HANDLERS = (site_check_in, site_heartbeat, site_report, roll_call_confirm)
CREW_HANDLERS = (incident_ack, incident_resolve, roll_call_start, roll_call_close, site_message_send, site_detail)


def register(socketio):
    for handler in SITE_HANDLERS:
        socketio.on_event(handler.__name__, handler, namespace="/site")
    socketio.on_event("disconnect", _site_disconnect, namespace="/site")
    for handler in CREW_HANDLERS:
        socketio.on_event(handler.__name__, handler, namespace="/crew")
