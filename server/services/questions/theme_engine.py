"""Grouping texts into themes, and naming them: the computation only (no database; ``themes.py``
stores the outcome).

Texts are compared folded (``server/services/text.py`` ``fold``: no diacritics, NFC and NFD
alike), without Vietnamese function words (``STOP_PHRASES``, ``STOP_WORDS``), as scikit-learn
TF-IDF vectors of word 1–2-grams (Vietnamese words are mostly two syllables) joined to
character 3–4-grams within words (a typo leaves most of them intact).

``seeded`` (the method used): the policy areas of ``theme_lexicon.py`` that the texts mention
seed the clusters (Basu et al.'s seeded k-means: an area named by enough texts starts a cluster at
the mean of those texts), texts that name no area start a few more, then scikit-learn's
``KMeans`` runs on the TF-IDF vectors joined to each text's area scores, so a question joins the
theme of the questions it shares words with, whether it names an area or not. ``kmeans``
(TF-IDF → LSA → k-means, k by silhouette) and ``nmf`` (non-negative factorisation, same k) are
the unsupervised methods it was compared with on the labelled corpus (docs/design.md, "Themes").

A theme is named by its top terms (the words its texts use more than the others do), each spelt
the way the askers most often wrote it.
"""

import re
import unicodedata
import warnings
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import sparse
from sklearn.cluster import KMeans
from sklearn.decomposition import NMF, TruncatedSVD
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize

from server.services.questions import theme_jobs
from server.services.questions.theme_lexicon import AREAS, phrases
from server.services.text import fold

METHODS = ("seeded", "kmeans", "nmf")
# Framing that says nothing of the subject, removed as whole phrases (folded) before the words.
STOP_PHRASES = (
    "de nghi",
    "kien nghi",
    "xin hoi",
    "cu tri",
    "y kien",
    "hien ke",
    "phan anh",
    "nhu the nao",
    "the nao",
    "khi nao",
    "bao gio",
    "vi sao",
    "tai sao",
    "nguoi dan",
    "xem xet",
    "dia phuong",
    "hien nay",
    "de xuat",
    "mong muon",
    "cho biet",
    "tra loi",
)


# Function words, as written. On a text typed with diacritics they are matched as written, so
# "tại" goes and "tai nạn" stays, "ở" goes and "ô nhiễm" stays; on a text typed without any, only
# the folded forms no content word shares (``PLAIN_STOP_WORDS``).
def _listed(text):
    return frozenset(text.split())


STOP_WORDS = _listed(
    "có không của là và được cho các một những nhiều đã đang sẽ còn vẫn rất cũng với tại ở trên trong "
    "ngoài đến này đó kia ấy thì mà hay hoặc nếu nên bị phải ra vào lên gì ai nào sao lại mới chỉ về "
    "theo như khi bằng hơn qua rồi chưa cần nhất tỉnh huyện thôn năm ngày trước tất cả mình tôi chúng "
    "ta họ em anh chị ông bà để xin hỏi vì nhưng thì đây đều"
)
PLAIN_STOP_WORDS = _listed(
    "co khong cua la va duoc cac mot nhung nhieu se rat voi tren trong ngoai nay kia thi hoac neu nen "
    "phai vao len nao sao lai theo khi qua roi chua tat chung deu"
)
_TOKEN = re.compile(r"[^\W_]+|[^\w\s]")
_WORD = re.compile(r"[^\W_]+")
_PHRASES = defaultdict(list)  # first syllable → the stop phrases starting with it, longest first
for _phrase in sorted((tuple(p.split()) for p in STOP_PHRASES), key=len, reverse=True):
    _PHRASES[_phrase[0]].append(_phrase)
CHAR_WEIGHT = 0.6  # char n-grams next to the words
LEXICON_WEIGHT = 1.0  # area scores next to the text
LABEL_TERMS = 3
MAX_K = 30
EMPTY = "_"  # the one term of a text with no content word (never a label)


def _fold_tokens(tokens):
    return [fold(t) or t for t in tokens]


