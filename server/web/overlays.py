"""Overlay pages for OBS browser sources (transparent, 1920×1080): lower third, clock and
countdown, agenda ticker, slides; plus the admin's theme page (colour, logo)."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from server.services.agenda import live as agenda_live
from server.services.slides import decks as slides
from server.services.agenda import timer
from server.services.errors import ServiceError
from server.services.events import get_event
from server.services.overlays.theme import logo_file, set_theme, theme_of
from server.web.security import role_required

bp = Blueprint("overlays", __name__)


KINDS = ("lower-third", "clock", "ticker", "slides", "speaker")


def _render(slug, kind):
    """Overlays are in Vietnamese whatever OBS's browser language is (``?lang=en`` to switch)."""
    event = get_event(slug)
    live = agenda_live.live_of(event, create=False)
    lang = request.args.get("lang") if request.args.get("lang") in current_app.config["LANGUAGES"] else "vi"
    with force_locale(lang):
        return _template(event, live, kind)


def _template(event, live, kind):
    return render_template(f"overlay/{kind.replace('-', '_')}.html", event=event, kind=kind,
                           theme=theme_of(event), lower_third=agenda_live.current_lower_third(event),
                           state=agenda_live.agenda_state(event, public=True),
                           timer_text=timer.format_clock(timer.remaining_s(live, timer.now())),
                           slide=slides.slide_state(event),
                           speaker_message=agenda_live.current_speaker_message(event))


@bp.get("/overlay/<slug>/lower-third")
def lower_third(slug):
    return _render(slug, "lower-third")


@bp.get("/overlay/<slug>/clock")
@bp.get("/overlay/<slug>/agenda")  # the scene pack's "BC Agenda clock" browser source
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


@bp.get("/events/<slug>/overlays")
@role_required("crew")
def index(slug):
    """Overlay URLs for OBS and the theme form."""
    event = get_event(slug)
    urls = [(kind, request.host_url.rstrip("/") + url_for(f"overlays.{_ENDPOINTS[kind]}", slug=slug)) for kind in KINDS]
    return render_template("overlay/index.html", event=event, urls=urls, theme=theme_of(event))


_ENDPOINTS = {"lower-third": "lower_third", "clock": "clock", "ticker": "ticker", "slides": "slide_view",
              "speaker": "speaker"}


@bp.post("/events/<slug>/overlays/theme")
@role_required("admin")
def theme(slug):
    upload = request.files.get("logo")
    try:
        set_theme(slug, color=request.form.get("color") or None,
                  logo=upload.read() if upload and upload.filename else None,
                  remove_logo=request.form.get("remove_logo") == "1")
        flash(_("Đã lưu giao diện lớp phủ."), "info")
    except ServiceError as exc:
        flash(str(exc.message), "error")
    return redirect(url_for("overlays.index", slug=slug))
