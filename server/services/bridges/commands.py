"""The bridges area's commands: what a site's phone does (check in, heartbeat, report trouble,
answer the roll call, read its own state) and what the crew does on the board (incidents, roll
call, messages to sites, a site's detail, counts and lists). Bound to REST (``/api/v1``) and
Socket.IO (``/site``, ``/crew``) by the command registry (``server/services/commands.py``).

Site commands carry the site's token in their REST path (``/sites/<token>/...``), so a phone
whose socket is blocked does everything over HTTP; on the socket they act on the site the
``/site`` connection joined as. Check-in, report and roll-call answer take an optional
``client_id``: a repeat from the same site is the stored result, not a second action.
"""

from typing import Annotated

from pydantic import Field

from server.services.bridges import alerts, chat, incidents, messages, presence, readiness, rollcall, sites
from server.services.bridges.counter import summary
from server.services.bridges.phone import phone_state
from server.services.commands import Created, Input, command
from server.services.fields import Id, LongText, ShortText

ClientId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")]
Code = Annotated[str, Field(max_length=40)]
District = Annotated[str, Field(max_length=200)]


# ---- the site's phone -------------------------------------------------------------------


class CheckIn(Input):
    video_ok: bool = False
    audio_ok: bool = False
    test_call_ok: bool | None = None  # the readiness checklist's test call; absent: unchanged
    client_id: ClientId | None = None


@command(
    "bridges.check_in",
    roles=("site",),
    input=CheckIn,
    http="POST /sites/<token>/check-in",
    socket="site:site_check_in",
    endpoint="site_check_in",
)
def site_check_in(call, data):
    """The site confirms picture and sound (and the test call): ``{site}`` (its own view)."""
    repeat = data.client_id is not None and data.client_id == call.site.check_in_client_id
    if data.test_call_ok is not None and not repeat:
        readiness.record_test_call(call.site, data.test_call_ok)  # committed with the check-in
    presence.check_in(call.site, data.video_ok, data.audio_ok, client_id=data.client_id)
    return {"site": sites.site_self_view(call.site)}


class Beat(Input):
    state: Code = "ok"
    note: ShortText | None = None


@command(
    "bridges.heartbeat",
    roles=("site",),
    input=Beat,
    http="POST /sites/<token>/heartbeat",
    socket="site:site_heartbeat",
    endpoint="site_heartbeat",
    site_check="handler",
)
def site_heartbeat(call, data):
    """A beat: ``{"state": "ok"|"degraded", "note"?}`` → ``{state}``. The quiet beat is one
    token-checked UPDATE, so this handler checks the site itself (``site_check="handler"``)."""
    site_id, token = call.credentials
    return {"state": presence.beat(site_id, token, data.state, data.note)["state"]}


class Report(Input):
    kind: Code = ""
    text: LongText = ""
    client_id: ClientId | None = None


@command(
    "bridges.report",
    roles=("site",),
    input=Report,
    http="POST /sites/<token>/report",
    socket="site:site_report",
    endpoint="site_report",
)
def site_report(call, data):
    """Report trouble: 201 ``{incident}`` once stored, 200 for a repeated client_id; 429 when too fast."""
    incident, created = incidents.report(call.site, data.kind, data.text, client_id=data.client_id)
    result = {"incident": incidents.site_view(incident)}
    return Created(result) if created else result


class RollCallAnswer(Input):
    client_id: ClientId | None = None


@command(
    "bridges.roll_call_confirm",
    roles=("site",),
    input=RollCallAnswer,
    http="POST /sites/<token>/roll-call",
    socket="site:roll_call_confirm",
    endpoint="roll_call_confirm",
)
def roll_call_confirm(call, data):
    """Answer the open roll call: ``{roll_call}`` with the confirmation time."""
    return {"roll_call": rollcall.confirm(call.site, client_id=data.client_id)}


@command(
    "bridges.site_state",
    roles=("site",),
    http="GET /sites/<token>/state",
    why_no_socket="the socket sends it on joining /site (site_hello)",
    endpoint="site_state",
)
def site_state(call, data):
    """What the phone shows: its view, messages to it, its incidents, the open roll call."""
    return phone_state(call.site)


# ---- the crew board ---------------------------------------------------------------------


class IncidentRef(Input):
    id: Id


@command(
    "bridges.incident_ack",
    roles=("crew",),
    input=IncidentRef,
    http="POST /events/<slug>/incidents/<int:id>/ack",
    socket="crew:incident_ack",
    endpoint="incident_ack",
)
def incident_ack(call, data):
    """Acknowledge a site's incident (the site sees it): ``{incident}``."""
    incident = incidents.acknowledge(call.event, data.id, call.actor.name)
    return {"incident": incidents.view(incident)}


