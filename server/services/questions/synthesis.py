"""The synthesis of an event's proposals, opinions and questions for the drafting team, as data
(the PDF and DOCX render it): the live items (merged ones count through the question they joined)
grouped by theme (``QuestionTheme``; no theme: the "Chưa xếp chủ đề" group, last), per theme the
number of items, of distinct sites and of distinct provinces (merged askers' sites included, via
``QuestionLink``), representative quotes (asked by the most sites, then the most askers) and every
item with its outcome. Sites are keyed by id and named "name (code)"."""

from collections import Counter

from flask_babel import lazy_gettext as _l

from server.extensions import db
from server.models.base import utcnow
from server.models.question import Question, QuestionLink, QuestionTheme
from server.models.site import Site
from server.services.questions import outcomes
from server.services.text import vi_sort_key

UNTHEMED = _l("Chưa xếp chủ đề")
KIND_ORDER = ("proposal", "opinion", "question")
QUOTES = 3


def _item(q, linked, sites, now):
    site_ids = {s for s in [q.site_id, *linked] if s in sites}
    return {
        "id": q.id,
        "kind": q.kind,
        "text": q.text,
        "author": q.author,
        "unit": q.unit,
        "site_ids": site_ids,
        "sites": sorted((outcomes.site_label(sites[s]) for s in site_ids), key=vi_sort_key),
        "provinces": {sites[s].province for s in site_ids if sites[s].province},
        "askers": 1 + len(linked),
        "public": q.site_id is None,
        "outcome": outcomes.outcome(q, now),
        "outcome_text": outcomes.outcome_text(q, now),
    }


def _rank(item):
    """Representative first: asked by the most sites, then the most askers, then the earliest."""
    return (-len(item["site_ids"]), -item["askers"], item["id"])


def _group(theme_id, label, terms, items):
    site_ids = set().union(*(i["site_ids"] for i in items))
    provinces = set().union(*(i["provinces"] for i in items))
    return {
        "id": theme_id,
        "label": label,
        "terms": terms,
        "count": len(items),
        "sites": len(site_ids),
        "provinces": len(provinces),
        "kinds": Counter(i["kind"] for i in items),
        "outcomes": Counter(i["outcome"] for i in items),
        "quotes": sorted(items, key=_rank)[:QUOTES],
        "items": sorted(items, key=lambda i: (KIND_ORDER.index(i["kind"]) if i["kind"] in KIND_ORDER else 9, _rank(i))),
    }


def gather(event, now=None):
    """Everything the synthesis shows, computed once (``now``: the instant "overdue" is judged at)."""
    now = now or utcnow()
    sites = {s.id: s for s in db.session.scalars(db.select(Site).where(Site.event_id == event.id))}
    themes = {t.id: t for t in db.session.scalars(db.select(QuestionTheme).where(QuestionTheme.event_id == event.id))}
    links = {}
    for qid, site_id in db.session.execute(
        db.select(QuestionLink.question_id, QuestionLink.site_id)
        .join(Question, Question.id == QuestionLink.question_id)
        .where(Question.event_id == event.id)
    ):
        links.setdefault(qid, []).append(site_id)
    grouped = {}
    for q in db.session.scalars(
        db.select(Question).where(Question.event_id == event.id, Question.status != "merged").order_by(Question.id)
    ):
        theme_id = q.theme_id if q.theme_id in themes else None
        grouped.setdefault(theme_id, []).append(_item(q, links.get(q.id, []), sites, now))
    groups = [
        _group(tid, themes[tid].label, themes[tid].terms, items) for tid, items in grouped.items() if tid is not None
    ]
    groups.sort(key=lambda g: (-g["count"], vi_sort_key(g["label"])))
    if None in grouped:
        groups.append(_group(None, str(UNTHEMED), "", grouped[None]))
    items = [i for g in groups for i in g["items"]]
    by_site, by_province = Counter(), Counter()
    for i in items:
        by_site.update(i["site_ids"])
        by_province.update(i["provinces"])
    return {
        "event": event.name,
        "now": now,
        "themes": groups,
        "theme_count": len(themes),
        "total": len(items),
        "sites": len(by_site),
        "provinces": len(by_province),
        "public": sum(1 for i in items if i["public"]),
        "kinds": Counter(i["kind"] for i in items),
        "outcomes": Counter(i["outcome"] for i in items),
        "by_site": [(outcomes.site_label(sites[s]), n) for s, n in _most(by_site, lambda s: sites[s].name)],
        "by_province": _most(by_province, lambda p: p),
    }


def _most(counter, name):
    """Most first, ties in Vietnamese order of their name."""
    return sorted(counter.items(), key=lambda kv: (-kv[1], vi_sort_key(name(kv[0]))))
