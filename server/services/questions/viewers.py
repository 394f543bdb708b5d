"""Who has which question open in the moderation console (presence per question).

A per-process map ``event slug -> {socket id: (name, question id)}`` kept in the app's
extensions: ``open_question`` over the socket records the viewer, ``question_viewing`` with no
id (or a disconnect) forgets them. Every change is broadcast to the event's moderators as
``question_viewers`` ``{"id": question id, "names": [...]}`` for each question concerned.
"""

import threading

from flask import current_app

from server.services.broadcast import broadcast

_lock = threading.Lock()


def _table():
    return current_app.extensions.setdefault("bridgecast_question_viewers", {})


def names_on(slug, qid, except_sid=None):
    """The names of the moderators looking at question ``qid`` (besides ``except_sid``)."""
    with _lock:
        rows = _table().get(slug, {})
        return sorted({name for sid, (name, viewing) in rows.items() if viewing == qid and sid != except_sid})


def _announce(slug, *qids):
    for qid in dict.fromkeys(q for q in qids if q is not None):
        broadcast("question_viewers", {"id": qid, "names": names_on(slug, qid)}, slug, "moderation")


def set_viewing(slug, sid, name, qid):
    """Record that connection ``sid`` (``name``) now looks at ``qid`` (None: at nothing)."""
    if not sid:
        return
    with _lock:
        rows = _table().setdefault(slug, {})
        before = rows.get(sid, (name, None))[1]
        if qid is None:
            rows.pop(sid, None)
        else:
            rows[sid] = (name, qid)
    if before != qid:
        _announce(slug, before, qid)


def forget(slug, sid):
    """A connection went away: it views nothing any more."""
    with _lock:
        before = _table().get(slug, {}).pop(sid, (None, None))[1]
    _announce(slug, before)
