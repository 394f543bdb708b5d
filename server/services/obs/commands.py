"""The OBS area's commands: the crew's control-room actions (scenes, TAKE/CUT, transitions,
stream and record, stream target, audio, media, text sources, scene pack), the mirrored state
and thumbnail watching. Bound to REST (``/api/v1/events/<slug>/obs...``, for scripts and a
Stream Deck) and Socket.IO (``/crew``, the control panel) by the command registry
(``server/services/commands.py``).

Every OBS failure leaves as one translated ``ServiceError`` (``errors.ObsError.to_service_error``):
503 while OBS is unusable, 404 unknown scene or source, 422 invalid, 409 studio mode off,
502 OBS refused the request or an output failed.
"""

from typing import Annotated, Any, Literal

from pydantic import Field

from server.services.commands import Input, command
from server.services.errors import ServiceError
from server.services.fields import LongText, Name
from server.services.lookups import public_base_url

from .errors import as_service_errors
from .runtime import obs_runtime
from .scene_pack import apply_scene_pack, pack_or_invalid

CREW = ("crew",)
EVENT_OBS = "/events/<slug>/obs"

Duration = Annotated[int, Field(ge=50, le=20_000)]
Target = Annotated[str, Field(max_length=512)]
PackName = Annotated[str, Field(max_length=64)]


def on_obs(call, fn):
    """``fn(connection)`` for the call's event (unknown or inactive event: 404): the OBS on air
    (the primary, or the standby after a switch to it, see server/services/standby/)."""
    _ = call.event  # the lookup refuses an unknown or inactive event
    with as_service_errors():
        return fn(obs_runtime().connection_on_air(call.slug))


# ---- state --------------------------------------------------------------------------------


@command("obs.state", roles=CREW, http=f"GET {EVENT_OBS}", socket="crew:obs_state", endpoint="obs_state")
def obs_state(call, data):
    """The mirrored state of the event's OBS on air (no secrets), its keys at the top level, and
    ``side``: "primary", or "backup" after a switch to the standby OBS."""
    _ = call.event  # the lookup refuses an unknown or inactive event
    side, state = obs_runtime().on_air_state(call.slug, fresh=True)
    return {**state, "side": side}


# ---- scenes -------------------------------------------------------------------------------


class SceneRef(Input):
    scene: Name


class MaybeScene(Input):
    scene: Name | None = None


@command(
    "obs.scene",
    roles=CREW,
    input=SceneRef,
    http=f"POST {EVENT_OBS}/scene",
    socket="crew:obs_take_scene",
    endpoint="obs_scene",
)
def obs_scene(call, data):
    """Put ``scene`` on program directly."""
    return on_obs(call, lambda conn: conn.set_program_scene(data.scene))


@command(
    "obs.preview",
    roles=CREW,
    input=SceneRef,
    http=f"POST {EVENT_OBS}/preview",
    socket="crew:obs_set_preview",
    endpoint="obs_preview",
)
def obs_preview(call, data):
    """Put ``scene`` on preview (studio mode)."""
    return on_obs(call, lambda conn: conn.set_preview_scene(data.scene))


class StudioMode(Input):
    enabled: bool


@command(
    "obs.studio_mode",
    roles=CREW,
    input=StudioMode,
    http=f"POST {EVENT_OBS}/studio-mode",
    socket="crew:obs_studio_mode",
    endpoint="obs_studio_mode",
)
def obs_studio_mode(call, data):
    """Turn studio mode on or off."""
    return on_obs(call, lambda conn: conn.set_studio_mode(data.enabled))


@command("obs.take", roles=CREW, http=f"POST {EVENT_OBS}/take", socket="crew:obs_take", endpoint="obs_take")
def obs_take(call, data):
    """Studio-mode TAKE (preview to program with the current transition)."""
    return on_obs(call, lambda conn: conn.take())


@command(
    "obs.cut", roles=CREW, input=MaybeScene, http=f"POST {EVENT_OBS}/cut", socket="crew:obs_cut", endpoint="obs_cut"
)
def obs_cut(call, data):
    """CUT: preview to program instantly (studio mode), or to ``scene``."""
    return on_obs(call, lambda conn: conn.cut(data.scene))


class Transition(Input):
    name: Name | None = None
    duration: Duration | None = None


@command(
    "obs.transition",
    roles=CREW,
    input=Transition,
    http=f"POST {EVENT_OBS}/transition",
    socket="crew:obs_transition",
    endpoint="obs_transition",
)
def obs_transition(call, data):
    """Choose the current transition (``name``) and/or its ``duration`` (50–20000 ms)."""
    return on_obs(call, lambda conn: conn.set_transition(data.name, data.duration))


# ---- outputs ------------------------------------------------------------------------------


class OutputAction(Input):
    action: Literal["start", "stop"]


@command(
    "obs.stream",
    roles=CREW,
    input=OutputAction,
    http=f"POST {EVENT_OBS}/stream",
    socket="crew:obs_stream",
    endpoint="obs_stream",
)
def obs_stream(call, data):
    """Start or stop the live stream (idempotent, never toggles)."""
    return on_obs(call, lambda conn: conn.stream(data.action))


