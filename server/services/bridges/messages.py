"""Messages from the crew to all sites of an event, to one district, or to one site.
Stored first, then delivered only to the sites they address."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_

from server.extensions import db
from server.models.site import CrewMessage, Site
from server.services.bridges.presence import now
from server.services.bridges.sites import get_site, iso, site_room
from server.services.broadcast import broadcast, send_to
from server.services.errors import ServiceError
from server.services.text import clean

SCOPES = ("all", "district", "site")


def view(message):
    return {
        "id": message.id,
        "scope": message.scope,
        "district": message.district,
        "site_id": message.site_id,
        "text": message.text,
        "sent_at": iso(message.sent_at),
    }


def site_view(message):
    return {"id": message.id, "text": message.text, "sent_at": iso(message.sent_at)}


def send(event, actor, scope, text, district=None, site_id=None):
    text = clean(text if isinstance(text, str) else "", 500, multiline=True)
    if not text:
        raise ServiceError("text_required", _l("Hãy nhập nội dung tin nhắn."), status=422)
    if scope not in SCOPES:
        raise ServiceError("invalid_scope", _l("Phạm vi gửi không hợp lệ."), status=422)
    message = CrewMessage(event_id=event.id, scope=scope, text=text, sent_at=now(), sent_by=actor)
    targets = None
    if scope == "district":
        district = clean(district if isinstance(district, str) else "", 120)
        targets = db.session.scalars(
            db.select(Site.id).filter_by(event_id=event.id, district=district, is_active=True)
        ).all()
        if not targets:
            raise ServiceError("invalid_district", _l("Không có điểm cầu nào thuộc huyện này."), status=422)
        message.district = district
    elif scope == "site":
        site = get_site(event, site_id)
        message.site_id = site.id
        targets = [site.id]
    db.session.add(message)
    db.session.commit()
    payload = site_view(message)
    if targets is None:
        broadcast("crew_message", payload, event.slug, "site")
    else:
        for sid in targets:
            send_to("crew_message", payload, site_room(sid), "site")
    broadcast(
        "crew_message_sent",
        {**view(message), "recipients": len(targets) if targets is not None else None},
        event.slug,
        "crew",
    )
    return message


def for_site(site, limit=20):
    """The latest messages addressed to this site (all, its district, or itself)."""
    rows = db.session.scalars(
        db.select(CrewMessage)
        .filter(
            CrewMessage.event_id == site.event_id,
            or_(
                CrewMessage.scope == "all",
                (CrewMessage.scope == "district") & (CrewMessage.district == site.district),
                (CrewMessage.scope == "site") & (CrewMessage.site_id == site.id),
            ),
        )
        .order_by(CrewMessage.id.desc())
        .limit(limit)
    ).all()
    return [site_view(m) for m in rows]


def recent(event, limit=30):
    rows = db.session.scalars(
        db.select(CrewMessage).filter_by(event_id=event.id).order_by(CrewMessage.id.desc()).limit(limit)
    ).all()
    return [view(m) for m in rows]
