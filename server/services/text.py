"""Text normalisation for everything users type: NFC, trimmed, no control characters,
and a folded form (no diacritics, đ→d, lower case) for search and duplicate detection."""
import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")


def clean(value, max_length=None, multiline=False):
    """NFC, control characters removed, spaces collapsed, trimmed; ``None`` becomes ''."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        text = text.replace("\n", " ")
    text = _CONTROL.sub("", text)
    text = _SPACES.sub(" ", text)
    if multiline:
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(line.strip() for line in text.split("\n")))
    text = text.strip()
    if max_length is not None:
        text = text[:max_length]
    return text


def fold(value):
    """Lower case without diacritics, for comparing: 'Nguyễn Đức' -> 'nguyen duc'."""
    if not value:
        return ""
    text = unicodedata.normalize("NFD", str(value))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = text.replace("đ", "d").replace("Đ", "D")
    return " ".join(text.lower().split())
