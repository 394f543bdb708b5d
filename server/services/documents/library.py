"""Documents: upload, new versions, rename, publish/unpublish, delete, stable short links
(``/d/<code>``) and their QR codes.

A document keeps its ``code`` for life; a new version only adds a ``DocumentVersion``, so a
printed QR code always opens the latest version. Files live under ``UPLOAD_FOLDER/documents``
(paths stored relative to it; the demo seed stores absolute ones, both are resolved).
"""

import os

from flask import current_app
from flask_babel import lazy_gettext as _l

from server.extensions import db
from server.models.document import Document, DocumentVersion
from server.services.errors import NotFound, ServiceError
from server.services.events import get_event
from server.services.lookups import public_base_url
from server.services.qr import qr_png, qr_svg
from server.services.text import clean
from server.services.tokens import short_code

TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
}
INLINE = {"application/pdf", "image/png", "image/jpeg"}
MAX_BYTES = 40 * 1024 * 1024


def documents_of(event, public_only=False):
    query = db.select(Document).filter_by(event_id=event.id)
    if public_only:
        query = query.filter_by(is_public=True)
    return db.session.scalars(query.order_by(Document.position, Document.id)).all()


def by_code(code):
    doc = (
        db.session.scalar(db.select(Document).filter_by(code=code))
        if isinstance(code, str) and len(code) <= 16
        else None
    )
    if doc is None:
        raise NotFound("document_not_found", _l("Không tìm thấy tài liệu."))
    return doc


def latest_version(doc):
    return db.session.scalar(
        db.select(DocumentVersion).filter_by(document_id=doc.id).order_by(DocumentVersion.number.desc()).limit(1)
    )


def versions_of(doc):
    return db.session.scalars(
        db.select(DocumentVersion).filter_by(document_id=doc.id).order_by(DocumentVersion.number.desc())
    ).all()


def stored_file(version):
    path = version.stored_path
    return path if os.path.isabs(path) else os.path.join(current_app.config["UPLOAD_FOLDER"], path)


def short_link(code, base_url):
    """The URL printed in the QR code: ``PUBLIC_URL``, else ``base_url`` (the request's own base)
    only when ``lookups.public_base_url`` trusts its host (never a forged ``Host`` header)."""
    return f"{public_base_url(base_url)}/d/{code}"


def qr_for(code, base_url, fmt="png"):
    url = short_link(code, base_url)
    return qr_png(url) if fmt == "png" else qr_svg(url)


def _checked_file(filename, data):
    filename = clean(os.path.basename(filename or ""), 200)
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ext not in TYPES:
        raise ServiceError("invalid_file_type", _l("Chỉ nhận tệp PDF, DOCX, DOC, PNG hoặc JPG."), status=422)
    if not data:
        raise ServiceError("empty_file", _l("Tệp rỗng."), status=422)
    if len(data) > MAX_BYTES:
        raise ServiceError("too_large", _l("Tệp quá lớn."), status=413)
    if ext == "pdf" and not data.startswith(b"%PDF"):
        raise ServiceError("invalid_file_type", _l("Tệp không phải PDF hợp lệ."), status=422)
    return filename, ext


def _store(doc, number, filename, ext, data):
    rel = os.path.join("documents", f"{doc.code}-v{number}.{ext}")
    path = os.path.join(current_app.config["UPLOAD_FOLDER"], rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(data)
    return DocumentVersion(
        document_id=doc.id, number=number, filename=filename, content_type=TYPES[ext], stored_path=rel, size=len(data)
    )


def create_document(event_slug, title, filename, data, is_public=True):
    event = get_event(event_slug)
    title = clean(title, 300)
    if not title:
        raise ServiceError("invalid_title", _l("Cần có tên tài liệu."), status=422)
    filename, ext = _checked_file(filename, data)
    code = short_code()
    while db.session.scalar(db.select(Document.id).filter_by(code=code)) is not None:
        code = short_code()
    last = db.session.scalar(db.select(db.func.max(Document.position)).filter_by(event_id=event.id))
    doc = Document(
        event_id=event.id,
        code=code,
        title=title,
        position=(last if last is not None else -1) + 1,
        is_public=bool(is_public),
    )
    db.session.add(doc)
    db.session.flush()
    db.session.add(_store(doc, 1, filename, ext, data))
    db.session.commit()
    return doc


def add_version(event_slug, code, filename, data):
    """Upload a new version; the code, link and QR stay the same."""
    event = get_event(event_slug)
    doc = by_code(code)
    if doc.event_id != event.id:
        raise NotFound("document_not_found", _l("Không tìm thấy tài liệu."))
    filename, ext = _checked_file(filename, data)
    current = latest_version(doc)
    version = _store(doc, (current.number if current else 0) + 1, filename, ext, data)
    db.session.add(version)
    db.session.commit()
    return version


def _of_event(event_slug, code):
    event = get_event(event_slug)
    doc = by_code(code)
    if doc.event_id != event.id:
        raise NotFound("document_not_found", _l("Không tìm thấy tài liệu."))
    return doc


def rename_document(event_slug, code, title):
    """A new title; the code, link and QR stay the same."""
    doc = _of_event(event_slug, code)
    title = clean(title, 300)
    if not title:
        raise ServiceError("invalid_title", _l("Cần có tên tài liệu."), status=422)
    doc.title = title
    db.session.commit()
    return doc


def set_public(event_slug, code, public):
    """Publish or unpublish: an unpublished document's link answers 404 and leaves the phones' list."""
    doc = _of_event(event_slug, code)
    doc.is_public = bool(public)
    db.session.commit()
    return doc


def delete_document(event_slug, code):
    """Delete a document, every version and their files; its printed QR code stops working."""
    doc = _of_event(event_slug, code)
    paths = [stored_file(v) for v in versions_of(doc) if not os.path.isabs(v.stored_path)]
    db.session.execute(db.delete(DocumentVersion).where(DocumentVersion.document_id == doc.id))
    db.session.delete(doc)
    db.session.commit()
    for path in paths:
        if os.path.exists(path):
            os.remove(path)
    return code


def document_to_dict(doc, base_url):
    version = latest_version(doc)
    return {
        "code": doc.code,
        "title": doc.title,
        "link": short_link(doc.code, base_url),
        "version": version.number if version else 0,
        "filename": version.filename if version else "",
        "size": version.size if version else 0,
        "is_public": doc.is_public,
    }
