"""The one cell-safety rule (server/services/spreadsheets.py)."""

import pytest

from server.services.spreadsheets import safe_cell

HOSTILE = [
    "=1+1",
    "+1",
    "-1+2",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "\n=1",
    "＝1+1",
    "＋1",
    "－1",
    "＠SUM(A1)",
    " =1+1",
    "  +1",
    "\u00a0=1",
    "\u3000=1",
    " \t@x",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_starts_are_neutralised(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["Phạm Văn Tuấn", "a=b", "1-2", "'quoted", "", "Xã Hoằng Đức (HĐ-01)"])
def test_plain_text_is_left_alone(text):
    assert safe_cell(text) == text


def test_numbers_and_none():
    assert safe_cell(5) == 5 and safe_cell(-2.5) == -2.5 and safe_cell(None) == "" and safe_cell(True) == "True"
