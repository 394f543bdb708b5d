"""Login, logout and the language switch."""
from urllib.parse import urlparse

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from server.services.accounts.users import authenticate, user_exists
from server.services.errors import ServiceError
from server.services.accounts.login_throttle import throttle_for
from server.web.security import current_user, login_session

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
    """Show the login form; on POST check the credentials and open a session."""
    if request.method == "POST":
        throttle = throttle_for(current_app)
        username = (request.form.get("username", "") or "").strip().lower()[:200]
        try:
            throttle.check(request.remote_addr, username)
            try:
                user = authenticate(
                    request.form.get("username", ""),
                    request.form.get("password", ""),
                    current_app.config["LOGIN_MAX_FAILURES"],
                    current_app.config["LOGIN_LOCKOUT_S"],
                )
            except ServiceError as exc:
                if exc.code == "bad_credentials":
                    throttle.failed(request.remote_addr, username, known=user_exists(username))
                raise
        except ServiceError as exc:
            flash(str(exc.message), "error")
            response = make_response(render_template("auth/login.html", username=request.form.get("username", "")), exc.status)
            if exc.details.get("retry_after"):
                response.headers["Retry-After"] = str(exc.details["retry_after"])
            return response
        lang = session.get("lang")
        login_session(user)
        if lang:
            session["lang"] = lang
        return redirect(_safe_next(request.args.get("next")) or url_for("home.index"))
    if current_user() is not None:
        return redirect(url_for("home.index"))
    return render_template("auth/login.html", username="")


@bp.post("/logout")
def logout():
    """End the session (keeps the language choice)."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("Đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


@bp.get("/lang/<code>")
def set_language(code):
    """Switch the interface language and go back where the user was."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    target = _safe_next(request.args.get("next")) or url_for("home.index")
    return redirect(target)
