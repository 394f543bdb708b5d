"""Slide reports: decks from a PDF (pages rendered to PNG in a background task, with progress)
or from captioned photos, and the durable slide position every display follows.

Every decode and render happens in the media worker process (``server/services/media``), with
limits on pixels, pages, memory and time, so an upload never blocks the server. Files live under
``UPLOAD_FOLDER/slides/<deck id>/``; paths in the database are relative to ``UPLOAD_FOLDER``.
Images are served by the deck's unguessable ``public_id``. The position (deck, index) is stored in
``AgendaLive`` and broadcast as ``slide_state`` to crew, phones and overlays (and set as OBS's
``BC Slides`` image, ``on_air.py``); a (re)joining display gets it on connect.
"""

import logging
import os
import secrets
import shutil

from flask import current_app
from flask_babel import lazy_gettext as _l

from server.extensions import db, socketio
from server.models.slides import Slide, SlideDeck
from server.services.agenda.live_row import live_of
from server.services.broadcast import broadcast
from server.services.errors import NotFound, ServiceError
from server.services.events import get_event
from server.services.media import render, worker
from server.services.slides import on_air
from server.services.text import clean

log = logging.getLogger(__name__)

MAX_PAGES = render.MAX_PAGES
PUBLIC_ID_MAX = 32
PHOTO_TYPES = {"jpg", "jpeg", "png", "webp"}


def _folder(deck_id):
    rel = os.path.join("slides", str(deck_id))
    os.makedirs(os.path.join(current_app.config["UPLOAD_FOLDER"], rel), exist_ok=True)
    return rel


def absolute(rel):
    return os.path.join(current_app.config["UPLOAD_FOLDER"], rel)


def decks_of(event):
    return db.session.scalars(db.select(SlideDeck).filter_by(event_id=event.id).order_by(SlideDeck.id)).all()


def get_deck(event, deck_id):
    deck = db.session.get(SlideDeck, deck_id) if isinstance(deck_id, int) else None
    if deck is None or deck.event_id != event.id:
        raise NotFound("deck_not_found", _l("Không tìm thấy bộ trình chiếu."))
    return deck


def slides_of(deck):
    return db.session.scalars(db.select(Slide).filter_by(deck_id=deck.id).order_by(Slide.number)).all()


def deck_to_dict(deck, with_slides=False):
    out = {
        "id": deck.id,
        "public_id": deck.public_id,
        "title": deck.title,
        "kind": deck.kind,
        "status": deck.status,
        "page_count": deck.page_count,
        "pages_done": deck.pages_done,
        "error": deck.error,
    }
    if with_slides:
        out["slides"] = [
            {
                "number": s.number,
                "image": slide_url(deck.public_id, s.number),
                "thumb": slide_url(deck.public_id, s.number, thumb=True),
                "caption": s.caption,
            }
            for s in slides_of(deck)
        ]
    return out


def slide_url(public_id, number, thumb=False):
    return f"/slides/{public_id}/{number}{'-thumb' if thumb else ''}.png"


def _title(title):
    title = clean(title, 300)
    if not title:
        raise ServiceError("invalid_title", _l("Cần có tên bộ trình chiếu."), status=422)
    return title


# ---------------------------------------------------------------- uploads
def upload(event_slug, title, pdf=None, photos=(), captions=()):
    """The one upload path (upload page and API): ``pdf`` = (filename, bytes), or ``photos`` =
    [(filename, bytes)] with ``captions`` in the same order. Returns the deck."""
    if pdf is not None and pdf[0]:
        return create_pdf_deck(event_slug, title or pdf[0], pdf[1])
    captions = list(captions)
    return create_photo_deck(
        event_slug,
        title,
        [(name, data, captions[i] if i < len(captions) else "") for i, (name, data) in enumerate(photos)],
    )


def upload_result(deck):
    """What an upload answers: the deck, its id and page count (PDF pages may still be rendering)."""
    return {"deck_id": deck.id, "pages": deck.page_count, **deck_to_dict(deck)}


class _Incoming:
    """A scratch folder for uploaded bytes until the worker has checked them; removed after."""

    def __enter__(self):
        self.rel = os.path.join("slides", "incoming", secrets.token_hex(8))
        os.makedirs(absolute(self.rel), exist_ok=True)
        return self

    def write(self, name, data):
        path = absolute(os.path.join(self.rel, name))
        with open(path, "wb") as fh:
            fh.write(data or b"")
        return path

    def outputs(self, number):
        """Where the worker writes page ``number``'s image and thumbnail before the deck exists."""
        return tuple(absolute(os.path.join(self.rel, name)) for name in (f"{number}.png", f"{number}-thumb.png"))

    def __exit__(self, *exc):
        shutil.rmtree(absolute(self.rel), ignore_errors=True)


