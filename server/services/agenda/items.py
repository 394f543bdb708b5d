"""The agenda items of an event: listing, validation and their JSON and import/export shapes.

Items are ordered by ``position``. Field validation (times, durations, scene names) lives in
``validate_item`` so the editor, the API and the importers refuse the same things the same way.
Changing items (and broadcasting the change) is ``server.services.agenda.editing``.
"""

from datetime import UTC, datetime, time, timedelta, timezone

from flask_babel import lazy_gettext as _l

from server.extensions import db
from server.models.agenda import AgendaItem
from server.models.slides import SlideDeck
from server.services.agenda.cues import known_scenes
from server.services.errors import NotFound
from server.services.text import clean

VN_TZ = timezone(timedelta(hours=7))  # planned times are typed and shown in Vietnam time
FIELDS = (
    "day",
    "session",
    "title",
    "speaker_name",
    "speaker_title",
    "location",
    "start",
    "duration_min",
    "notes",
    "scene",
    "lower_third",
    "slide_deck",
    "media_input",
    "warning_s",
    "danger_s",
)
LIMITS = {
    "session": 200,
    "title": 300,
    "speaker_name": 200,
    "speaker_title": 300,
    "location": 200,
    "scene": 200,
    "lower_third": 300,
    "media_input": 200,
}


def items_of(event):
    return db.session.scalars(
        db.select(AgendaItem).filter_by(event_id=event.id).order_by(AgendaItem.position, AgendaItem.id)
    ).all()


def get_item(event, item_id):
    item = db.session.get(AgendaItem, item_id) if isinstance(item_id, int) else None
    if item is None or item.event_id != event.id:
        raise NotFound("item_not_found", _l("Không tìm thấy nội dung trong chương trình."))
    return item


def local_time(value):
    return value.astimezone(VN_TZ) if value else None


def item_to_dict(item, public=False):
    start = local_time(item.planned_start)
    out = {
        "id": item.id,
        "position": item.position,
        "day": item.day.isoformat() if item.day else None,
        "session": item.session,
        "title": item.title,
        "speaker_name": item.speaker_name,
        "speaker_title": item.speaker_title,
        "location": item.location,
        "planned_start": item.planned_start.isoformat() if item.planned_start else None,
        "start": start.strftime("%H:%M") if start else "",
        "duration_min": item.duration_min,
        "actual_start": item.actual_start.isoformat() if item.actual_start else None,
        "actual_end": item.actual_end.isoformat() if item.actual_end else None,
    }
    if not public:
        out.update(
            {
                "notes": item.notes,
                "scene": item.cue_scene,
                "lower_third": item.cue_lower_third,
                "media_input": item.cue_media_input,
                "slide_deck_id": item.slide_deck_id,
            }
        )
    return out


class RowError(Exception):
    """Bad fields of one row (import) or of one form (editor): ``field``/``message`` name the
    first, ``errors`` lists every one as ``(field, message)``."""

    def __init__(self, field, message, errors=None):
        super().__init__(field)
        self.field = field
        self.message = message
        self.errors = list(errors or [(field, message)])


def parse_day(value):
    value = clean(value)
    if not value:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            pass
    raise RowError("day", _l("Ngày không hợp lệ (dạng 2025-10-24 hoặc 24/10/2025)."))


def parse_start(value, day):
    """'08:30' (on ``day``, Vietnam time) or an ISO date-time; returns an aware UTC datetime."""
    value = clean(value)
    if not value:
        return None
    try:
        if "T" in value or len(value) > 8:
            parsed = datetime.fromisoformat(value)
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=VN_TZ)
            return parsed.astimezone(UTC)
        hour, minute = value.split(":")[:2]
        at = time(int(hour), int(minute))
    except (ValueError, TypeError):
        raise RowError("start", _l("Giờ bắt đầu không hợp lệ (dạng 08:30).")) from None
    if day is None:
        raise RowError("day", _l("Cần có ngày khi giờ bắt đầu chỉ có giờ và phút."))
    return datetime.combine(day, at, tzinfo=VN_TZ).astimezone(UTC)


def parse_duration(value):
    if value is None or (isinstance(value, str) and not value.strip()):
        return 10
    try:
        minutes = int(str(value).strip())
    except ValueError:
        raise RowError("duration_min", _l("Thời lượng phải là số phút nguyên.")) from None
    if not 0 <= minutes <= 24 * 60:
        raise RowError("duration_min", _l("Thời lượng phải từ 0 đến 1440 phút."))
    return minutes


