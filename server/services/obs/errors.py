"""Typed OBS errors: a machine code and a translated message, and their one mapping to a
``ServiceError`` (with its HTTP status).

Owns the error vocabulary of the OBS service. Messages are lazy gettext strings (Vietnamese
msgids, English in ``messages.po``), rendered in the caller's language by the transports;
``render(message, lang)`` renders one in a fixed language for the mirrored state (which every
viewer reads, in their own language), also outside Flask (supervisor threads).
"""

import functools
from contextlib import contextmanager

from flask_babel import LazyString, force_locale
from flask_babel import lazy_gettext as _l

MESSAGES = {
    "obs_not_configured": _l("Chưa cấu hình kết nối OBS cho sự kiện này."),
    "obs_disconnected": _l("Mất kết nối với OBS. Lệnh chưa được thực hiện; hệ thống đang tự kết nối lại."),
    "obs_auth_failed": _l("OBS từ chối mật khẩu WebSocket. Kiểm tra mật khẩu trong phần cài đặt sự kiện."),
    "obs_kicked": _l("OBS đã ngắt phiên kết nối này (bị đẩy ra). Kết nối lại thủ công trong phần cài đặt."),
    "obs_unreachable": _l("Không kết nối được tới OBS. Kiểm tra OBS đã chạy và WebSocket đã bật."),
    "obs_timeout": _l("OBS không phản hồi kịp thời."),
    "obs_request_failed": _l("OBS từ chối lệnh."),
    "obs_not_found": _l("Không tìm thấy cảnh hoặc nguồn trong OBS."),
    "obs_studio_mode_off": _l("Chế độ Studio đang tắt."),
    "obs_invalid": _l("Tham số không hợp lệ."),
    "stream_failed": _l("OBS không phát được luồng trực tiếp."),
    "record_failed": _l("OBS không ghi hình được."),
    "obs_owned_by_other_event": _l(
        "OBS này đang thuộc về sự kiện khác; sự kiện này không được điều khiển nó. Sự kiện đang giữ OBS"
    ),
}

# HTTP status of each code; every other code means OBS is unusable right now: 503.
HTTP_STATUS = {
    "obs_owned_by_other_event": 409,
    "obs_not_found": 404,
    "obs_invalid": 422,
    "obs_studio_mode_off": 409,
    "obs_request_failed": 502,
    "stream_failed": 502,
    "record_failed": 502,
}
UNUSABLE_STATUS = 503

# obs-websocket RequestStatus codes that map to a more precise error code.
STATUS_TO_CODE = {
    600: "obs_not_found",
    506: "obs_studio_mode_off",
    300: "obs_invalid",
    400: "obs_invalid",
    401: "obs_invalid",
    402: "obs_invalid",
    403: "obs_invalid",
}

# WebSocket close codes that must never be retried automatically.
CLOSE_AUTH_FAILED = 4009
CLOSE_KICKED = 4011
FATAL_CLOSE_CODES = {CLOSE_AUTH_FAILED: "obs_auth_failed", CLOSE_KICKED: "obs_kicked"}


class ObsError(Exception):
    """An OBS failure a user can read: ``code`` for machines, ``message`` (lazy) for people."""

    def __init__(self, code, detail=None, status=None, **details):
        self.code = code if code in MESSAGES else "obs_request_failed"
        self.detail = detail  # extra text from OBS (comment); never contains secrets
        self.status = status  # obs-websocket RequestStatus code, if any
        self.details = details  # machine-readable extras the answer carries (e.g. ``owner``)
        super().__init__(f"{self.code}: {detail}" if detail else self.code)

    @property
    def message(self):
        """The lazy message, with OBS's detail after it when there is one."""
        base = MESSAGES[self.code]
        if not self.detail:
            return base
        return LazyString(lambda: _with_detail(self.code, str(base), self.detail))

    def to_service_error(self):
        """The one mapping of an OBS failure to a ``ServiceError`` both transports answer with."""
        from server.services.errors import ServiceError

        return ServiceError(self.code, self.message, status=HTTP_STATUS.get(self.code, UNUSABLE_STATUS), **self.details)

    def text(self, lang):
        """The message rendered in ``lang`` (for the mirrored state)."""
        base = render(MESSAGES[self.code], lang)
        return _with_detail(self.code, base, self.detail) if self.detail else base

    def describe(self):
        """The error as the mirrored state carries it: every viewer picks their language."""
        return {"code": self.code, "message_vi": self.text("vi"), "message_en": self.text("en")}


def _with_detail(code, base, detail):
    """OBS's comment goes in parentheses; the owning event's name follows its sentence."""
    if code == "obs_owned_by_other_event":
        return f"{base}: «{detail}»."
    return f"{base} ({detail})"


class ObsFatalError(ObsError):
    """Connection refused for a reason retrying cannot fix (bad password, kicked)."""


@contextmanager
def as_service_errors():
    """Inside this block an ObsError leaves as its ServiceError (what the transports answer)."""
    try:
        yield
    except ObsError as err:
        raise err.to_service_error() from None


def error_for_status(status, comment=None):
    """Build the ObsError for a failed request's RequestStatus code."""
    return ObsError(STATUS_TO_CODE.get(status, "obs_request_failed"), detail=comment, status=status)


def render(message, lang):
    """A lazy message in ``lang``: with Flask's catalogs inside an app, else straight from the
    compiled catalog (the msgid is the Vietnamese text)."""
    from flask import has_app_context

    if has_app_context():
        with force_locale(lang):
            return str(message)
    text = str(message)  # outside Flask a lazy string renders its msgid
    return text if lang == "vi" else _catalog(lang).gettext(text)


@functools.lru_cache(maxsize=4)
def _catalog(lang):
    from babel.support import Translations

    from server.i18n import TRANSLATIONS, compile_catalogs

    compile_catalogs()
    return Translations.load(TRANSLATIONS, [lang])
