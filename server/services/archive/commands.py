"""The archive area's commands: the chapters of the current or last recording (JSON, and as a
text/FFmpeg/WebVTT file's content), writing them into a copy of the file, and the as-run log.

The files themselves download from ``server/web/archive.py`` (crew pages)."""

from typing import Literal

from server.services.commands import Input, command

from . import asrun, chapters


@command(
    "recording.chapters",
    roles=("crew",),
    http="GET /events/<slug>/recording/chapters",
    socket="crew:recording_chapters",
    endpoint="recording_chapters",
)
def recording_chapters(call, data):
    """Chapters of the current or last recording: items [{t_s, title, ...}], the session, the plain text."""
    return chapters.view(call.event)


class ChaptersExport(Input):
    format: Literal["text", "ffmetadata", "vtt"] = "text"


@command(
    "recording.chapters_export",
    roles=("crew",),
    input=ChaptersExport,
    http="GET /events/<slug>/recording/chapters/export",
    socket="crew:recording_chapters_export",
    endpoint="recording_chapters_export",
)
def recording_chapters_export(call, data):
    """One chapter file's content (text for a fan page, ffmetadata or WebVTT) and its download name."""
    return chapters.export(call.event, data.format)


@command(
    "recording.chapters_mux",
    roles=("crew",),
    http="POST /events/<slug>/recording/chapters/mux",
    socket="crew:recording_chapters_mux",
    endpoint="recording_chapters_mux",
)
def recording_chapters_mux(call, data):
    """Write the last recording's chapters into a copy of its file (ffmpeg -c copy), next to it."""
    return chapters.mux_last(call.event)


@command(
    "asrun.log",
    roles=("crew",),
    http="GET /events/<slug>/as-run",
    socket="crew:asrun_log",
    endpoint="asrun_log",
)
def asrun_log(call, data):
    """The as-run log: every take (planned vs actual), stream and record event, destination change."""
    return {"items": [asrun.entry_to_dict(e) for e in asrun.entries(call.event)]}