@command(
    "bridges.incident_resolve",
    roles=("crew",),
    input=IncidentRef,
    http="POST /events/<slug>/incidents/<int:id>/resolve",
    socket="crew:incident_resolve",
    endpoint="incident_resolve",
)
def incident_resolve(call, data):
    """Resolve a site's incident: ``{incident}``."""
    incident = incidents.resolve(call.event, data.id, call.actor.name)
    return {"incident": incidents.view(incident)}


class RollCallStart(Input):
    title: ShortText = ""


@command(
    "bridges.roll_call_start",
    roles=("crew",),
    input=RollCallStart,
    http="POST /events/<slug>/roll-calls",
    socket="crew:roll_call_start",
    endpoint="roll_call_start",
)
def roll_call_start(call, data):
    """Start a roll call of every active site: 201 ``{roll_call}``."""
    rollcall.start(call.event, call.actor.name, data.title)
    return Created({"roll_call": rollcall.crew_state(call.event)})


class RollCallRef(Input):
    id: Id


@command(
    "bridges.roll_call_close",
    roles=("crew",),
    input=RollCallRef,
    http="POST /events/<slug>/roll-calls/<int:id>/close",
    socket="crew:roll_call_close",
    endpoint="roll_call_close",
)
def roll_call_close(call, data):
    """Close a roll call: ``{roll_call}``."""
    rollcall.close(call.event, data.id, call.actor.name)
    return {"roll_call": rollcall.crew_state(call.event)}


class SiteMessage(Input):
    scope: Code = ""
    text: LongText = ""
    district: District | None = None
    site_id: Id | None = None


@command(
    "bridges.message_send",
    roles=("crew",),
    input=SiteMessage,
    http="POST /events/<slug>/site-messages",
    socket="crew:site_message_send",
    endpoint="site_message_send",
)
def site_message_send(call, data):
    """Send a message to all sites, one district or one site: 201 ``{crew_message}``."""
    sent = messages.send(
        call.event, call.actor.name, data.scope, data.text, district=data.district, site_id=data.site_id
    )
    return Created({"crew_message": messages.view(sent)})


class SiteRef(Input):
    id: Id


@command(
    "bridges.site_detail",
    roles=("crew",),
    input=SiteRef,
    http="GET /events/<slug>/sites/<int:id>",
    socket="crew:site_detail",
    endpoint="site_detail",
)
def site_detail(call, data):
    """One site with its log, latest incidents and its history (alerts, uptime %, flapping,
    timeline): ``{site, log, incidents, history}``."""
    site = sites.get_site(call.event, data.id)
    return {
        "site": sites.crew_view(site),
        "log": sites.site_log(site, 50),
        "incidents": incidents.site_incidents(site, 10),
        "history": alerts.site_history(site),
    }


# ---- counts and lists (scripts, the board's first load) ---------------------------------


@command(
    "bridges.summary",
    roles=("crew", "moderator"),
    http="GET /events/<slug>/sites/summary",
    why_no_socket="the board and the counter overlay get counts pushed (site_counts)",
    endpoint="sites_summary",
)
def sites_summary(call, data):
    """``{total, online, degraded, offline, never_seen, checked_in, connected}``."""
    return summary(call.event)


@command(
    "bridges.sites",
    roles=("crew", "moderator"),
    http="GET /events/<slug>/sites",
    why_no_socket="the board loads it once, then follows site_state pushes",
    endpoint="sites_list",
)
def sites_list(call, data):
    """Every active site with its state, grouped in Vietnamese order (``board_order``):
    ``{sites, counts}``; an admin also gets each token and link."""
    admin = call.actor.role == "admin"
    rows = []
    for site in sites.board_order(sites.event_sites(call.event)):
        row = sites.crew_view(site)
        if admin:
            row["token"] = site.token
            row["link"] = sites.site_link(site, call.host_url)
        rows.append(row)
    return {"sites": rows, "counts": summary(call.event)}


@command(
    "bridges.board_state",
    roles=("crew",),
    http="GET /events/<slug>/bridges/state",
    why_no_socket="the board loads it once, then follows incident/roll_call/crew_message_sent pushes",
    endpoint="bridges_board_state",
)
def bridges_board_state(call, data):
    """What the board needs besides the sites: ``{incidents, roll_call, messages, alerts, unread,
    readiness}`` (unread: site id → lines of the conversation the crew has not read)."""
    return {
        "incidents": incidents.event_incidents(call.event),
        "roll_call": rollcall.crew_state(call.event),
        "messages": messages.recent(call.event),
        "alerts": alerts.open_alerts(call.event),
        "unread": {str(k): v for k, v in chat.unread_counts(call.event).items()},
        "readiness": readiness.view(call.event),
    }


