"""Typed OBS errors with a machine code and a bilingual (vi/en) message.

Owns the error vocabulary of the OBS service. Callers (socket handlers, REST views) turn an
``ObsError`` into ``{"error": code, "message": text}`` in the user's language; nothing here
knows about Flask or requests.
"""

MESSAGES = {
    "obs_not_configured": (
        "Chưa cấu hình kết nối OBS cho sự kiện này.",
        "No OBS connection is configured for this event.",
    ),
    "obs_disconnected": (
        "Mất kết nối với OBS. Lệnh chưa được thực hiện; hệ thống đang tự kết nối lại.",
        "OBS is disconnected. The command was not run; reconnecting automatically.",
    ),
    "obs_auth_failed": (
        "OBS từ chối mật khẩu WebSocket. Kiểm tra mật khẩu trong phần cài đặt sự kiện.",
        "OBS rejected the WebSocket password. Check the password in the event settings.",
    ),
    "obs_kicked": (
        "OBS đã ngắt phiên kết nối này (bị đẩy ra). Kết nối lại thủ công trong phần cài đặt.",
        "OBS closed this session (kicked). Reconnect manually from the settings.",
    ),
    "obs_unreachable": (
        "Không kết nối được tới OBS. Kiểm tra OBS đã chạy và WebSocket đã bật.",
        "Cannot reach OBS. Check that OBS is running with its WebSocket server enabled.",
    ),
    "obs_timeout": (
        "OBS không phản hồi kịp thời.",
        "OBS did not answer in time.",
    ),
    "obs_request_failed": (
        "OBS từ chối lệnh.",
        "OBS refused the command.",
    ),
    "obs_not_found": (
        "Không tìm thấy cảnh hoặc nguồn trong OBS.",
        "Scene or source not found in OBS.",
    ),
    "obs_studio_mode_off": (
        "Chế độ Studio đang tắt.",
        "Studio mode is off.",
    ),
    "obs_invalid": (
        "Tham số không hợp lệ.",
        "Invalid parameter.",
    ),
}

# obs-websocket RequestStatus codes that map to a more precise error code.
STATUS_TO_CODE = {600: "obs_not_found", 506: "obs_studio_mode_off", 300: "obs_invalid",
                  400: "obs_invalid", 401: "obs_invalid", 402: "obs_invalid", 403: "obs_invalid"}

# WebSocket close codes that must never be retried automatically.
CLOSE_AUTH_FAILED = 4009
CLOSE_KICKED = 4011
FATAL_CLOSE_CODES = {CLOSE_AUTH_FAILED: "obs_auth_failed", CLOSE_KICKED: "obs_kicked"}


class ObsError(Exception):
    """An OBS failure a user can read: ``code`` for machines, ``message(lang)`` for people."""

    def __init__(self, code, detail=None, status=None):
        self.code = code if code in MESSAGES else "obs_request_failed"
        self.detail = detail  # extra text from OBS (comment); never contains secrets
        self.status = status  # obs-websocket RequestStatus code, if any
        super().__init__(self.message("en"))

    def message(self, lang="vi"):
        vi, en = MESSAGES[self.code]
        text = en if (lang or "vi").lower().startswith("en") else vi
        if self.detail:
            text = f"{text} ({self.detail})"
        return text

    def to_dict(self, lang="vi"):
        return {"error": self.code, "message": self.message(lang)}


class ObsFatalError(ObsError):
    """Connection refused for a reason retrying cannot fix (bad password, kicked)."""


def error_for_status(status, comment=None):
    """Build the ObsError for a failed request's RequestStatus code."""
    return ObsError(STATUS_TO_CODE.get(status, "obs_request_failed"), detail=comment, status=status)
