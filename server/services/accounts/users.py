"""Accounts, passwords, login lockout and bearer API tokens.

Passwords are hashed with scrypt (werkzeug); tokens are random and only their SHA-256
is stored. Login answers the same way for an unknown user and a wrong password.
"""
import hashlib
import hmac
import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from server.extensions import db
from server.models.base import utcnow
from server.models.user import ROLES, ApiToken, User
from server.services.errors import ServiceError

_DUMMY_HASH = generate_password_hash("not-a-password-" + secrets.token_hex(8))


def create_user(username, password, role, display_name=""):
    username = (username or "").strip().lower()
    if role not in ROLES:
        raise ServiceError("invalid_role", _l("Vai trò không hợp lệ"))
    if not username or len(username) > 80:
        raise ServiceError("invalid_username", _l("Tên đăng nhập không hợp lệ"))
    if not password or len(password) < 8:
        raise ServiceError("weak_password", _l("Mật khẩu phải có ít nhất 8 ký tự"))
    if db.session.scalar(db.select(User).filter_by(username=username)):
        raise ServiceError("username_taken", _l("Tên đăng nhập đã tồn tại"), status=409)
    user = User(username=username, password_hash=generate_password_hash(password), role=role,
                display_name=display_name or username)
    db.session.add(user)
    db.session.commit()
    return user


def set_password(user, password):
    user.password_hash = generate_password_hash(password)
    db.session.commit()


def authenticate(username, password, max_failures=5, lockout_s=300):
    """Return the user, or raise ServiceError("bad_credentials" | "locked")."""
    username = (username or "").strip().lower()
    user = db.session.scalar(db.select(User).filter_by(username=username)) if username else None
    now = utcnow()
    if user is None or not user.is_active:
        check_password_hash(_DUMMY_HASH, password or "")  # same work as a real check
        raise ServiceError("bad_credentials", _l("Sai tên đăng nhập hoặc mật khẩu"), status=401)
    if user.locked_until and user.locked_until > now:
        raise ServiceError("locked", _l("Tài khoản tạm khoá do đăng nhập sai nhiều lần, hãy thử lại sau"), status=429)
    if not check_password_hash(user.password_hash, password or ""):
        user.failed_logins += 1
        if user.failed_logins >= max_failures:
            user.locked_until = now + timedelta(seconds=lockout_s)
            user.failed_logins = 0
        db.session.commit()
        raise ServiceError("bad_credentials", _l("Sai tên đăng nhập hoặc mật khẩu"), status=401)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    db.session.commit()
    return user


def user_exists(username):
    """True when an active account has this (normalised) username."""
    username = (username or "").strip().lower()
    return bool(username) and db.session.scalar(db.select(User.id).filter_by(username=username, is_active=True)) is not None


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
