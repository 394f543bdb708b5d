"""Slide reports: decks from a PDF (pages rendered to PNG in a background task, with progress)
or from captioned photos, and the durable slide position every display follows.

Files live under ``UPLOAD_FOLDER/slides/<deck id>/``; paths in the database are relative to
``UPLOAD_FOLDER``. The position (deck, index) is stored in ``AgendaLive`` and broadcast as
``slide_state`` to crew, phones and overlays; a (re)joining display gets it on connect.
"""
import io
import logging
import os

from flask import current_app
from flask_babel import lazy_gettext as _l

from server.extensions import db, socketio
from server.models.slides import Slide, SlideDeck
from server.services.agenda.live_row import live_of
from server.services.broadcast import broadcast
from server.services.errors import NotFound, ServiceError
from server.services.events import get_event
from server.services.text import clean

log = logging.getLogger(__name__)

SLIDE_WIDTH = 1920
THUMB_WIDTH = 320
MAX_PAGES = 300
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
    out = {"id": deck.id, "title": deck.title, "kind": deck.kind, "status": deck.status,
           "page_count": deck.page_count, "pages_done": deck.pages_done, "error": deck.error}
    if with_slides:
        out["slides"] = [{"number": s.number, "image": slide_url(deck.id, s.number),
                          "thumb": slide_url(deck.id, s.number, thumb=True), "caption": s.caption}
                         for s in slides_of(deck)]
    return out


def slide_url(deck_id, number, thumb=False):
    return f"/slides/{deck_id}/{number}{'-thumb' if thumb else ''}.png"


def _title(title):
    title = clean(title, 300)
    if not title:
        raise ServiceError("invalid_title", _l("Cần có tên bộ trình chiếu."), status=422)
    return title


# ---------------------------------------------------------------- PDF decks
def create_pdf_deck(event_slug, title, data, spawn=None):
    """Store the PDF and render it in the background; returns the deck (status ``rendering``)."""
    import fitz

    event = get_event(event_slug)
    title = _title(title)
    if b"%PDF-" not in (data or b"")[:1024]:
        raise ServiceError("invalid_pdf", _l("Tệp không phải PDF hợp lệ."), status=422)
    try:
        with fitz.open(stream=data, filetype="pdf") as doc:
            pages = doc.page_count
    except Exception:
        raise ServiceError("invalid_pdf", _l("Tệp không phải PDF hợp lệ."), status=422) from None
    if not 0 < pages <= MAX_PAGES:
        raise ServiceError("invalid_pdf", _l("PDF phải có từ 1 đến %(n)s trang.", n=MAX_PAGES), status=422)
    deck = SlideDeck(event_id=event.id, title=title, kind="pdf", status="rendering", page_count=pages,
                     pages_done=0, error="")
    db.session.add(deck)
    db.session.flush()
    folder = _folder(deck.id)
    with open(absolute(os.path.join(folder, "source.pdf")), "wb") as fh:
        fh.write(data)
    db.session.commit()
    app = current_app._get_current_object()
    (spawn or socketio.start_background_task)(render_pdf_deck, app, deck.id)
    return deck


def render_pdf_deck(app, deck_id):
    """Background task: each page → PNG (1920 px wide) and a thumbnail, progress broadcast."""
    import fitz

    with app.app_context():
        deck = db.session.get(SlideDeck, deck_id)
        event_slug = get_event_slug(deck.event_id)
        folder = os.path.join("slides", str(deck_id))
        try:
            with fitz.open(absolute(os.path.join(folder, "source.pdf"))) as doc:
                for number, page in enumerate(doc):
                    image = os.path.join(folder, f"{number}.png")
                    thumb = os.path.join(folder, f"{number}-thumb.png")
                    scale = SLIDE_WIDTH / page.rect.width
                    page.get_pixmap(matrix=fitz.Matrix(scale, scale), alpha=False).save(absolute(image))
                    small = THUMB_WIDTH / page.rect.width
                    page.get_pixmap(matrix=fitz.Matrix(small, small), alpha=False).save(absolute(thumb))
                    db.session.add(Slide(deck_id=deck_id, number=number, image_path=image, thumb_path=thumb,
                                         caption=""))
                    deck.pages_done = number + 1
                    db.session.commit()
                    broadcast("deck_progress", deck_to_dict(deck), event_slug, "crew")
                    socketio.sleep(0)  # let other green threads run between pages
            deck.status = "ready"
        except Exception as exc:
            db.session.rollback()
            log.exception("rendering deck %s failed", deck_id)
            deck = db.session.get(SlideDeck, deck_id)
            deck.status, deck.error = "failed", exc.__class__.__name__
        db.session.commit()
        broadcast("deck_progress", deck_to_dict(deck), event_slug, "crew")
        db.session.remove()


def get_event_slug(event_id):
    from server.models.event import Event

    return db.session.get(Event, event_id).slug


# ---------------------------------------------------------------- photo decks
def create_photo_deck(event_slug, title, photos):
    """``photos``: [(filename, bytes, caption)] in order. Images are re-encoded (metadata dropped)."""
    from PIL import Image, UnidentifiedImageError

    event = get_event(event_slug)
    title = _title(title)
    if not photos:
        raise ServiceError("no_photos", _l("Cần chọn ít nhất một ảnh."), status=422)
    if len(photos) > MAX_PAGES:
        raise ServiceError("too_many_photos", _l("Quá nhiều ảnh (tối đa %(n)s).", n=MAX_PAGES), status=422)
    images = []
    for filename, data, caption in photos:
        ext = (filename or "").rsplit(".", 1)[-1].lower()
        if ext not in PHOTO_TYPES:
            raise ServiceError("invalid_photo", _l("Ảnh phải là JPG, PNG hoặc WEBP: %(name)s", name=filename),
                               status=422)
        try:
            image = Image.open(io.BytesIO(data))
            image.load()
        except (UnidentifiedImageError, OSError):
            raise ServiceError("invalid_photo", _l("Tệp ảnh hỏng: %(name)s", name=filename), status=422) from None
        images.append((image.convert("RGB"), clean(caption, 500)))
    deck = SlideDeck(event_id=event.id, title=title, kind="photos", status="ready", page_count=len(images),
                     pages_done=len(images), error="")
    db.session.add(deck)
    db.session.flush()
    folder = _folder(deck.id)
    for number, (image, caption) in enumerate(images):
        path = os.path.join(folder, f"{number}.png")
        thumb_path = os.path.join(folder, f"{number}-thumb.png")
        full = image.copy()
        full.thumbnail((SLIDE_WIDTH, 1080 * 2))
        full.save(absolute(path), "PNG")
        small = image.copy()
        small.thumbnail((THUMB_WIDTH, THUMB_WIDTH))
        small.save(absolute(thumb_path), "PNG")
        db.session.add(Slide(deck_id=deck.id, number=number, image_path=path, thumb_path=thumb_path, caption=caption))
    db.session.commit()
    return deck


def slide_file(deck_id, number, thumb=False):
    """Absolute path of a slide image, or NotFound."""
    slide = db.session.scalar(db.select(Slide).filter_by(deck_id=deck_id, number=number))
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
    return {"deck_id": deck.id, "title": deck.title, "index": index, "count": count,
            "image": slide_url(deck.id, index) if slide else None, "caption": slide.caption if slide else ""}


def broadcast_slide(event):
    state = slide_state(event)
    for audience in ("crew", "public", "overlay"):
        broadcast("slide_state", state, event.slug, audience)
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
