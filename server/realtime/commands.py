"""Socket.IO binding of the declared commands: one event handler per command.

The handler finds who is asking on this connection (a staff user re-checked on every event, a
site phone whose token is re-checked, or an anonymous display), runs the command and acks
``{"ok": true, ...}`` or ``{"ok": false, "error", "message", ...}``: the same shapes as REST,
from the same declaration. An unexpected failure is acked ``server_error`` and logged once.
"""

import logging

from flask import request
from flask_babel import lazy_gettext as _l
from flask_socketio import disconnect

from server.extensions import db
from server.identity import current_user
from server.realtime.session import connected_device, connected_event, connected_site
from server.services.broadcast import NAMESPACES
from server.services.commands import Actor, Call, load_commands
from server.services.errors import Forbidden, ServiceError
from server.services.lookups import site_by_token

log = logging.getLogger(__name__)

SERVER_ERROR = ServiceError("server_error", _l("Lỗi máy chủ, tổ kỹ thuật đã được báo."), status=500)


def error_ack(exc):
    """The one ack shape of a refusal."""
    return {"ok": False, **exc.to_dict()}


def _site_actor():
    """The connection's site, its token checked again (``lookups.site_by_token``): a rotated or
    deactivated link stops working at once."""
    site_id, token = connected_site()
    site = site_by_token(token, site_id=site_id or 0)
    return site, Actor(label=f"site:{site.id}", role="site")


def _call(cmd):
    site = credentials = None
    if "site" in cmd.roles and cmd.site_check == "handler":  # the handler checks them (services/commands.py)
        credentials = connected_site()
        actor = Actor(label=f"site:{credentials[0]}", role="site")
    elif "site" in cmd.roles:
        site, actor = _site_actor()
    elif cmd.staff:
        user = current_user()
        if user is None or not cmd.allows(user.role):
            raise Forbidden("forbidden", _l("Bạn không có quyền thực hiện thao tác này."))
        actor = Actor.from_user(user)
    else:
        actor = Actor(label="anonymous")
    return Call(
        command=cmd,
        actor=actor,
        slug=connected_event(),
        site=site,
        credentials=credentials,
        sid=request.sid,
        transport="socket",
        address=request.remote_addr or "",
        device_id=connected_device(),
        host_url=request.host_url,
    )


def socket_handler(cmd):
    """The Socket.IO handler of one command."""

    def handler(*args):
        raw = args[0] if args else None
        try:
            return cmd.run(_call(cmd), raw)[0]
        except ServiceError as exc:
            db.session.rollback()
            if exc.code == "invalid_site_token" and "site" in cmd.roles:
                disconnect()  # the phone's link was rotated or deactivated: this connection is over
            return error_ack(exc)
        except Exception:  # an ack is owed whatever happened: the client must not wait forever
            db.session.rollback()
            log.exception("socket command %s failed", cmd.name)
            return error_ack(SERVER_ERROR)

    handler.__name__ = cmd.socket[1]
    handler.allowed_roles = cmd.roles
    handler.command = cmd
    return handler


def register(socketio):
    for cmd in load_commands().values():
        if cmd.socket is None:
            continue
        audience, event = cmd.socket
        socketio.on_event(event, socket_handler(cmd), namespace=NAMESPACES[audience])
