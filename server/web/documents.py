"""Documents: the admin's list (upload, new version, rename, unpublish, delete, QR codes, A4 QR sheet), the phone
document list ``/e/<slug>/docs`` and the stable short link ``/d/<code>`` (latest version)."""

from flask import Blueprint, Response, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from server.identity import current_user
from server.services import audit
from server.services.documents import library as documents
from server.services.documents.qr_sheet import qr_sheet
from server.services.errors import ServiceError
from server.services.events import get_event
from server.web.security import role_required

bp = Blueprint("documents", __name__)


def _base():
    return request.host_url


@bp.get("/events/<slug>/documents")
@role_required("admin")
def manage(slug):
    event = get_event(slug)
    docs = [(documents.document_to_dict(d, _base()), documents.versions_of(d)) for d in documents.documents_of(event)]
    return render_template("documents/manage.html", event=event, docs=docs)


@bp.post("/events/<slug>/documents")
@role_required("admin")
def create(slug):
    upload = request.files.get("file")
    try:
        documents.create_document(
            slug,
            request.form.get("title", ""),
            upload.filename if upload else "",
            upload.read() if upload else b"",
            request.form.get("is_public", "1") == "1",
        )
        flash(_("Đã thêm tài liệu."), "info")
    except ServiceError as exc:
        flash(str(exc.message), "error")
    return redirect(url_for("documents.manage", slug=slug))


@bp.post("/events/<slug>/documents/<code>/versions")
@role_required("admin")
def new_version(slug, code):
    upload = request.files.get("file")
    try:
        version = documents.add_version(slug, code, upload.filename if upload else "", upload.read() if upload else b"")
        flash(_("Đã cập nhật phiên bản %(n)s; mã QR giữ nguyên.", n=version.number), "info")
    except ServiceError as exc:
        flash(str(exc.message), "error")
    return redirect(url_for("documents.manage", slug=slug))


@bp.post("/events/<slug>/documents/<code>/rename")
@role_required("admin")
def rename(slug, code):
    try:
        documents.rename_document(slug, code, request.form.get("title", ""))
        flash(_("Đã đổi tên tài liệu; mã QR giữ nguyên."), "info")
    except ServiceError as exc:
        flash(str(exc.message), "error")
    return redirect(url_for("documents.manage", slug=slug))


@bp.post("/events/<slug>/documents/<code>/public")
@role_required("admin")
def publish(slug, code):
    try:
        doc = documents.set_public(slug, code, request.form.get("public") == "1")
        flash(
            _("Đã công khai tài liệu.") if doc.is_public else _("Đã ẩn tài liệu; đường dẫn và mã QR tạm ngừng."), "info"
        )
    except ServiceError as exc:
        flash(str(exc.message), "error")
    return redirect(url_for("documents.manage", slug=slug))


@bp.post("/events/<slug>/documents/<code>/delete")
@role_required("admin")
def delete(slug, code):
    try:
        documents.delete_document(slug, code)
        audit.record(current_user(), "document.delete", f"{slug}/{code}")
        flash(_("Đã xoá tài liệu."), "info")
    except ServiceError as exc:
        flash(str(exc.message), "error")
    return redirect(url_for("documents.manage", slug=slug))


@bp.get("/events/<slug>/documents/qr-sheet.pdf")
@role_required("admin")
def sheet(slug):
    """A4 sheet of every document's QR code with its title."""
    event = get_event(slug)
    entries = [(d.title, documents.short_link(d.code, _base())) for d in documents.documents_of(event)]
    heading = _("Mã QR tài liệu")
    pdf = qr_sheet(f"{heading} — {event.name}", entries)
    return Response(
        pdf, mimetype="application/pdf", headers={"Content-Disposition": f'inline; filename="qr-{slug}.pdf"'}
    )


@bp.get("/d/<code>/qr.<fmt>")
def qr(code, fmt):
    """The document's QR code (PNG or SVG); it encodes the short link, never a version."""
    doc = documents.by_code(code)
    if fmt == "svg":
        return Response(documents.qr_for(doc.code, _base(), "svg"), mimetype="image/svg+xml")
    if fmt != "png":
        return redirect(url_for("documents.qr", code=code, fmt="png"))
    return Response(documents.qr_for(doc.code, _base(), "png"), mimetype="image/png")


@bp.get("/d/<code>")
def open_document(code):
    """The stable link printed in the QR code: always the latest version."""
    doc = documents.by_code(code)
    version = documents.latest_version(doc)
    if version is None or not doc.is_public:
        raise ServiceError("document_not_found", _l("Không tìm thấy tài liệu."), status=404)
    return send_file(
        documents.stored_file(version),
        mimetype=version.content_type,
        as_attachment=version.content_type not in documents.INLINE,
        download_name=version.filename,
        max_age=0,
    )


@bp.get("/e/<slug>/docs")
def phone_list(slug):
    """The event's public documents, for phones."""
    event = get_event(slug)
    docs = [documents.document_to_dict(d, _base()) for d in documents.documents_of(event, public_only=True)]
    return render_template("documents/phone.html", event=event, docs=docs)