INVALID = {
    "invalid_pdf": lambda details: ServiceError("invalid_pdf", _l("Tệp không phải PDF hợp lệ."), status=422),
    "invalid_photo": lambda details: ServiceError(
        "invalid_photo", _l("Tệp ảnh hỏng: %(name)s", name=details.get("name", "")), status=422, **details
    ),
}


def _job(invalid_code, fn, *args):
    """Run ``fn(*args)`` in the media worker; an unreadable file keeps this area's own error code
    (``invalid_pdf``, ``invalid_photo``) instead of the worker's generic ``media_invalid``."""
    try:
        return worker.run(fn, *args)
    except ServiceError as exc:
        if exc.code == "media_invalid":
            raise INVALID[invalid_code](exc.details) from None
        raise


def _discard(deck_id):
    db.session.rollback()
    if deck_id is not None:
        shutil.rmtree(absolute(os.path.join("slides", str(deck_id))), ignore_errors=True)


# ---------------------------------------------------------------- PDF decks
def create_pdf_deck(event_slug, title, data, spawn=None):
    """Check the PDF in the media worker (pages, page shapes), store it and render it in the
    background; returns the deck (status ``rendering``)."""
    event = get_event(event_slug)
    title = _title(title)
    if b"%PDF-" not in (data or b"")[:1024]:
        raise ServiceError("invalid_pdf", _l("Tệp không phải PDF hợp lệ."), status=422)
    with _Incoming() as incoming:
        source = incoming.write("source.pdf", data)
        pages = _job("invalid_pdf", render.inspect_pdf, source)["pages"]
        deck = SlideDeck(
            event_id=event.id, title=title, kind="pdf", status="rendering", page_count=pages, pages_done=0, error=""
        )
        db.session.add(deck)
        db.session.flush()
        folder = _folder(deck.id)
        shutil.move(source, absolute(os.path.join(folder, "source.pdf")))
    db.session.commit()
    app = current_app._get_current_object()
    (spawn or socketio.start_background_task)(render_pdf_deck, app, deck.id)
    return deck


def render_pdf_deck(app, deck_id):
    """Background task: each page → PNG (long side 1920 px) and a thumbnail, one worker job per
    page, progress broadcast after each."""
    with app.app_context():
        deck = db.session.get(SlideDeck, deck_id)
        event_slug = get_event_slug(deck.event_id)
        folder = os.path.join("slides", str(deck_id))
        source = absolute(os.path.join(folder, "source.pdf"))
        try:
            for number in range(deck.page_count):
                image = os.path.join(folder, f"{number}.png")
                thumb = os.path.join(folder, f"{number}-thumb.png")
                worker.run(render.render_pdf_page, source, number, absolute(image), absolute(thumb))
                db.session.add(Slide(deck_id=deck_id, number=number, image_path=image, thumb_path=thumb, caption=""))
                deck.pages_done = number + 1
                db.session.commit()
                broadcast("deck_progress", deck_to_dict(deck), event_slug, "crew")
                on_air.push_if_showing(get_event(event_slug), deck_id, number)
            deck.status = "ready"
        except Exception as exc:
            db.session.rollback()
            if not isinstance(exc, ServiceError):
                log.exception("rendering deck %s failed", deck_id)
            deck = db.session.get(SlideDeck, deck_id)
            deck.status, deck.error = "failed", getattr(exc, "code", exc.__class__.__name__)
        db.session.commit()
        broadcast("deck_progress", deck_to_dict(deck), event_slug, "crew")
        db.session.remove()


def get_event_slug(event_id):
    from server.models.event import Event

    return db.session.get(Event, event_id).slug


# ---------------------------------------------------------------- photo decks
def _check_photos(photos):
    if not photos:
        raise ServiceError("no_photos", _l("Cần chọn ít nhất một ảnh."), status=422)
    if len(photos) > MAX_PAGES:
        raise ServiceError("too_many_photos", _l("Quá nhiều ảnh (tối đa %(n)s).", n=MAX_PAGES), status=422)
    for filename, _data, _caption in photos:
        ext = (filename or "").rsplit(".", 1)[-1].lower()
        if ext not in PHOTO_TYPES:
            raise ServiceError(
                "invalid_photo", _l("Ảnh phải là JPG, PNG hoặc WEBP: %(name)s", name=filename), status=422
            )


