"""The archive against the fake OBS: takes while recording become chapters (seconds from the
start of the file), takes outside a recording do not, a new recording is a new session, the
chapter files are exact, and the as-run log gets the takes, OBS's outputs and destination
failures, with its CSV/XLSX/PDF exports."""

import csv
import io
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook

from server.extensions import db
from server.models.archive import AsRunEntry, RecordingSession
from server.services.accounts.users import create_token
from server.services.agenda import cues, timer
from server.services.agenda import live as agenda_live
from server.services.archive import chapters, formats, observe
from server.services.restream.relay import EventRelay
from tests.fakes.obs_fixtures import FAST, wait_for
from tests.support.agenda import SCENES, FixedClock, RecordingRunner, make_items


@pytest.fixture
def app_config(app_config):
    return {**app_config, "OBS_CONNECTION_OPTIONS": FAST}


@pytest.fixture
def clock():
    fixed = FixedClock()
    timer.set_clock(fixed)
    yield fixed
    timer.set_clock(None)


@pytest.fixture
def runner(app):
    app.config["AGENDA_SCENES"] = SCENES
    recording = cues.register_cue_runner(RecordingRunner())
    yield recording
    cues.unregister_cue_runner(recording)


@pytest.fixture
def conn(app, event, fake_obs):
    event.obs_url = fake_obs.url
    event.obs_password = fake_obs.password
    db.session.commit()
    connection = app.extensions["obs"].connection_for(event.slug)
    assert wait_for(lambda: connection.connected and connection.state["record"]["state"] == "stopped", 5)
    yield connection
    app.extensions["obs"].manager.stop_all()


@pytest.fixture
def items(event):
    start = datetime(2026, 11, 23, 1, 0, tzinfo=timer.clock().tzinfo)
    return make_items(
        event,
        [
            {"title": "Khai mạc", "speaker_name": "", "planned_start": start, "duration_min": 5},
            {
                "title": "Báo cáo chính trị",
                "speaker_name": "Nguyễn Thị Thu",
                "planned_start": start + timedelta(minutes=5),
            },
            {"title": "Thảo luận", "speaker_name": "Lê Văn Tám", "planned_start": start + timedelta(minutes=15)},
            {"title": "Bế mạc", "speaker_name": "Trần Văn Bảy", "planned_start": start + timedelta(minutes=25)},
        ],
    )


def bearer(role="crew"):
    _token, plain = create_token(role)
    return {"Authorization": f"Bearer {plain}"}


def sessions(event):
    db.session.expire_all()
    return list(db.session.scalars(db.select(RecordingSession).where(RecordingSession.event_id == event.id)))


def kinds(event):
    db.session.expire_all()
    return [e.kind for e in db.session.scalars(db.select(AsRunEntry).order_by(AsRunEntry.id))]


def start_recording(conn, event, count):
    conn.start_record()
    assert wait_for(lambda: len(sessions(event)) == count and sessions(event)[-1].stopped_at is None, 5)


def stop_recording(conn, event):
    conn.stop_record()
    assert wait_for(lambda: sessions(event)[-1].stopped_at is not None, 5)


def test_takes_while_recording_are_chapters_from_the_start_of_the_file(client, event, items, conn, runner, clock):
    agenda_live.take_next(event.slug, actor="Tổ kỹ thuật")  # before the recording: no chapter
    clock.advance(60)
    start_recording(conn, event, 1)
    assert sessions(event)[0].started_at == clock.now
    offsets = []
    for step in (12, 95, 301):
        clock.advance(step)
        offsets.append((offsets[-1] if offsets else 0) + step)
        agenda_live.take_next(event.slug, actor="Tổ kỹ thuật")
    clock.advance(40)
    stop_recording(conn, event)

    answer = client.get(f"/api/v1/events/{event.slug}/recording/chapters", headers=bearer())
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["ok"] is True
    assert [(c["t_s"], c["title"]) for c in body["items"]] == [
        (12.0, "Báo cáo chính trị"),
        (107.0, "Thảo luận"),
        (408.0, "Bế mạc"),
    ]
    assert [c["t_s"] for c in body["items"]] == [float(t) for t in offsets]
    assert all(c["taken_by"] == "Tổ kỹ thuật" and c["obs_marked"] is False for c in body["items"])
    assert body["session"]["recording"] is False and body["session"]["duration_s"] == 448.0
    assert body["session"]["output_path"] == "/tmp/fake-obs-recording-1.mkv"
    assert body["text"] == (
        "00:00:12 Báo cáo chính trị — Nguyễn Thị Thu\n00:01:47 Thảo luận — Lê Văn Tám\n00:06:48 Bế mạc — Trần Văn Bảy\n"
    )


