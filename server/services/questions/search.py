"""Finding questions: filters, diacritic- and normalisation-insensitive search, pages,
and similar-question suggestions (rapidfuzz token-set similarity on folded text)."""

from rapidfuzz import fuzz, process
from sqlalchemy import func, or_

from server.extensions import db
from server.models.question import STATUSES, Question, QuestionTag
from server.models.site import Site
from server.services.text import fold

PAGE_MAX = 200
SIMILAR_CUTOFF = 70
SIMILAR_MAX = 500  # every match, within reason: a console lists them all with their scores


def _like(folded):
    escaped = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _ints(value):
    """An id filter: None when absent, -1 (matches nothing) when not an id a database can hold."""
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return -1
    return number if 0 < number <= 2**53 else -1


def filtered(event, status=None, kind=None, site=None, district=None, tag=None, agenda_item=None, q=None, theme=None):
    """A SELECT of the event's questions matching the filters (merged ones only when asked)."""
    stmt = db.select(Question).where(Question.event_id == event.id)
    statuses = [s for s in (status or "").split(",") if s in STATUSES] if status else []
    if statuses:
        stmt = stmt.where(Question.status.in_(statuses))
    elif status != "all":
        stmt = stmt.where(Question.status != "merged")
    if kind:
        stmt = stmt.where(Question.kind == kind)
    if site not in (None, ""):
        stmt = stmt.where(Question.site_id == _ints(site))
    if district:
        stmt = stmt.where(
            Question.site_id.in_(db.select(Site.id).where(Site.event_id == event.id, Site.district == district))
        )
    if tag:
        stmt = stmt.where(Question.id.in_(db.select(QuestionTag.question_id).where(QuestionTag.tag == tag)))
    if agenda_item not in (None, ""):
        stmt = stmt.where(Question.agenda_item_id == _ints(agenda_item))
    if theme not in (None, ""):
        stmt = stmt.where(Question.theme_id == _ints(theme))
    folded = fold(q or "")
    if folded:
        for word in folded.split()[:8]:
            pattern = _like(word)
            stmt = stmt.where(
                or_(Question.text_folded.like(pattern, escape="\\"), Question.meta_folded.like(pattern, escape="\\"))
            )
    return stmt


def search(event, offset=0, limit=100, order="new", **filters):
    """``(questions, total)`` for one page; order ``new`` (newest first), ``old`` or ``queue``."""
    limit = max(1, min(int(limit or 100), PAGE_MAX))
    offset = max(0, int(offset or 0))
    stmt = filtered(event, **filters)
    total = db.session.scalar(db.select(func.count()).select_from(stmt.subquery()))
    if order == "queue":
        stmt = stmt.order_by(Question.queue_position.is_(None), Question.queue_position, Question.id)
    elif order == "old":
        stmt = stmt.order_by(Question.id)
    else:
        stmt = stmt.order_by(Question.id.desc())
    return list(db.session.scalars(stmt.offset(offset).limit(limit))), total


def similarity(a, b):
    """Token-set similarity (0–100) of two texts, compared folded (no diacritics, NFC/NFD alike)."""
    return fuzz.token_set_ratio(fold(a), fold(b))


def similar(question, limit=SIMILAR_MAX, cutoff=SIMILAR_CUTOFF):
    """Other live questions of the event that look like ``question``: ``[(question, score)]``."""
    rows = db.session.execute(
        db.select(Question.id, Question.text_folded).where(
            Question.event_id == question.event_id,
            Question.id != question.id,
            Question.status.notin_(("merged", "rejected")),
        )
    ).all()
    choices = {qid: text for qid, text in rows if text}
    query = question.text_folded or fold(question.text)
    if not choices or not query:
        return []
    found = process.extract(query, choices, scorer=fuzz.token_set_ratio, score_cutoff=cutoff, limit=None)
    # token-set gives 100 when one text's words are a subset of the other's: break ties by
    # the plain ratio so the closest wording comes first.
    ranked = sorted(found, key=lambda hit: (-hit[1], -fuzz.ratio(query, hit[0]), hit[2]))[:limit]
    by_id = {q.id: q for q in db.session.scalars(db.select(Question).where(Question.id.in_([h[2] for h in ranked])))}
    return [(by_id[h[2]], round(h[1])) for h in ranked if h[2] in by_id]
