"""Structured logging: one JSON object per line, with secrets redacted.

Owns the root logger set-up. The redaction filter is a last line of defence: code must
not log secrets in the first place.
"""

import json
import logging
import re
import sys
import time

_SECRET_PATTERNS = [
    re.compile(
        r"(?i)(password|passwd|secret|token|authorization|stream_?key|streamid|key)(['\"]?\s*[:=]\s*['\"]?)([^\s'\",}]+)"
    ),
    re.compile(r"(?i)(rtmps?://[^\s/]+/[^\s/]+/)([^\s'\"]+)"),
]


def redact(text):
    """Mask the values of anything that looks like a secret."""
    text = _SECRET_PATTERNS[0].sub(lambda m: f"{m.group(1)}{m.group(2)}***", text)
    return _SECRET_PATTERNS[1].sub(lambda m: f"{m.group(1)}***", text)


class RedactingFilter(logging.Filter):
    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not kill logging
            message = str(record.msg)
        record.msg = redact(message)
        record.args = ()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key in ("event", "site", "user", "request_id"):
            value = getattr(record, key, None)
            if value is not None:
                entry[key] = value
        if record.exc_info:
            entry["exc"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def setup_logging(level="INFO", json_lines=True):
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_bridgecast", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler._bridgecast = True
    handler.setFormatter(
        JsonFormatter() if json_lines else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    handler.addFilter(RedactingFilter())
    root.addHandler(handler)
    root.setLevel(getattr(logging, str(level).upper(), logging.INFO))
    # obsws-python logs the password at INFO; engineio/socketio are chatty.
    for name in ("engineio.server", "socketio.server", "werkzeug", "geventwebsocket.handler"):
        logging.getLogger(name).setLevel(logging.WARNING)
    # The OBS connection reports its own state changes, once each (services/obs/connection.py);
    # the client libraries would log every failed retry of an OBS that is away.
    for name in ("obsws_python", "websocket"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
