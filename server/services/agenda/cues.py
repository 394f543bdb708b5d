"""The seam between the agenda and OBS: applying an item's cues (scene, lower third, media).

``take next item`` calls ``apply_cues``; it goes through the registered ``CueRunner`` (one per
process: the OBS service, or a test's recording fake registers with ``register_cue_runner``),
else ``DefaultCueRunner``: the lower third goes to OBS native text sources through
``overlay_text.push_text`` and the scene and media cues go to ``app.extensions["obs"]``
(the OBS runtime, ``connection_for(slug)``) when it is there. A cue that fails is reported in
the result, never raised: the agenda has already moved and the overlays follow it anyway.
"""

import glob
import json
import logging
import os
from typing import Protocol

from flask import current_app

from server.services.overlays import native_text as overlay_text
from server.services.overlays.native_text import push_text

log = logging.getLogger(__name__)

LOWER_THIRD_SOURCE = overlay_text.LOWER_THIRD
CLOCK_SOURCE = overlay_text.AGENDA_CLOCK
SCENE_PACK_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "scenes")


class CueRunner(Protocol):
    def set_scene(self, event_slug: str, scene: str): ...

    def set_lower_third(self, event_slug: str, text: str): ...

    def start_media(self, event_slug: str, input_name: str): ...


class DefaultCueRunner:
    """Lower third via overlay text sinks; scene and media via the OBS runtime if installed."""

    def _obs(self, event_slug):
        runtime = current_app.extensions.get("obs")
        if runtime is None or not hasattr(runtime, "connection_for"):
            return None
        return runtime.connection_for(event_slug)

    def set_scene(self, event_slug, scene):
        conn = self._obs(event_slug)
        if conn is None:
            return False
        conn.set_program_scene(scene)
        return True

    def set_lower_third(self, event_slug, text):
        return push_text(event_slug, LOWER_THIRD_SOURCE, lower_third_lines(text))

    def start_media(self, event_slug, input_name):
        conn = self._obs(event_slug)
        if conn is None:
            return False
        conn.media(input_name, "restart")
        return True

    def scene_names(self, event_slug):
        runtime = current_app.extensions.get("obs")
        if runtime is None or not hasattr(runtime, "state"):
            return []
        try:
            return list(runtime.state(event_slug).get("scenes") or [])
        except Exception:  # OBS down: no live list
            return []


_runner = None


def register_cue_runner(runner):
    """Make ``runner`` the process's cue runner (replaces the default); returns it."""
    global _runner
    _runner = runner
    return runner


def unregister_cue_runner(runner=None):
    global _runner
    if runner is None or _runner is runner:
        _runner = None


def cue_runner():
    return _runner if _runner is not None else DefaultCueRunner()


def drives_obs(event_slug):
    """False when another event owns this event's OBS ("one OBS, one owner",
    ``server/services/obs/binding.py``): its clock and texts must not reach that OBS."""
    runtime = current_app.extensions.get("obs")
    if runtime is None or not hasattr(runtime, "other_owner"):
        return True
    return runtime.other_owner(event_slug) is None


def lower_third_lines(text):
    """The lower third as OBS's native text shows it: the name, then the title on its own line
    ("Name — Title" → "Name\nTitle"); empty stays empty."""
    name, _sep, title = (text or "").partition(" — ")
    return "\n".join(part for part in (name.strip(), title.strip()) if part)


def apply_cues(event_slug, scene="", lower_third="", media_input=""):
    """Apply cues in order scene → lower third → media; returns ``[{cue, value, ok, error?}]``.

    The lower third is always applied (an empty text hides it)."""
    runner = cue_runner()
    steps = []
    if scene:
        steps.append(("scene", scene, runner.set_scene))
    steps.append(("lower_third", lower_third, runner.set_lower_third))
    if media_input:
        steps.append(("media", media_input, runner.start_media))
    results = []
    for cue, value, fn in steps:
        try:
            applied = fn(event_slug, value)
            results.append({"cue": cue, "value": value, "ok": True, "applied": applied is not False})
        except Exception as exc:  # OBS down or a missing source: reported to the crew
            log.warning("cue %s=%r for %s failed: %s", cue, value, event_slug, exc)
            results.append({"cue": cue, "value": value, "ok": False, "error": getattr(exc, "code", None) or str(exc)})
    return results


def apply_scene(event_slug, scene):
    """One scene cue outside the agenda (e.g. a question going on air); reported, never raised."""
    try:
        applied = cue_runner().set_scene(event_slug, scene)
        return {"cue": "scene", "value": scene, "ok": True, "applied": applied is not False}
    except Exception as exc:  # OBS down or no such scene: the question is on air anyway
        log.warning("cue scene=%r for %s failed: %s", scene, event_slug, exc)
        return {"cue": "scene", "value": scene, "ok": False, "error": getattr(exc, "code", None) or str(exc)}


def known_scenes(event_slug=None):
    """Scene names a cue may use: ``AGENDA_SCENES`` when set, else the scene packs plus the
    scenes OBS reports. An empty set means "not known": imports then accept any scene."""
    configured = current_app.config.get("AGENDA_SCENES")
    if configured:
        return set(configured)
    names = set()
    for path in glob.glob(os.path.join(SCENE_PACK_DIR, "*.json")):
        try:
            with open(path, encoding="utf-8") as fh:
                names.update(s["name"] for s in json.load(fh).get("scenes", []) if s.get("name"))
        except (OSError, ValueError, KeyError, TypeError):
            log.warning("scene pack %s unreadable", path)
    runner = cue_runner()
    if event_slug and hasattr(runner, "scene_names"):
        names.update(runner.scene_names(event_slug))
    return names
