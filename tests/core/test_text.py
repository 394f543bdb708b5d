"""Text cleaning and folding for Vietnamese input from any phone keyboard."""

import unicodedata

import pytest

from server.services.text import clean, fold


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("  Xin   chào\t", "Xin chào"),
        ("a\x00b\x1bc\u202ed", "abcd"),
        (None, ""),
        ("line\nbreak", "line break"),
    ],
)
def test_clean(raw, expected):
    assert clean(raw) == expected


def test_clean_turns_nfd_into_nfc():
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Hồng")
    assert nfd != "Nguyễn Thị Hồng"
    assert clean(nfd) == "Nguyễn Thị Hồng"


def test_clean_multiline_keeps_paragraphs_and_limits_length():
    assert clean("a\r\n\r\n\r\n\r\nb  ", multiline=True) == "a\n\nb"
    assert clean("x" * 50, max_length=10) == "x" * 10


@pytest.mark.parametrize(
    "text", ["Nguyễn Đức Thắng", unicodedata.normalize("NFD", "Nguyễn Đức Thắng"), "NGUYEN DUC THANG"]
)
def test_fold_matches_with_and_without_diacritics(text):
    assert fold(text) == "nguyen duc thang"
