"""Bridge-point sites: listing, add/edit/deactivate, token rotation, the per-site event log,
and the dictionaries the crew and the site itself may see. A site is found by its token with
``lookups.site_by_token`` (the one lookup), and its link is built on ``lookups.public_base_url``."""

import re

from flask_babel import lazy_gettext as _l

from server.extensions import db
from server.models.site import Site, SiteLog, new_short_code
from server.services.bridges.liveness import book
from server.services.broadcast import broadcast, send_to
from server.services.errors import NotFound, ServiceError
from server.services.events import get_event
from server.services.lookups import public_base_url
from server.services.text import clean, vi_sort_key
from server.services.tokens import site_token

FIELDS = {
    "code": 40,
    "name": 200,
    "province": 120,
    "district": 120,
    "commune": 120,
    "group_name": 120,
    "contact_name": 120,
    "phone": 40,
}


def iso(value):
    return value.isoformat() if value else None


def site_room(site_id):
    return f"site:{site_id}"


def get_site(event, site_id):
    """A site of ``event`` (never of another event), or NotFound."""
    site = db.session.get(Site, site_id) if isinstance(site_id, int) else None
    if site is None or site.event_id != event.id:
        raise NotFound("site_not_found", _l("Không tìm thấy điểm cầu."))
    return site


def event_sites(event, include_inactive=False):
    query = db.select(Site).filter_by(event_id=event.id)
    if not include_inactive:
        query = query.filter_by(is_active=True)
    return db.session.scalars(query.order_by(Site.province, Site.district, Site.code)).all()


def group_of(site):
    """The board's group of a site: its free group (cụm), else its province, else its district."""
    return site.group_name or site.province or site.district or ""


_UNIT_PREFIX = re.compile(r"^(thành phố|tỉnh|tp\.?)\s+", re.IGNORECASE)


def board_order(site_list):
    """Sites by group in Vietnamese collation ('Đông Sơn' before 'Yên Định'; 'Thành phố Hà Nội'
    filed under H, as in official lists), then by code."""
    keys = {}
    for site in site_list:
        name = group_of(site)
        if name not in keys:
            keys[name] = vi_sort_key(_UNIT_PREFIX.sub("", name))
    return sorted(site_list, key=lambda s: (keys[group_of(s)], s.code))


def site_link(site, hint=None):
    """The phone link printed on the site's card and in its QR code (``lookups.public_base_url``)."""
    return f"{public_base_url(hint)}/p/{site.token}"


def crew_view(site):
    """What the crew board shows of a site (contact included, token never)."""
    return {
        "id": site.id,
        "code": site.code,
        "name": site.name,
        "province": site.province,
        "district": site.district,
        "commune": site.commune,
        "group_name": site.group_name,
        "parent_id": site.parent_id,
        "contact_name": site.contact_name,
        "phone": site.phone,
        "active": site.is_active,
        "state": site.state,
        "changed_at": iso(site.state_changed_at),
        "last_beat_at": iso(site.last_beat_at),
        "checked_in_at": iso(site.checked_in_at),
        "video_ok": site.video_ok,
        "audio_ok": site.audio_ok,
        "reported_state": site.reported_state,
        "note": site.note,
        "test_call_ok": site.test_call_ok,
    }


def site_self_view(site):
    """What a site's own phone sees of itself."""
    return {
        "code": site.code,
        "name": site.name,
        "province": site.province,
        "district": site.district,
        "commune": site.commune,
        "state": site.state,
        "checked_in_at": iso(site.checked_in_at),
        "video_ok": site.video_ok,
        "audio_ok": site.audio_ok,
        "test_call_ok": site.test_call_ok,
        "reported_state": site.reported_state,
    }


def add_log(site, kind, detail="", at=None):
    entry = SiteLog(site_id=site.id, kind=kind, detail=clean(detail, 500))
    if at is not None:
        entry.at = at
    db.session.add(entry)
    return entry


def site_log(site, limit=100):
    rows = db.session.scalars(
        db.select(SiteLog).filter_by(site_id=site.id).order_by(SiteLog.at.desc(), SiteLog.id.desc()).limit(limit)
    ).all()
    return [{"at": iso(r.at), "kind": r.kind, "detail": r.detail} for r in rows]


