"""Pushing overlay text into OBS native text sources (OBS builds without a browser source).

Areas call ``push_text(event_slug, source_name, text)`` whenever an overlay's content
changes (lower third, question on air, bridge counter). The OBS service registers itself
as the sink when it starts; with no sink (no OBS configured) the call does nothing and
returns False. A sink failure is logged, never raised: overlays must not break the
action that changed them.
"""

import logging

log = logging.getLogger(__name__)

# The scene pack's native text sources (scenes/congress.json), one per overlay.
LOWER_THIRD = "BC Lower third"
AGENDA_CLOCK = "BC Agenda clock"
QUESTION = "BC Question"
BRIDGE_COUNTER = "BC Bridge counter"

_sinks = []


def register_sink(sink):
    """``sink(event_slug, source_name, text) -> bool``; several may be registered (tests)."""
    _sinks.append(sink)
    return sink


def unregister_sink(sink):
    if sink in _sinks:
        _sinks.remove(sink)


def push_text(event_slug, source_name, text):
    pushed = False
    for sink in list(_sinks):
        try:
            pushed = bool(sink(event_slug, source_name, text)) or pushed
        except Exception as exc:  # OBS down, source missing: reported, not raised
            log.warning("overlay text %s for %s not pushed: %s", source_name, event_slug, exc)
    return pushed
