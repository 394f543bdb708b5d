"""Admin pages: events, accounts and API tokens."""
from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from server.extensions import db
from server.models.user import ROLES, ApiToken, User
from server.services import events
from server.services.accounts import users as accounts
from server.services.errors import ServiceError
from server.web.security import role_required

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
        events.create_event(form.get("slug"), form.get("name"), form.get("kind", "plenary"), starts_on, form.get("location", ""))
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
        accounts.create_user(form.get("username"), form.get("password"), form.get("role"), form.get("display_name", ""))
        flash(_("Đã tạo tài khoản."), "info")
    except ServiceError as exc:
        flash(str(exc.message), "error")
    return redirect(url_for("admin.dashboard"))


@bp.post("/tokens")
@role_required("admin")
def create_token():
    """Create an API token and show it once."""
    try:
        _token, plain = accounts.create_token(request.form.get("role"), request.form.get("name", ""))
    except ServiceError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("admin.dashboard"))
    return _render_dashboard(new_token=plain)


@bp.post("/tokens/<int:token_id>/revoke")
@role_required("admin")
def revoke_token(token_id):
    """Revoke a token at once."""
    accounts.revoke_token(token_id)
    flash(_("Đã thu hồi mã truy cập."), "info")
    return redirect(url_for("admin.dashboard"))
