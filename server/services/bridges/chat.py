"""The conversation between the crew and one site (a line to each site): text and a photo from
the phone's camera, read receipts both ways, unread counts for the board. Every line is stored
with its time first, then pushed to the crew room of the event and to the site's own room.

A photo (resized on the phone to ≤ 1280 px JPEG) is size-capped (``CHAT_PHOTO_MAX_BYTES``),
decoded and re-encoded in the media worker, and stored under ``UPLOAD_FOLDER/site-chat/``;
it is served only to the crew of the event and to the site itself (``photo_path``)."""

import os
import secrets

from flask import current_app
from flask_babel import lazy_gettext as _l

from server.extensions import db
from server.models.site import SiteChat
from server.services.bridges.presence import now
from server.services.bridges.sites import add_log, get_event_by_id, iso, site_room
from server.services.broadcast import broadcast, send_to
from server.services.errors import NotFound, ServiceError
from server.services.text import clean

PHOTO_MAX_BYTES = 2 * 1024 * 1024
QUICK_REPLIES = ("no_audio", "no_video", "frozen", "noisy")  # the standard incidents, one tap on either side
SUBDIR = "site-chat"


def view(line):
    return {
        "id": line.id,
        "site_id": line.site_id,
        "sender": line.sender,
        "author": line.author,
        "text": line.text,
        "photo": bool(line.photo),
        "created_at": iso(line.created_at),
        "read_at": iso(line.read_at),
    }


def _photo(data):
    """The uploaded bytes → a stored JPEG's file name (media worker), or a 422."""
    from server.services.media import render, worker

    limit = int(current_app.config.get("CHAT_PHOTO_MAX_BYTES", PHOTO_MAX_BYTES))
    if len(data) > limit:
        raise ServiceError(
            "photo_too_large", _l("Ảnh quá lớn (tối đa %(mb)s MB).", mb=limit // (1024 * 1024)), status=413
        )
    folder = os.path.join(current_app.config["UPLOAD_FOLDER"], SUBDIR)
    os.makedirs(folder, exist_ok=True)
    name = f"{secrets.token_hex(12)}.jpg"
    incoming = os.path.join(folder, f"{name}.upload")
    with open(incoming, "wb") as fh:
        fh.write(data)
    try:
        worker.run(render.render_chat_photo, incoming, os.path.join(folder, name))
    except ServiceError as exc:
        if exc.code == "media_invalid":
            raise ServiceError("invalid_photo", _l("Tệp gửi lên không phải là ảnh."), status=422) from None
        raise
    finally:
        if os.path.exists(incoming):
            os.remove(incoming)
    return name


def photo_path(line):
    return os.path.join(current_app.config["UPLOAD_FOLDER"], SUBDIR, line.photo)


def send(site, sender, author, text="", photo=None):
    """A line from ``sender`` ("crew" or "site"); needs text or a photo. Pushed to both sides."""
    text = clean(text if isinstance(text, str) else "", 1000, multiline=True)
    if not text and not photo:
        raise ServiceError("text_required", _l("Hãy nhập nội dung tin nhắn."), status=422)
    stored = _photo(photo) if photo else None
    line = SiteChat(
        event_id=site.event_id,
        site_id=site.id,
        sender=sender,
        author=clean(author or "", 120),
        text=text,
        photo=stored,
        created_at=now(),
    )
    db.session.add(line)
    db.session.flush()
    add_log(site, f"chat_{sender}", f"#{line.id} " + (text[:200] or "[ảnh]") + (" [ảnh]" if stored and text else ""))
    db.session.commit()
    _push("site_chat", view(line), site)
    return line


def _push(name, payload, site):
    broadcast(name, payload, get_event_by_id(site.event_id).slug, "crew")
    send_to(name, payload, site_room(site.id), "site")


def mark_read(site, reader, up_to=None):
    """The ``reader`` side ("crew" or "site") has read the other side's lines (up to ``up_to``);
    the other side sees the receipt. Returns ``{site_id, reader, ids, read_at}``."""
    other = "site" if reader == "crew" else "crew"
    query = db.select(SiteChat).where(SiteChat.site_id == site.id, SiteChat.sender == other, SiteChat.read_at.is_(None))
    if up_to is not None:
        query = query.where(SiteChat.id <= up_to)
    rows = db.session.scalars(query).all()
    at = now()
    for line in rows:
        line.read_at = at
    db.session.commit()
    receipt = {"site_id": site.id, "reader": reader, "ids": [r.id for r in rows], "read_at": iso(at)}
    if rows:
        _push("site_chat_read", receipt, site)
    return receipt


def history(site, before=None, limit=50):
    """The latest lines of the conversation (oldest first), before the id ``before`` if given."""
    query = db.select(SiteChat).filter_by(site_id=site.id)
    if before is not None:
        query = query.where(SiteChat.id < before)
    rows = db.session.scalars(query.order_by(SiteChat.id.desc()).limit(limit)).all()
    return [view(r) for r in reversed(rows)]


def unread_counts(event):
    """``{site_id: n}`` lines from sites the crew has not read yet."""
    rows = db.session.execute(
        db.select(SiteChat.site_id, db.func.count(SiteChat.id))
        .where(SiteChat.event_id == event.id, SiteChat.sender == "site", SiteChat.read_at.is_(None))
        .group_by(SiteChat.site_id)
    ).all()
    return dict(rows)


def get_line(site, line_id):
    line = db.session.get(SiteChat, line_id)
    if line is None or line.site_id != site.id or not line.photo:
        raise NotFound("photo_not_found", _l("Không tìm thấy ảnh."))
    return line
