"""The themes' commands: list (computed on first read), refresh, rename, merge, and move a
question to a theme (pinned). Moderators; bound to REST (``/api/v1``) and the ``/moderation``
socket by the command registry. Actions over every question of a theme go through
``questions.bulk`` with a ``theme_id`` (``server/services/questions/commands.py``)."""

from typing import Annotated

from pydantic import Field

from server.services.commands import Input, command
from server.services.fields import Id
from server.services.questions import themes
from server.services.questions.commands import question_event
from server.services.questions.submission import compact_one


def _listing(items):
    """The themes under ``themes`` (named like ``duplicates``' ``groups``) and ``items`` (like the
    other lists): the same list, for either reader."""
    return {"themes": items, "items": items}


@command(
    "questions.themes",
    roles=("moderator",),
    http="GET /events/<slug>/themes",
    socket="moderation:list_themes",
    endpoint="list_themes",
)
def list_themes(call, data):
    """The event's themes with their questions, most questions first:
    ``themes`` (and ``items``) ``[{id, label, count, question_ids, terms, renamed}]``.
    Computed on the first call; questions that arrived since join the nearest theme."""
    return _listing(themes.list_themes(call.event, call.actor))


@command(
    "questions.themes_refresh",
    roles=("moderator",),
    http="POST /events/<slug>/themes/refresh",
    socket="moderation:refresh_themes",
    endpoint="refresh_themes",
)
def refresh_themes(call, data):
    """Recompute the themes from every question's text; renamed labels, merges and pinned
    questions are kept. Also answers ``seconds``, the time it took."""
    found, seconds = themes.refresh(call.event, call.actor)
    return {**_listing(found), "seconds": round(seconds, 3)}


class Rename(Input):
    id: Id
    label: Annotated[str, Field(max_length=200)]


@command(
    "questions.theme_rename",
    roles=("moderator",),
    input=Rename,
    http="POST /events/<slug>/themes/<int:id>/rename",
    socket="moderation:rename_theme",
    endpoint="rename_theme",
)
def rename_theme(call, data):
    """Name a theme; a refresh keeps the name."""
    theme = themes.rename(call.event, call.actor, data.id, data.label)
    return {"theme": {"id": theme.id, "label": theme.label, "renamed": theme.renamed}}


class ThemeMerge(Input):
    target_id: Id
    source_ids: Annotated[list[Id], Field(min_length=1, max_length=100)]


@command(
    "questions.theme_merge",
    roles=("moderator",),
    input=ThemeMerge,
    http="POST /events/<slug>/themes/<int:target_id>/merge",
    socket="moderation:merge_themes",
    endpoint="merge_themes",
)
def merge_themes(call, data):
    """Merge themes into ``target_id``: their questions move there, they are removed."""
    themes.merge(call.event, call.actor, data.target_id, data.source_ids)
    return _listing(themes.items(call.event))


class Move(Input):
    id: Id
    theme_id: Id


@command(
    "questions.theme_move",
    roles=("moderator",),
    input=Move,
    http="POST /questions/<int:id>/theme",
    socket="moderation:move_to_theme",
    event_of=question_event,
    endpoint="move_to_theme",
)
def move_to_theme(call, data):
    """Put a question in a theme and pin it there (a refresh leaves it); the questions merged into
    it follow."""
    return {"question": compact_one(themes.move(call.event, call.actor, data.id, data.theme_id))}
