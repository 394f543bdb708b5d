"""Admin pages: events, accounts (deactivate, reactivate, reset password), API tokens, the
audit log and recent failed logins. Destructive actions need a confirm step and are audited."""

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from server.extensions import db
from server.models.user import ROLES, ApiToken, User
from server.services import audit, events
from server.services.accounts import login_throttle
from server.services.accounts import users as accounts
from server.services.errors import ServiceError
from server.web.security import current_user, role_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@role_required("admin")
def dashboard():
    """Events, users and tokens on one page."""
    return _render_dashboard()


def _render_dashboard(new_token=None):
    return render_template(
        "admin/dashboard.html",
        events=events.active_events(),
        users=db.session.scalars(db.select(User).order_by(User.username)).all(),
        tokens=db.session.scalars(db.select(ApiToken).order_by(ApiToken.id.desc())).all(),
        roles=ROLES,
        new_token=new_token,
        audit_entries=audit.recent(),
        login_failures=login_throttle.recent_failures(),
    )


@bp.post("/events")
@role_required("admin")
def create_event():
    """Create an event from the form."""
    form = request.form
    try:
        starts_on = date.fromisoformat(form["starts_on"]) if form.get("starts_on") else None
    except ValueError:
        flash(_("Ngày không hợp lệ."), "error")
        return redirect(url_for("admin.dashboard"))
    try:
        events.create_event(
            form.get("slug"), form.get("name"), form.get("kind", "plenary"), starts_on, form.get("location", "")
        )
        flash(_("Đã tạo sự kiện."), "info")
    except ServiceError as exc:
        flash(str(exc.message), "error")
    return redirect(url_for("admin.dashboard"))


@bp.post("/users")
@role_required("admin")
def create_user():
    """Create an account."""
    form = request.form
    try:
        user = accounts.create_user(
            form.get("username"), form.get("password"), form.get("role"), form.get("display_name", "")
        )
        audit.record(current_user(), "user.create", user.username, user.role)
        flash(_("Đã tạo tài khoản."), "info")
    except ServiceError as exc:
        flash(str(exc.message), "error")
    return redirect(url_for("admin.dashboard"))


@bp.post("/tokens")
@role_required("admin")
def create_token():
    """Create an API token and show it once."""
    try:
        token, plain = accounts.create_token(request.form.get("role"), request.form.get("name", ""))
    except ServiceError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("admin.dashboard"))
    audit.record(current_user(), "token.create", f"{token.name} ({token.prefix}…)", token.role)
    return _render_dashboard(new_token=plain)


@bp.post("/tokens/<int:token_id>/revoke")
@role_required("admin")
def revoke_token(token_id):
    """Revoke a token at once."""
    token = accounts.revoke_token(token_id)
    if token is not None:
        audit.record(current_user(), "token.revoke", f"{token.name} ({token.prefix}…)")
    flash(_("Đã thu hồi mã truy cập."), "info")
    return redirect(url_for("admin.dashboard"))


def _confirmed():
    """Destructive actions carry ``confirm=yes`` from their confirm step."""
    if request.form.get("confirm") != "yes":
        flash(_("Hãy xác nhận thao tác."), "error")
        return False
    return True


def _user_action(user_id, action, done_message):
    if not _confirmed():
        return redirect(url_for("admin.dashboard"))
    try:
        action(accounts.user_by_id(user_id))
        flash(done_message, "info")
    except ServiceError as exc:
        flash(str(exc.message), "error")
    return redirect(url_for("admin.dashboard"))


@bp.post("/users/<int:user_id>/deactivate")
@role_required("admin")
def deactivate_user(user_id):
    """Turn an account off; its sessions end at once."""
    return _user_action(user_id, lambda user: accounts.deactivate(user, current_user()), _("Đã khoá tài khoản."))


@bp.post("/users/<int:user_id>/reactivate")
@role_required("admin")
def reactivate_user(user_id):
    """Turn an account back on."""
    return _user_action(user_id, lambda user: accounts.reactivate(user, current_user()), _("Đã mở lại tài khoản."))


@bp.post("/users/<int:user_id>/reset-password")
@role_required("admin")
def reset_password(user_id):
    """Set a new password for an account; its sessions end at once."""
    password = request.form.get("password", "")
    return _user_action(
        user_id,
        lambda user: accounts.reset_password(user, password, current_user()),
        _("Đã đặt lại mật khẩu. Các phiên đăng nhập của tài khoản đã kết thúc."),
    )


@bp.post("/users/<int:user_id>/end-sessions")
@role_required("admin")
def end_user_sessions(user_id):
    """Log an account out everywhere."""

    def end(user):
        accounts.end_sessions(user, commit=False)
        audit.record(current_user(), "user.end_sessions", user.username)

    return _user_action(user_id, end, _("Đã kết thúc mọi phiên đăng nhập của tài khoản."))
