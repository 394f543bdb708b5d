"""Operations API: which events this server process owns (scale-out diagnostics)."""
from flask import jsonify

from server.services import ownership
from server.web.api import api_bp, token_required


@api_bp.get("/ops/ownership")
@token_required("admin")
def ownership_state():
    """This process's node id, lock backend and the events whose background work it runs."""
    mgr = ownership.manager()
    return jsonify({"node": mgr.backend.node, "backend": mgr.backend.kind, "ttl_s": mgr.ttl, "owned": mgr.owned()})