def parse_threshold(value, field):
    """Seconds left for the timer's warning/danger colour; empty: the event's current ones."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        seconds = int(str(value).strip())
    except ValueError:
        raise RowError(field, _l("Ngưỡng đồng hồ phải là số giây nguyên.")) from None
    if not 0 <= seconds <= 3600:
        raise RowError(field, _l("Ngưỡng đồng hồ phải từ 0 đến 3600 giây."))
    return seconds


def _thresholds(row):
    warning = parse_threshold(row.get("warning_s"), "warning_s")
    danger = parse_threshold(row.get("danger_s"), "danger_s")
    if (warning is None) != (danger is None):
        raise RowError(
            "danger_s" if danger is None else "warning_s",
            _l("Cần cả ngưỡng cảnh báo và ngưỡng nguy hiểm, hoặc bỏ trống cả hai."),
        )
    if warning is not None and danger > warning:
        raise RowError("danger_s", _l("Ngưỡng cảnh báo phải lớn hơn hoặc bằng ngưỡng nguy hiểm."))
    return warning, danger


class _Collect:
    """Runs field checks and keeps every RowError instead of stopping at the first."""

    def __init__(self):
        self.errors = []

    def __call__(self, fn, *args, default=None):
        try:
            return fn(*args)
        except RowError as exc:
            self.errors.extend(exc.errors)
            return default

    def fail(self, field, message):
        self.errors.append((field, message))


def validate_item(event, row, scenes=None, decks=None):
    """A mapping of FIELDS (strings) → the AgendaItem column values, or RowError listing every
    bad field of the row."""
    if not isinstance(row, dict):
        raise RowError("", _l("Dòng không hợp lệ."))
    check = _Collect()
    title = clean(row.get("title"), LIMITS["title"])
    if not title:
        check.fail("title", _l("Cần có tiêu đề nội dung."))
    day_errors = len(check.errors)
    day = check(parse_day, row.get("day") if row.get("day") is not None else "")
    start = check(parse_start, row.get("start") or "", day) if len(check.errors) == day_errors else None
    duration = check(parse_duration, row.get("duration_min"), default=10)
    warning_s, danger_s = check(_thresholds, row, default=(None, None))
    scene = clean(row.get("scene"), LIMITS["scene"])
    scenes = known_scenes(event.slug) if scenes is None else scenes
    if scene and scenes and scene not in scenes:
        check.fail("scene", _l("Cảnh (scene) không có trong OBS: %(scene)s", scene=scene))
    deck_id = None
    deck_ref = clean(row.get("slide_deck"), 300)
    if deck_ref:
        decks = _decks_by_ref(event) if decks is None else decks
        deck_id = decks.get(deck_ref)
        if deck_id is None:
            check.fail("slide_deck", _l("Không có bộ trình chiếu: %(deck)s", deck=deck_ref))
    if check.errors:
        field, message = check.errors[0]
        raise RowError(field, message, check.errors)
    return {
        "day": day if day is not None or start is None else local_time(start).date(),
        "session": clean(row.get("session"), LIMITS["session"]),
        "title": title,
        "speaker_name": clean(row.get("speaker_name"), LIMITS["speaker_name"]),
        "speaker_title": clean(row.get("speaker_title"), LIMITS["speaker_title"]),
        "location": clean(row.get("location"), LIMITS["location"]),
        "planned_start": start,
        "duration_min": duration,
        "notes": clean(row.get("notes"), 4000, multiline=True),
        "cue_scene": scene,
        "cue_lower_third": clean(row.get("lower_third"), LIMITS["lower_third"]),
        "cue_media_input": clean(row.get("media_input"), LIMITS["media_input"]),
        "slide_deck_id": deck_id,
        "warning_s": warning_s,
        "danger_s": danger_s,
    }


def scene_choices(event_slug):
    """Scene names the editor offers for an item: the cue rules' known scenes, the congress
    scene pack's and the scenes the event's OBS has now (mirrored state), sorted."""
    from server.services.errors import ServiceError
    from server.services.obs.errors import ObsError
    from server.services.obs.runtime import obs_runtime
    from server.services.obs.scene_pack import load_scene_pack

    names = set(known_scenes(event_slug))
    try:
        names.update(s["name"] for s in load_scene_pack("congress").get("scenes", []) if s.get("name"))
    except (OSError, ValueError):
        pass
    try:
        names.update(n for n in obs_runtime().state(event_slug).get("scenes") or [] if n)
    except (ObsError, ServiceError):  # no OBS for this event: the pack's names still help
        pass
    return sorted(names)


def _decks_by_ref(event):
    """Deck titles and ids (as text) → deck id, for the slide_deck column."""
    out = {}
    for deck in db.session.scalars(db.select(SlideDeck).filter_by(event_id=event.id)).all():
        out.setdefault(deck.title, deck.id)
        out[str(deck.id)] = deck.id
    return out


def item_to_row(item, decks_by_id=None):
    """The import/export shape of an item (strings, Vietnam local times)."""
    start = local_time(item.planned_start)
    deck = ""
    if item.slide_deck_id:
        deck = (decks_by_id or {}).get(item.slide_deck_id, str(item.slide_deck_id))
    return {
        "day": item.day.isoformat() if item.day else "",
        "session": item.session,
        "title": item.title,
        "speaker_name": item.speaker_name,
        "speaker_title": item.speaker_title,
        "location": item.location,
        "start": start.strftime("%H:%M") if start else "",
        "duration_min": item.duration_min,
        "notes": item.notes,
        "scene": item.cue_scene,
        "lower_third": item.cue_lower_third,
        "slide_deck": deck,
        "media_input": item.cue_media_input,
        "warning_s": "" if item.warning_s is None else item.warning_s,
        "danger_s": "" if item.danger_s is None else item.danger_s,
    }
