"""Chapters against a real OBS (xvfb): three agenda takes during a recording produce three
chapters whose times match the takes within 1 s — checked against the recorded file itself
(ffprobe's duration places the file's start), then written into a copy with ffmpeg and read back."""

import json
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from server.extensions import db
from server.models.archive import RecordingSession
from server.services.accounts.users import create_token
from server.services.agenda import live as agenda_live
from server.services.archive.recording import OBS_CHAPTER_REQUEST, obs_supports_chapters
from tests.fakes.obs_fixtures import FAST, wait_for
from tests.support.agenda import make_items
from tests.support.real_obs import RealObs

pytestmark = [pytest.mark.obs, pytest.mark.slow, pytest.mark.timeout(180)]

TAKES_AT = (2.0, 4.5, 7.0)  # seconds after the recording started
RECORD_S = 9.0


@pytest.fixture(scope="module")
def real_obs():
    server = RealObs(password="bc-chapters-pw")
    server.start()
    yield server
    server.cleanup()


@pytest.fixture
def app_config(app_config):
    return {**app_config, "OBS_CONNECTION_OPTIONS": FAST}


@pytest.fixture
def conn(app, event, real_obs):
    event.obs_url = real_obs.url
    event.obs_password = real_obs.password
    db.session.commit()
    connection = app.extensions["obs"].connection_for(event.slug)
    assert wait_for(lambda: connection.connected, 20), (connection.state, real_obs.log_tail())
    assert wait_for(lambda: connection.state["record"]["state"] == "stopped", 5)
    yield connection
    app.extensions["obs"].manager.stop_all()


def ffprobe(path, *entries):
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-of", "json", *entries, str(path)], capture_output=True, text=True, timeout=30
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def session_of(event):
    db.session.expire_all()
    return db.session.scalars(db.select(RecordingSession).where(RecordingSession.event_id == event.id)).first()


def test_three_takes_during_a_real_recording_are_three_chapters_within_a_second(client, event, conn):
    make_items(
        event,
        [
            {"title": "Khai mạc", "speaker_name": "Ban tổ chức"},
            {"title": "Báo cáo chính trị", "speaker_name": "Nguyễn Thị Thu"},
            {"title": "Thảo luận", "speaker_name": "Lê Văn Tám"},
        ],
    )
    requests = conn.call("GetVersion").get("availableRequests") or []
    assert obs_supports_chapters(conn) is (OBS_CHAPTER_REQUEST in requests)

    asked = time.monotonic()
    conn.start_record()
    assert wait_for(lambda: session_of(event) is not None, 10), conn.state["record"]
    takes = []
    for offset in TAKES_AT:
        time.sleep(max(0.0, asked + offset - time.monotonic()))
        takes.append(datetime.now(UTC))
        agenda_live.take_next(event.slug, actor="Tổ kỹ thuật")
    time.sleep(max(0.0, asked + RECORD_S - time.monotonic()))
    stopping = datetime.now(UTC)
    result = conn.stop_record()
    assert wait_for(lambda: session_of(event).stopped_at is not None, 15), conn.state["record"]
    session = session_of(event)
    path = Path(result["path"])
    assert wait_for(lambda: path.exists() and path.stat().st_size > 1000, 10)
    assert session.output_path == str(path)

    _token, plain = create_token("crew")
    headers = {"Authorization": f"Bearer {plain}"}
    body = client.get(f"/api/v1/events/{event.slug}/recording/chapters", headers=headers).get_json()
    assert body["ok"] is True and len(body["items"]) == 3
    chapters = body["items"]
    assert [c["title"] for c in chapters] == ["Khai mạc", "Báo cáo chính trị", "Thảo luận"]
    if not obs_supports_chapters(conn):  # Debian's OBS 29: Bridgecast's own marks only
        assert not any(c["obs_marked"] for c in chapters)

    # the takes, measured from Bridgecast's own session start...
    for chapter, taken in zip(chapters, takes, strict=True):
        assert abs(chapter["t_s"] - (taken - session.started_at).total_seconds()) <= 1.0, (chapter, taken)
    # ...and from the file: it started (its ffprobe duration) before OBS was asked to stop
    duration = float(ffprobe(path, "-show_entries", "format=duration")["format"]["duration"])
    assert abs(body["session"]["duration_s"] - duration) <= 1.0, (body["session"], duration)
    file_start = stopping - timedelta(seconds=duration)
    for chapter, taken in zip(chapters, takes, strict=True):
        assert abs(chapter["t_s"] - (taken - file_start).total_seconds()) <= 1.0, (chapter, taken, duration)
    assert all(abs(c["t_s"] - t) <= 1.0 for c, t in zip(chapters, TAKES_AT, strict=True)), chapters

    # the exports
    text = client.get(f"/api/v1/events/{event.slug}/recording/chapters/export?format=text", headers=headers)
    lines = text.get_json()["content"].splitlines()
    assert len(lines) == 3 and lines[1].endswith(" Báo cáo chính trị — Nguyễn Thị Thu")
    assert lines[0].startswith("00:00:0")
    vtt = client.get(f"/api/v1/events/{event.slug}/recording/chapters/export?format=vtt", headers=headers)
    assert vtt.get_json()["content"].startswith("WEBVTT\n\n1\n") and vtt.get_json()["content"].count(" --> ") == 3

    # written into a copy of the file: ffprobe reads the chapters back
    muxed = client.post(f"/api/v1/events/{event.slug}/recording/chapters/mux", headers=headers)
    assert muxed.status_code == 200, muxed.get_json()
    copy = Path(muxed.get_json()["path"])
    assert copy.exists() and copy != path and copy.parent == path.parent
    found = ffprobe(copy, "-show_chapters")["chapters"]
    assert [c["tags"]["title"] for c in found] == [
        "Khai mạc — Ban tổ chức",
        "Báo cáo chính trị — Nguyễn Thị Thu",
        "Thảo luận — Lê Văn Tám",
    ]
    for got, chapter in zip(found, chapters, strict=True):
        assert abs(float(got["start_time"]) - chapter["t_s"]) <= 0.01
    copied = float(ffprobe(copy, "-show_entries", "format=duration")["format"]["duration"])
    assert abs(copied - duration) <= 0.5
