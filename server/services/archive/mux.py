"""Write the chapters into a copy of the recording with ffmpeg (``-c copy``, no re-encoding):
``<name>.chapters.<ext>`` next to the file, when this server can reach the file."""

import os
import subprocess
import tempfile

from flask import current_app
from flask_babel import lazy_gettext as _l

from server.services.errors import Conflict, ServiceError

from . import formats

TIMEOUT_S = 600


def chaptered_path(path):
    stem, ext = os.path.splitext(path)
    return f"{stem}.chapters{ext or '.mkv'}"


def mux(path, chapters, duration_s=None, title=""):
    """Copy ``path`` with the chapters in it; returns the new file's path."""
    if not path or not os.path.isfile(path):
        raise Conflict("recording_unreachable", _l("Máy chủ không truy cập được tệp ghi hình."), path=path or "")
    if not chapters:
        raise Conflict("no_chapters", _l("Bản ghi này chưa có chương nào."))
    out = chaptered_path(path)
    ffmpeg = current_app.config.get("RESTREAM_FFMPEG") or "ffmpeg"
    with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8", delete=False) as meta:
        meta.write(formats.as_ffmetadata(chapters, duration_s, title))
    try:
        cmd = [ffmpeg, "-hide_banner", "-loglevel", "error", "-y", "-i", path, "-f", "ffmetadata", "-i", meta.name]
        cmd += ["-map", "0", "-map_metadata", "1", "-map_chapters", "1", "-c", "copy", out]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise ServiceError(
            "mux_failed", _l("ffmpeg không ghi được bản có chương."), status=500, detail=str(err)[:300]
        ) from err
    finally:
        os.unlink(meta.name)
    if result.returncode != 0:
        raise ServiceError(
            "mux_failed", _l("ffmpeg không ghi được bản có chương."), status=500, detail=result.stderr[-300:]
        )
    return out
