"""The English catalog: every entry once, every msgid used by the code translated."""

import collections
import os
import re
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PO = os.path.join(ROOT, "server", "translations", "en", "LC_MESSAGES", "messages.po")


def _entries():
    with open(PO, encoding="utf-8") as fh:
        text = fh.read()
    return re.findall(r'^msgid "(.*)"\nmsgstr "(.*)"$', text, re.M), text


def test_no_msgid_appears_twice():
    entries, text = _entries()
    counts = collections.Counter(msgid for msgid, _ in entries)
    assert [m for m, n in counts.items() if n > 1 and m] == []
    assert len(re.findall(r"^msgid ", text, re.M)) == len(entries)  # no multi-line or glued entries missed


def test_every_entry_has_an_english_translation():
    entries, _ = _entries()
    assert [m for m, s in entries if m and not s] == []


def test_every_string_the_code_marks_is_translated(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            os.path.join(os.path.dirname(os.sys.executable), "pybabel"),
            "extract",
            "-F",
            os.path.join(ROOT, "babel.cfg"),
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(pot),
            ROOT,
        ],
        check=True,
        capture_output=True,
    )
    wanted = set(re.findall(r'^msgid "(.+)"$', pot.read_text(encoding="utf-8"), re.M))
    have = {m for m, _ in _entries()[0]}
    assert sorted(wanted - have) == []