def test_a_take_made_through_rest_names_who_took_it(client, event, items, conn, runner, clock):
    start_recording(conn, event, 1)
    clock.advance(5)
    headers = bearer()
    assert client.post(f"/api/v1/events/{event.slug}/agenda/next", headers=headers).status_code == 200
    chapter = client.get(f"/api/v1/events/{event.slug}/recording/chapters", headers=headers).get_json()["items"][0]
    assert chapter["taken_by"].startswith("token:") and chapter["t_s"] == 5.0


def test_a_pause_does_not_count_and_an_undo_takes_its_chapter_back(app, event, items, conn, runner, clock):
    start_recording(conn, event, 1)
    clock.advance(10)
    agenda_live.take_next(event.slug)
    observe.obs_changed(app, event.slug, {"record": {"state": "paused", "active": True}})
    clock.advance(100)
    observe.obs_changed(app, event.slug, {"record": {"state": "recording", "active": True}})
    clock.advance(20)
    agenda_live.take_next(event.slug)
    marks = chapters.of_event(event)[1]
    assert [m.t_s for m in marks] == [10.0, 30.0]
    agenda_live.undo_take(event.slug, actor="crew")
    assert [m.t_s for m in chapters.of_event(event)[1]] == [10.0]
    assert {"record_pause", "record_resume", "take_undone"} <= set(kinds(event))


def test_a_new_recording_is_a_new_session_and_the_chapters_follow_it(client, event, items, conn, runner, clock):
    start_recording(conn, event, 1)
    clock.advance(3)
    agenda_live.take_next(event.slug)
    stop_recording(conn, event)
    clock.advance(30)
    agenda_live.take_next(event.slug)  # between recordings: nothing
    start_recording(conn, event, 2)
    clock.advance(7)
    agenda_live.take_next(event.slug)
    body = client.get(f"/api/v1/events/{event.slug}/recording/chapters", headers=bearer()).get_json()
    assert body["session"]["recording"] is True and body["session"]["id"] == sessions(event)[1].id
    assert [(c["t_s"], c["title"]) for c in body["items"]] == [(7.0, "Thảo luận")]
    assert kinds(event).count("record_start") == 2 and kinds(event).count("record_stop") == 1


def test_a_reconnect_to_the_same_recording_keeps_its_session(app, event, items, conn, runner, clock, fake_obs):
    start_recording(conn, event, 1)
    fake_obs.kick(code=1001, reason="going away")
    assert wait_for(lambda: conn.state["record"]["state"] == "unknown", 5)
    assert wait_for(lambda: conn.connected and conn.state["record"]["state"] == "recording", 10)
    assert len(sessions(event)) == 1 and kinds(event).count("record_start") == 1


def test_a_recording_learnt_late_starts_where_the_file_started(app, event, clock):
    observe.obs_changed(app, event.slug, {"record": {"state": "recording", "active": True, "timecode": "00:02:05.500"}})
    (session,) = sessions(event)
    assert session.started_at == clock.now - timedelta(seconds=125.5)


CHAPTERS = [(0.0, "Khai mạc", ""), (754.2, "Báo cáo <chính> trị", "Nguyễn Thị Thu"), (3725.0, "Bế mạc; = #", "A\\B")]


