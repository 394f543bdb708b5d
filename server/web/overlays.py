"""Overlay pages for OBS browser sources (transparent, 1920×1080): lower third, clock and
countdown, agenda ticker, slides, the speaker timer; the crew's overlays page (every overlay
with a live preview and its URL, and whether this OBS can show browser sources); the admin's
theme form (colour, logo, drift on public overlays)."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from server.services.agenda import live as agenda_live
from server.services.agenda import timer
from server.services.errors import ServiceError
from server.services.events import get_event
from server.services.lookups import public_base_url
from server.services.overlays.theme import logo_file, set_theme, theme_of
from server.services.slides import decks as slides
from server.web.security import role_required

bp = Blueprint("overlays", __name__)


def _render(slug, kind):
    """Overlays are in Vietnamese whatever OBS's browser language is (``?lang=en`` to switch)."""
    event = get_event(slug)
    live = agenda_live.live_of(event, create=False)
    lang = request.args.get("lang") if request.args.get("lang") in current_app.config["LANGUAGES"] else "vi"
    with force_locale(lang):
        return _template(event, live, kind)


def _template(event, live, kind):
    return render_template(
        f"overlay/{kind.replace('-', '_')}.html",
        event=event,
        kind=kind,
        theme=theme_of(event),
        lower_third=agenda_live.current_lower_third(event),
        state=agenda_live.agenda_state(event, public=True),
        timer_text=timer.format_clock(timer.remaining_s(live, timer.now())),
        slide=slides.slide_state(event),
        speaker_message=agenda_live.current_speaker_message(event),
    )


@bp.get("/overlay/<slug>/lower-third")
def lower_third(slug):
    return _render(slug, "lower-third")


@bp.get("/overlay/<slug>/agenda")  # the scene pack's "BC Agenda clock" browser source
@bp.get("/overlay/<slug>/clock")  # registered first: url_for builds this one
def clock(slug):
    return _render(slug, "clock")


@bp.get("/overlay/<slug>/ticker")
def ticker(slug):
    return _render(slug, "ticker")


@bp.get("/overlay/<slug>/slides")
def slide_view(slug):
    return _render(slug, "slides")


@bp.get("/overlay/<slug>/speaker")
def speaker(slug):
    """The speaker timer: a full screen for the lectern (big countdown, time of day, messages)."""
    return _render(slug, "speaker")


@bp.get("/overlay/<slug>/logo.png")
def logo(slug):
    path = logo_file(get_event(slug))
    if not path:
        abort(404)
    return send_file(path, mimetype="image/png", max_age=60)


# Every overlay for the crew's page: (key, endpoint, label, what it shows)
CATALOGUE = (
    ("lower-third", "overlays.lower_third", _l("Phụ đề tên"), _l("Họ tên và chức danh người đang nói")),
    ("question", "questions.overlay", _l("Câu hỏi lên sóng"), _l("Câu hỏi người điều phối đang cho lên sóng")),
    ("clock", "overlays.clock", _l("Đồng hồ và đếm ngược"), _l("Giờ hiện tại và thời gian còn lại của nội dung")),
    (
        "ticker",
        "overlays.ticker",
        _l("Dải chữ chương trình"),
        _l("Nội dung đang diễn ra và tiếp theo, ở cuối màn hình"),
    ),
    ("logo", "overlays.logo", _l("Logo"), _l("Logo của sự kiện (ảnh PNG)")),
    ("slides", "overlays.slide_view", _l("Trình chiếu"), _l("Trang trình chiếu đang chiếu và chú thích")),
    ("counter", "bridges.counter_overlay", _l("Số điểm cầu đã kết nối"), _l("Bao nhiêu điểm cầu đang trực tuyến")),
    (
        "speaker",
        "overlays.speaker",
        _l("Đồng hồ diễn giả"),
        _l("Màn hình đặt trước diễn giả: đếm ngược lớn, lời nhắn của tổ kỹ thuật"),
    ),
)


def overlay_links(event, base):
    """[{key, label, hint, url, image}] for every overlay, URLs on the public base."""
    theme = theme_of(event)
    out = []
    for key, endpoint, label, hint in CATALOGUE:
        if key == "logo" and not theme["logo"]:
            continue
        out.append(
            {
                "key": key,
                "label": label,
                "hint": hint,
                "image": key == "logo",
                "url": base + url_for(endpoint, slug=event.slug),
            }
        )
    return out


def browser_source_status(slug):
    """True/False: this event's OBS can (not) show browser sources; None: OBS not reachable."""
    from server.services.obs.errors import ObsError
    from server.services.obs.runtime import obs_runtime

    try:
        conn = obs_runtime().connection_for(slug)
        if not conn.connected:
            return None
        return "browser_source" in conn.input_kinds()
    except ObsError:
        return None


@bp.get("/events/<slug>/overlays")
@role_required("crew")
def index(slug):
    """Every overlay with a live preview and its URL for OBS, and the theme form."""
    event = get_event(slug)
    base = public_base_url(request.host_url)
    return render_template(
        "overlay/index.html",
        event=event,
        overlays=overlay_links(event, base),
        theme=theme_of(event),
        browser_source=browser_source_status(slug),
    )


@bp.post("/events/<slug>/overlays/theme")
@role_required("admin")
def theme(slug):
    upload = request.files.get("logo")
    try:
        set_theme(
            slug,
            color=request.form.get("color") or None,
            logo=upload.read() if upload and upload.filename else None,
            remove_logo=request.form.get("remove_logo") == "1",
            public_drift=request.form.get("public_drift") == "1",
        )
        flash(_("Đã lưu giao diện lớp phủ."), "info")
    except ServiceError as exc:
        flash(str(exc.message), "error")
    return redirect(url_for("overlays.index", slug=slug))
