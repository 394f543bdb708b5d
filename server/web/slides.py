"""Slide decks on the crew's pages: the upload form (the same service path as the API's
``slides.upload`` command) and the slide images, served by the deck's unguessable public id."""

from flask import Blueprint, abort, flash, jsonify, redirect, request, send_file, url_for
from flask_babel import gettext as _

from server.services.errors import NotFound, ServiceError
from server.services.slides import decks as slides
from server.web.security import role_required

bp = Blueprint("slides", __name__)


def form_upload(form, files):
    """The upload arguments from a multipart form: ``pdf``, or ``photos`` with captions as
    repeated ``caption`` fields or ``captions`` one a line."""
    pdf = files.get("pdf")
    photos = [(p.filename, p.read()) for p in files.getlist("photos") if p and p.filename]
    captions = form.getlist("caption") or form.get("captions", "").splitlines()
    return {
        "title": form.get("title", ""),
        "pdf": (pdf.filename, pdf.read()) if pdf and pdf.filename else None,
        "photos": photos,
        "captions": captions,
    }


@bp.post("/events/<slug>/slides")
@role_required("crew")
def upload(slug):
    """The panel's upload form (JSON answer when asked for it)."""
    wants_json = request.accept_mimetypes.best == "application/json"
    try:
        deck = slides.upload(slug, **form_upload(request.form, request.files))
    except ServiceError as exc:
        if wants_json:
            return jsonify(exc.to_dict()), exc.status
        flash(str(exc.message), "error")
        return redirect(url_for("agenda.panel", slug=slug))
    if wants_json:
        return jsonify(slides.upload_result(deck)), 201
    flash(_("Đã tải lên bộ trình chiếu."), "info")
    return redirect(url_for("agenda.panel", slug=slug))


def _send(public_id, number, thumb=False):
    try:
        path = slides.slide_file(public_id, number, thumb=thumb)
    except NotFound:
        abort(404)
    return send_file(path, mimetype="image/png", max_age=3600)


@bp.get("/slides/<public_id>/<int:number>.png")
def image(public_id, number):
    """A slide image (public: overlays, projectors and phones show it; the id is unguessable)."""
    return _send(public_id, number)


@bp.get("/slides/<public_id>/<int:number>-thumb.png")
def thumb(public_id, number):
    return _send(public_id, number, thumb=True)
