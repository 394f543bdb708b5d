"""The chapters of an event's current or last recording, as data and as files."""

from flask_babel import lazy_gettext as _l

from server.services.errors import ServiceError

from . import formats, mux, recording


def of_event(event):
    """(session or None, [RecordingChapter]) for the current recording (the OBS on air's first),
    else the last one."""
    session = recording.latest_session(event, recording.on_air_side(event))
    return session, recording.chapters(session)


def view(event):
    session, marks = of_event(event)
    items = [recording.chapter_to_dict(c) for c in marks]
    return {"items": items, "session": recording.session_to_dict(session), "text": formats.as_text(_triples(marks))}


def _triples(marks):
    return [(c.t_s, c.title, c.speaker) for c in marks]


def export(event, fmt):
    """{"format", "filename", "mimetype", "content"} of one chapter file."""
    if fmt not in formats.FORMATS:
        raise ServiceError("invalid_format", _l("Định dạng không hỗ trợ."), status=422, fields=["format"])
    session, marks = of_event(event)
    duration = recording.duration_s(session) if session is not None else None
    mimetype, ext = formats.FORMATS[fmt]
    number = f"-{session.id}" if session is not None else ""
    return {
        "format": fmt,
        "filename": f"chapters-{event.slug}{number}.{ext}",
        "mimetype": mimetype,
        "content": formats.render(fmt, _triples(marks), duration, event.name),
    }


def mux_last(event):
    """Write the last stopped recording's chapters into a copy of its file."""
    session, marks = of_event(event)
    if session is None or session.stopped_at is None:
        raise ServiceError("recording_running", _l("Chỉ ghi chương vào tệp sau khi đã dừng ghi hình."), status=409)
    path = mux.mux(session.output_path, _triples(marks), recording.duration_s(session), event.name)
    return {"path": path, "chapters": len(marks)}
