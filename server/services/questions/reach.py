"""Who a question reaches: its own asker and site, every asker merged into it
(``QuestionLink``) and everyone who said "tôi cũng hỏi" (``QuestionUpvote``).

One rule for every count shown to people ("N điểm cầu cùng hỏi", "N người hỏi"): the
moderators' payloads, the duplicate groups, the chair view and the phones' public list.
"""

from dataclasses import dataclass, field

from server.extensions import db
from server.models.question import Question, QuestionLink, QuestionUpvote

CHUNK = 900  # stay under SQLite's bound-parameter limit


@dataclass
class Reach:
    sites: set = field(default_factory=set)  # site ids
    askers: int = 1  # the question's own asker, merged askers, upvoters
    upvotes: int = 0

    def add(self, site_id, upvote=False):
        if site_id:
            self.sites.add(site_id)
        self.askers += 1
        self.upvotes += 1 if upvote else 0

    def as_dict(self):
        return {"sites": len(self.sites), "askers": self.askers, "upvotes": self.upvotes}


def reach_of(questions_or_ids):
    """``{question id: Reach}`` for questions (or ids), in a few queries whatever their number."""
    items = list(questions_or_ids)
    if not items:
        return {}
    out = {}
    if isinstance(items[0], int):
        ids = items
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            for qid, site_id in db.session.execute(
                db.select(Question.id, Question.site_id).where(Question.id.in_(chunk))
            ):
                out[qid] = Reach(sites={site_id} if site_id else set())
    else:
        for q in items:
            out[q.id] = Reach(sites={q.site_id} if q.site_id else set())
    ids = list(out)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        for qid, site_id in db.session.execute(
            db.select(QuestionLink.question_id, QuestionLink.site_id).where(QuestionLink.question_id.in_(chunk))
        ):
            out[qid].add(site_id)
        for qid, site_id in db.session.execute(
            db.select(QuestionUpvote.question_id, QuestionUpvote.site_id).where(QuestionUpvote.question_id.in_(chunk))
        ):
            out[qid].add(site_id, upvote=True)
    return out
