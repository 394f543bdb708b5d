"""The restream area's commands: fan-page destinations (admin manages, crew reads and
starts/stops them one by one) and the one press that points OBS at the local ingest and pushes
to every enabled page. Bound to REST (``/api/v1/events/<slug>/destinations...``,
``/api/v1/events/<slug>/restream``) and Socket.IO (``/crew``) by the command registry
(``server/services/commands.py``).

No answer ever carries a stream key: destinations leave through ``destinations.public``.

An event with a standby OBS (server/services/standby/): the press points BOTH OBS at the ingest
(``<slug>~primary``, ``<slug>~backup``) and starts the program feed (``program.py``) that
republishes the one on air as ``<slug>``, the stream the pushers read.
"""

from typing import Annotated, Literal

from flask_babel import lazy_gettext as _l
from pydantic import Field

from server.services.commands import Created, Input, command
from server.services.errors import Conflict, ServiceError
from server.services.fields import Id, StrictBool

from . import destinations as dests
from .program import stream_name
from .relay import restream_runtime

CREW = ("crew",)
ADMIN = ("admin",)
DESTS = "/events/<slug>/destinations"

Text = Annotated[str, Field(max_length=600)]  # bounded here, checked by destinations.check_*
Position = Annotated[int, Field(ge=0, le=10_000)]


def view(call, dest):
    return dests.public(dest, restream_runtime().status(call.slug, dest.id))


def ingest_view(call):
    ingest = restream_runtime().ingest
    return {**ingest.describe(), "stream_key": call.slug if ingest.running else None}


def start_destination(call, dest):
    """Push to ``dest`` now (the ingest started if needed)."""
    if not dest.enabled:
        raise Conflict("destination_disabled", _l("Trang phát này đang tắt; bật nó trước khi phát."))
    runtime = restream_runtime()
    runtime.ensure_ingest()
    key = dests.key_of(dest)
    runtime.relay(call.slug).start(dest.id, dests.target_url(dest, key), key)


# ---- reading ------------------------------------------------------------------------------


@command(
    "restream.list", roles=CREW, http=f"GET {DESTS}", socket="crew:destinations_list", endpoint="destinations_list"
)
def destinations_list(call, data):
    """The event's fan pages with their live state (never a key) and the ingest's address."""
    return {"destinations": [view(call, d) for d in dests.list_for(call.event)], "ingest": ingest_view(call)}


# ---- admin: managing pages ----------------------------------------------------------------


class NewDestination(Input):
    name: Text
    url: Text
    key: Text
    enabled: StrictBool = True


@command(
    "restream.create",
    roles=ADMIN,
    input=NewDestination,
    http=f"POST {DESTS}",
    socket="crew:destination_create",
    endpoint="destination_create",
)
def destination_create(call, data):
    """Add a fan page: ``name``, server ``url`` (rtmp/rtmps/srt), write-only ``key``, ``enabled``."""
    dest = dests.create(call.event, data.name, data.url, data.key, data.enabled)
    return Created({"destination": view(call, dest)})


class DestinationChange(Input):
    id: Id
    name: Text | None = None
    url: Text | None = None
    key: Text | None = None
    enabled: StrictBool | None = None
    position: Position | None = None


@command(
    "restream.update",
    roles=ADMIN,
    input=DestinationChange,
    http=f"PUT {DESTS}/<int:id>",
    socket="crew:destination_update",
    endpoint="destination_update",
)
def destination_update(call, data):
    """Change a fan page (a missing ``key`` keeps the stored one); a running push follows the change."""
    dest = dests.get(call.event, data.id)
    dests.update(dest, name=data.name, url=data.url, key=data.key, enabled=data.enabled, position=data.position)
    relay = restream_runtime().relay(call.slug)
    running = relay.running(dest.id)
    if running and dest.enabled:
        start_destination(call, dest)  # a new target restarts the push
    elif running:
        relay.stop(dest.id)
    return {"destination": view(call, dest)}


class DestinationRef(Input):
    id: Id


@command(
    "restream.delete",
    roles=ADMIN,
    input=DestinationRef,
    http=f"DELETE {DESTS}/<int:id>",
    socket="crew:destination_delete",
    endpoint="destination_delete",
)
def destination_delete(call, data):
    """Remove a fan page (its push stops first)."""
    dest = dests.get(call.event, data.id)
    restream_runtime().relay(call.slug).forget(dest.id)
    dests.delete(dest)
    return {"id": data.id}


# ---- crew: pushing ------------------------------------------------------------------------