def clean_fields(data):
    """Normalised site fields from a form/CSV row; raises ServiceError on a missing code or name."""
    out = {key: clean(data.get(key), limit) for key, limit in FIELDS.items() if key in data}
    if "code" in out and not out["code"]:
        raise ServiceError("code_required", _l("Cần nhập mã điểm cầu."), status=422)
    if "name" in out and not out["name"]:
        raise ServiceError("name_required", _l("Cần nhập tên điểm cầu."), status=422)
    return out


def _code_taken(event, code, except_id=None):
    query = db.select(Site.id).filter_by(event_id=event.id, code=code)
    if except_id is not None:
        query = query.filter(Site.id != except_id)
    return db.session.scalar(query) is not None


def unused_short_codes(event_id, count):
    """``count`` short codes that no site of the event has, nor each other (a random default could
    collide: 3,321 codes of 6 characters meet once in about 160 seeds)."""
    taken = set(db.session.scalars(db.select(Site.short_code).where(Site.event_id == event_id)))
    codes = []
    while len(codes) < count:
        code = new_short_code()
        if code not in taken:
            taken.add(code)
            codes.append(code)
    return codes


def create_site(event, data):
    fields = clean_fields({"code": "", "name": "", **data})
    if _code_taken(event, fields["code"]):
        raise ServiceError("duplicate_code", _l("Mã điểm cầu đã tồn tại."), status=409)
    site = Site(
        event_id=event.id,
        token=site_token(),
        short_code=unused_short_codes(event.id, 1)[0],
        **{k: fields.get(k, "") for k in FIELDS},
    )
    db.session.add(site)
    db.session.flush()
    add_log(site, "created")
    db.session.commit()
    _announce(site)
    return site


def update_site(site, data):
    fields = clean_fields(data)
    event = get_event_by_id(site.event_id)
    if "code" in fields and _code_taken(event, fields["code"], except_id=site.id):
        raise ServiceError("duplicate_code", _l("Mã điểm cầu đã tồn tại."), status=409)
    for key, value in fields.items():
        setattr(site, key, value)
    add_log(site, "edited")
    db.session.commit()
    _announce(site)
    return site


def set_active(site, active):
    """Deactivate (its link stops working at once, its phone is told) or reactivate a site."""
    site.is_active = bool(active)
    add_log(site, "activated" if active else "deactivated")
    db.session.commit()
    book.forget(site.id)
    if not active:
        send_to("site_revoked", {}, site_room(site.id), "site")
    _announce(site)
    return site


def rotate_token(site):
    """Give the site a new secret link; the old one is refused from now on (HTTP and socket)."""
    site.token = site_token()
    add_log(site, "token_rotated")
    db.session.commit()
    book.forget(site.id)
    send_to("site_revoked", {}, site_room(site.id), "site")
    return site


def by_short_code(code):
    """The active site whose short code is ``code`` (typed at /p: case, spaces and dashes
    ignored), in an active event; NotFound otherwise."""
    from server.models.event import Event

    code = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    site = None
    if len(code) == 6:
        site = db.session.scalar(
            db.select(Site)
            .join(Event, Event.id == Site.event_id)
            .where(Site.short_code == code, Site.is_active.is_(True), Event.is_active.is_(True))
            .order_by(Site.id.desc())
        )
    if site is None:
        raise NotFound("short_code_not_found", _l("Mã không đúng. Hãy kiểm tra lại mã in trên thẻ."))
    return site


def get_event_by_id(event_id):
    from server.models.event import Event

    return db.session.get(Event, event_id)


def _announce(site):
    from server.services.bridges.counter import mark_dirty

    event = get_event_by_id(site.event_id)
    broadcast("site_state", crew_view(site), event.slug, "crew")
    mark_dirty(event.slug)


__all__ = [
    "get_event",
    "get_site",
    "event_sites",
    "crew_view",
    "site_self_view",
    "add_log",
    "site_log",
    "create_site",
    "update_site",
    "set_active",
    "rotate_token",
    "site_link",
    "site_room",
]