def words(text, folded):
    """The content words of a text, folded, with ``None`` where a phrase, a function word or
    punctuation was (word pairs never span one)."""
    written = _TOKEN.findall(_nfc_lower(text))
    flat = _TOKEN.findall(folded)
    if len(flat) != len(written):
        flat = _fold_tokens(written)
    marked = any(w != f for w, f in zip(written, flat))
    stops = STOP_WORDS if marked else PLAIN_STOP_WORDS
    out = []
    i = 0
    while i < len(flat):
        f = flat[i]
        for phrase in _PHRASES.get(f, ()):
            if tuple(flat[i : i + len(phrase)]) == phrase:
                out.append(None)
                i += len(phrase)
                break
        else:
            out.append(None if (written[i] if marked else f) in stops or not f[0].isalnum() else f)
            i += 1
    return out


def terms(content):
    """The TF-IDF terms of a text's ``words``: each word, and each pair written side by side
    (Vietnamese compound words are adjacent syllables: 'giao thông', 'đất đai')."""
    out = [w for w in content if w]
    out += [f"{a} {b}" for a, b in zip(content, content[1:]) if a and b]
    return out or [EMPTY]


def _nfc_lower(text):
    return unicodedata.normalize("NFC", text or "").lower()


@dataclass
class Result:
    """Cluster of each text (0..k-1) and each cluster's top terms, spelt as written."""

    labels: list
    terms: list
    method: str
    k: int


class Features:
    """TF-IDF vectors of folded texts (word 1–2-grams and char 3–4-grams), and area scores."""

    def __init__(self, texts, folded=None):
        self.texts = list(texts)
        self.folded = list(folded) if folded is not None else [fold(t) for t in self.texts]
        self.content = [words(t, f) for t, f in zip(self.texts, self.folded)]
        n = len(self.texts)
        min_df = 2 if n >= 50 else 1
        self.vectorizer = TfidfVectorizer(analyzer=terms, min_df=min_df, sublinear_tf=True, dtype=np.float32)
        joined = [" ".join(w for w in c if w) or EMPTY for c in self.content]
        chars = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(3, 4),
            min_df=min_df,
            sublinear_tf=True,
            max_features=60_000,
            dtype=np.float32,
        )
        self.word_matrix = self.vectorizer.fit_transform(self.content)
        char_matrix = chars.fit_transform(joined)
        self.text_matrix = normalize(sparse.hstack([self.word_matrix, CHAR_WEIGHT * char_matrix]).tocsr())
        self.areas = lexicon_scores(self.texts, self.folded)

    def combined(self):
        """Text vectors joined to the area scores, unit length."""
        return normalize(sparse.hstack([self.text_matrix, LEXICON_WEIGHT * self.areas]).tocsr())


def _area_index():
    """One pattern for every phrase of every area (longest first), as written and folded, and
    which areas each phrase (in either form) belongs to."""
    areas_of = defaultdict(set)
    for a, area in enumerate(AREAS):
        for p in phrases(area):
            areas_of[_nfc_lower(p)].add(a)
            areas_of[fold(p)].add(a)

    def pattern(forms):
        alternatives = "|".join(re.escape(f) for f in sorted(set(forms), key=len, reverse=True))
        return re.compile(r"(?<!\w)(?:" + alternatives + r")(?!\w)")

    marked = pattern(_nfc_lower(p) for area in AREAS for p in phrases(area))
    plain = pattern(fold(p) for area in AREAS for p in phrases(area))
    return marked, plain, {k: sorted(v) for k, v in areas_of.items()}


_MARKED, _PLAIN, _AREAS_OF = _area_index()


def lexicon_scores(texts, folded=None):
    """``n × areas`` scores, unit length: each whole-word match of an area's phrase counts its
    syllables. Texts with diacritics are matched as written; texts without any, folded."""
    folded = folded or [fold(t) for t in texts]
    scores = defaultdict(float)
    for i, (text, flat) in enumerate(zip(texts, folded)):
        lower = _nfc_lower(text)
        found = _MARKED.findall(lower) if lower != flat else _PLAIN.findall(flat)
        for phrase in found:
            for a in _AREAS_OF[phrase]:
                scores[i, a] += len(phrase.split())
    rows, cols = zip(*scores) if scores else ((), ())
    matrix = sparse.csr_matrix((list(scores.values()), (rows, cols)), shape=(len(texts), len(AREAS)), dtype=np.float32)
    return normalize(matrix)


