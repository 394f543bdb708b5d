"""What became of a question, in the words the drafting team and the sites read, and how a
bridge point is named in reports.

An item's outcome is one of ``OUTCOMES`` (most final first): answered in writing, aired (put on
air, or marked answered at the congress), overdue (a written answer was due and has not come),
awaiting a written answer (an owner or due date is set), approved (in the on-air queue),
pending review, rejected (with its reason). A merged submission takes the outcome of the
question it was merged into. ``now`` is passed in so one report uses one instant.

A site is always named by its name **and** its code (and place): several sites can share a name
("Xã An Quang" exists in three provinces), so reports key sites by id and never add them up by name.
"""

from flask_babel import lazy_gettext as _l

from server.services.questions.export import local_time

OUTCOMES = ("written", "aired", "overdue", "awaiting", "approved", "pending", "rejected")
OUTCOME_WORDS = {
    "written": _l("Đã trả lời bằng văn bản"),
    "aired": _l("Đã lên sóng"),
    "overdue": _l("Quá hạn trả lời"),
    "awaiting": _l("Chờ trả lời bằng văn bản"),
    "approved": _l("Đã duyệt, chờ lên sóng"),
    "pending": _l("Chờ duyệt"),
    "rejected": _l("Không chọn"),
}


def was_aired(q):
    """Put on air, or answered at the congress."""
    return q.aired_at is not None or q.status in ("on_air", "answered")


def is_overdue(q, now):
    """A written answer was due before ``now`` and there is none."""
    return q.status != "rejected" and not q.answer_text and q.answer_due is not None and q.answer_due < now


def outcome(q, now):
    """The most final thing that happened to ``q`` (one of ``OUTCOMES``)."""
    if q.status == "rejected":
        return "rejected"
    if q.answer_text:
        return "written"
    if was_aired(q):
        return "aired"
    if is_overdue(q, now):
        return "overdue"
    if q.answer_owner or q.answer_due is not None:
        return "awaiting"
    if q.status == "approved":
        return "approved"
    return "pending"


def _due(q):
    value = local_time(q.answer_due)
    return value.strftime("%H:%M %d/%m/%Y") if value else ""


def outcome_text(q, now):
    """The outcome in words, with who answers, by when, and the reason of a rejection."""
    code = outcome(q, now)
    words = str(OUTCOME_WORDS[code])
    details = []
    if code == "rejected" and q.reject_reason:
        details.append(q.reject_reason)
    if code in ("written", "overdue", "awaiting") and q.answer_owner:
        details.append(str(_l("người trả lời: %(owner)s", owner=q.answer_owner)))
    if code in ("overdue", "awaiting") and q.answer_due is not None:
        details.append(str(_l("hạn %(due)s", due=_due(q))))
    return words + (f" ({'; '.join(details)})" if details else "")


def site_label(site):
    """``Name (code)``: never the name alone."""
    if site is None:
        return str(_l("Cổng công khai"))
    return f"{site.name} ({site.code})" if site.code else site.name


def site_place(site):
    """Commune, district (older lists), province — what is known."""
    if site is None:
        return ""
    return ", ".join(p for p in (site.commune, site.district, site.province) if p)
