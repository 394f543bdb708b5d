"""What OBS's native sources must show right now, pushed again after every (re)connect.

An OBS that restarts (or a scene pack that just created the sources) shows whatever its sources
were saved with. The areas already push their overlay text when it changes
(``overlays.native_text.push_text``) and the slides push their image (``slides/on_air.py``);
this module is the one place that registers, explicitly, each area's *current* content with the
OBS runtime's "on connected" hooks:

- the event: its name in the opening title;
- the agenda: the lower third on air (name, then title on its own line) and the countdown clock;
- the questions: the question on air (the text, then asker – unit – site);
- the bridges: the connected-sites counter;
- the slides: the ``BC Slides`` image file (the current slide's PNG, else a transparent image).

A hook is ``fn(event) -> [(source name, text or input settings dict)]``. Empty means empty: with
nothing on air the text is cleared (``""``), never filled with a placeholder, and its plate (the
background behind the lower third or the question) turns transparent.
"""

import functools

from server.services.overlays import native_text as sources

TITLE = "BC Title"
PLATE_SHOWN = 0xD9301A0A  # ABGR: dark blue, 85% opaque
PLATE_HIDDEN = 0x00301A0A  # the same, fully transparent


@functools.lru_cache(maxsize=1)
def _plates():
    from .scene_pack import plates

    return plates()


def plate_settings(source, text):
    """[(plate source, settings)] for a text source that has a plate: shown iff the text is."""
    plate = _plates().get(source)
    if plate is None:
        return []
    return [(plate, {"color": PLATE_SHOWN if (text or "").strip() else PLATE_HIDDEN})]


def with_plate(source, text):
    return [(source, text), *plate_settings(source, text)]


def event_title(event):
    return [(TITLE, event.name or "")]


def agenda_lower_third(event):
    from server.services.agenda import live
    from server.services.agenda.cues import lower_third_lines

    return with_plate(sources.LOWER_THIRD, lower_third_lines(live.current_lower_third(event)["text"]))


def agenda_clock(event):
    from server.services.agenda import live, timer

    return [
        (
            sources.AGENDA_CLOCK,
            timer.format_clock(timer.view(live.live_of(event, create=False), timer.now())["remaining_s"]),
        )
    ]


def question_on_air(event):
    from server.services.questions import moderation

    return with_plate(sources.QUESTION, moderation.overlay_plain_text(moderation.on_air_question(event)))


def bridge_counter(event):
    from server.services.bridges import counter

    return [(sources.BRIDGE_COUNTER, counter.counter_text(counter.summary(event)))]


def slide_image(event):
    from server.services.slides import on_air

    return [(on_air.SLIDES_SOURCE, on_air.image_settings(event))]


CURRENT_TEXTS = (event_title, agenda_lower_third, agenda_clock, question_on_air, bridge_counter, slide_image)


def register_native_texts(runtime):
    """Called once by ``configure_obs``: every area's current content becomes an on-connected hook."""
    for hook in CURRENT_TEXTS:
        runtime.on_connected(hook)
