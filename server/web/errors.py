"""Error pages and JSON errors, in the request's language; never a stack trace.

API paths (``/api/``) and JSON callers get ``{"error": code, "message": text}``.
"""

import logging

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from server.services.errors import ServiceError

log = logging.getLogger(__name__)

_MESSAGES = {
    400: ("bad_request", lambda: _("Yêu cầu không hợp lệ.")),
    401: ("unauthorized", lambda: _("Cần đăng nhập hoặc mã truy cập hợp lệ.")),
    403: ("forbidden", lambda: _("Bạn không có quyền thực hiện thao tác này.")),
    404: ("not_found", lambda: _("Không tìm thấy.")),
    405: ("method_not_allowed", lambda: _("Phương thức không được hỗ trợ.")),
    409: ("conflict", lambda: _("Dữ liệu đã bị thay đổi, hãy tải lại.")),
    413: ("too_large", lambda: _("Dữ liệu gửi lên quá lớn.")),
    415: ("unsupported_media_type", lambda: _("Định dạng dữ liệu không được hỗ trợ.")),
    422: ("invalid", lambda: _("Dữ liệu không hợp lệ.")),
    429: ("rate_limited", lambda: _("Gửi quá nhanh, hãy thử lại sau ít phút.")),
    500: ("server_error", lambda: _("Lỗi máy chủ, tổ kỹ thuật đã được báo.")),
    503: ("unavailable", lambda: _("Dịch vụ tạm thời không sẵn sàng.")),
}


def wants_json():
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def error_response(status, code=None, message=None, extra=None):
    default_code, default_message = _MESSAGES.get(status, ("error", lambda: _("Lỗi.")))
    code = code or default_code
    message = message or default_message()
    if wants_json():
        body = {"error": code, "message": str(message)}
        body.update(extra or {})
        return jsonify(body), status
    return render_template("errors/error.html", status=status, code=code, message=message), status


def client_messages():
    """The few refusals a browser makes up itself (no server answer to show), in the page's language."""
    return {
        "timeout": _("Máy chủ không trả lời kịp. Lệnh có thể chưa được thực hiện."),
        "offline": _("Mất kết nối tới máy chủ. Lệnh chưa được gửi."),
        "network": _("Lỗi mạng, hãy thử lại."),
    }


def register_error_handlers(app):
    app.context_processor(lambda: {"client_messages": client_messages})

    @app.errorhandler(ServiceError)
    def _service_error(exc):
        response, status = error_response(exc.status, exc.code, str(exc.message), exc.details)
        retry_after = exc.details.get("retry_after")
        if retry_after is not None:
            response.headers["Retry-After"] = str(int(retry_after))
        return response, status

    @app.errorhandler(CSRFError)
    def _csrf_error(exc):
        return error_response(
            400, "csrf_failed", _("Phiên làm việc đã hết hạn hoặc thiếu mã bảo vệ (CSRF). Hãy tải lại trang.")
        )

    @app.errorhandler(HTTPException)
    def _http_error(exc):
        response = error_response(exc.code or 500)
        return response

    @app.errorhandler(PoolTimeout)
    def _pool_exhausted(exc):
        # every pooled database connection stayed busy for DB_POOL_TIMEOUT: a moment of overload, not a bug
        log.warning("database pool exhausted on %s %s", request.method, request.path)
        response, status = error_response(503, "busy", _("Máy chủ đang bận, hãy thử lại sau giây lát."))
        response.headers["Retry-After"] = "2"
        return response, status

    @app.errorhandler(Exception)
    def _unexpected(exc):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500)
