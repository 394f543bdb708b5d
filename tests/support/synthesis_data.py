"""A crafted event for the synthesis and accountability tests: three sites named "Xã An Quang"
in different provinces (told apart only by their codes), merged askers, a written answer, an
overdue one, a rejection, a public submission and a site that asked nothing. The expected
numbers are worked out by hand in the tests from this description, not computed here."""

import itertools
from datetime import timedelta

from server.extensions import db
from server.models.base import utcnow
from server.models.question import Question, QuestionTheme
from server.models.site import Site
from server.services.questions import moderation as mod
from server.services.text import fold
from server.services.tokens import site_token

DANGER = "<script>alert(1)</script> =cmd|' /C calc'!A0"
FORMULA_NAME = '=HYPERLINK("http://x")'
_seq = itertools.count(1)


def make_site(event, code, name, province, commune=""):
    site = Site(
        event_id=event.id,
        code=code,
        name=name,
        province=province,
        commune=commune or name,
        token=site_token(),
    )
    db.session.add(site)
    db.session.commit()
    return site


def make_theme(event, label, terms=""):
    theme = QuestionTheme(event_id=event.id, label=label, terms=terms)
    db.session.add(theme)
    db.session.commit()
    return theme


def make_question(event, text, site=None, kind="question", theme=None, **fields):
    q = Question(
        event_id=event.id,
        client_id=f"syn-{next(_seq)}",
        kind=kind,
        text=text,
        text_folded=fold(text),
        site_id=site.id if site else None,
        theme_id=theme.id if theme else None,
        **fields,
    )
    db.session.add(q)
    db.session.commit()
    return q


def crafted(event):
    """The dataset; returns a dict of its sites, themes and questions by name."""
    now = utcnow()
    aq1 = make_site(event, "AQ-01", "Xã An Quang", "Tỉnh Quảng Ngãi")
    aq2 = make_site(event, "AQ-02", "Xã An Quang", "Tỉnh Hà Tĩnh")
    aq3 = make_site(event, "AQ-03", "Xã An Quang", "Tỉnh Đắk Lắk")
    ht = make_site(event, "HT-01", "Phường Hạc Thành", "Tỉnh Thanh Hóa")
    silent = make_site(event, "SL-01", FORMULA_NAME, "Tỉnh Thanh Hóa", commune="Xã Im Lặng")
    roads = make_theme(event, "Giao thông nông thôn", "đường, cầu, liên xã")
    health = make_theme(event, "Y tế cơ sở", "trạm y tế, bác sĩ")
    q1 = make_question(
        event,
        "Hiến kế: làm đường liên xã bằng vốn đối ứng của dân",
        ht,
        kind="proposal",
        theme=roads,
        status="approved",
        answer_owner="Sở Xây dựng",
        answer_due=now - timedelta(days=1),
    )
    q2 = make_question(event, "Khi nào làm đường liên xã An Quang?", aq1, theme=roads, status="approved")
    q3 = make_question(event, "Bao giờ làm đường liên xã?", aq2, theme=roads)
    q4 = make_question(event, "Đường liên xã bao giờ làm?", aq3, theme=roads)
    actor = mod.Actor(label="test")
    mod.merge(event.slug, actor, q2.id, [q3.id, q4.id])
    q2 = db.session.get(Question, q2.id)
    q2.answer_text, q2.answer_owner, q2.answer_at = "Quý III năm 2026 khởi công.", "Sở Giao thông vận tải", now
    q5 = make_question(
        event,
        "Trạm y tế xã thiếu bác sĩ",
        aq2,
        kind="opinion",
        theme=health,
        status="rejected",
        reject_reason="Ngoài phạm vi hội nghị",
    )
    q6 = make_question(event, DANGER, ht, theme=health)
    q7 = make_question(event, "Câu hỏi từ cổng công khai", None)
    q8 = make_question(event, "Hỏi về nước sạch", aq3, status="on_air", aired_at=now)
    db.session.commit()
    return {
        "sites": {"aq1": aq1, "aq2": aq2, "aq3": aq3, "ht": ht, "silent": silent},
        "themes": {"roads": roads, "health": health},
        "questions": {f"q{i}": q for i, q in enumerate((q1, q2, q3, q4, q5, q6, q7, q8), start=1)},
    }