@command(
    "obs.record",
    roles=CREW,
    input=OutputAction,
    http=f"POST {EVENT_OBS}/record",
    socket="crew:obs_record",
    endpoint="obs_record",
)
def obs_record(call, data):
    """Start or stop recording (idempotent); stopping returns the file's ``path``."""
    return on_obs(call, lambda conn: conn.record(data.action))


class StreamTarget(Input):
    server: Target
    key: Target


@command(
    "obs.stream_target",
    roles=CREW,
    input=StreamTarget,
    http=f"POST {EVENT_OBS}/stream-target",
    socket="crew:obs_stream_target",
    endpoint="obs_stream_target",
)
def obs_stream_target(call, data):
    """Set a custom RTMP/SRT target; the key goes to OBS and only comes back masked."""
    return {"target": on_obs(call, lambda conn: conn.set_stream_target(data.server, data.key))}


# ---- inputs -------------------------------------------------------------------------------


class Mute(Input):
    input: Name
    muted: bool


@command("obs.mute", roles=CREW, input=Mute, http=f"POST {EVENT_OBS}/mute", socket="crew:obs_mute", endpoint="obs_mute")
def obs_mute(call, data):
    """Mute or unmute an audio input."""
    return on_obs(call, lambda conn: conn.set_mute(data.input, data.muted))


class Volume(Input):
    input: Name
    volume_db: Annotated[float, Field(ge=-100, le=26)]


@command(
    "obs.volume",
    roles=CREW,
    input=Volume,
    http=f"POST {EVENT_OBS}/volume",
    socket="crew:obs_volume",
    endpoint="obs_volume",
)
def obs_volume(call, data):
    """Set an audio input's fader (dB, -100 = silent .. 26)."""
    return on_obs(call, lambda conn: conn.set_volume(data.input, data.volume_db))


class Media(Input):
    input: Name
    action: Literal["play", "pause", "stop", "restart"]


@command(
    "obs.media", roles=CREW, input=Media, http=f"POST {EVENT_OBS}/media", socket="crew:obs_media", endpoint="obs_media"
)
def obs_media(call, data):
    """Play, pause, stop or restart a media input."""
    return on_obs(call, lambda conn: conn.media(data.input, data.action))


class Text(Input):
    input: Name
    text: LongText


@command("obs.text", roles=CREW, input=Text, http=f"POST {EVENT_OBS}/text", socket="crew:obs_text", endpoint="obs_text")
def obs_text(call, data):
    """Set the text of a native text source."""
    return on_obs(call, lambda conn: conn.set_text(data.input, data.text))


# ---- scene pack ---------------------------------------------------------------------------


class ScenePack(Input):
    pack: PackName = ""


@command(
    "obs.scene_pack",
    roles=CREW,
    input=ScenePack,
    http=f"POST {EVENT_OBS}/scene-pack",
    socket="crew:obs_apply_scene_pack",
    endpoint="obs_scene_pack",
)
def obs_scene_pack(call, data):
    """Apply a scene pack (``congress`` by default): create what is missing, report it. The new
    text sources get the current texts at once (not the pack's placeholders). An event with a
    standby OBS gets it there too (``backup_report``, or ``backup_error`` when it is down)."""
    with as_service_errors():
        pack = pack_or_invalid(data.pack or "congress")
    _ = call.event  # the lookup refuses an unknown or inactive event
    base = public_base_url(call.host_url)
    runtime = obs_runtime()
    with as_service_errors():
        report = apply_scene_pack(runtime.connection_for(call.slug), pack, base_url=base, slug=call.slug)
    runtime.push_current_texts(call.slug)
    out = {"report": report}
    backup = runtime.backup_for(call.slug)
    if backup is not None:  # the standby OBS gets the same pack (it is down: said, not fatal)
        try:
            with as_service_errors():
                out["backup_report"] = apply_scene_pack(backup, pack, base_url=base, slug=call.slug)
            runtime.push_current_texts(call.slug, backup=True)
            runtime.mirror_program(call.slug)
        except ServiceError as err:
            out["backup_error"] = {"error": err.code, "message": str(err.message)}
    return out


# ---- thumbnails ---------------------------------------------------------------------------

WHY_SOCKET_ONLY = "thumbnails are pushed to the watching socket; HTTP callers have no connection to push to"


class Watch(Input):
    scenes: list[Any] = Field(default_factory=list, max_length=100)


@command(
    "obs.watch_thumbnails", roles=CREW, input=Watch, socket="crew:obs_watch_thumbnails", why_no_http=WHY_SOCKET_ONLY
)
def obs_watch_thumbnails(call, data):
    """The panel says which scenes it shows; thumbnails flow to it while it watches."""
    obs_runtime().watch(call.slug, call.sid, data.scenes)
    return {}


@command("obs.unwatch_thumbnails", roles=CREW, socket="crew:obs_unwatch_thumbnails", why_no_http=WHY_SOCKET_ONLY)
def obs_unwatch_thumbnails(call, data):
    """The panel stops watching (hidden or closed)."""
    obs_runtime().unwatch(call.slug, call.sid)
    return {}