def create_photo_deck(event_slug, title, photos):
    """``photos``: [(filename, bytes, caption)] in order. Every header is checked in the media
    worker before any decoding; each photo is then re-encoded there (metadata dropped). All the
    work happens before the deck is written, so no database transaction waits on the worker."""
    event = get_event(event_slug)
    title = _title(title)
    _check_photos(photos)
    with _Incoming() as incoming:
        items = [(incoming.write(f"{i}.upload", data), filename) for i, (filename, data, _c) in enumerate(photos)]
        _job("invalid_photo", render.probe_images, items)
        for number, (path, filename) in enumerate(items):
            try:
                _job("invalid_photo", render.render_photo, path, *incoming.outputs(number))
            except ServiceError as exc:
                exc.details.setdefault("name", filename)
                raise
        deck = SlideDeck(
            event_id=event.id,
            title=title,
            kind="photos",
            status="ready",
            page_count=len(photos),
            pages_done=len(photos),
            error="",
        )
        db.session.add(deck)
        deck_id = None
        try:
            db.session.flush()
            deck_id = deck.id
            folder = _folder(deck.id)
            for number, (_f, _d, caption) in enumerate(photos):
                image, thumb = os.path.join(folder, f"{number}.png"), os.path.join(folder, f"{number}-thumb.png")
                for made, final in zip(incoming.outputs(number), (image, thumb)):
                    shutil.move(made, absolute(final))
                db.session.add(
                    Slide(
                        deck_id=deck.id, number=number, image_path=image, thumb_path=thumb, caption=clean(caption, 500)
                    )
                )
            db.session.commit()
        except Exception:
            _discard(deck_id)
            raise
    return deck


def slide_file(public_id, number, thumb=False):
    """Absolute path of a slide image by the deck's public id, or NotFound (whatever the id)."""
    slide = None
    if isinstance(public_id, str) and len(public_id) <= PUBLIC_ID_MAX and 0 <= number < MAX_PAGES:
        slide = db.session.scalar(
            db.select(Slide)
            .join(SlideDeck, SlideDeck.id == Slide.deck_id)
            .where(SlideDeck.public_id == public_id, Slide.number == number)
        )
    if slide is None:
        raise NotFound("slide_not_found", _l("Không tìm thấy trang trình chiếu."))
    return absolute(slide.thumb_path if thumb else slide.image_path)


# ---------------------------------------------------------------- the position
def slide_state(event):
    live = live_of(event, create=False)
    deck = db.session.get(SlideDeck, live.deck_id) if live is not None and live.deck_id else None
    if deck is None:
        return {"deck_id": None, "title": "", "index": 0, "count": 0, "image": None, "caption": ""}
    count = db.session.scalar(db.select(db.func.count(Slide.id)).filter_by(deck_id=deck.id)) or 0
    index = min(live.slide_index, max(count - 1, 0))
    slide = db.session.scalar(db.select(Slide).filter_by(deck_id=deck.id, number=index))
    return {
        "deck_id": deck.id,
        "title": deck.title,
        "index": index,
        "count": count,
        "image": slide_url(deck.public_id, index) if slide else None,
        "caption": slide.caption if slide else "",
    }


def broadcast_slide(event):
    state = slide_state(event)
    for audience in ("crew", "public", "overlay"):
        broadcast("slide_state", state, event.slug, audience)
    on_air.push(event)
    return state


def show(event_slug, deck_id=None, index=None, delta=None):
    """Move the display: choose a deck (from slide 0), go to ``index``, or step by ``delta``."""
    event = get_event(event_slug)
    live = live_of(event)
    if deck_id is not None:
        deck = get_deck(event, deck_id)
        live.deck_id, live.slide_index = deck.id, 0
    if live.deck_id is None:
        raise ServiceError("no_deck", _l("Chưa chọn bộ trình chiếu."), status=409)
    count = db.session.scalar(db.select(db.func.count(Slide.id)).filter_by(deck_id=live.deck_id)) or 0
    target = live.slide_index
    if index is not None:
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < max(count, 1):
            raise ServiceError("invalid_slide", _l("Số trang không hợp lệ."), status=422)
        target = index
    if delta is not None:
        if delta not in (-1, 1):
            raise ServiceError("invalid_slide", _l("Số trang không hợp lệ."), status=422)
        target = min(max(target + delta, 0), max(count - 1, 0))
    live.slide_index = target
    db.session.commit()
    return broadcast_slide(event)
