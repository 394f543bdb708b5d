"""Seeding the demo congress on first start (an empty database), idempotently.

Creates the admin account, the demo events with their agendas, and their bridge points, all
named from the official 2025 map: 442 commune points for the forum (four provinces), 19
commune halls for the plenary, and the national conference (``demo-national``): 34 provincial
bridges and 3,321 commune points relaying from their province's bridge, bulk-inserted with
Core ``insert()`` so a fresh start stays fast. Running it again on a seeded database changes
nothing.
"""

import logging
import os
import secrets
import sys
from datetime import UTC, datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import insert, select

from server.extensions import db
from server.models.agenda import AgendaItem
from server.models.document import Document, DocumentVersion
from server.models.event import Event
from server.models.site import Site
from server.models.user import User
from server.services.accounts.users import create_user
from server.services.bridges import gazetteer
from server.services.bridges.sites import unused_short_codes
from server.services.demo import data as demo_data
from server.services.tokens import short_code, site_token

log = logging.getLogger(__name__)
VN_TZ = timezone(timedelta(hours=7))


def ensure_demo(admin_password=None):
    """Seed when there are no events and no users; return True when it seeded."""
    has_admin = db.session.scalar(db.select(User.id).filter_by(role="admin").limit(1)) is not None
    if not has_admin:
        _create_admin(admin_password)
    if db.session.scalar(db.select(Event.id).limit(1)) is not None:
        return False
    seed_demo()
    return True


def _create_admin(password):
    printed = password is None
    password = password or secrets.token_urlsafe(12)
    create_user("admin", password, "admin", "Quản trị viên")
    if printed:
        # Printed once, on stdout, never logged.
        print(f"\n  Bridgecast: tài khoản quản trị / admin account: admin / {password}\n", file=sys.stdout, flush=True)  # noqa: T201


def seed_demo():
    today = datetime.now(VN_TZ).date()
    plenary = _event(demo_data.EVENTS[0], today)
    forum = _event(demo_data.EVENTS[1], today)
    national = _event(demo_data.EVENTS[2], today)
    db.session.flush()
    _agenda(plenary, demo_data.PLENARY_AGENDA, today, 8)
    _agenda(forum, demo_data.FORUM_AGENDA, today, 14)
    _agenda(national, demo_data.NATIONAL_AGENDA, today, 9)
    _forum_sites(forum)
    _commune_halls(plenary)
    _national_sites(national)
    _documents(plenary)
    db.session.commit()
    log.info("demo congress seeded")


def _event(spec, day):
    event = Event(slug=spec["slug"], name=spec["name"], kind=spec["kind"], location=spec["location"], starts_on=day)
    db.session.add(event)
    return event


def _agenda(event, rows, day, start_hour):
    start = datetime(day.year, day.month, day.day, start_hour, 0, tzinfo=VN_TZ)
    for position, (session, title, speaker, speaker_title, minutes, scene, lower_third) in enumerate(rows):
        db.session.add(
            AgendaItem(
                event_id=event.id,
                position=position,
                day=day,
                session=session,
                title=title,
                speaker_name=speaker,
                speaker_title=speaker_title,
                location=event.location,
                planned_start=start,
                duration_min=minutes,
                cue_scene=scene,
                cue_lower_third=lower_third,
            )
        )
        start += timedelta(minutes=minutes)


def _contact(i):
    return (
        f"{demo_data.CONTACT_SURNAMES[i % len(demo_data.CONTACT_SURNAMES)]} "
        f"{demo_data.CONTACT_GIVEN[(i * 7) % len(demo_data.CONTACT_GIVEN)]}"
    )


def _phone(n):
    return f"09{(12345678 + n * 7919) % 100000000:08d}"


def _site_row(event, code, name, province, commune, n, parent_id=None, group_name=""):
    return {
        "event_id": event.id,
        "code": code,
        "name": name,
        "province": province,
        "district": "",
        "commune": commune,
        "group_name": group_name,
        "parent_id": parent_id,
        "contact_name": _contact(n),
        "phone": _phone(n),
        "token": site_token(),
        "is_active": True,
        "state": "never_seen",
        "reported_state": "ok",
        "note": "",
        "created_at": datetime.now(UTC),
    }


def _insert(rows):
    """Many sites in one statement (Core executemany), inside the seeding transaction."""
    if rows:
        for row, code in zip(rows, unused_short_codes(rows[0]["event_id"], len(rows))):
            row["short_code"] = code
        db.session.execute(insert(Site), rows)


def _forum_sites(event):
    rows = []
    for province_name, prefix, count in demo_data.FORUM_PROVINCES:
        province = gazetteer.find_province(province_name)
        for i, ward in enumerate(gazetteer.communes_of(province)[:count]):
            rows.append(
                _site_row(event, f"{prefix}-{i + 1:03d}", f"Điểm cầu {ward.name}", province.name, ward.name, len(rows))
            )
    _insert(rows)


def _commune_halls(event):
    province = gazetteer.find_province(demo_data.PROVINCE)
    wards = gazetteer.communes_of(province)[:: demo_data.PLENARY_STEP][: demo_data.PLENARY_HALLS]
    _insert(
        [
            _site_row(event, f"HT-{i + 1:02d}", f"Hội trường UBND {ward.name}", province.name, ward.name, i)
            for i, ward in enumerate(wards)
        ]
    )


def _national_sites(event):
    """34 provincial bridges, then every commune of each, its parent the province's bridge."""
    provinces = gazetteer.provinces()
    _insert(
        [
            _site_row(event, f"T{int(p.code):02d}", f"Điểm cầu {p.name}", p.name, "", i, group_name=p.name)
            for i, p in enumerate(provinces)
        ]
    )
    parents = dict(db.session.execute(select(Site.code, Site.id).filter_by(event_id=event.id)).all())
    rows = []
    for province in provinces:
        parent_id = parents[f"T{int(province.code):02d}"]
        for ward in gazetteer.communes_of(province):
            rows.append(
                _site_row(
                    event,
                    f"X{int(ward.code):05d}",
                    f"Điểm cầu {ward.name}",
                    province.name,
                    ward.name,
                    len(rows) + 34,
                    parent_id=parent_id,
                    group_name=province.name,
                )
            )
    _insert(rows)


def _documents(event):
    folder = os.path.join(current_app.config["UPLOAD_FOLDER"], "documents")
    os.makedirs(folder, exist_ok=True)
    for position, title in enumerate(demo_data.DOCUMENTS):
        doc = Document(event_id=event.id, code=short_code(), title=title, position=position)
        db.session.add(doc)
        db.session.flush()
        filename = f"{doc.code}-v1.pdf"
        path = os.path.join(folder, filename)
        size = _write_demo_pdf(path, title, event.name)
        db.session.add(
            DocumentVersion(
                document_id=doc.id,
                number=1,
                filename=f"{title}.pdf",
                content_type="application/pdf",
                stored_path=path,
                size=size,
            )
        )


def _write_demo_pdf(path, title, subtitle):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from server.services.fonts import vietnamese_font

    font = vietnamese_font()
    pdf = canvas.Canvas(path, pagesize=A4)
    width, height = A4
    pdf.setFont(font, 18)
    pdf.drawCentredString(width / 2, height - 120, title)
    pdf.setFont(font, 11)
    pdf.drawCentredString(width / 2, height - 150, subtitle[:110])
    pdf.drawCentredString(width / 2, height - 180, "Tài liệu mẫu của bản trình diễn Bridgecast")
    pdf.showPage()
    pdf.save()
    return os.path.getsize(path)
