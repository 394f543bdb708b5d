"""Incidents (sự cố): a site reports trouble, the crew acknowledges then resolves it; the
site sees each step. Each report is also an alert that stays (``alerts``). Reporting marks
the site degraded until its last incident is resolved; a report is idempotent by the phone's
``client_id`` and rate-limited per site."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from server.extensions import db
from server.models.site import Site, SiteIncident
from server.services.bridges import alerts
from server.services.bridges.presence import now, set_reported
from server.services.bridges.sites import add_log, iso, site_room
from server.services.broadcast import broadcast, send_to
from server.services.errors import Conflict, NotFound, ServiceError
from server.services.ratelimit import Rule, check_all
from server.services.text import clean

PRESETS = {
    "no_audio": _l("Mất tiếng"),
    "no_video": _l("Mất hình"),
    "frozen": _l("Hình bị đứng"),
    "noisy": _l("Tiếng rè"),
    "other": _l("Sự cố khác"),
}
OPEN = ("open", "acknowledged")
REPORT_RATE = "10/60"  # new reports per site: 10 at once, then 10 a minute


def view(incident, site=None):
    site = site or db.session.get(Site, incident.site_id)
    return {
        "id": incident.id,
        "site_id": incident.site_id,
        "site_code": site.code,
        "site_name": site.name,
        "district": site.district,
        "kind": incident.kind,
        "kind_label": str(PRESETS.get(incident.kind, incident.kind)),
        "text": incident.text,
        "status": incident.status,
        "created_at": iso(incident.created_at),
        "acknowledged_at": iso(incident.acknowledged_at),
        "acknowledged_by": incident.acknowledged_by,
        "resolved_at": iso(incident.resolved_at),
        "resolved_by": incident.resolved_by,
    }


def site_view(incident):
    """What the reporting site sees (who in the crew acted is not shown)."""
    return {
        "id": incident.id,
        "kind": incident.kind,
        "kind_label": str(PRESETS.get(incident.kind, incident.kind)),
        "text": incident.text,
        "status": incident.status,
        "created_at": iso(incident.created_at),
        "acknowledged_at": iso(incident.acknowledged_at),
        "resolved_at": iso(incident.resolved_at),
    }


def _slug(site):
    from server.services.bridges.sites import get_event_by_id

    return get_event_by_id(site.event_id).slug


def _publish(incident, site):
    broadcast("incident", view(incident, site), _slug(site), "crew")
    send_to("incident_update", site_view(incident), site_room(site.id), "site")


def _by_client_id(site, client_id):
    return db.session.scalar(db.select(SiteIncident).filter_by(site_id=site.id, client_id=client_id))


def _rate_check(site):
    """At most ``BRIDGES_REPORT_RATE`` ("N/S", default 10 a minute) new reports per site."""
    rule = Rule.parse(current_app.config.get("BRIDGES_REPORT_RATE", REPORT_RATE))
    allowed, wait = check_all([(f"bridges:report:{site.id}", rule)])
    if not allowed:
        raise ServiceError(
            "rate_limited",
            _l("Điểm cầu báo sự cố quá nhanh, hãy thử lại sau %(s)s giây.", s=wait),
            status=429,
            retry_after=wait,
        )


def report(site, kind, text="", client_id=None):
    """A site reports trouble: stored, the site turns degraded, the crew is alerted.

    Returns ``(incident, created)``: a repeated ``client_id`` from this site (a double tap, a
    retry over HTTP) is the stored incident, ``created`` False, and costs no rate-limit token."""
    kind = kind if isinstance(kind, str) else ""
    if kind not in PRESETS:
        raise ServiceError("invalid_kind", _l("Loại sự cố không hợp lệ."), status=422)
    text = clean(text if isinstance(text, str) else "", 500, multiline=True)
    if kind == "other" and not text:
        raise ServiceError("text_required", _l("Hãy mô tả sự cố."), status=422)
    if client_id is not None and (existing := _by_client_id(site, client_id)) is not None:
        return existing, False
    _rate_check(site)
    at = now()
    incident = SiteIncident(
        event_id=site.event_id, site_id=site.id, kind=kind, text=text, status="open", created_at=at, client_id=client_id
    )
    db.session.add(incident)
    try:
        db.session.flush()
    except IntegrityError:  # the same client_id stored by a concurrent request
        db.session.rollback()
        return _by_client_id(site, client_id), False
    add_log(site, "incident", f"#{incident.id} {PRESETS[kind]}" + (f": {text}" if text else ""), at=at)
    db.session.commit()
    set_reported(site, "degraded", at=at, reason="incident")
    _publish(incident, site)
    alerts.raise_report(incident, site, PRESETS[kind])
    return incident, True


def get_incident(event, incident_id):
    incident = db.session.get(SiteIncident, incident_id) if isinstance(incident_id, int) else None
    if incident is None or incident.event_id != event.id:
        raise NotFound("incident_not_found", _l("Không tìm thấy sự cố."))
    return incident


def acknowledge(event, incident_id, actor):
    incident = get_incident(event, incident_id)
    if incident.status == "resolved":
        raise Conflict("already_resolved", _l("Sự cố đã được xử lý xong."))
    site = db.session.get(Site, incident.site_id)
    if incident.status == "open":
        incident.status, incident.acknowledged_at, incident.acknowledged_by = "acknowledged", now(), actor
        add_log(site, "incident_ack", f"#{incident.id} {actor}")
        db.session.commit()
        _publish(incident, site)
    return incident


def resolve(event, incident_id, actor):
    incident = get_incident(event, incident_id)
    site = db.session.get(Site, incident.site_id)
    if incident.status == "resolved":
        return incident
    at = now()
    if incident.acknowledged_at is None:
        incident.acknowledged_at, incident.acknowledged_by = at, actor
    incident.status, incident.resolved_at, incident.resolved_by = "resolved", at, actor
    add_log(site, "incident_resolved", f"#{incident.id} {actor}")
    db.session.commit()
    still_open = db.session.scalar(
        db.select(SiteIncident.id).filter(SiteIncident.site_id == site.id, SiteIncident.status.in_(OPEN)).limit(1)
    )
    if still_open is None:
        set_reported(site, "ok", at=at, reason="incident_resolved")
    _publish(incident, site)
    return incident


def event_incidents(event, limit=300):
    rows = db.session.scalars(
        db.select(SiteIncident).filter_by(event_id=event.id).order_by(SiteIncident.id.desc()).limit(limit)
    ).all()
    sites = {s.id: s for s in db.session.scalars(db.select(Site).where(Site.id.in_({r.site_id for r in rows})))}
    return [view(r, sites[r.site_id]) for r in rows]


def site_incidents(site, limit=20):
    rows = db.session.scalars(
        db.select(SiteIncident).filter_by(site_id=site.id).order_by(SiteIncident.id.desc()).limit(limit)
    ).all()
    return [site_view(r) for r in rows]
