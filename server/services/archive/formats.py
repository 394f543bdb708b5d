"""Chapter lists as files: the plain list for a fan page's description, FFmpeg's metadata file
and WebVTT chapters. Pure functions of ``[(t_s, title, speaker)]`` and the recording's length."""

MAX_LINE = 300


def clock(seconds, millis=False):
    """``754.2`` → "00:12:34" (or "00:12:34.200" with ``millis``)."""
    total_ms = int(round(max(0.0, seconds) * 1000))
    hours, rest = divmod(total_ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, ms = divmod(rest, 1000)
    text = f"{hours:02d}:{minutes:02d}:{secs:02d}"
    return f"{text}.{ms:03d}" if millis else text


def _one_line(text):
    return " ".join((text or "").split())[:MAX_LINE]


def label(title, speaker):
    """ "Tên nội dung — Người trình bày" (the title alone when nobody presents)."""
    title, speaker = _one_line(title), _one_line(speaker)
    return f"{title} — {speaker}" if speaker else title


def as_text(chapters):
    """One line per chapter, "00:12:34 Tên nội dung — Người trình bày" (floored to the second)."""
    lines = []
    for t_s, title, speaker in chapters:
        lines.append(f"{clock(int(t_s))} {label(title, speaker)}")
    return "\n".join(lines) + ("\n" if lines else "")


def _ends(chapters, duration_s):
    """Each chapter ends where the next starts; the last at the end of the recording (or one
    second after its start while the length is unknown)."""
    starts = [c[0] for c in chapters]
    last = max(duration_s, starts[-1]) if duration_s is not None and starts else (starts[-1] + 1 if starts else 0)
    return [*starts[1:], last]


def _ffescape(text):
    out = []
    for ch in text:
        if ch in "=;#\\\n":
            out.append("\\")
        out.append(ch)
    return "".join(out)


def as_ffmetadata(chapters, duration_s=None, title=""):
    """FFmpeg's metadata file (``-map_metadata``/``-map_chapters``), times in milliseconds."""
    lines = [";FFMETADATA1"]
    if title:
        lines.append(f"title={_ffescape(_one_line(title))}")
    for (t_s, name, speaker), end in zip(chapters, _ends(chapters, duration_s), strict=True):
        start_ms = int(round(t_s * 1000))
        lines += [
            "",
            "[CHAPTER]",
            "TIMEBASE=1/1000",
            f"START={start_ms}",
            f"END={max(start_ms, int(round(end * 1000)))}",
            f"title={_ffescape(label(name, speaker))}",
        ]
    return "\n".join(lines) + "\n"


def _vtt_escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def as_vtt(chapters, duration_s=None):
    """WebVTT chapters: one numbered cue per chapter, from its start to the next one's."""
    blocks = ["WEBVTT"]
    for index, ((t_s, name, speaker), end) in enumerate(zip(chapters, _ends(chapters, duration_s), strict=True), 1):
        end = end if end > t_s else t_s + 1
        blocks.append(f"{index}\n{clock(t_s, True)} --> {clock(end, True)}\n{_vtt_escape(label(name, speaker))}")
    return "\n\n".join(blocks) + "\n"


FORMATS = {
    "text": ("text/plain; charset=utf-8", "txt"),
    "ffmetadata": ("text/plain; charset=utf-8", "ffmetadata.txt"),
    "vtt": ("text/vtt; charset=utf-8", "vtt"),
}


def render(fmt, chapters, duration_s=None, title=""):
    if fmt == "text":
        return as_text(chapters)
    if fmt == "ffmetadata":
        return as_ffmetadata(chapters, duration_s, title)
    if fmt == "vtt":
        return as_vtt(chapters, duration_s)
    raise ValueError(fmt)
