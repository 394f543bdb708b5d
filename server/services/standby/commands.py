"""The standby area's commands: the standby OBS's view (crew), its settings (admin: host, port,
write-only password, the automatic rule) and the switch between the primary and the standby OBS
(crew). Bound to REST (``/api/v1/events/<slug>/standby...``) and Socket.IO (``/crew``) by the
command registry (``server/services/commands.py``). No answer ever carries the password.
"""

from typing import Annotated, Literal

from pydantic import Field

from server.services.commands import Input, command
from server.services.fields import StrictBool

from . import switch as standby

CREW = ("crew",)
ADMIN = ("admin",)
STANDBY = "/events/<slug>/standby"


@command("standby.state", roles=CREW, http=f"GET {STANDBY}", socket="crew:standby_state", endpoint="standby_state")
def standby_state(call, data):
    """The standby OBS: configured, which OBS is on air, its link, the automatic rule, the feed."""
    _ = call.event  # the lookup refuses an unknown or inactive event
    return standby.view(call.slug)


class StandbySettings(Input):
    host: Annotated[str, Field(max_length=253)] = ""
    port: Annotated[int, Field(ge=1, le=65535)] = 4455
    password: Annotated[str, Field(max_length=300)] | None = None
    clear_password: StrictBool = False
    auto_after_s: Annotated[int, Field(ge=0, le=600)] | None = None


@command(
    "standby.settings",
    roles=ADMIN,
    input=StandbySettings,
    http=f"PUT {STANDBY}/settings",
    socket="crew:standby_settings",
    endpoint="standby_settings",
)
def standby_settings(call, data):
    """Set (or, with an empty ``host``, remove) the standby OBS: ``host``, ``port``, write-only
    ``password`` (empty keeps it, ``clear_password`` removes it), ``auto_after_s`` (1–600 s,
    0/absent = switch only by hand). It connects at once."""
    from server.services import audit
    from server.services.obs.event_settings import public_backup_settings, save_event_backup
    from server.services.obs.runtime import obs_runtime

    event = call.event
    save_event_backup(event, data.host, data.port, data.password, data.clear_password, data.auto_after_s)
    audit.record(call.actor, "standby.settings", call.slug, event.obs_backup_url or "removed")
    obs_runtime().reconfigure(event)
    return {"settings": public_backup_settings(event), "standby": standby.view(call.slug)}


class SwitchTo(Input):
    to: Literal["backup", "primary"] = "backup"


@command(
    "standby.switch",
    roles=CREW,
    input=SwitchTo,
    http=f"POST {STANDBY}/switch",
    socket="crew:standby_switch",
    endpoint="standby_switch",
)
def standby_switch(call, data):
    """ "Chuyển sang OBS dự phòng" (``to="backup"``) and back (``to="primary"``): the crew's
    commands then drive that OBS and, while the restream runs, the fan pages get its stream after
    a short freeze (their connections stay up). Audited; the crew is alerted."""
    _ = call.event
    return standby.switch(call.slug, data.to, call.actor, reason="manual")
