"""Agenda import and export, CSV and JSON.

Import checks every row first and reports every bad row (line, field, message); only a file
with no errors is written, in one transaction, so nothing is ever half-imported. Import
*appends* unless *replace* is asked; ``preview_import`` says first what a replace would remove,
and a replace is refused while an item is on air (``Event.current_item_id``). Export writes
the same columns, so an exported file imports back unchanged. CSV cells that a spreadsheet
would run as a formula are prefixed with ``'`` (and the prefix is removed on import).
"""

import csv
import io
import json
import logging

from flask_babel import lazy_gettext as _l

from server.extensions import db
from server.models.agenda import AgendaItem
from server.models.slides import SlideDeck
from server.services import audit as audit_log
from server.services.agenda import items as agenda
from server.services.agenda.cues import known_scenes
from server.services.agenda.editing import agenda_changed
from server.services.errors import Conflict, ServiceError
from server.services.events import get_event
from server.services.spreadsheets import needs_quote  # the one cell-safety rule for every exporter
from server.services.spreadsheets import safe_cell as _safe_cell

audit = logging.getLogger("bridgecast.audit.agenda")

MAX_ROWS = 1000
MODES = ("append", "replace")


class ImportFailed(ServiceError):
    """The file was refused; ``details["errors"]`` lists ``{"row", "field", "message"}``."""

    status = 422


def _file_error(message):
    return ImportFailed("import_invalid", message, errors=[{"row": 0, "field": "", "message": str(message)}])


def _decode(data):
    if isinstance(data, bytes):
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _file_error(_l("Tệp phải mã hoá UTF-8.")) from None
    return data.lstrip("\ufeff")


def _unescape(value):
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and needs_quote(value[1:]):
        return value[1:]
    return value


def parse_csv(data):
    """[(line number, row dict)] from CSV text/bytes (comma or semicolon separated)."""
    text = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if "title" not in header:
        raise _file_error(_l("Thiếu cột bắt buộc: title."))
    unknown = [h for h in header if h and h not in agenda.FIELDS]
    if unknown:
        raise _file_error(_l("Cột không hợp lệ: %(cols)s", cols=", ".join(unknown)))
    reader.fieldnames = header
    rows = []
    try:
        for row in reader:
            if not any((v or "").strip() for k, v in row.items() if k):
                continue
            rows.append((reader.line_num, {k: _unescape(v) for k, v in row.items() if k}))
    except csv.Error as exc:
        raise _file_error(_l("Tệp CSV hỏng: %(err)s", err=str(exc))) from None
    return rows


def parse_json(data):
    """[(row number, row dict)] from a JSON list of items or ``{"items": [...]}``."""
    try:
        doc = json.loads(_decode(data))
    except (ValueError, RecursionError):  # RecursionError: "[[[[..." nested deeper than Python parses
        raise _file_error(_l("Tệp JSON không hợp lệ.")) from None
    if isinstance(doc, dict):
        doc = doc.get("items")
    if not isinstance(doc, list):
        raise _file_error(_l('Tệp JSON phải là một danh sách nội dung hoặc có khoá "items".'))
    return [(n, row) for n, row in enumerate(doc, start=1)]


def _checked_rows(event, data, fmt, mode):
    """The column values of every row of the file, or ``ImportFailed`` listing every bad row."""
    if fmt not in ("csv", "json"):
        raise _file_error(_l("Định dạng tệp phải là CSV hoặc JSON."))
    if mode not in MODES:
        raise _file_error(_l("Chế độ nhập không hợp lệ."))
    rows = parse_csv(data) if fmt == "csv" else parse_json(data)
    if not rows:
        raise _file_error(_l("Tệp không có dòng nào."))
    if len(rows) > MAX_ROWS:
        raise _file_error(_l("Tệp có quá nhiều dòng (tối đa %(n)s).", n=MAX_ROWS))
    scenes = known_scenes(event.slug)
    decks = agenda._decks_by_ref(event)
    values, errors = [], []
    for number, row in rows:
        try:
            values.append(agenda.validate_item(event, row, scenes=scenes, decks=decks))
        except agenda.RowError as exc:  # every bad field of every line, at once
            errors.extend({"row": number, "field": field, "message": str(message)} for field, message in exc.errors)
    if errors:
        bad_rows = len({e["row"] for e in errors})
        raise ImportFailed("import_invalid", _l("Tệp có %(n)s dòng lỗi, chưa nhập gì.", n=bad_rows), errors=errors)
    return values


def _removed_by(event, mode):
    """The items a ``mode`` import would remove (all of them for a replace); a replace is
    refused while an item is on air."""
    if mode != "replace":
        return []
    if event.current_item_id is not None:
        raise Conflict(
            "on_air",
            _l("Đang có nội dung lên sóng: không thể thay toàn bộ chương trình. Hãy dùng chế độ thêm vào cuối."),
            item_id=event.current_item_id,
        )
    return agenda.items_of(event)


def preview_import(event_slug, data, fmt, mode="append"):
    """What an import would do, changing nothing: ``{"mode", "add", "remove": [{id, title, start}]}``."""
    event = get_event(event_slug)
    values = _checked_rows(event, data, fmt, mode)
    removed = _removed_by(event, mode)
    return {
        "mode": mode,
        "add": len(values),
        "remove": [{"id": i.id, "title": i.title, "start": agenda.item_to_row(i)["start"]} for i in removed],
    }


def import_agenda(event_slug, data, fmt, mode="append", actor="?"):
    """Validate every row, then write all of them or none. Returns the number of items imported.

    ``mode`` is ``append`` (default) or ``replace`` (every existing item is removed; refused
    with 409 ``on_air`` while an item is on air)."""
    event = get_event(event_slug)
    values = _checked_rows(event, data, fmt, mode)
    removed = [item.id for item in _removed_by(event, mode)]
    try:
        start = 0
        if removed:
            db.session.execute(db.delete(AgendaItem).filter_by(event_id=event.id))
        else:
            last = db.session.scalar(db.select(db.func.max(AgendaItem.position)).filter_by(event_id=event.id))
            start = (last if last is not None else -1) + 1
        for offset, fields in enumerate(values):
            db.session.add(AgendaItem(event_id=event.id, position=start + offset, **fields))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    if removed:
        audit.info(
            "agenda replaced by import: event=%s removed=%s added=%s by=%s", event.slug, removed, len(values), actor
        )
        audit_log.record(actor, "agenda.replace", event.slug, f"removed {len(removed)}, added {len(values)}")
    agenda_changed(event)
    return len(values)


def _rows(event):
    decks = {d.id: d.title for d in db.session.scalars(db.select(SlideDeck).filter_by(event_id=event.id)).all()}
    return [agenda.item_to_row(item, decks) for item in agenda.items_of(event)]


def export_csv(event_slug):
    event = get_event(event_slug)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(agenda.FIELDS), lineterminator="\r\n")
    writer.writeheader()
    for row in _rows(event):
        writer.writerow({k: _safe_cell(v) for k, v in row.items()})
    return "\ufeff" + out.getvalue()  # BOM: Excel opens Vietnamese text correctly


def export_json(event_slug):
    event = get_event(event_slug)
    return json.dumps({"event": event.slug, "items": _rows(event)}, ensure_ascii=False, indent=2)
