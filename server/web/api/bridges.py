"""Bridge-point REST: counts and the site list for scripts, the board's initial state, and
the phone's HTTP heartbeat fallback (authorised by the site's own token)."""
from flask import g, jsonify

from server.services.bridges import incidents as bridges_incidents
from server.services.bridges import messages as bridges_messages
from server.services.bridges import rollcall as bridges_rollcall
from server.services.bridges import sites as bridges_sites
from server.services.bridges import presence as bridges_state
from server.services.bridges.counter import summary
from server.services.events import get_event
from server.web.api import api_bp, json_body, token_required


@api_bp.get("/events/<slug>/sites/summary")
@token_required("crew", "moderator")
def sites_summary(slug):
    """``{"total","online","degraded","offline","never_seen"}`` (plus checked_in, connected)."""
    return jsonify(summary(get_event(slug)))


@api_bp.get("/events/<slug>/sites")
@token_required("crew", "moderator")
def sites_list(slug):
    """Every active site with its state; an admin also gets each site's token and link."""
    event = get_event(slug)
    admin = g.api_role == "admin"
    out = []
    for site in bridges_sites.event_sites(event):
        row = bridges_sites.crew_view(site)
        if admin:
            row["token"] = site.token
            row["link"] = bridges_sites.site_link(site)
        out.append(row)
    return jsonify({"sites": out, "counts": summary(event)})


@api_bp.get("/events/<slug>/bridges/state")
@token_required("crew")
def bridges_board_state(slug):
    """What the crew board needs besides the sites: incidents, roll call, recent messages."""
    event = get_event(slug)
    return jsonify({"incidents": bridges_incidents.event_incidents(event),
                    "roll_call": bridges_rollcall.crew_state(event),
                    "messages": bridges_messages.recent(event)})


@api_bp.post("/sites/<token>/heartbeat")
def site_heartbeat(token):
    """HTTP fallback for a phone whose socket cannot connect: ``{"state": "ok"|"degraded", "note"?}``."""
    site = bridges_sites.site_by_token(token)
    data = json_body()
    note = data.get("note") if isinstance(data.get("note"), str) else None
    result = bridges_state.record_beat(site, data.get("state", "ok"), note)
    return jsonify({"ok": True, "state": result["state"]})
