"""Alerts that stay (cảnh báo): every drop (a site swept offline) and every trouble report is
an alert until a crew member acknowledges it. Drops of one sweep go out as one group (the
board shows "40 điểm cầu mất kết nối — Huyện X: 12, …" with one sound). A site with
``FLAP_DROPS`` drops within ``FLAP_WINDOW_S`` is flapping. Also a site's history: its alerts,
uptime % and a timeline of its state changes."""

from collections import Counter
from datetime import timedelta

from flask_babel import lazy_gettext as _l

from server.extensions import db
from server.models.site import Site, SiteAlert, SiteLog
from server.services.bridges.presence import now
from server.services.bridges.sites import get_event_by_id, iso
from server.services.broadcast import broadcast
from server.services.errors import NotFound

FLAP_DROPS = 3
FLAP_WINDOW_S = 600


def view(alert, site=None, flapping=None):
    site = site or db.session.get(Site, alert.site_id)
    return {
        "id": alert.id,
        "kind": alert.kind,
        "site_id": alert.site_id,
        "site_code": site.code,
        "site_name": site.name,
        "district": site.district,
        "group": site.group_name or site.province or site.district or "",
        "incident_id": alert.incident_id,
        "detail": alert.detail,
        "created_at": iso(alert.created_at),
        "acknowledged_at": iso(alert.acknowledged_at),
        "acknowledged_by": alert.acknowledged_by,
        "flapping": is_flapping(site.id) if flapping is None else flapping,
    }


def is_flapping(site_id, at=None):
    """True when the site dropped ``FLAP_DROPS`` times or more in the last ``FLAP_WINDOW_S``."""
    since = (at or now()) - timedelta(seconds=FLAP_WINDOW_S)
    count = db.session.scalar(
        db.select(db.func.count(SiteAlert.id)).where(
            SiteAlert.site_id == site_id, SiteAlert.kind == "offline", SiteAlert.created_at >= since
        )
    )
    return count >= FLAP_DROPS


def group_label(alerts):
    """``{count, districts: [[group, n], ...]}`` of a batch of drops, biggest group first (the site's
    cụm, else its province, else its district: communes have no district since 2025)."""
    by_district = Counter(a.get("group") or a["district"] or "—" for a in alerts)
    return {"count": len(alerts), "districts": by_district.most_common()}


def raise_drops(slug, site_views, at=None):
    """One sweep's drops: one alert per site gone offline, broadcast as one group."""
    at = at or now()
    dropped = [v for v in site_views if v.get("state") == "offline"]
    if not dropped:
        return []
    event = None
    rows = []
    for v in dropped:
        site = db.session.get(Site, v["id"])
        if site is None:
            continue
        event = event or get_event_by_id(site.event_id)
        alert = SiteAlert(event_id=site.event_id, site_id=site.id, kind="offline", created_at=at, detail="")
        db.session.add(alert)
        rows.append((alert, site))
    db.session.commit()
    views = [view(a, s) for a, s in rows]
    if views:
        broadcast("alerts", {"alerts": views, "group": group_label(views)}, slug, "crew")
    return views


def raise_report(incident, site, label):
    """A trouble report is an alert too (pointing at its incident)."""
    alert = SiteAlert(
        event_id=site.event_id,
        site_id=site.id,
        kind="report",
        incident_id=incident.id,
        created_at=incident.created_at,
        detail=str(label),
    )
    db.session.add(alert)
    db.session.commit()
    one = view(alert, site)
    broadcast("alerts", {"alerts": [one], "group": group_label([one])}, get_event_by_id(site.event_id).slug, "crew")
    return alert


def acknowledge(event, alert_ids, actor):
    """Acknowledge alerts of ``event`` (one, or a whole group); returns their views."""
    rows = db.session.scalars(
        db.select(SiteAlert).where(SiteAlert.id.in_(alert_ids), SiteAlert.event_id == event.id)
    ).all()
    if not rows:
        raise NotFound("alert_not_found", _l("Không tìm thấy cảnh báo."))
    at = now()
    for alert in rows:
        if alert.acknowledged_at is None:
            alert.acknowledged_at, alert.acknowledged_by = at, actor
    db.session.commit()
    views = [view(a) for a in rows]
    broadcast("alerts_acked", {"ids": [a.id for a in rows], "by": actor, "at": iso(at)}, event.slug, "crew")
    return views


def open_alerts(event, limit=500):
    """Alerts not acknowledged yet, newest first."""
    rows = db.session.scalars(
        db.select(SiteAlert)
        .where(SiteAlert.event_id == event.id, SiteAlert.acknowledged_at.is_(None))
        .order_by(SiteAlert.id.desc())
        .limit(limit)
    ).all()
    sites = {s.id: s for s in db.session.scalars(db.select(Site).where(Site.id.in_({r.site_id for r in rows})))}
    flapping = {sid: is_flapping(sid) for sid in sites}
    return [view(r, sites[r.site_id], flapping[r.site_id]) for r in rows]


def _timeline(site):
    """The site's state changes: ``[{at, state}]`` oldest first."""
    rows = db.session.scalars(
        db.select(SiteLog).where(SiteLog.site_id == site.id, SiteLog.kind == "state").order_by(SiteLog.at, SiteLog.id)
    ).all()  # ordered by time: uptime needs it
    out = []
    for r in rows:
        new = r.detail.split("→", 1)[-1].strip().split(" ", 1)[0]
        out.append({"at": r.at, "state": new})
    return out


def uptime(timeline, start, end):
    """Percent of [start, end] the site was connected (online or degraded), from its first
    state change on; None when it never connected."""
    if not timeline:
        return None
    end = max(end, timeline[-1]["at"])
    first = max(timeline[0]["at"], start)
    total = (end - first).total_seconds()
    if total <= 0:
        return 100.0 if timeline[-1]["state"] in ("online", "degraded") else 0.0
    up = 0.0
    for i, step in enumerate(timeline):
        a = max(step["at"], first)
        b = min(timeline[i + 1]["at"] if i + 1 < len(timeline) else end, end)
        if b > a and step["state"] in ("online", "degraded"):
            up += (b - a).total_seconds()
    return round(100 * up / total, 1)


def site_history(site, limit=30):
    """``{alerts, uptime_pct, flapping, timeline}`` for the site's detail on the board."""
    end = now()
    timeline = _timeline(site)
    rows = db.session.scalars(
        db.select(SiteAlert).filter_by(site_id=site.id).order_by(SiteAlert.id.desc()).limit(limit)
    ).all()
    flapping = is_flapping(site.id, end)
    return {
        "alerts": [view(a, site, flapping) for a in rows],
        "uptime_pct": uptime(timeline, timeline[0]["at"] if timeline else end, end),
        "flapping": flapping,
        "timeline": [{"at": iso(s["at"]), "state": s["state"]} for s in timeline[-60:]],
    }
