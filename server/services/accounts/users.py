"""Accounts (create, deactivate, passwords, ending sessions) and bearer API tokens.

Passwords are hashed with scrypt (werkzeug); tokens are random and only their SHA-256
is stored. Login answers the same way for an unknown user and a wrong password. Ending a
user's sessions bumps ``User.session_version``; deactivation and password changes do it too.
"""

import hashlib
import hmac
import secrets

from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from server.extensions import db
from server.models.base import utcnow
from server.models.user import ROLES, ApiToken, User
from server.services import audit
from server.services.errors import Conflict, NotFound, ServiceError

_DUMMY_HASH = generate_password_hash("not-a-password-" + secrets.token_hex(8))


def create_user(username, password, role, display_name=""):
    username = (username or "").strip().lower()
    if role not in ROLES:
        raise ServiceError("invalid_role", _l("Vai trò không hợp lệ"))
    if not username or len(username) > 80:
        raise ServiceError("invalid_username", _l("Tên đăng nhập không hợp lệ"))
    _check_password_rules(password)
    if db.session.scalar(db.select(User).filter_by(username=username)):
        raise ServiceError("username_taken", _l("Tên đăng nhập đã tồn tại"), status=409)
    user = User(
        username=username,
        password_hash=generate_password_hash(password),
        role=role,
        display_name=display_name or username,
    )
    db.session.add(user)
    db.session.commit()
    return user


def _check_password_rules(password):
    if not password or len(password) < 8:
        raise ServiceError("weak_password", _l("Mật khẩu phải có ít nhất 8 ký tự"))
    if len(password) > 200:
        raise ServiceError("weak_password", _l("Mật khẩu quá dài."))


def end_sessions(user, commit=True):
    """Every session of ``user`` stops working (server/identity.py compares the version)."""
    user.session_version = (user.session_version or 1) + 1
    if commit:
        db.session.commit()


def set_password(user, password):
    """Set a new password and end every session of the user."""
    _check_password_rules(password)
    user.password_hash = generate_password_hash(password)
    end_sessions(user, commit=False)
    db.session.commit()


def change_own_password(user, current_password, new_password):
    """The user changes their password (knowing the current one); other sessions end."""
    if not check_password_hash(user.password_hash, current_password or ""):
        raise ServiceError("bad_credentials", _l("Mật khẩu hiện tại không đúng"), status=403)
    set_password(user, new_password)
    audit.record(user, "user.change_password", user.username)


def user_by_id(user_id):
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("user_not_found", _l("Không tìm thấy tài khoản"))
    return user


def user_by_name(username):
    user = db.session.scalar(db.select(User).filter_by(username=(username or "").strip().lower()))
    if user is None:
        raise NotFound("user_not_found", _l("Không tìm thấy tài khoản"))
    return user


def _other_active_admins(user):
    return db.session.scalar(
        db.select(db.func.count(User.id)).where(User.role == "admin", User.is_active.is_(True), User.id != user.id)
    )


def deactivate(user, actor):
    """Turn the account off and end its sessions; an admin cannot turn off themselves or the last admin."""
    if actor is not None and getattr(actor, "id", None) == user.id:
        raise Conflict("cannot_deactivate_self", _l("Không thể tự khoá tài khoản của mình"))
    if user.role == "admin" and not _other_active_admins(user):
        raise Conflict("last_admin", _l("Không thể khoá quản trị viên cuối cùng"))
    user.is_active = False
    end_sessions(user, commit=False)
    audit.record(actor, "user.deactivate", user.username)
    return user


def reactivate(user, actor):
    user.is_active = True
    audit.record(actor, "user.reactivate", user.username)
    return user


def reset_password(user, password, actor):
    """An admin sets a new password; every session of the user ends."""
    set_password(user, password)
    audit.record(actor, "user.reset_password", user.username)
    return user


def authenticate(username, password):
    """Return the active user with this password, or raise ServiceError("bad_credentials").
    Throttling is the caller's (``login_throttle``): nothing here locks an account."""
    username = (username or "").strip().lower()
    user = db.session.scalar(db.select(User).filter_by(username=username)) if username else None
    if user is None or not user.is_active:
        check_password_hash(_DUMMY_HASH, password or "")  # same work as a real check
        raise ServiceError("bad_credentials", _l("Sai tên đăng nhập hoặc mật khẩu"), status=401)
    if not check_password_hash(user.password_hash, password or ""):
        raise ServiceError("bad_credentials", _l("Sai tên đăng nhập hoặc mật khẩu"), status=401)
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def _hash_token(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(role, name=""):
    """Create a token and return (ApiToken, plaintext). The plaintext is never stored."""
    if role not in ROLES:
        raise ServiceError("invalid_role", _l("Vai trò không hợp lệ"))
    plain = "bc_" + secrets.token_urlsafe(32)
    token = ApiToken(name=name or role, role=role, token_hash=_hash_token(plain), prefix=plain[:10])
    db.session.add(token)
    db.session.commit()
    return token, plain


def token_role(plain):
    """Return the ApiToken for a presented bearer token, or None."""
    if not plain or len(plain) > 200:
        return None
    digest = _hash_token(plain)
    token = db.session.scalar(db.select(ApiToken).filter_by(token_hash=digest))
    if token is None or token.revoked_at is not None or not hmac.compare_digest(token.token_hash, digest):
        return None
    return token


def revoke_token(token_id):
    token = db.session.get(ApiToken, token_id)
    if token and token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.commit()
    return token
