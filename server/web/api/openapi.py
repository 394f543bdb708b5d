"""The machine-readable description of ``/api/v1`` (OpenAPI 3.1), built from the command
registry: one path per command route, its input schema from the command's pydantic model, its
roles and its socket twin. Served at ``/api/v1/openapi.json``; the fuzz tests read it."""

import re

from flask import jsonify

from server.services.commands import load_commands
from server.web.api import api_bp

ERROR = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
}
PATH_ARG = re.compile(r"<(?:(\w+):)?(\w+)>")


def _path(path):
    return "/api/v1" + PATH_ARG.sub(lambda m: "{" + m.group(2) + "}", path)


def _parameters(cmd):
    method, path = cmd.http
    params = []
    names = set()
    for converter, name in PATH_ARG.findall(path):
        names.add(name)
        params.append(
            {
                "name": name,
                "in": "path",
                "required": True,
                "schema": {"type": "integer"} if converter == "int" else {"type": "string"},
            }
        )
    if method == "GET":
        schema = cmd.input.model_json_schema()
        required = set(schema.get("required", []))
        for name, prop in schema.get("properties", {}).items():
            if name not in names:
                params.append({"name": name, "in": "query", "required": name in required, "schema": prop})
    return params, names


def _operation(cmd):
    method, _ = cmd.http
    params, path_names = _parameters(cmd)
    op = {
        "operationId": cmd.name,
        "summary": cmd.summary,
        "parameters": params,
        "x-roles": list(cmd.roles),
        "x-socket": {"namespace": f"/{cmd.socket[0]}", "event": cmd.socket[1]} if cmd.socket else None,
        "responses": {
            str(cmd.status): {
                "description": "ok",
                "content": {
                    "application/json": {
                        "schema": {"type": "object", "required": ["ok"], "properties": {"ok": {"const": True}}}
                    }
                },
            },
            "default": {"description": "error", "content": {"application/json": {"schema": ERROR}}},
        },
    }
    if cmd.staff:
        op["security"] = [{"bearer": []}, {"session": []}]
    if method != "GET":
        schema = cmd.input.model_json_schema(ref_template="#/components/schemas/{model}")
        for name in path_names:
            schema.get("properties", {}).pop(name, None)
            if name in schema.get("required", []):
                schema["required"].remove(name)
        op["requestBody"] = {"required": False, "content": {"application/json": {"schema": schema}}}
    return op


def build_spec():
    paths = {}
    for cmd in load_commands().values():
        if cmd.http is None:
            continue
        method, path = cmd.http
        paths.setdefault(_path(path), {})[method.lower()] = _operation(cmd)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Bridgecast API",
            "version": "1",
            "description": "Every operation is declared once (server/services/<area>/commands.py) and "
            "served both here and as a Socket.IO event (x-socket).",
        },
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            }
        },
    }


@api_bp.get("/openapi.json")
def openapi():
    """The OpenAPI description of this API (public: it holds no secret)."""
    return jsonify(build_spec())
