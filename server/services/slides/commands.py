"""The slides area's commands: the crew's deck list, moving the slide on screen (next, previous,
go to) and uploading a deck (multipart, over HTTP only). Bound to REST (``/api/v1``) and
Socket.IO (``/crew``) by the command registry (``server/services/commands.py``)."""

from typing import Annotated

from pydantic import Field

from server.services.commands import Created, Input, command
from server.services.fields import Id, Offset, ShortText
from server.services.slides import decks as slides


@command(
    "slides.list", roles=("crew",), http="GET /events/<slug>/slides", socket="crew:list_slides", endpoint="list_slides"
)
def list_slides(call, data):
    """The event's decks (with rendering status) and the slide on screen."""
    return {
        "decks": [slides.deck_to_dict(d) for d in slides.decks_of(call.event)],
        "current": slides.slide_state(call.event),
    }


@command(
    "slides.next",
    roles=("crew",),
    http="POST /events/<slug>/slides/next",
    socket="crew:slide_next",
    endpoint="slide_next",
)
def slide_next(call, data):
    """Show the next slide (stays on the last)."""
    return {"slide": slides.show(call.slug, delta=1)}


@command(
    "slides.prev",
    roles=("crew",),
    http="POST /events/<slug>/slides/prev",
    socket="crew:slide_prev",
    endpoint="slide_prev",
)
def slide_prev(call, data):
    """Show the previous slide (stays on the first)."""
    return {"slide": slides.show(call.slug, delta=-1)}


class Goto(Input):
    index: Offset | None = None
    deck_id: Id | None = None


@command(
    "slides.goto",
    roles=("crew",),
    input=Goto,
    http="POST /events/<slug>/slides/goto",
    socket="crew:slide_goto",
    endpoint="slide_goto",
)
def slide_goto(call, data):
    """Choose a deck (from its first slide) and/or go to slide ``index``."""
    return {"slide": slides.show(call.slug, deck_id=data.deck_id, index=data.index)}


class Upload(Input):
    """Form fields of a multipart upload; the files come as ``call.files`` (``pdf`` or ``photos``)."""

    title: ShortText = ""
    caption: list[ShortText] | ShortText = []
    captions: Annotated[str, Field(max_length=200_000)] = ""


@command(
    "slides.upload",
    roles=("crew",),
    input=Upload,
    http="POST /events/<slug>/slides",
    why_no_socket="file uploads go over HTTP (multipart)",
    endpoint="upload_slides",
)
def upload_slides(call, data):
    """Upload a deck: multipart ``pdf``, or ``photos`` with ``caption`` fields (or ``captions`` one
    a line). 201 ``{deck_id, pages, status, ...}``; a PDF's pages render in the background
    (``status`` "rendering", progress as ``deck_progress`` on ``/crew``)."""
    pdf = (call.files.get("pdf") or [None])[0]
    captions = data.caption if isinstance(data.caption, list) else [data.caption] if data.caption else []
    deck = slides.upload(
        call.slug,
        data.title,
        pdf=pdf,
        photos=call.files.get("photos", []),
        captions=captions or data.captions.splitlines(),
    )
    return Created(slides.upload_result(deck))
