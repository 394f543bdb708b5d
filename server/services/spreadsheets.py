"""The one rule for spreadsheet cells (CSV/XLSX injection): every exporter passes its text
cells through ``safe_cell`` so Excel, LibreOffice and Sheets never run them as formulas.

A cell is neutralised (prefixed with ``'``) when, after leading spaces/tabs, it starts with
``= + - @``, a tab, CR or LF, or their full-width forms ``＝ ＋ － ＠``. Numbers pass through as
numbers; ``None`` becomes an empty cell. ``append_row`` and ``dress_sheet`` are the XLSX side:
a row of safe cells stored as text (never a formula), and a sheet dressed for people (bold frozen
header, a filter on every column, widths, long text wrapped).
"""

from openpyxl.cell.cell import TYPE_STRING, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_LEADING_BLANKS = " \u00a0\u3000"


def needs_quote(text):
    """True when a spreadsheet could read ``text`` as a formula."""
    if text.startswith(FORMULA_START):
        return True
    return text.lstrip(_LEADING_BLANKS + "\t\r\n").startswith(FORMULA_START)


def safe_cell(value):
    """The cell to write: numbers unchanged, text that could start a formula prefixed with ``'``."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if needs_quote(text) else text


def append_row(ws, values):
    """Append ``values`` to an openpyxl sheet through ``safe_cell``; text cells stay text."""
    cells = []
    for value in values:
        cell = Cell(ws, value=safe_cell(value))
        if isinstance(cell.value, str):
            cell.data_type = TYPE_STRING
        cells.append(cell)
    ws.append(cells)


def dress_sheet(ws, widths):
    """Bold frozen header row, a filter on every column, column ``widths``, long text wrapped."""
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
        if width >= 40:
            for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
