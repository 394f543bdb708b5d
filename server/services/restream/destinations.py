"""Fan-page destinations of an event: validation, create/update/delete, order, and the public view.

Owns what a destination is (name, kind guessed from the server URL, server URL, write-only
stream key sealed at rest, enabled flag, position) and its shape on the wire: the key is never
returned (``has_key`` only), the live status comes from the relay and its error reason is
explained in the caller's language. The clear key is only opened for the pusher's target URL.
"""

import re
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from server.extensions import db
from server.models.destination import Destination
from server.services.errors import ServiceError
from server.services.lookups import in_event

from .sealing import seal, unseal

SCHEMES = ("rtmp", "rtmps", "srt")
KINDS = ("facebook", "youtube", "custom")
MAX_URL = 500
MAX_KEY = 512
KEY_RE = re.compile(r"^[\x21-\x7e]+$")  # printable ASCII, no spaces
NOT_FOUND = _l("Không tìm thấy trang phát.")

REASON_MESSAGES = {
    "auth_refused": _l("Trang từ chối khóa luồng (khóa sai, hết hạn hoặc buổi phát chưa được tạo)."),
    "dns": _l("Không tìm thấy máy chủ của trang (địa chỉ sai hoặc mất DNS)."),
    "connection_refused": _l("Máy chủ của trang từ chối kết nối (sai cổng hoặc máy chủ không nhận)."),
    "tls": _l("Lỗi kết nối bảo mật RTMPS/TLS tới trang."),
    "timeout": _l("Máy chủ của trang không trả lời kịp."),
    "bad_url": _l("Địa chỉ máy chủ của trang không hợp lệ."),
    "connection_lost": _l("Mất kết nối tới trang."),
    "stalled": _l("Luồng bị đứng: không có dữ liệu mới trong nhiều giây."),
    "input_lost": _l(
        "Mất tín hiệu từ OBS: chương trình không tới điểm nhận (OBS đã dừng, bị tắt hoặc chưa phát). "
        "Trang tự phát tiếp khi OBS phát lại."
    ),
    "source_unavailable": _l("Điểm nhận luồng (nginx) không chạy; Bridgecast đang khởi động lại nó."),
    "no_video": _l("Chương trình ở điểm nhận chưa có hình (OBS chưa gửi khung hình chính)."),
    "ffmpeg_missing": _l("Không chạy được ffmpeg trên máy chủ."),
    "ffmpeg_error": _l("ffmpeg dừng vì một lỗi."),
    "internal": _l("Lỗi nội bộ khi đẩy luồng."),
}


# ---- validation ------------------------------------------------------------------------


def _invalid(code, message, field):
    return ServiceError(code, message, status=422, fields=[field])


def check_name(name):
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise _invalid("invalid_name", _l("Tên trang phát phải có từ 1 đến 120 ký tự."), "name")
    return name


def check_url(url):
    """A server URL ffmpeg can push to: rtmp://, rtmps:// or srt:// with a host; no spaces."""
    url = (url or "").strip()
    parts = urlsplit(url) if len(url) <= MAX_URL and not re.search(r"\s", url) else None
    try:
        ok = parts is not None and parts.scheme in SCHEMES and bool(parts.hostname) and parts.port != 0
    except ValueError:  # a port that is not a number
        ok = False
    if not ok or parts.username or parts.password:
        raise _invalid(
            "invalid_url",
            _l("Địa chỉ máy chủ phải bắt đầu bằng rtmp://, rtmps:// hoặc srt:// và có tên máy chủ."),
            "url",
        )
    return url


def check_key(key):
    key = (key or "").strip()
    if not key or len(key) > MAX_KEY or not KEY_RE.match(key):
        raise _invalid("invalid_key", _l("Khóa luồng phải có từ 1 đến 512 ký tự, không có khoảng trắng."), "key")
    return key


def kind_of(url):
    """facebook / youtube / custom, from the server's host name."""
    host = (urlsplit(url).hostname or "").lower()
    if host.endswith(("facebook.com", "fbcdn.net")):
        return "facebook"
    if host.endswith(("youtube.com", "youtube-nocookie.com")):
        return "youtube"
    return "custom"


def target_url(destination, key):
    """Where ffmpeg pushes: the server URL with the key appended (SRT: as its streamid)."""
    url = destination.server_url
    if url.startswith("srt://"):
        return f"{url}{'&' if '?' in url else '?'}streamid={key}"
    return f"{url.rstrip('/')}/{key}"


# ---- storage ---------------------------------------------------------------------------


def list_for(event):
    return db.session.scalars(
        select(Destination).where(Destination.event_id == event.id).order_by(Destination.position, Destination.id)
    ).all()


def get(event, dest_id):
    return in_event(Destination, dest_id, event, "destination_not_found", NOT_FOUND)


def create(event, name, url, key, enabled=True):
    url = check_url(url)
    last = db.session.scalar(select(func.max(Destination.position)).where(Destination.event_id == event.id))
    dest = Destination(
        event_id=event.id,
        name=check_name(name),
        kind=kind_of(url),
        server_url=url,
        key_sealed=seal(check_key(key)),
        enabled=bool(enabled),
        position=(last or 0) + 1,
    )
    db.session.add(dest)
    db.session.commit()
    return dest


def update(dest, *, name=None, url=None, key=None, enabled=None, position=None):
    """Change what is given; a missing key keeps the stored one."""
    if name is not None:
        dest.name = check_name(name)
    if url is not None:
        dest.server_url = check_url(url)
        dest.kind = kind_of(dest.server_url)
    if key is not None:
        dest.key_sealed = seal(check_key(key))
    if enabled is not None:
        dest.enabled = bool(enabled)
    if position is not None:
        dest.position = position
    db.session.commit()
    return dest


def delete(dest):
    db.session.delete(dest)
    db.session.commit()


def key_of(dest):
    """The clear key, for the pusher only; a key sealed with another SECRET_KEY is a 409."""
    try:
        key = unseal(dest.key_sealed)
    except ValueError:
        key = ""  # services/secrets.py answers "" where the fallback raises
    if not key:
        raise ServiceError(
            "key_unreadable", _l("Không mở được khóa luồng đã lưu (SECRET_KEY đã đổi?). Hãy nhập lại khóa."), status=409
        )
    return key


# ---- the wire --------------------------------------------------------------------------

IDLE_STATUS = {"state": "idle", "restarts": 0, "bitrate_kbps": 0, "uptime_s": 0, "speed": None, "last_error": None}


def explain(status):
    """A relay status with its error reason explained (translated ``message``)."""
    out = dict(status or IDLE_STATUS)
    err = out.get("last_error")
    if err:
        message = REASON_MESSAGES.get(err.get("reason"), REASON_MESSAGES["ffmpeg_error"])
        out["last_error"] = {**err, "message": str(message)}
    return out


def public(dest, status=None):
    """A destination as clients see it: never the key."""
    return {
        "id": dest.id,
        "name": dest.name,
        "kind": dest.kind,
        "server": dest.server_url,
        "enabled": dest.enabled,
        "position": dest.position,
        "has_key": bool(dest.key_sealed),
        **explain(status),
    }
