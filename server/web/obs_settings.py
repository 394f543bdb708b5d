"""Admin page for one event's OBS connection (host, port, write-only password), and its standby
(backup) OBS with the automatic switch rule."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from server.identity import current_user
from server.services import audit
from server.services.errors import ServiceError
from server.services.events import get_event
from server.services.obs.event_settings import (
    public_backup_settings,
    public_settings,
    save_event_backup,
    save_event_obs,
)
from server.services.obs.runtime import obs_runtime
from server.web.security import role_required

bp = Blueprint("obs_settings", __name__, url_prefix="/admin/events")

# the link status in words (the mirror's raw status is a key)
STATUS_WORDS = {
    "connected": _l("Đã kết nối"),
    "connecting": _l("Đang kết nối…"),
    "disconnected": _l("Mất kết nối"),
    "not_configured": _l("Chưa cấu hình OBS"),
    "owned_by_other_event": _l("OBS thuộc sự kiện khác"),
}


def status_words(state):
    """(status key, words, error message or None) for the settings page."""
    status = state.get("status") or "disconnected"
    err = state.get("error") or {}

    message = err.get("message_en" if str(get_locale()) == "en" else "message_vi")
    return status, STATUS_WORDS.get(status, STATUS_WORDS["disconnected"]), message


@bp.get("/<slug>/obs")
@role_required("admin")
def edit(slug):
    """The form; the password field is always empty (write-only)."""
    event = get_event(slug)
    runtime = obs_runtime()
    status, words, error = status_words(runtime.state(slug))
    backup_status, backup_words, backup_error = status_words(runtime.backup_state(slug))
    return render_template(
        "control/obs_settings.html",
        event=event,
        settings=public_settings(event, runtime.manager.default_settings),
        status=status,
        status_words=words,
        status_error=error,
        backup=public_backup_settings(event),
        backup_status=backup_status,
        backup_words=backup_words,
        backup_error=backup_error,
    )


@bp.post("/<slug>/obs")
@role_required("admin")
def save(slug):
    """Save and reconnect at once."""
    event = get_event(slug)
    form = request.form
    try:
        save_event_obs(
            event,
            form.get("host"),
            form.get("port"),
            form.get("password") or None,
            clear_password=bool(form.get("clear_password")),
        )
    except ServiceError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("obs_settings.edit", slug=slug))
    obs_runtime().reconfigure(event)
    flash(_("Đã lưu kết nối OBS; đang kết nối lại."), "info")
    return redirect(url_for("obs_settings.edit", slug=slug))


@bp.post("/<slug>/obs/standby")
@role_required("admin")
def save_standby(slug):
    """Save the standby OBS (and its automatic rule) and connect to it at once."""
    event = get_event(slug)
    form = request.form
    try:
        save_event_backup(
            event,
            form.get("host"),
            form.get("port"),
            form.get("password") or None,
            clear_password=bool(form.get("clear_password")),
            auto_after_s=form.get("auto_after_s") or None,
        )
    except ServiceError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("obs_settings.edit", slug=slug))
    audit.record(current_user(), "standby.settings", slug, event.obs_backup_url or "removed")
    obs_runtime().reconfigure(event)
    flash(_("Đã lưu OBS dự phòng; đang kết nối."), "info")
    return redirect(url_for("obs_settings.edit", slug=slug))
