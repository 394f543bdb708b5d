"""docs/architecture.md stays true: every path it names exists, every area package with a commands
module is in its table, and every listed commands module is registered."""

import os
import re

from server.services.commands import COMMAND_MODULES

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOC = os.path.join(ROOT, "docs", "architecture.md")


def _text():
    with open(DOC, encoding="utf-8") as fh:
        return fh.read()


def test_every_path_the_architecture_page_names_exists():
    paths = set(re.findall(r"`((?:server|tests|static|templates|migrations|docs|bench|scenes)/[^`\s]*)`", _text()))
    assert len(paths) > 40
    missing = sorted(p for p in paths if "<" not in p and not os.path.exists(os.path.join(ROOT, p.rstrip("/"))))
    assert missing == []


def test_every_area_with_commands_is_in_the_table_with_its_tests():
    text = _text()
    services = os.path.join(ROOT, "server", "services")
    areas = [name for name in os.listdir(services) if os.path.exists(os.path.join(services, name, "commands.py"))]
    assert len(areas) >= 7
    for area in areas:
        assert f"`server/services/{area}/commands.py`" in text, area
    rows = re.findall(r"^\| (\w+) \| .* \| `(tests/\w+/)` \|$", text, re.M)
    assert len(rows) >= 9
    for _area, tests_dir in rows:
        assert any(f.startswith("test_") for f in os.listdir(os.path.join(ROOT, tests_dir))), tests_dir


def test_every_commands_module_named_is_registered():
    named = set(re.findall(r"`server/services/([\w/]+)\.py`", _text()))
    for module in COMMAND_MODULES:
        assert module.replace("server.services.", "").replace(".", "/") in named, module
