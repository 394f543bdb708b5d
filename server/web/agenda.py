"""Agenda pages: the crew's live panel (take next, timer, lower third, slides) and the
admin's editor (items, drag-and-drop order, CSV/JSON import and export, slide decks)."""
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from server.services.agenda import items as agenda
from server.services.agenda import import_export as agenda_io
from server.services.agenda import live as agenda_live
from server.services.slides import decks as slides
from server.services.errors import ServiceError
from server.services.events import get_event
from server.web.security import role_required

bp = Blueprint("agenda", __name__)


@bp.get("/events/<slug>/agenda")
@role_required("crew")
def panel(slug):
    """The crew's live agenda panel."""
    event = get_event(slug)
    return render_template("agenda/panel.html", event=event, state=agenda_live.agenda_state(event),
                           decks=[slides.deck_to_dict(d, with_slides=True) for d in slides.decks_of(event)],
                           slide=slides.slide_state(event))


@bp.get("/events/<slug>/agenda/edit")
@role_required("admin")
def edit(slug):
    """The agenda editor."""
    event = get_event(slug)
    return render_template("agenda/edit.html", event=event, items=agenda.items_of(event),
                           rows={i.id: agenda.item_to_row(i) for i in agenda.items_of(event)},
                           decks=slides.decks_of(event), fields=agenda.FIELDS, errors=None)


def _form_row():
    return {field: request.form.get(field, "") for field in agenda.FIELDS}


@bp.post("/events/<slug>/agenda/items")
@role_required("admin")
def create_item(slug):
    try:
        agenda.create_item(slug, _form_row())
        flash(_("Đã thêm nội dung."), "info")
    except ServiceError as exc:
        flash(str(exc.message), "error")
    return redirect(url_for("agenda.edit", slug=slug))


@bp.post("/events/<slug>/agenda/items/<int:item_id>")
@role_required("admin")
def update_item(slug, item_id):
    try:
        agenda.update_item(slug, item_id, _form_row())
        flash(_("Đã lưu nội dung."), "info")
    except ServiceError as exc:
        flash(str(exc.message), "error")
    return redirect(url_for("agenda.edit", slug=slug) + f"#item-{item_id}")


@bp.post("/events/<slug>/agenda/items/<int:item_id>/delete")
@role_required("admin")
def delete_item(slug, item_id):
    agenda.delete_item(slug, item_id)
    flash(_("Đã xoá nội dung."), "info")
    return redirect(url_for("agenda.edit", slug=slug))


@bp.post("/events/<slug>/agenda/import")
@role_required("admin")
def import_agenda(slug):
    """Import a CSV or JSON file; on errors show every bad row and change nothing."""
    event = get_event(slug)
    upload = request.files.get("file")
    fmt = (upload.filename or "").rsplit(".", 1)[-1].lower() if upload else ""
    try:
        count = agenda_io.import_agenda(slug, upload.read() if upload else b"", fmt, request.form.get("mode", "replace"))
    except agenda_io.ImportFailed as exc:
        flash(str(exc.message), "error")
        return render_template("agenda/edit.html", event=event, items=agenda.items_of(event),
                               rows={i.id: agenda.item_to_row(i) for i in agenda.items_of(event)},
                               decks=slides.decks_of(event), fields=agenda.FIELDS,
                               errors=exc.details["errors"]), 422
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
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="agenda-{slug}.{fmt}"'})
