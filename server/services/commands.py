"""The command registry: every operation a client can ask for, declared once.

An area declares its operations in ``server/services/<area>/commands.py`` with ``@command``:
its name, who may call it, its input (a pydantic model), its REST route and its Socket.IO
event. The transports are bound from these declarations and nothing else:

- REST: ``server/web/api/commands.py`` adds one ``/api/v1`` route per command;
- Socket.IO: ``server/realtime/commands.py`` adds one event handler per command;
- the OpenAPI description (``/api/v1/openapi.json``) and the access-table test read them too.

A handler is ``fn(call, data)``: ``call`` is the ``Call`` (who asks, for which event), ``data``
the validated input. It returns a dict; both transports answer ``{"ok": true, **result}``,
and a ``ServiceError`` becomes ``{"error", "message", ...details}`` (REST, with its status)
or ``{"ok": false, "error", "message", ...details}`` (socket ack). Nothing here touches a
request: the bindings build the ``Call``.

A site command (``roles=("site",)``) normally gets ``call.site``, the Site its token (REST path
``<token>``, or the ``/site`` connection) stands for, loaded and checked by the binding. A
command declared with ``site_check="handler"`` gets ``call.credentials`` instead, the unchecked
``(site_id or None, token)``, and must check them itself: for the heartbeat, whose quiet beat is
one token-checked UPDATE and must not pay a Site load first (3,000+ phones every few seconds).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, ConfigDict, ValidationError

from server.services.errors import ServiceError

# Every area that declares commands, in the order the OpenAPI description lists them.
COMMAND_MODULES = (
    "server.services.core_commands",
    "server.services.obs.commands",
    "server.services.agenda.commands",
    "server.services.slides.commands",
    "server.services.documents.commands",
    "server.services.bridges.commands",
    "server.services.questions.commands",
    "server.services.questions.theme_commands",
    "server.services.restream.commands",
    "server.services.overview.commands",
    "server.services.archive.commands",
    "server.services.standby.commands",
)

STAFF_ROLES = ("admin", "crew", "moderator")
MAX_DEPTH = 16  # nested JSON deeper than this is refused before validation (RecursionError, CPU)

_registry: dict[str, Command] = {}


class Input(BaseModel):
    """Base of every command input: unknown keys are ignored, values are checked strictly enough
    that a huge integer or a wrong type is a 422, never a 500."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=False)


class NoInput(Input):
    """For commands that take nothing."""


@dataclass(frozen=True)
class Actor:
    """Who acts: a logged-in user, an API token, a site phone or an anonymous caller."""

    label: str
    role: str = "anonymous"
    user: Any = None

    @property
    def user_id(self):
        return getattr(self.user, "id", None)

    @property
    def name(self):
        """A person's name for logs shown to the crew."""
        if self.user is not None:
            return self.user.display_name or self.user.username
        return self.label

    @classmethod
    def from_user(cls, user):
        return cls(label=f"user:{user.username}", role=user.role, user=user)


@dataclass
class Call:
    """One invocation of a command, whatever the transport."""

    command: Command
    actor: Actor
    slug: str | None = None
    site: Any = None  # the Site of a site command
    sid: str | None = None  # the socket id, for commands that follow a connection
    transport: str = "http"
    address: str = ""  # the caller's network address (rate limits)
    device_id: str = ""  # a phone's self-chosen device id (rate limits)
    credentials: tuple | None = None  # (site_id or None, token), unchecked: site_check="handler" only
    host_url: str | None = None  # the request's own base URL, only as a hint (see lookups.public_base_url)
    locate: Callable[[], str] | None = None  # finds the event's slug after validation (REST routes by id)
    files: dict = field(default_factory=dict)  # multipart uploads (REST): name → [(filename, bytes)]
    extra: dict = field(default_factory=dict)

    @cached_property
    def event(self):
        """The event the call is about (NotFound if unknown or inactive)."""
        from server.services.lookups import event_or_404  # lookups imports models; commands must stay light

        return event_or_404(self.slug)


