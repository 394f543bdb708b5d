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


# Vietnamese alphabet order; letters not in it (f, j, w, z, digits...) sort by code point after.
_VI_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_VI_RANK = {ch: i for i, ch in enumerate(_VI_ALPHABET)}
_VOWEL_MARKS = {"\u0306": "ă", "\u0302": "^", "\u031b": "+"}  # breve, circumflex, horn
_WITH_MARK = {("a", "ă"): "ă", ("a", "^"): "â", ("e", "^"): "ê", ("o", "^"): "ô", ("o", "+"): "ơ", ("u", "+"): "ư"}
# Tones after the base letter, in the order of Vietnamese dictionaries (CLDR vi):
# none, huyền, hỏi, ngã, sắc, nặng.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def _vi_letters(text):
    """(letter, tone) pairs of a lower-case text: 'ễ' -> ('ê', 3)."""
    out = []
    for ch in unicodedata.normalize("NFD", text):
        if ch in _VOWEL_MARKS and out:
            base, tone = out[-1]
            out[-1] = (_WITH_MARK.get((base, _VOWEL_MARKS[ch]), base), tone)
        elif ch in _TONES and out:
            out[-1] = (out[-1][0], _TONES[ch])
        elif unicodedata.category(ch) == "Mn":
            continue
        else:
            out.append((ch, 0))
    return out


def vi_sort_key(value):
    """A sort key in Vietnamese collation: letters in the order a ă â b c d đ e ê … y, tones
    compared only after the letters ('Huyện Đông Sơn' < 'Huyện Yên Định'; 'Da' < 'Đa'),
    then case."""
    text = " ".join(str(value or "").split())
    letters = _vi_letters(text.lower())
    primary = tuple(_VI_RANK[ch] if ch in _VI_RANK else 100 + ord(ch) for ch, _tone in letters)
    tones = tuple(tone for _ch, tone in letters)
    return primary, tones, text