def test_the_fan_page_text_is_one_line_per_chapter():
    assert formats.as_text(CHAPTERS) == (
        "00:00:00 Khai mạc\n00:12:34 Báo cáo <chính> trị — Nguyễn Thị Thu\n01:02:05 Bế mạc; = # — A\\B\n"
    )
    assert formats.as_text([]) == ""


def test_ffmetadata_chapters_end_where_the_next_starts_and_escape_specials():
    assert formats.as_ffmetadata(CHAPTERS, duration_s=4000.0, title="Đại hội") == (
        ";FFMETADATA1\ntitle=Đại hội\n"
        "\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=754200\ntitle=Khai mạc\n"
        "\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=754200\nEND=3725000\ntitle=Báo cáo <chính> trị — Nguyễn Thị Thu\n"
        "\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=3725000\nEND=4000000\ntitle=Bế mạc\\; \\= \\# — A\\\\B\n"
    )


def test_webvtt_chapters_are_numbered_cues_with_escaped_text():
    assert formats.as_vtt(CHAPTERS, duration_s=None) == (
        "WEBVTT\n\n"
        "1\n00:00:00.000 --> 00:12:34.200\nKhai mạc\n\n"
        "2\n00:12:34.200 --> 01:02:05.000\nBáo cáo &lt;chính&gt; trị — Nguyễn Thị Thu\n\n"
        "3\n01:02:05.000 --> 01:02:06.000\nBế mạc; = # — A\\B\n"
    )


def test_chapter_files_download_with_a_name_and_the_export_command_answers(
    client, auth, event, items, conn, runner, clock
):
    start_recording(conn, event, 1)
    clock.advance(65)
    agenda_live.take_next(event.slug)
    clock.advance(5)
    stop_recording(conn, event)
    auth.login("crew")
    vtt = client.get(f"/events/{event.slug}/recording/chapters/download?format=vtt")
    assert vtt.status_code == 200 and vtt.mimetype == "text/vtt"
    assert f'filename="chapters-{event.slug}-{sessions(event)[0].id}.vtt"' in vtt.headers["Content-Disposition"]
    assert vtt.get_data(as_text=True) == "WEBVTT\n\n1\n00:01:05.000 --> 00:01:10.000\nKhai mạc\n"
    text = client.get(f"/events/{event.slug}/recording/chapters/download?format=text")
    assert text.mimetype == "text/plain" and text.get_data(as_text=True) == "00:01:05 Khai mạc\n"
    assert client.get(f"/events/{event.slug}/recording/chapters/download?format=srt").status_code == 422
    answer = client.get(
        f"/api/v1/events/{event.slug}/recording/chapters/export?format=ffmetadata", headers=bearer()
    ).get_json()
    assert answer["ok"] and "START=65000\nEND=70000\n" in answer["content"]
    assert answer["filename"].endswith(".ffmetadata.txt")