# ---- alerts that stay, readiness --------------------------------------------------------


class AlertAck(Input):
    ids: Annotated[list[Id], Field(min_length=1, max_length=5000)]


@command(
    "bridges.alert_ack",
    roles=("crew",),
    input=AlertAck,
    http="POST /events/<slug>/alerts/ack",
    socket="crew:alert_ack",
    endpoint="alert_ack",
)
def alert_ack(call, data):
    """Acknowledge alerts (one, or a whole group of drops): ``{alerts}``."""
    return {"alerts": alerts.acknowledge(call.event, data.ids, call.actor.name)}


@command(
    "bridges.readiness",
    roles=("crew",),
    http="GET /events/<slug>/readiness",
    socket="crew:readiness",
    endpoint="bridges_readiness",
)
def bridges_readiness(call, data):
    """``{readiness}``: countdown start, ready %, sites not ready by district with their contact."""
    return {"readiness": readiness.view(call.event)}


# ---- the conversation with one site -----------------------------------------------------


class CrewChat(Input):
    id: Id
    text: Annotated[str, Field(max_length=1000)] = ""


@command(
    "bridges.chat_send",
    roles=("crew",),
    input=CrewChat,
    http="POST /events/<slug>/sites/<int:id>/chat",
    socket="crew:site_chat_send",
    endpoint="crew_chat_send",
)
def crew_chat_send(call, data):
    """The crew writes to one site: 201 ``{line}``."""
    site = sites.get_site(call.event, data.id)
    return Created({"line": chat.view(chat.send(site, "crew", call.actor.name, data.text))})


class SiteChat(Input):
    text: Annotated[str, Field(max_length=1000)] = ""


@command(
    "bridges.site_chat_send",
    roles=("site",),
    input=SiteChat,
    http="POST /sites/<token>/chat",
    socket="site:site_chat_send",
    endpoint="site_chat_send",
)
def site_chat_send(call, data):
    """The phone writes to the crew: text and/or a photo (multipart field ``photo`` over HTTP;
    the socket carries text only): 201 ``{line}``."""
    files = call.files.get("photo") or []
    photo = files[0][1] if files else None
    return Created({"line": chat.view(chat.send(call.site, "site", call.site.code, data.text, photo=photo))})


class ChatRead(Input):
    id: Id
    up_to: Id | None = None


@command(
    "bridges.chat_read",
    roles=("crew",),
    input=ChatRead,
    http="POST /events/<slug>/sites/<int:id>/chat/read",
    socket="crew:site_chat_read",
    endpoint="crew_chat_read",
)
def crew_chat_read(call, data):
    """The crew has read the site's lines: ``{receipt}`` (the phone sees it)."""
    return {"receipt": chat.mark_read(sites.get_site(call.event, data.id), "crew", data.up_to)}


class SiteChatRead(Input):
    up_to: Id | None = None


@command(
    "bridges.site_chat_read",
    roles=("site",),
    input=SiteChatRead,
    http="POST /sites/<token>/chat/read",
    socket="site:site_chat_read",
    endpoint="site_chat_read",
)
def site_chat_read(call, data):
    """The phone has read the crew's lines: ``{receipt}`` (the board sees it)."""
    return {"receipt": chat.mark_read(call.site, "site", data.up_to)}


class ChatHistory(Input):
    id: Id
    before: Id | None = None


@command(
    "bridges.chat_history",
    roles=("crew",),
    input=ChatHistory,
    http="GET /events/<slug>/sites/<int:id>/chat",
    socket="crew:site_chat_history",
    endpoint="crew_chat_history",
)
def crew_chat_history(call, data):
    """The conversation with one site, oldest first: ``{lines}``."""
    return {"lines": chat.history(sites.get_site(call.event, data.id), data.before)}


class SiteChatHistory(Input):
    before: Id | None = None


@command(
    "bridges.site_chat_history",
    roles=("site",),
    input=SiteChatHistory,
    http="GET /sites/<token>/chat",
    socket="site:site_chat_history",
    endpoint="site_chat_history",
)
def site_chat_history(call, data):
    """The phone's conversation with the crew, oldest first: ``{lines}``."""
    return {"lines": chat.history(call.site, data.before)}
