"""Agenda pages: the crew's live panel (take next, undo, timer, lower third, slides) and the
admin's editor (items, drag-and-drop order, CSV/JSON import and export, slide decks).

What cannot be undone is confirmed first: deleting an item (a dialog, or a confirmation page
without JavaScript) and replacing the whole agenda by an import (a preview listing the items
that would be removed)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from server.identity import current_user
from server.services.agenda import editing
from server.services.agenda import import_export as agenda_io
from server.services.agenda import items as agenda
from server.services.agenda import live as agenda_live
from server.services.archive import chapters as archive_chapters
from server.services.errors import ServiceError
from server.services.events import get_event
from server.services.slides import decks as slides
from server.web.files import attachment
from server.web.security import role_required

bp = Blueprint("agenda", __name__)


@bp.get("/events/<slug>/agenda")
@role_required("crew")
def panel(slug):
    """The crew's live agenda panel."""
    event = get_event(slug)
    return render_template(
        "agenda/panel.html",
        event=event,
        state=agenda_live.agenda_state(event),
        decks=[slides.deck_to_dict(d, with_slides=True) for d in slides.decks_of(event)],
        slide=slides.slide_state(event),
        speaker_message=agenda_live.current_speaker_message(event),
        chapters=archive_chapters.view(event),
    )


def _editor(event, status=200, row_error=None, **extra):
    """The editor page. ``row_error`` ({"item_id" (None: the add form), "values", "errors"}) puts
    the refused form back with what was typed and each message at its field."""
    items = agenda.items_of(event)
    rows = {i.id: agenda.item_to_row(i) for i in items}
    new_row = {}
    if row_error is not None:
        if row_error["item_id"] in rows:
            rows[row_error["item_id"]] = {**rows[row_error["item_id"]], **row_error["values"]}
        else:
            new_row = row_error["values"]
    page = render_template(
        "agenda/edit.html",
        event=event,
        items=items,
        rows=rows,
        new_row=new_row,
        row_error=row_error,
        scenes=agenda.scene_choices(event.slug),
        decks=slides.decks_of(event),
        fields=agenda.FIELDS,
        **{"errors": None, "preview": None, "confirm_delete": None, **extra},
    )
    return page, status


def _row_error(item_id, exc):
    """The refused form, for ``_editor``: what was typed and {field: message}."""
    errors = {}
    for e in exc.details.get("errors") or [{"field": exc.details.get("field", ""), "message": str(exc.message)}]:
        errors.setdefault(e["field"], e["message"])
    return {"item_id": item_id, "values": _form_row(), "errors": errors}


def _actor():
    user = current_user()
    return user.username if user is not None else "?"


@bp.get("/events/<slug>/agenda/edit")
@role_required("admin")
def edit(slug):
    """The agenda editor."""
    return _editor(get_event(slug))


def _form_row():
    return {field: request.form.get(field, "") for field in agenda.FIELDS}


@bp.post("/events/<slug>/agenda/items")
@role_required("admin")
def create_item(slug):
    try:
        editing.create_item(slug, _form_row())
    except ServiceError as exc:
        if exc.code != "invalid_item":
            flash(str(exc.message), "error")
            return redirect(url_for("agenda.edit", slug=slug))
        return _editor(get_event(slug), 422, row_error=_row_error(None, exc))
    flash(_("Đã thêm nội dung."), "info")
    return redirect(url_for("agenda.edit", slug=slug))


@bp.post("/events/<slug>/agenda/items/<int:item_id>")
@role_required("admin")
def update_item(slug, item_id):
    try:
        editing.update_item(slug, item_id, _form_row())
    except ServiceError as exc:
        if exc.code != "invalid_item":
            flash(str(exc.message), "error")
            return redirect(url_for("agenda.edit", slug=slug) + f"#item-{item_id}")
        return _editor(get_event(slug), 422, row_error=_row_error(item_id, exc))
    flash(_("Đã lưu nội dung."), "info")
    return redirect(url_for("agenda.edit", slug=slug) + f"#item-{item_id}")


@bp.post("/events/<slug>/agenda/items/<int:item_id>/delete")
@role_required("admin")
def delete_item(slug, item_id):
    """Delete an item once confirmed (``confirm=1``); unconfirmed, the editor asks first."""
    event = get_event(slug)
    if request.form.get("confirm") != "1":
        return _editor(event, confirm_delete=agenda.get_item(event, item_id))
    try:
        editing.delete_item(slug, item_id, actor=_actor())
        flash(_("Đã xoá nội dung."), "info")
    except ServiceError as exc:
        flash(str(exc.message), "error")
    return redirect(url_for("agenda.edit", slug=slug))


def _import_file():
    """``(data, fmt)`` from the uploaded file, or from the preview's confirmation form."""
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        return upload.read(), upload.filename.rsplit(".", 1)[-1].lower()
    return request.form.get("content", ""), request.form.get("fmt", "")


@bp.post("/events/<slug>/agenda/import")
@role_required("admin")
def import_agenda(slug):
    """Import a CSV or JSON file (appended unless *replace* is chosen); on errors show every bad
    row and change nothing. A replace that would remove items shows them first and waits for
    ``confirm=1``."""
    event = get_event(slug)
    data, fmt = _import_file()
    mode = request.form.get("mode", "append")
    try:
        if mode == "replace" and request.form.get("confirm") != "1":
            preview = agenda_io.preview_import(slug, data, fmt, mode)
            if preview["remove"]:
                text = data.decode("utf-8-sig", "replace") if isinstance(data, bytes) else data
                return _editor(event, preview={**preview, "content": text, "fmt": fmt})
        count = agenda_io.import_agenda(slug, data, fmt, mode, actor=_actor())
    except agenda_io.ImportFailed as exc:
        flash(str(exc.message), "error")
        return _editor(event, 422, errors=exc.details["errors"])
    except ServiceError as exc:
        flash(str(exc.message), "error")
        return _editor(event, exc.status)
    flash(_("Đã nhập %(n)s nội dung.", n=count), "info")
    return redirect(url_for("agenda.edit", slug=slug))


@bp.get("/events/<slug>/agenda/export.<fmt>")
@role_required("crew")
def export_agenda(slug, fmt):
    if fmt == "csv":
        body, mimetype = agenda_io.export_csv(slug), "text/csv; charset=utf-8"
    elif fmt == "json":
        body, mimetype = agenda_io.export_json(slug), "application/json"
    else:
        return redirect(url_for("agenda.edit", slug=slug))
    return attachment(body, mimetype, f"agenda-{slug}.{fmt}")
