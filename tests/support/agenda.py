"""Test helpers for the agenda area: items, a recording cue runner, a fixed clock, PDFs."""

import io
from datetime import UTC, datetime, timedelta

from server.extensions import db
from server.models.agenda import AgendaItem

SCENES = ["Opening", "Speaker", "Slides", "Break"]


def make_items(event, rows):
    """``rows``: dicts of AgendaItem fields; positions follow the list."""
    items = []
    for position, fields in enumerate(rows):
        item = AgendaItem(event_id=event.id, position=position, **{"duration_min": 10, **fields})
        db.session.add(item)
        items.append(item)
    db.session.commit()
    return items


def speaker_items(event):
    return make_items(
        event,
        [
            {"title": "Khai mạc", "cue_scene": "Opening", "duration_min": 5},
            {
                "title": "Báo cáo chính trị",
                "speaker_name": "Nguyễn Thị Thu",
                "speaker_title": "Phó Chủ tịch",
                "cue_scene": "Speaker",
                "cue_lower_third": "Nguyễn Thị Thu — Phó Chủ tịch",
                "duration_min": 20,
                "cue_media_input": "BC Reportage",
            },
            {"title": "Giải lao", "cue_scene": "Break", "duration_min": 15},
        ],
    )


class RecordingRunner:
    """A cue runner that records every call (and can fail on one cue)."""

    def __init__(self, fail_on=None):
        self.calls = []
        self.fail_on = fail_on

    def _record(self, cue, slug, value):
        self.calls.append((cue, slug, value))
        if cue == self.fail_on:
            raise RuntimeError("OBS is down")
        return True

    def set_scene(self, event_slug, scene):
        return self._record("scene", event_slug, scene)

    def set_lower_third(self, event_slug, text):
        return self._record("lower_third", event_slug, text)

    def start_media(self, event_slug, input_name):
        return self._record("media", event_slug, input_name)


class FixedClock:
    """A controllable UTC clock for the timer service."""

    def __init__(self, start=None):
        self.now = start or datetime(2026, 11, 23, 1, 0, tzinfo=UTC)

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += timedelta(seconds=seconds)


def make_pdf(pages, title="Báo cáo"):
    """A multi-page PDF made with reportlab; page n shows 'Trang n'."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen import canvas

    from server.services.fonts import vietnamese_font

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=landscape(A4))
    font = vietnamese_font()
    for n in range(1, pages + 1):
        pdf.setFont(font, 40)
        pdf.drawString(80, 400, f"{title} — Trang {n}")
        pdf.rect(60 + n * 20, 100, 200, 120, fill=1)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()