@dataclass(frozen=True)
class Command:
    """One declared operation."""

    name: str
    handler: Callable[[Call, Any], dict]
    roles: tuple[str, ...]
    input: type[Input]
    http: tuple[str, str] | None  # (method, path under /api/v1)
    socket: tuple[str, str] | None  # (audience, event name)
    status: int = 200
    event_of: Callable[[dict], str] | None = None  # REST routes without <slug>: find the event from path args
    why_no_socket: str | None = None
    why_no_http: str | None = None
    summary: str = ""
    endpoint: str = ""
    site_check: str = "binding"  # "handler": the handler checks call.credentials itself (see the module doc)

    @property
    def staff(self):
        return not set(self.roles) & {"anonymous", "site"}

    def allows(self, role):
        """Admin passes every staff check."""
        return role in self.roles or (role == "admin" and self.staff)

    def parse(self, raw):
        """Validate a payload into the command's input, or raise a 422 ``ServiceError``."""
        check_payload(raw)
        try:
            return self.input.model_validate(raw if isinstance(raw, dict) else {})
        except ValidationError as exc:
            fields = sorted({".".join(str(p) for p in err["loc"]) or "body" for err in exc.errors()})
            raise ServiceError(
                "invalid", _l("Dữ liệu không hợp lệ: %(fields)s.", fields=", ".join(fields)), status=422, fields=fields
            ) from None

    def run(self, call, raw):
        """``(envelope, status)``: the handler's result in the success envelope."""
        data = self.parse(raw)
        if call.slug is None and call.locate is not None:
            call.slug = call.locate()
        result = self.handler(call, data)
        status = 201 if isinstance(result, Created) else self.status
        return ok(result), status


class Created(dict):
    """A handler's result that created something: REST answers 201 instead of 200."""


def ok(result=None):
    """The success envelope of both transports."""
    out = {"ok": True}
    if result:
        out.update(result)
    return out


def command(
    name,
    *,
    roles,
    input=NoInput,
    http=None,
    socket=None,
    status=200,
    event_of=None,
    why_no_socket=None,
    why_no_http=None,
    endpoint=None,
    site_check="binding",
):
    """Declare a command. ``http`` is ``"METHOD /path"``; ``socket`` is ``"audience:event_name"``.

    A command without one of the two must say why (``why_no_socket`` / ``why_no_http``).
    ``site_check="handler"`` (site commands only): the bindings hand over ``call.credentials``
    unchecked and the handler checks them (see the module doc)."""

    def decorator(fn):
        if name in _registry:
            raise ValueError(f"command {name} declared twice")
        if http is None and not why_no_http:
            raise ValueError(f"command {name}: no REST route and no reason")
        if socket is None and not why_no_socket:
            raise ValueError(f"command {name}: no socket event and no reason")
        if site_check not in ("binding", "handler") or (site_check == "handler" and "site" not in roles):
            raise ValueError(f"command {name}: site_check={site_check!r} (only 'handler' for site commands)")
        route = tuple(http.split(" ", 1)) if http else None
        event = tuple(socket.split(":", 1)) if socket else None
        _registry[name] = Command(
            name=name,
            handler=fn,
            roles=tuple(roles),
            input=input,
            http=route,
            socket=event,
            status=status,
            event_of=event_of,
            why_no_socket=why_no_socket,
            why_no_http=why_no_http,
            summary=(fn.__doc__ or "").strip().split("\n")[0],
            endpoint=endpoint or fn.__name__,
            site_check=site_check,
        )
        return fn

    return decorator


def load_commands():
    """Import every area's commands module (explicitly listed above) and return the registry."""
    for module in COMMAND_MODULES:
        importlib.import_module(module)
    return dict(_registry)


def registry():
    return dict(_registry)


def check_payload(value, depth=0):
    """Refuse what no schema should see: nesting deeper than ``MAX_DEPTH`` and lone surrogates
    (which no database or JSON encoder accepts)."""
    if depth > MAX_DEPTH:
        raise ServiceError("invalid", _l("Dữ liệu lồng nhau quá sâu."), status=422)
    if isinstance(value, str):
        if has_surrogate(value):
            raise ServiceError("invalid_text", _l("Văn bản chứa ký tự không hợp lệ."), status=422)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_payload(key, depth + 1)
            check_payload(item, depth + 1)
    elif isinstance(value, (list, tuple)):
        for item in value:
            check_payload(item, depth + 1)


def has_surrogate(text):
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
