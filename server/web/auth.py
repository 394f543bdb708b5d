"""Login, logout, changing one's own password and the language switch."""

from urllib.parse import urlparse

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from server.services.accounts import login_throttle
from server.services.accounts.users import authenticate, change_own_password, end_sessions
from server.services.errors import ServiceError
from server.web.security import current_user, login_session, role_required

bp = Blueprint("auth", __name__)


def _safe_next(target):
    """Only same-site relative paths are followed after login."""
    if not target:
        return None
    parts = urlparse(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form; on POST check the credentials (throttled per account+address and
    per address, never an account lock) and open a session."""
    if request.method == "POST":
        username = (request.form.get("username", "") or "").strip().lower()[:200]
        address = request.remote_addr or ""
        try:
            login_throttle.begin(current_app.config, username, address)
            try:
                user = authenticate(username, request.form.get("password", ""))
            except ServiceError:
                login_throttle.note_failure(username, address)
                raise
        except ServiceError as exc:
            flash(str(exc.message), "error")
            response = make_response(
                render_template("auth/login.html", username=request.form.get("username", "")), exc.status
            )
            if exc.details.get("retry_after"):
                response.headers["Retry-After"] = str(exc.details["retry_after"])
            return response
        login_throttle.succeeded(current_app.config, username, address)
        login_session(user)
        return redirect(_safe_next(request.args.get("next")) or url_for("home.index"))
    if current_user() is not None:
        return redirect(url_for("home.index"))
    return render_template("auth/login.html", username="")


@bp.post("/logout")
def logout():
    """End the session (keeps the language choice). The user's session version is bumped, so
    a copy of this cookie stops working too (and the user's other sessions end)."""
    user = current_user()
    if user is not None:
        end_sessions(user)
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("Đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@role_required("admin", "crew", "moderator")
def change_password():
    """A logged-in user changes their own password; their other sessions end, this one stays."""
    user = current_user()
    if request.method == "POST":
        form = request.form
        address = request.remote_addr or ""
        try:
            if form.get("new_password", "") != form.get("confirm_password", ""):
                raise ServiceError("password_mismatch", _l("Hai mật khẩu mới không khớp"))
            login_throttle.begin(current_app.config, user.username, address)  # guessing the current one
            try:
                change_own_password(user, form.get("current_password", ""), form.get("new_password", ""))
            except ServiceError as exc:
                if exc.code == "bad_credentials":
                    login_throttle.note_failure(user.username, address)
                else:
                    login_throttle.succeeded(current_app.config, user.username, address)
                raise
        except ServiceError as exc:
            flash(str(exc.message), "error")
            response = make_response(render_template("auth/change_password.html"), exc.status)
            if exc.details.get("retry_after"):
                response.headers["Retry-After"] = str(exc.details["retry_after"])
            return response
        login_throttle.succeeded(current_app.config, user.username, address)
        login_session(user)
        flash(_("Đã đổi mật khẩu. Các phiên đăng nhập khác đã kết thúc."), "info")
        return redirect(url_for("home.index"))
    return render_template("auth/change_password.html")


@bp.get("/lang/<code>")
def set_language(code):
    """Switch the interface language and go back where the user was."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    target = _safe_next(request.args.get("next")) or url_for("home.index")
    return redirect(target)
