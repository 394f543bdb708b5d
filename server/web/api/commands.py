"""REST binding of the declared commands: one ``/api/v1`` route per command.

The route authenticates the caller for the command's roles (bearer token or session; the site's
own token in the path for site commands), merges path arguments, the query string (GET) and
the JSON body (or a multipart form's fields, its files going to ``call.files``) into the payload,
and runs the command. Errors become ``{"error", "message", ...}``
with the error's status through the app's one error handler.
"""

from flask import g, jsonify, request

from server.services.commands import Actor, Call, load_commands
from server.services.lookups import event_by_id, site_by_token
from server.web.api import api_bp, authenticate, json_body


def _form():
    """A multipart form's fields: one value as a string, a repeated field as a list."""
    return {key: values[0] if len(values) == 1 else values for key, values in request.form.lists()}


def _files():
    """A multipart form's files, read: name → [(filename, bytes)] (empty file inputs skipped;
    ``MAX_CONTENT_LENGTH`` bounds the total)."""
    return {name: [(f.filename, f.read()) for f in files if f and f.filename] for name, files in request.files.lists()}


def _payload(cmd, path_args):
    if request.method == "GET":
        data = dict(request.args.items())
    elif request.mimetype == "multipart/form-data":
        data = _form()
    elif request.content_length or request.mimetype == "application/json":
        data = json_body()
    else:
        data = {}
    data.update({k: v for k, v in path_args.items() if k not in ("slug", "token")})
    return data


def _call(cmd, path_args):
    slug = path_args.get("slug")
    site = credentials = None
    if "site" in cmd.roles and cmd.site_check == "handler":  # the handler checks them (services/commands.py)
        credentials = (None, path_args.get("token"))
        actor = Actor(label="site", role="site")
        slug = None
    elif "site" in cmd.roles:
        site = site_by_token(path_args.get("token"))
        actor = Actor(label=f"site:{site.id}", role="site")
        slug = None
    elif cmd.staff:
        role, user = authenticate(cmd.roles)
        actor = Actor.from_user(user) if user is not None else Actor(label=g.api_actor, role=role)
    else:
        actor = Actor(label="anonymous")
    call = Call(
        command=cmd,
        actor=actor,
        slug=slug,
        site=site,
        credentials=credentials,
        transport="http",
        host_url=request.host_url,
        address=request.remote_addr or "",
        device_id=request.headers.get("X-Device-Id", "")[:64],
        files=_files() if request.mimetype == "multipart/form-data" else {},
    )
    if site is not None:
        call.slug = event_by_id(site.event_id).slug
    elif slug is None and cmd.event_of is not None:
        call.locate = lambda: cmd.event_of(path_args)
    return call


def _view(cmd):
    def view(**path_args):
        call = _call(cmd, path_args)
        result, status = cmd.run(call, _payload(cmd, path_args))
        return jsonify(result), status

    view.__name__ = cmd.endpoint
    view.__doc__ = cmd.handler.__doc__
    view.allowed_roles = cmd.roles
    view.command = cmd
    return view


def bind_rest(blueprint):
    for cmd in load_commands().values():
        if cmd.http is None:
            continue
        method, path = cmd.http
        blueprint.add_url_rule(path, endpoint=cmd.endpoint, view_func=_view(cmd), methods=[method])


bind_rest(api_bp)