def test_the_as_run_log_has_takes_outputs_and_destination_failures(app, client, event, items, conn, runner, clock):
    conn.start_stream()
    assert wait_for(lambda: "stream_start" in kinds(event), 5)
    start_recording(conn, event, 1)
    agenda_live.take_next(event.slug, actor="Tổ kỹ thuật")
    clock.advance(7 * 60)  # the first item runs 2 minutes over its 5
    agenda_live.take_next(event.slug, actor="Tổ kỹ thuật")
    relay = EventRelay(app.extensions.get("restream") or _Runtime(app), event.slug)
    failing = _Pusher(1, "retrying", {"reason": "auth_refused", "detail": "401"})
    relay._changed(failing, {"state": "retrying", "last_error": failing.last_error})
    relay._changed(failing, {"state": "connecting"})
    relay._changed(failing, {"state": "retrying", "restarts": 2})  # the same failure run: one row
    relay._changed(_Pusher(1, "live"), {"state": "live"})
    relay._changed(_Pusher(1, "idle"), {"state": "idle"})
    stop_recording(conn, event)
    conn.stop_stream()
    assert wait_for(lambda: "stream_stop" in kinds(event), 5)

    body = client.get(f"/api/v1/events/{event.slug}/as-run", headers=bearer()).get_json()
    assert body["ok"] is True
    got = [(row["kind"], row["title"]) for row in body["items"]]
    assert got == [
        ("stream_start", ""),
        ("record_start", ""),
        ("item_start", "Khai mạc"),
        ("item_end", "Khai mạc"),
        ("item_start", "Báo cáo chính trị"),
        ("destination_failed", ""),
        ("destination_live", ""),
        ("destination_stopped", ""),
        ("record_stop", ""),
        ("stream_stop", ""),
    ]
    by_kind = {row["kind"]: row for row in body["items"]}
    assert by_kind["item_end"]["deviation_s"] == 120 and by_kind["item_start"]["deviation_s"] == 120
    assert by_kind["item_start"]["actor"] == "Tổ kỹ thuật"
    assert by_kind["destination_failed"]["detail"].startswith("#1: Trang từ chối khóa luồng")
    assert by_kind["record_stop"]["detail"] == "/tmp/fake-obs-recording-1.mkv"

    # exports: Vietnamese headers, local times (UTC+7), real dates in XLSX
    assert client.get(f"/events/{event.slug}/as-run.csv").status_code != 200  # not logged in: no file
    from tests.conftest import AuthActions

    AuthActions(client).login("crew")
    raw = client.get(f"/events/{event.slug}/as-run.csv")
    assert raw.status_code == 200 and 'filename="as-run-test-event.csv"' in raw.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(raw.get_data().decode("utf-8-sig"))))
    assert rows[0][:3] == ["Thời điểm", "Sự kiện", "Nội dung chương trình"]
    start_row = next(r for r in rows if r[2] == "Khai mạc" and r[1] == "Bắt đầu nội dung")
    assert start_row[0] == "23/11/2026 08:00:00" and start_row[3] == "23/11/2026 08:00:00"
    sheet = load_workbook(io.BytesIO(client.get(f"/events/{event.slug}/as-run.xlsx").get_data())).active
    assert sheet["A1"].value == "Thời điểm"
    times = [sheet.cell(row=r, column=1).value for r in range(2, sheet.max_row + 1)]
    assert all(isinstance(t, datetime) for t in times) and datetime(2026, 11, 23, 8, 7) in times
    pdf = client.get(f"/events/{event.slug}/as-run.pdf")
    assert pdf.status_code == 200 and pdf.get_data()[:5] == b"%PDF-" and len(pdf.get_data()) > 2000


class _Runtime:
    def __init__(self, app):
        self.app = app

    def heal_ingest(self):
        pass


class _Pusher:
    def __init__(self, dest_id, state, last_error=None):
        self.dest_id, self.state, self.last_error = dest_id, state, last_error

    def snapshot(self):
        return {
            "state": self.state,
            "restarts": 0,
            "bitrate_kbps": 0,
            "uptime_s": 0,
            "speed": None,
            "last_error": self.last_error,
        }


def test_an_obs_that_offers_chapters_gets_them_too_and_a_refusal_does_not_stop_the_take(
    event, items, fake_obs, conn, runner, clock
):
    from tests.fakes.fake_obs import RequestError

    marked = []

    def create_record_chapter(data):
        if data.get("chapterName") == "Thảo luận":
            raise RequestError(702, "The current recording is not a hybrid MP4.")
        marked.append(data.get("chapterName"))
        return {}, []

    fake_obs.state.CreateRecordChapter = create_record_chapter  # OBS ≥ 30.2 lists it in GetVersion
    start_recording(conn, event, 1)
    for _ in range(3):
        clock.advance(10)
        agenda_live.take_next(event.slug)
    marks = chapters.of_event(event)[1]
    assert [(m.title, m.obs_marked) for m in marks] == [
        ("Khai mạc", True),
        ("Báo cáo chính trị", True),
        ("Thảo luận", False),
    ]
    assert marked == ["Khai mạc", "Báo cáo chính trị"]
    assert [m.t_s for m in marks] == [10.0, 20.0, 30.0]  # Bridgecast's own marks whatever OBS says
