"""What OBS's native text sources must show right now, pushed again after every (re)connect.

An OBS that restarts (or a scene pack that just created the sources) shows whatever text its
sources were saved with, often the pack's placeholder. The areas already push their overlay
text when it changes (``overlays.native_text.push_text``); this module is the one place that
registers, explicitly, each area's *current* text with the OBS runtime's "on connected" hooks:

- the agenda: the lower third on air and the countdown clock;
- the questions: the question on air;
- the bridges: the connected-sites counter.

A hook is ``fn(event) -> [(source name, text)]``. Empty means empty: with nothing on air the
source is cleared (``""``), never filled with a placeholder.
"""
from server.services.overlays import native_text as sources


def agenda_lower_third(event):
    from server.services.agenda import live

    return [(sources.LOWER_THIRD, live.current_lower_third(event)["text"])]


def agenda_clock(event):
    from server.services.agenda import live, timer

    return [(sources.AGENDA_CLOCK, timer.format_clock(timer.view(live.live_of(event, create=False),
                                                                  timer.now())["remaining_s"]))]


def question_on_air(event):
    from server.services.questions import moderation

    return [(sources.QUESTION, moderation.overlay_plain_text(moderation.on_air_question(event)))]


def bridge_counter(event):
    from server.services.bridges import counter

    return [(sources.BRIDGE_COUNTER, counter.counter_text(counter.summary(event)))]


CURRENT_TEXTS = (agenda_lower_third, agenda_clock, question_on_air, bridge_counter)


def register_native_texts(runtime):
    """Called once by ``configure_obs``: every area's current text becomes an on-connected hook."""
    for hook in CURRENT_TEXTS:
        runtime.on_connected(hook)
