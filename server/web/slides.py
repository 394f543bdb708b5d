"""Slide decks: upload (PDF rendered in the background, or captioned photos) and the images."""
from flask import Blueprint, flash, jsonify, redirect, request, send_file, url_for
from flask_babel import gettext as _

from server.services.slides import decks as slides
from server.services.errors import ServiceError
from server.web.security import role_required

bp = Blueprint("slides", __name__)


@bp.post("/events/<slug>/slides")
@role_required("crew")
def upload(slug):
    """A PDF (field ``pdf``) or photos (``photos``; captions as ``caption`` fields or ``captions``, one a line)."""
    title = request.form.get("title", "")
    pdf = request.files.get("pdf")
    photos = [p for p in request.files.getlist("photos") if p and p.filename]
    try:
        if pdf and pdf.filename:
            deck = slides.create_pdf_deck(slug, title or pdf.filename, pdf.read())
        else:
            captions = request.form.getlist("caption") or request.form.get("captions", "").splitlines()
            deck = slides.create_photo_deck(slug, title, [
                (p.filename, p.read(), captions[i] if i < len(captions) else "") for i, p in enumerate(photos)])
    except ServiceError as exc:
        if request.accept_mimetypes.best == "application/json":
            return jsonify(exc.to_dict()), exc.status
        flash(str(exc.message), "error")
        return redirect(url_for("agenda.panel", slug=slug))
    if request.accept_mimetypes.best == "application/json":
        return jsonify(slides.deck_to_dict(deck)), 201
    flash(_("Đã tải lên bộ trình chiếu."), "info")
    return redirect(url_for("agenda.panel", slug=slug))


@bp.get("/slides/<int:deck_id>/<int:number>.png")
def image(deck_id, number):
    """A slide image (public: overlays, projectors and phones show it)."""
    return send_file(slides.slide_file(deck_id, number), mimetype="image/png", max_age=3600)


@bp.get("/slides/<int:deck_id>/<int:number>-thumb.png")
def thumb(deck_id, number):
    return send_file(slides.slide_file(deck_id, number, thumb=True), mimetype="image/png", max_age=3600)
