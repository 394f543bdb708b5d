"""The one rule for spreadsheet cells (CSV/XLSX injection): every exporter passes its text
cells through ``safe_cell`` so Excel, LibreOffice and Sheets never run them as formulas.

A cell is neutralised (prefixed with ``'``) when, after leading spaces/tabs, it starts with
``= + - @``, a tab, CR or LF, or their full-width forms ``＝ ＋ － ＠``. Numbers pass through as
numbers; ``None`` becomes an empty cell.
"""

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
