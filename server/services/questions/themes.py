"""An event's themes: computing them from the questions' text (``theme_engine.py``), keeping them
current, and the moderators' edits (rename, merge, move a question and pin it there).

- **Refresh** recomputes every question's theme. New clusters are matched to the old themes by
  the questions they share (one to one, most shared first; a cluster that is mostly one theme's
  questions joins it, so a merge holds), so a theme keeps its id, and its label when a moderator
  renamed it; questions pinned by a moderator stay where they were put; merged questions follow
  the question they were merged into. Old themes left with no question are removed.
- **Listing** computes the themes when the event has none yet; otherwise questions that arrived
  since the last refresh join the nearest theme as the list is read (submitting a question stays
  one INSERT; a refresh regroups them all).

The engine runs in the media worker process (``server/services/media/worker.py``) through
``theme_jobs.py``: its seconds of CPU for a big event (clustering, placing new questions, matching
clusters to themes) never stop the server's hub (gevent, eventlet), which keeps serving phones and
consoles meanwhile, and the server process never imports scikit-learn or SciPy.

Every change is committed, written to the questions' audit log, then broadcast to the event's
moderators (``themes`` with the list without question ids, ``question_updated`` for moved ones).
"""

import json
import threading
import time
from collections import Counter, defaultdict

import numpy as np
from flask_babel import lazy_gettext as _l

from server.extensions import db
from server.models.base import utcnow
from server.models.question import Question, QuestionAudit, QuestionTheme
from server.services.broadcast import broadcast
from server.services.errors import NotFound, ServiceError
from server.services.media import worker
from server.services.questions import theme_jobs
from server.services.questions.submission import compact_many
from server.services.text import clean, fold

LABEL_MAX = 200
MATCH_SHARE = 0.3  # a cluster and an old theme match when they share this much of the smaller
JOIN_SHARE = 0.5  # an unmatched cluster joins the theme holding this much of its questions
ENGINE_TIMEOUT_S = 120.0
THEME_NOT_FOUND = _l("Không tìm thấy chủ đề.")
_locks = defaultdict(threading.Lock)  # one computation per event at a time in this process


# ---- reading -------------------------------------------------------------------------------------


def _questions(event):
    return db.session.execute(
        db.select(
            Question.id,
            Question.text,
            Question.text_folded,
            Question.status,
            Question.merged_into_id,
            Question.theme_id,
            Question.theme_pinned,
        )
        .where(Question.event_id == event.id)
        .order_by(Question.id)
    ).all()


def _themes(event):
    return {
        t.id: t
        for t in db.session.scalars(
            db.select(QuestionTheme).where(QuestionTheme.event_id == event.id).order_by(QuestionTheme.id)
        )
    }


def _terms(theme):
    return [t for t in (theme.terms or "").split("\n") if t]


def items(event, with_ids=True):
    """``[{"id", "label", "count", "question_ids", "terms", "renamed"}]``, most questions first
    (merged questions are not counted: they follow the question they were merged into)."""
    members = defaultdict(list)
    for qid, theme_id in db.session.execute(
        db.select(Question.id, Question.theme_id).where(
            Question.event_id == event.id, Question.status != "merged", Question.theme_id.is_not(None)
        )
    ):
        members[theme_id].append(qid)
    out = []
    for theme in _themes(event).values():
        ids = sorted(members.get(theme.id, []))
        entry = {"id": theme.id, "label": theme.label, "count": len(ids), "terms": _terms(theme)}
        entry["renamed"] = theme.renamed
        if with_ids:
            entry["question_ids"] = ids
        out.append(entry)
    out.sort(key=lambda t: (-t["count"], t["id"]))
    return out


def list_themes(event, actor=None):
    """The event's themes, computed first when it has none, with newly arrived questions placed."""
    with _locks[event.id]:
        themes = _themes(event)
        rows = _questions(event)
        live = [r for r in rows if r.status != "merged"]
        if not themes and live:
            _recompute(event, rows, {}, actor)
        elif themes and any(r.theme_id is None for r in live):
            _place_new(event, rows, themes)
    return items(event)


