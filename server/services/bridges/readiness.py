"""Readiness before the start (kiểm tra kỹ thuật): a technician in place 60 minutes before,
picture and sound tested, the test call answered. Each site's checklist comes from its phone's
check-in (``video_ok``, ``audio_ok``, ``test_call_ok``); the board shows a countdown to the
event's start (its first planned agenda item), the ready % and, by district, the sites not
ready with their contact."""

from server.extensions import db
from server.models.agenda import AgendaItem
from server.services.bridges.sites import event_sites, iso

CHECKS = ("video_ok", "audio_ok", "test_call_ok")


def missing(site):
    """The checklist items the site has not confirmed (``camera``, ``sound``, ``test_call``)."""
    names = {"video_ok": "camera", "audio_ok": "sound", "test_call_ok": "test_call"}
    return [names[c] for c in CHECKS if not getattr(site, c)]


def is_ready(site):
    return site.checked_in_at is not None and not missing(site)


def record_test_call(site, answered):
    """Set the test-call item of the checklist (committed by the check-in that carries it)."""
    site.test_call_ok = bool(answered)


def starts_at(event):
    """The event's start: its first planned agenda item, or None."""
    return db.session.scalar(db.select(db.func.min(AgendaItem.planned_start)).where(AgendaItem.event_id == event.id))


def view(event):
    """``{starts_at, total, ready, ready_pct, groups: [{district, total, ready, not_ready}]}``."""
    groups = {}
    total = ready = 0
    for site in event_sites(event):
        group = groups.setdefault(site.district, {"district": site.district, "total": 0, "ready": 0, "not_ready": []})
        group["total"] += 1
        total += 1
        if is_ready(site):
            group["ready"] += 1
            ready += 1
        else:
            group["not_ready"].append(
                {
                    "id": site.id,
                    "code": site.code,
                    "name": site.name,
                    "contact_name": site.contact_name,
                    "phone": site.phone,
                    "state": site.state,
                    "checked_in": site.checked_in_at is not None,
                    "missing": missing(site),
                }
            )
    start = starts_at(event)
    return {
        "starts_at": iso(start),
        "total": total,
        "ready": ready,
        "ready_pct": round(100 * ready / total, 1) if total else 0.0,
        "groups": sorted(groups.values(), key=lambda g: (-len(g["not_ready"]), g["district"])),
    }
