"""The text sources the server writes exist in the scene pack as overlay text fallbacks."""

import json
import os

from server.services.overlays import native_text as overlay_text

PACK = os.path.join(os.path.dirname(__file__), "..", "..", "scenes", "congress.json")


def test_every_pushed_source_is_an_overlay_of_the_scene_pack():
    with open(PACK, encoding="utf-8") as fh:
        sources = json.load(fh)["sources"]
    for name in (
        overlay_text.LOWER_THIRD,
        overlay_text.AGENDA_CLOCK,
        overlay_text.QUESTION,
        overlay_text.BRIDGE_COUNTER,
    ):
        assert sources[name]["kind"] == "overlay" and sources[name]["fallback"] == "text", name


def test_push_text_reaches_sinks_and_survives_a_failing_one():
    seen = []

    def broken(slug, source, text):
        raise RuntimeError("OBS down")

    def recording(slug, source, text):
        seen.append((slug, source, text))
        return True

    overlay_text.register_sink(broken)
    overlay_text.register_sink(recording)
    try:
        assert overlay_text.push_text("ev", overlay_text.QUESTION, "<b>x</b>") is True
    finally:
        overlay_text.unregister_sink(broken)
        overlay_text.unregister_sink(recording)
    assert seen == [("ev", "BC Question", "<b>x</b>")]
