"""The slide on air in OBS's native image source ``BC Slides`` (OBS without a browser source).

Owns which file that source shows: the absolute path of the current slide's rendered PNG (under
``UPLOAD_FOLDER/slides/<deck id>/``), or a transparent image when no slide is shown, so OBS never
keeps a stale slide. ``push(event)`` runs on every slide change (``decks.broadcast_slide``) and
when the shown page finishes rendering; the OBS runtime pushes ``image_settings`` again after
every (re)connect, scene-pack apply (``obs/native_texts.py``). A failure is logged, never raised:
the slide moved anyway and every other display follows it.
"""

import base64
import logging
import os

from flask import current_app

from server.extensions import db
from server.models.slides import Slide, SlideDeck
from server.services.agenda.live_row import live_of

log = logging.getLogger(__name__)

SLIDES_SOURCE = "BC Slides"
# a 1×1 fully transparent PNG: "no slide" shows nothing
BLANK_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGBgAAAABQABpfZFQAAAAABJRU5ErkJggg=="
)
BLANK_NAME = "blank.png"


def blank_file():
    """The transparent image's absolute path (written once under the upload folder)."""
    folder = os.path.join(current_app.config["UPLOAD_FOLDER"], "slides")
    path = os.path.join(folder, BLANK_NAME)
    if not os.path.exists(path):
        os.makedirs(folder, exist_ok=True)
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "wb") as fh:
            fh.write(BLANK_PNG)
        os.replace(tmp, path)
    return path


def current_file(event):
    """Absolute path of the current slide's PNG, or None (no deck, page not rendered yet)."""
    live = live_of(event, create=False)
    if live is None or not live.deck_id or db.session.get(SlideDeck, live.deck_id) is None:
        return None
    slide = db.session.scalar(db.select(Slide).filter_by(deck_id=live.deck_id, number=live.slide_index))
    if slide is None:
        return None
    path = os.path.join(current_app.config["UPLOAD_FOLDER"], slide.image_path)
    return os.path.abspath(path) if os.path.exists(path) else None


def image_settings(event):
    """The ``BC Slides`` input settings for now: ``{"file": absolute PNG path}``."""
    return {"file": os.path.abspath(current_file(event) or blank_file())}


def push(event):
    """Show the current slide (or nothing) in OBS now; True when OBS took it."""
    runtime = current_app.extensions.get("obs")
    if runtime is None or not hasattr(runtime, "push_settings"):
        return False
    try:
        return runtime.push_settings(event.slug, SLIDES_SOURCE, image_settings(event))
    except Exception as exc:  # OBS down, no scene pack: the other displays follow anyway
        log.info("slide image for %s not pushed to OBS: %s", event.slug, getattr(exc, "code", exc))
        return False


def push_if_showing(event, deck_id, number):
    """A page just rendered: push it when it is the one on air (the deck was shown early)."""
    live = live_of(event, create=False)
    if live is not None and live.deck_id == deck_id and live.slide_index == number:
        push(event)
