"""Every CSV/XLSX exporter uses the one cell-safety rule: a hostile row comes out inert in each."""

import csv
import io
import pathlib

from openpyxl import load_workbook

from server.extensions import db
from server.models.question import Question
from server.services import spreadsheets
from server.services.agenda import import_export as agenda_io
from server.services.archive import asrun, asrun_export
from server.services.bridges import rollcall
from server.services.questions import accountability as questions_accountability
from server.services.questions import export as questions_export
from tests.support import factories
from tests.support.agenda import make_items

EVIL = ['=HYPERLINK("http://evil","x")', "＝cmd|' /C calc'!A0", " @SUM(1+1)*cmd", "\t-2+3"]
ROOT = pathlib.Path(__file__).resolve().parents[2]


def _assert_inert(cells):
    """No cell starts a formula, and every hostile value is present with its ``'`` prefix."""
    cells = [c for c in cells if isinstance(c, str)]
    for cell in cells:
        assert not spreadsheets.needs_quote(cell), repr(cell)
    for evil in EVIL:
        assert any(c == "'" + evil for c in cells), (evil, cells)


def _csv_cells(text):
    return [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in row]


def _xlsx_cells(data):
    book = load_workbook(io.BytesIO(data))
    return [cell.value for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def test_every_exporter_calls_the_shared_rule():
    assert questions_export.safe_cell is spreadsheets.safe_cell
    assert rollcall._safe is spreadsheets.safe_cell
    assert agenda_io._safe_cell is spreadsheets.safe_cell
    assert asrun_export.safe_cell is spreadsheets.safe_cell
    assert questions_accountability.append_row is spreadsheets.append_row  # safe_cell on every cell


def test_no_exporter_keeps_its_own_formula_list():
    for path in (ROOT / "server").rglob("*.py"):
        if path.name == "spreadsheets.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert '("=", "+", "-", "@"' not in text, f"{path} has its own formula rule"


def test_questions_export_is_inert(app, event):
    site = factories.make_site(event, code="=S1", name=EVIL[1])
    for i, evil in enumerate(EVIL):
        db.session.add(
            Question(
                event_id=event.id,
                site_id=site.id,
                client_id=f"c{i}",
                text=evil,
                author=EVIL[2],
                unit=EVIL[3],
                addressee=EVIL[0],
            )
        )
    db.session.commit()
    _assert_inert(_csv_cells(questions_export.to_csv(event).decode("utf-8")))
    _assert_inert(_xlsx_cells(questions_export.to_xlsx(event)))


def test_accountability_export_is_inert(app, event):
    for i, evil in enumerate(EVIL):
        site = factories.make_site(event, code=f"A-{i}", name=evil, district=EVIL[(i + 1) % len(EVIL)])
        site.province, site.commune = EVIL[(i + 2) % len(EVIL)], EVIL[(i + 3) % len(EVIL)]
    db.session.commit()
    _assert_inert(_xlsx_cells(questions_accountability.to_xlsx(event)))


def test_roll_call_export_is_inert(app, event):
    for i, evil in enumerate(EVIL):
        factories.make_site(event, code=f"R-{i}", name=evil, district=EVIL[(i + 1) % len(EVIL)])
    roll = rollcall.start(event, "tester")
    _assert_inert(_csv_cells(rollcall.export_csv(roll).decode("utf-8")))
    _assert_inert(_xlsx_cells(rollcall.export_xlsx(roll)))


def test_agenda_export_is_inert_and_round_trips(app, event):
    make_items(event, [{"title": evil, "notes": evil} for evil in EVIL])
    exported = agenda_io.export_csv(event.slug)
    _assert_inert(_csv_cells(exported))
    agenda_io.import_agenda(event.slug, exported.encode("utf-8"), "csv", mode="replace")
    from server.services.agenda import items as agenda

    assert [item.title for item in agenda.items_of(event)] == [evil.strip() for evil in EVIL]  # import trims


def test_as_run_export_is_inert(app, event):
    from datetime import UTC, datetime

    items = make_items(event, [{"title": evil} for evil in EVIL])
    for item, evil in zip(items, reversed(EVIL), strict=True):
        asrun.log(event, "item_start", datetime(2026, 11, 23, 1, 0, tzinfo=UTC), item=item, actor=evil, detail=evil)
    _assert_inert(_csv_cells(asrun_export.to_csv(event).decode("utf-8")))
    _assert_inert(_xlsx_cells(asrun_export.to_xlsx(event)))