def theme_of(event, theme_id):
    theme = db.session.get(QuestionTheme, theme_id) if isinstance(theme_id, int) else None
    if theme is None or theme.event_id != event.id:
        raise NotFound("theme_not_found", THEME_NOT_FOUND)
    return theme


def question_ids(event, theme_id):
    """The (not merged) questions of a theme, for actions over all of them."""
    theme_of(event, theme_id)
    return list(
        db.session.scalars(
            db.select(Question.id)
            .where(Question.event_id == event.id, Question.theme_id == theme_id, Question.status != "merged")
            .order_by(Question.id)
        )
    )


# ---- computing -----------------------------------------------------------------------------------


def refresh(event, actor=None):
    """Recompute the themes; returns ``(items, seconds)``."""
    started = time.perf_counter()
    with _locks[event.id]:
        _recompute(event, _questions(event), _themes(event), actor)
    return items(event), time.perf_counter() - started


def _match(labels, rows, themes):
    """cluster → theme id, for the clusters that match an old theme (see the module doc)."""
    sizes = Counter(labels)
    shared = defaultdict(Counter)  # cluster → old theme → unpinned questions in both
    old_sizes = Counter()
    for label, row in zip(labels, rows):
        if row.theme_id in themes and not row.theme_pinned:
            shared[label][row.theme_id] += 1
            old_sizes[row.theme_id] += 1
    clusters, old = sorted(sizes), sorted(old_sizes)
    mapping = {}
    if clusters and old:
        overlap = np.array([[shared[c][t] for t in old] for c in clusters], dtype=float)
        smaller = np.array([[min(sizes[c], old_sizes[t]) for t in old] for c in clusters], dtype=float)
        for i, j in worker.run(theme_jobs.pair, overlap.tolist(), timeout=ENGINE_TIMEOUT_S):
            if overlap[i, j] >= MATCH_SHARE * smaller[i, j] and overlap[i, j] > 0:
                mapping[clusters[i]] = old[j]
    for c in clusters:
        if c not in mapping and shared[c]:
            theme_id, count = shared[c].most_common(1)[0]
            if count >= JOIN_SHARE * sizes[c]:
                mapping[c] = theme_id
    return mapping


def _recompute(event, rows, themes, actor):
    live = [r for r in rows if r.status != "merged"]
    result = worker.run(
        theme_jobs.cluster,
        [r.text for r in live],
        "seeded",
        None,
        [r.text_folded or fold(r.text) for r in live],
        timeout=ENGINE_TIMEOUT_S,
    )
    mapping = _match(result.labels, live, themes)
    kept = set(mapping.values())
    for c, terms in enumerate(result.terms):
        if c in mapping:
            theme = themes[mapping[c]]
            if theme.id in kept and c == min(k for k, t in mapping.items() if t == theme.id):
                theme.terms = "\n".join(terms)
                if not theme.renamed:
                    theme.label = theme_jobs.label_of(terms)[:LABEL_MAX]
            continue
        theme = QuestionTheme(event_id=event.id, label=theme_jobs.label_of(terms)[:LABEL_MAX], terms="\n".join(terms))
        db.session.add(theme)
        db.session.flush()
        themes[theme.id] = theme
        mapping[c] = theme.id
    pinned = {r.id: r.theme_id for r in rows if r.theme_pinned and r.theme_id in themes}
    wanted = {}
    for row, label in zip(live, result.labels):
        wanted[row.id] = pinned.get(row.id, mapping[label])
    _follow_targets(rows, wanted)
    _write(rows, wanted)
    used = set(wanted.values())
    for theme_id, theme in list(themes.items()):
        if theme_id not in used:
            db.session.delete(theme)
    _audit(event, actor, "themes_refresh", themes=len(used), questions=len(live))
    db.session.commit()
    _publish(event)


def _follow_targets(rows, wanted):
    """Merged questions take the theme of the question they were merged into."""
    for row in rows:
        if row.status == "merged":
            wanted[row.id] = wanted.get(row.merged_into_id, row.theme_id)


