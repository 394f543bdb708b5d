"""Near-duplicate groups over an event's live questions, fast enough for a congress.

Texts are compared folded (``server/services/text.py`` ``fold``: no diacritics, NFC and NFD
alike, lower case), so "Đường", "Đường" (NFD) and "duong" are one word. Identical folded
texts join at once; the rest are compared only within blocks: each text is filed under its
few rarest word pairs (Vietnamese words are mostly two syllables), so a typo in one word still
leaves shared keys, and a block is scored with rapidfuzz's token-set ratio (pairs already
joined are skipped). Pairs scoring ``min_score`` or more, and not one text a small subset of a much
longer one, are joined (union-find). 10,000 questions group in about a second on two cores
(``tests/questions/test_questions_duplicates.py`` measures it).
"""

from collections import Counter, defaultdict

from rapidfuzz import fuzz, process

from server.extensions import db
from server.models.question import Question
from server.services.questions.reach import reach_of
from server.services.text import fold

KEYS_PER_TEXT = 4  # rarest word pairs a text is filed under
BLOCK_MAX = 1500  # a key shared by more texts than this says nothing (a common phrase)
LENGTH_RATIO = 0.5  # the shorter text must be at least half the longer (token-set subsets score 100)
LIVE = ("pending", "approved", "on_air", "answered")


def _keys(folded):
    words = [w for w in "".join(c if c.isalnum() else " " for c in folded).split() if w]
    pairs = [f"{a} {b}" for a, b in zip(words, words[1:])]
    return set(pairs or words)


class _Groups:
    """Union-find over positions 0..n-1."""

    def __init__(self, n):
        self.parent = list(range(n))

    def find(self, i):
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _blocks(texts):
    """key -> positions of the unique ``texts`` filed under it (each under its rarest keys)."""
    keys = [_keys(t) for t in texts]
    df = Counter(k for ks in keys for k in ks)
    blocks = defaultdict(list)
    for i, ks in enumerate(keys):
        for key in sorted(ks, key=lambda k: (df[k], k))[:KEYS_PER_TEXT]:
            blocks[key].append(i)
    return [b for b in blocks.values() if 2 <= len(b) <= BLOCK_MAX]


def _score_block(texts, lengths, block, min_score, groups):
    """Join the close pairs of one block: each text against the ones after it (rapidfuzz's C
    loop does the comparing; ``process.cdist`` would need numpy, which the app does not ship)."""
    for r, a in enumerate(block[:-1]):
        rest = {b: texts[b] for b in block[r + 1 :] if groups.find(b) != groups.find(a)}
        if not rest:
            continue
        for _, _, b in process.extract_iter(texts[a], rest, scorer=fuzz.token_set_ratio, score_cutoff=min_score):
            if min(lengths[a], lengths[b]) >= LENGTH_RATIO * max(lengths[a], lengths[b]):
                groups.join(a, b)


def group_texts(items, min_score=90):
    """``items``: ``[(id, folded text)]`` → groups of ids (each of 2 or more), near-duplicates together."""
    by_text = defaultdict(list)
    for qid, text in items:
        if text:
            by_text[text].append(qid)
    texts = list(by_text)
    lengths = [len(t) for t in texts]
    groups = _Groups(len(texts))
    for block in _blocks(texts):
        _score_block(texts, lengths, block, min_score, groups)
    members = defaultdict(list)
    for i, text in enumerate(texts):
        members[groups.find(i)].extend(by_text[text])
    return [sorted(ids) for ids in members.values() if len(ids) > 1]


def duplicate_groups(event, min_score=90):
    """The event's near-duplicate groups, most sites (then askers) first, upvoters counted
    with the askers and their sites (``reach.py``):
    ``[{"ids", "sites", "askers", "text"}]`` (``text``: the first question's, to recognise it)."""
    rows = db.session.execute(
        db.select(Question.id, Question.text_folded, Question.text).where(
            Question.event_id == event.id, Question.status.in_(LIVE)
        )
    ).all()
    found = group_texts([(qid, folded or fold(text)) for qid, folded, text in rows], min_score)
    texts = {qid: text for qid, _, text in rows}
    reach = reach_of([qid for ids in found for qid in ids])
    out = []
    for ids in found:
        sites = set().union(*(reach[i].sites for i in ids))
        out.append(
            {"ids": ids, "sites": len(sites), "askers": sum(reach[i].askers for i in ids), "text": texts[ids[0]]}
        )
    out.sort(key=lambda g: (-g["sites"], -g["askers"], -len(g["ids"]), g["ids"][0]))
    return out
