"""Who got an answer: per bridge point (name, code, commune, province) and per province, how many
questions were asked, aired, answered in writing, still pending, rejected and overdue — as data
(the ``questions.accountability`` command, the console page) and as an XLSX for people.

Every submission counts at the site it was sent from, merged ones included: a submission merged
into another question takes that question's outcome (its asker was merged in, ``QuestionLink``).
Aired: put on air or answered at the congress. Written: a written answer exists. Pending: neither,
and not rejected. Overdue: a written answer was due and has not come (whether aired or not).
"""

import io
from collections import Counter

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook

from server.extensions import db
from server.models.base import utcnow
from server.models.question import Question
from server.models.site import Site
from server.services.questions.export import local_time
from server.services.questions.outcomes import is_overdue, was_aired
from server.services.spreadsheets import append_row, dress_sheet
from server.services.text import vi_sort_key

COUNTS = ("asked", "aired", "written", "pending", "rejected", "overdue")
COUNT_HEADERS = {
    "asked": _l("Đã gửi"),
    "aired": _l("Đã lên sóng"),
    "written": _l("Đã trả lời bằng văn bản"),
    "pending": _l("Đang chờ"),
    "rejected": _l("Không chọn"),
    "overdue": _l("Quá hạn trả lời"),
}
NO_PROVINCE = _l("Chưa rõ tỉnh/thành")


def _tally(counter, item, now):
    counter["asked"] += 1
    aired, written = was_aired(item), bool(item.answer_text)
    counter["aired"] += aired
    counter["written"] += written
    if item.status == "rejected":
        counter["rejected"] += 1
    elif not (aired or written):
        counter["pending"] += 1
    counter["overdue"] += is_overdue(item, now)


def _zero():
    return dict.fromkeys(COUNTS, 0)


def report(event, now=None):
    """``{"generated_at", "totals", "public", "provinces", "sites"}`` (every site, asked or not)."""
    now = now or utcnow()
    questions = db.session.scalars(db.select(Question).where(Question.event_id == event.id)).all()
    by_id = {q.id: q for q in questions}
    per_site, public = {}, Counter()
    for q in questions:
        item = by_id.get(q.merged_into_id, q) if q.status == "merged" else q
        _tally(per_site.setdefault(q.site_id, Counter()) if q.site_id is not None else public, item, now)
    sites = db.session.scalars(db.select(Site).where(Site.event_id == event.id)).all()
    sites.sort(key=lambda s: (vi_sort_key(s.province), vi_sort_key(s.commune), vi_sort_key(s.name), s.code))
    site_rows, provinces = [], {}
    for site in sites:
        counts = {**_zero(), **per_site.get(site.id, {})}
        site_rows.append(
            {
                "id": site.id,
                "code": site.code,
                "name": site.name,
                "commune": site.commune,
                "district": site.district,
                "province": site.province,
                **counts,
            }
        )
        name = site.province or str(NO_PROVINCE)
        row = provinces.setdefault(name, {"province": name, "sites": 0, "sites_asked": 0, **_zero()})
        row["sites"] += 1
        row["sites_asked"] += counts["asked"] > 0
        for key in COUNTS:
            row[key] += counts[key]
    public_row = {**_zero(), **public}
    totals = {key: sum(r[key] for r in site_rows) + public_row[key] for key in COUNTS}
    totals.update(sites=len(site_rows), sites_asked=sum(1 for r in site_rows if r["asked"]), provinces=len(provinces))
    return {
        "generated_at": now.isoformat(),
        "totals": totals,
        "public": public_row,
        "provinces": sorted(provinces.values(), key=lambda r: vi_sort_key(r["province"])),
        "sites": site_rows,
    }


SITE_COLUMNS = (
    ("code", _l("Mã điểm cầu"), 14),
    ("name", _l("Điểm cầu"), 32),
    ("commune", _l("Xã/phường"), 22),
    ("district", _l("Quận/huyện"), 18),
    ("province", _l("Tỉnh/thành"), 20),
)
PROVINCE_COLUMNS = (
    ("province", _l("Tỉnh/thành"), 24),
    ("sites", _l("Số điểm cầu"), 12),
    ("sites_asked", _l("Điểm cầu đã gửi"), 14),
)
SUMMARY_LINES = (
    ("sites", _l("Số điểm cầu")),
    ("sites_asked", _l("Điểm cầu đã gửi câu hỏi")),
    ("provinces", _l("Số tỉnh/thành")),
    *((key, COUNT_HEADERS[key]) for key in COUNTS),
)


def _sheet(wb, title, columns, rows):
    ws = wb.create_sheet(str(title))
    append_row(ws, [str(h) for _, h, _w in columns] + [str(COUNT_HEADERS[k]) for k in COUNTS])
    for row in rows:
        append_row(ws, [row[k] for k, _h, _w in columns] + [row[k] for k in COUNTS])
    dress_sheet(ws, [w for _k, _h, w in columns] + [max(12, len(str(COUNT_HEADERS[k])) + 2) for k in COUNTS])


def to_xlsx(event, now=None):
    now = now or utcnow()
    data = report(event, now)
    wb = Workbook()
    summary = wb.active
    summary.title = str(_l("Tổng hợp"))
    append_row(summary, [str(_l("Chỉ tiêu")), str(_l("Số lượng"))])
    for key, label in SUMMARY_LINES:
        append_row(summary, [str(label), data["totals"][key]])
    append_row(summary, [str(_l("Gửi qua cổng công khai")), data["public"]["asked"]])
    append_row(summary, [str(_l("Sự kiện")), event.name])
    append_row(summary, [str(_l("Lập lúc (giờ Việt Nam)")), local_time(now).strftime("%H:%M %d/%m/%Y")])
    dress_sheet(summary, [34, 40])
    _sheet(wb, _l("Theo tỉnh, thành phố"), PROVINCE_COLUMNS, data["provinces"])
    _sheet(wb, _l("Theo điểm cầu"), SITE_COLUMNS, data["sites"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
