"""The duplicate grouping of 10,000 questions, end to end through the engine the console uses
(``server/services/questions/duplicates.py`` ``duplicate_groups``: read the event's live
questions from the database, group them, count sites and askers), on a throwaway SQLite
database filled from the generated corpus (``tests/support/question_corpus.py``).
Target (docs/design.md): under 5 s on this machine.

``python -m bench.duplicates [N]`` prints the timing alone.
"""

import os
import shutil
import sys
import tempfile
import time
import uuid

TARGET_S = 5.0


def measure(n=10_000):
    """``{"dup_questions", "dup_groups", "dup_group_s"}``: one grouping of ``n`` questions."""
    from sqlalchemy import insert

    from server import create_app
    from server.extensions import db
    from server.models.base import utcnow
    from server.models.event import Event
    from server.models.question import Question
    from server.services.questions.duplicates import duplicate_groups
    from server.services.text import fold
    from tests.support.question_corpus import corpus

    tmp = tempfile.mkdtemp(prefix="bench-dups-")
    try:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "bench",
                "ASYNC_MODE": "threading",
                "DEMO_SEED": False,
                "OBS_AUTOSTART": False,
                "LOG_JSON": False,
                "LOG_LEVEL": "WARNING",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{os.path.join(tmp, 'bench.db')}",
                "UPLOAD_FOLDER": os.path.join(tmp, "uploads"),
            }
        )
        with app.app_context():
            event = Event(slug="bench-duplicates", name="Bench duplicates", kind="forum")
            db.session.add(event)
            db.session.commit()
            texts, _truth = corpus(n)
            now = utcnow()
            rows = [
                dict(
                    event_id=event.id,
                    client_id=uuid.uuid4().hex,
                    kind="question",
                    text=text,
                    text_folded=fold(text),  # as submission stores it
                    author="",
                    unit="",
                    addressee="",
                    meta_folded="",
                    device_id="",
                    status="pending",
                    reject_reason="",
                    version=1,
                    created_at=now,
                    updated_at=now,
                )
                for text in texts
            ]
            db.session.execute(insert(Question.__table__), rows)
            db.session.commit()
            db.session.expire_all()
            started = time.perf_counter()
            groups = duplicate_groups(event, 90)
            elapsed = time.perf_counter() - started
            db.session.remove()
            db.engine.dispose()
        return {"dup_questions": n, "dup_groups": len(groups), "dup_group_s": elapsed}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def met(result):
    return result.get("dup_group_s") is not None and result["dup_group_s"] < TARGET_S


def lines(result):
    """The report's lines for the grouping, its target read from the number shown."""
    seconds = result.get("dup_group_s")
    shown = "—" if seconds is None else f"{seconds:.2f}"
    return [
        f"duplicate grouping: {result.get('dup_questions', '—')} questions → {result.get('dup_groups', '—')} groups "
        f"in {shown} s",
        f"target: grouping of 10,000 questions < {TARGET_S:.0f} s: {'met' if met(result) else 'MISSED'}",
    ]


if __name__ == "__main__":
    print("\n".join(lines(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000))))