# ---- methods ---------------------------------------------------------------------------------


def _lsa(features, dims=100):
    X = features.text_matrix
    dims = max(2, min(dims, X.shape[1] - 1, X.shape[0] - 1))
    return normalize(TruncatedSVD(dims, random_state=0).fit_transform(X))


def choose_k(Z, n, low=4, high=MAX_K):
    """The k (between ``low`` and ``high``) with the best silhouette of a k-means on ``Z``."""
    if n < 3:
        return 1
    high = max(2, min(high, n // 8, n - 1))
    low = min(low, high)
    best, best_k = -2.0, low
    sample = min(n, 2000)
    for k in range(low, high + 1, 2 if high - low > 12 else 1):
        labels = KMeans(k, n_init=2, random_state=0).fit_predict(Z)
        if len(set(labels)) < 2:
            continue
        score = silhouette_score(Z, labels, sample_size=sample, random_state=0)
        if score > best:
            best, best_k = score, k
    return best_k


def _kmeans(features, k=None):
    Z = _lsa(features)
    k = k or choose_k(Z, Z.shape[0])
    return KMeans(k, n_init=4, random_state=0).fit_predict(Z), k


def _nmf(features, k=None):
    k = k or choose_k(_lsa(features), features.text_matrix.shape[0])
    with warnings.catch_warnings():  # a short run is enough to compare it; it need not converge
        warnings.simplefilter("ignore", ConvergenceWarning)
        W = NMF(k, init="nndsvda", random_state=0, max_iter=400).fit_transform(features.text_matrix)
    return W.argmax(axis=1), k


def _farthest(F, centroids, candidates, count):
    """``count`` rows of ``F`` among ``candidates``, each the farthest from the centroids so far."""
    chosen = []
    if not len(candidates) or not count:
        return chosen
    cand = F[candidates]
    C = np.asarray(centroids) if centroids else np.zeros((0, F.shape[1]), dtype=np.float32)
    best = np.asarray((cand @ C.T).max(axis=1)).ravel() if len(C) else np.full(len(candidates), -1.0)
    for _ in range(min(count, len(candidates))):
        pick = int(np.argmin(best))
        chosen.append(candidates[pick])
        row = cand[pick].toarray().ravel()
        best = np.maximum(best, np.asarray(cand @ row).ravel())
        best[pick] = np.inf
    return chosen


def _seeded(features, k=None):
    """Seeded k-means: one cluster per area enough texts name, more for the texts naming none."""
    F = features.combined()
    n = F.shape[0]
    areas = features.areas
    strongest = np.asarray(areas.argmax(axis=1)).ravel()
    named = np.asarray(areas.max(axis=1).todense()).ravel() > 0
    min_seed = max(3, n // 200)
    centroids = []
    for a in range(areas.shape[1]):
        members = np.flatnonzero(named & (strongest == a))
        if len(members) >= min_seed:
            centroids.append(np.asarray(F[members].mean(axis=0)).ravel())
    unnamed = np.flatnonzero(~named)
    extra = 0
    if centroids and len(unnamed) >= min_seed:
        extra = max(1, round(len(centroids) * len(unnamed) / n))
    elif not centroids:
        extra = choose_k(_lsa(features), n)
    for i in _farthest(F, centroids, unnamed if len(unnamed) else np.arange(n), extra):
        centroids.append(F[i].toarray().ravel())
    if len(centroids) < 2:
        return np.zeros(n, dtype=int), 1
    init = normalize(np.vstack(centroids))
    labels = KMeans(len(init), init=init, n_init=1, max_iter=100, random_state=0).fit_predict(F)
    return labels, len(init)


def cluster(texts, method="seeded", k=None, folded=None):
    """Group ``texts`` into themes: a ``Result`` (label per text, top terms per cluster).
    ``folded``: the texts already folded (the database keeps them), else folded here."""
    texts = list(texts)
    folded = list(folded) if folded is not None else [fold(t) for t in texts]
    if not texts:
        return Result([], [], method, 0)
    if len(texts) < 4:
        labels = [0] * len(texts)
        return Result(labels, [top_terms(Features(texts, folded), np.array(labels), 0)], method, 1)
    features = Features(texts, folded)
    run = {"seeded": _seeded, "kmeans": _kmeans, "nmf": _nmf}[method]
    with warnings.catch_warnings():  # a handful of near-identical texts makes fewer clusters: fine
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        labels, _ = run(features, k)
    labels = _compact(np.asarray(labels))
    k = int(labels.max()) + 1
    return Result(labels.tolist(), [top_terms(features, labels, c) for c in range(k)], method, k)


def _compact(labels):
    """Labels renumbered 0..k-1 (empty clusters dropped), biggest cluster first."""
    order = [c for c, _ in Counter(labels.tolist()).most_common()]
    remap = {c: i for i, c in enumerate(order)}
    return np.array([remap[c] for c in labels.tolist()])


def assign(texts, groups, folded=None):
    """Put the texts whose group is ``None`` into the nearest group of the others (by the mean of
    each group's vectors). ``groups``: a key or ``None`` per text → ``{index: key}`` for the ``None``."""
    todo = [i for i, g in enumerate(groups) if g is None]
    keys = sorted({g for g in groups if g is not None}, key=str)
    if not todo or not keys:
        return {}
    F = Features(texts, folded).combined()
    members = defaultdict(list)
    for i, g in enumerate(groups):
        if g is not None:
            members[g].append(i)
    C = normalize(np.vstack([np.asarray(F[members[g]].mean(axis=0)).ravel() for g in keys]))
    nearest = np.asarray((F[todo] @ C.T).argmax(axis=1)).ravel()
    return {i: keys[int(j)] for i, j in zip(todo, nearest)}


# ---- names -------------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def _fold_word(word):
    return fold(word)


def spellings(texts, folded=None):
    """folded word or word pair → the way it was most often written (diacritics preferred on ties)."""
    counts = defaultdict(Counter)
    for i, text in enumerate(texts):
        words = _WORD.findall(_nfc_lower(text))
        flat = _WORD.findall(folded[i]) if folded is not None else ()
        if len(flat) != len(words):
            flat = [_fold_word(w) for w in words]
        for w, f in zip(words, flat):
            counts[f][w] += 1
        for a, b, fa, fb in zip(words, words[1:], flat, flat[1:]):
            counts[f"{fa} {fb}"][f"{a} {b}"] += 1
    return {f: max(c.items(), key=lambda kv: (kv[1], kv[0] != f))[0] for f, c in counts.items()}


def top_terms(features, labels, c, count=LABEL_TERMS, spelt=None):
    """The terms cluster ``c``'s texts use more than the others do (share of its texts with the
    term, times how much likelier it is there), a word pair preferred to its words when most texts
    with the word have the pair; folded, then spelt as the askers wrote them."""
    inside = labels == c
    if not inside.any():
        return []
    present = features.word_matrix > 0
    p_in = np.asarray(present[inside].mean(axis=0)).ravel()
    p_out = np.asarray(present[~inside].mean(axis=0)).ravel() if (~inside).any() else np.zeros_like(p_in)
    score = p_in * np.log((p_in + 0.01) / (p_out + 0.01))
    names = features.vectorizer.get_feature_names_out()
    pairs = defaultdict(list)
    for j, t in enumerate(names):
        if " " in t and score[j] > 0:
            for w in t.split():
                pairs[w].append(j)
    chosen = []
    for j in np.argsort(-score)[: count * 20]:
        if score[j] <= 0 or len(chosen) >= count:
            break
        term = names[j]
        if term == EMPTY:
            continue
        if " " not in term:
            better = [b for b in pairs.get(term, ()) if p_in[b] >= 0.4 * p_in[j]]
            if better:
                term = names[max(better, key=lambda b: score[b])]
        words = set(term.split())
        if any(words & set(have.split()) for have in chosen):
            continue
        chosen.append(term)
    if spelt is None:
        members = np.flatnonzero(inside)
        spelt = spellings([features.texts[i] for i in members], [features.folded[i] for i in members])
    return [spelt.get(t) or " ".join(spelt.get(w, w) for w in t.split()) for t in chosen]


label_of = theme_jobs.label_of  # a theme's label from its top terms (plain Python, shared with the server)