def _write(rows, wanted):
    """Store the themes that changed, one UPDATE per theme."""
    by_theme = defaultdict(list)
    for row in rows:
        if row.id in wanted and wanted[row.id] != row.theme_id:
            by_theme[wanted[row.id]].append(row.id)
    for theme_id, ids in by_theme.items():
        for start in range(0, len(ids), 900):  # SQLite's bound-parameter limit
            db.session.execute(
                db.update(Question).where(Question.id.in_(ids[start : start + 900])).values(theme_id=theme_id)
            )


def _place_new(event, rows, themes):
    """Questions without a theme join the nearest one (merged ones follow their target)."""
    live = [r for r in rows if r.status != "merged"]
    groups = [r.theme_id if r.theme_id in themes else None for r in live]
    texts, folded = [r.text for r in live], [r.text_folded or fold(r.text) for r in live]
    placed = worker.run(theme_jobs.place, texts, groups, folded, timeout=ENGINE_TIMEOUT_S)
    wanted = {r.id: r.theme_id for r in rows}
    for i, theme_id in placed.items():
        wanted[live[i].id] = theme_id
    _follow_targets(rows, wanted)
    _write(rows, wanted)
    db.session.commit()
    _publish(event)


# ---- moderators' edits -----------------------------------------------------------------------------


def rename(event, actor, theme_id, label):
    theme = theme_of(event, theme_id)
    label = clean(label if isinstance(label, str) else "", LABEL_MAX)
    if not label:
        raise ServiceError("label_required", _l("Cần đặt tên cho chủ đề."), status=422)
    before = theme.label
    theme.label, theme.renamed = label, True
    _audit(event, actor, "theme_rename", theme=theme.id, before=before, after=label)
    db.session.commit()
    _publish(event)
    return theme


def merge(event, actor, target_id, source_ids):
    """Move every question of the ``source_ids`` themes into ``target_id`` and remove them."""
    target = theme_of(event, target_id)
    sources = [theme_of(event, s) for s in dict.fromkeys(source_ids) if s != target.id]
    if not sources:
        raise ServiceError("invalid_sources", _l("Cần chọn chủ đề để gộp."), status=422)
    ids = [s.id for s in sources]
    db.session.execute(
        db.update(Question).where(Question.event_id == event.id, Question.theme_id.in_(ids)).values(theme_id=target.id)
    )
    for source in sources:
        db.session.delete(source)
    _audit(event, actor, "theme_merge", theme=target.id, sources=ids)
    db.session.commit()
    _publish(event)
    return target


def move(event, actor, qid, theme_id):
    """Put question ``qid`` (and the questions merged into it) in theme ``theme_id``, pinned:
    a refresh leaves it there."""
    q = db.session.get(Question, qid) if isinstance(qid, int) else None
    if q is None or q.event_id != event.id:
        raise NotFound("question_not_found", _l("Không tìm thấy câu hỏi."))
    if q.status == "merged":
        raise ServiceError("invalid_transition", _l("Câu hỏi đã gộp đi theo câu được gộp vào."), status=409)
    theme = theme_of(event, theme_id)
    before = q.theme_id
    q.theme_id, q.theme_pinned = theme.id, True
    db.session.execute(
        db.update(Question).where(Question.merged_into_id == q.id).values(theme_id=theme.id, theme_pinned=False)
    )
    _audit(event, actor, "theme_move", question=q.id, theme=theme.id, before=before)
    db.session.commit()
    _publish(event)
    for payload in compact_many([q]):
        broadcast("question_updated", payload, event.slug, "moderation")
    return q


# ---- helpers ---------------------------------------------------------------------------------------


def _audit(event, actor, action, question=None, **detail):
    if actor is not None:
        detail.setdefault("by", actor.name)
    db.session.add(
        QuestionAudit(
            event_id=event.id,
            question_id=question,
            actor=actor.label if actor is not None else "system",
            action=action,
            detail=json.dumps(detail, ensure_ascii=False),
            at=utcnow(),
        )
    )


def _publish(event):
    """Tell the event's moderators the themes changed (without the question ids: consoles ask)."""
    broadcast("themes", {"items": items(event, with_ids=False)}, event.slug, "moderation")