@command(
    "restream.start_one",
    roles=CREW,
    input=DestinationRef,
    http=f"POST {DESTS}/<int:id>/start",
    socket="crew:destination_start",
    endpoint="destination_start",
)
def destination_start(call, data):
    """Start pushing to one fan page (the others are not touched)."""
    dest = dests.get(call.event, data.id)
    start_destination(call, dest)
    return {"destination": view(call, dest), "ingest": ingest_view(call)}


@command(
    "restream.stop_one",
    roles=CREW,
    input=DestinationRef,
    http=f"POST {DESTS}/<int:id>/stop",
    socket="crew:destination_stop",
    endpoint="destination_stop",
)
def destination_stop(call, data):
    """Stop pushing to one fan page."""
    dest = dests.get(call.event, data.id)
    restream_runtime().relay(call.slug).stop(dest.id)
    return {"destination": view(call, dest)}


class RestreamAction(Input):
    action: Literal["start", "stop"]
    obs: StrictBool = True  # false: another encoder publishes to the ingest, leave OBS alone


def point_obs_at_ingest(slug, server, key=None, side="primary"):
    """An OBS (``side``) streams to the ingest (key = the event slug, or its standby stream name)
    and starts; refuses to hijack a stream that is already live elsewhere."""
    from server.services.obs.runtime import run_command

    def go(conn):
        active = bool(conn.call("GetStreamStatus").get("outputActive"))
        if active and conn.get_stream_target().get("server") == server and key != slug:
            return conn.start_stream()  # already streaming to its own standby name at the ingest
        if active and conn.get_stream_target().get("server") != server:
            raise Conflict("obs_streaming_elsewhere", _l("OBS đang phát tới nơi khác; hãy dừng phát trong OBS trước."))
        conn.set_stream_target(server, key or slug)
        return conn.start_stream()

    return run_command(slug, go, side=side)


def stream_side_to_ingest(slug, side):
    """The standby switch: make sure the OBS switched to streams its own name to the ingest."""
    ingest = restream_runtime().ensure_ingest()
    return point_obs_at_ingest(slug, ingest.server_url, stream_name(slug, side), side=side)


def stop_obs_stream(slug, side="primary"):
    from server.services.obs.runtime import run_command

    return run_command(slug, lambda conn: conn.stop_stream(), side=side)


def start_with_standby(call, server):
    """Both OBS stream to the ingest under their own names; the program feed republishes the one
    on air as the event's stream. A standby that cannot start is reported, not fatal."""
    from server.services.obs.runtime import obs_runtime

    side = obs_runtime().on_air(call.slug, fresh=True)
    restream_runtime().program(call.slug, side=side)
    obs = point_obs_at_ingest(call.slug, server, stream_name(call.slug, "primary"))
    try:
        obs["backup"] = point_obs_at_ingest(call.slug, server, stream_name(call.slug, "backup"), side="backup")
    except ServiceError as err:
        obs["backup"] = {"error": err.code, "message": str(err.message)}
    return obs


@command(
    "restream.action",
    roles=CREW,
    input=RestreamAction,
    http="POST /events/<slug>/restream",
    socket="crew:restream",
    endpoint="restream",
)
def restream(call, data):
    """One press: ``start`` points OBS at the ingest, starts its stream and every enabled page
    (with a standby OBS: both OBS and the program feed, the answer's ``obs.backup`` says how the
    standby went); ``stop`` stops the pages, then OBS's stream (both OBS's)."""
    runtime = restream_runtime()
    event = call.event
    obs = None
    if data.action == "start":
        ingest = runtime.ensure_ingest()
        if data.obs and event.obs_backup_url:
            obs = start_with_standby(call, ingest.server_url)
        elif data.obs:
            obs = point_obs_at_ingest(call.slug, ingest.server_url)
        for dest in dests.list_for(event):
            if dest.enabled:
                start_destination(call, dest)
    else:
        runtime.relay(call.slug).stop_all()
        runtime.stop_program(call.slug)
        if data.obs:
            try:
                obs = stop_obs_stream(call.slug)
            except ServiceError as err:  # the pages are stopped whatever OBS says
                obs = {"error": err.code, "message": str(err.message)}
            if event.obs_backup_url:
                try:
                    obs["backup"] = stop_obs_stream(call.slug, side="backup")
                except ServiceError as err:
                    obs["backup"] = {"error": err.code, "message": str(err.message)}
    return {"obs": obs, "ingest": ingest_view(call), "destinations": [view(call, d) for d in dests.list_for(event)]}
