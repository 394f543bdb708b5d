"""Seeding the demo congress on first start (an empty database), idempotently.

Creates the admin account, the two demo events with their agendas, 442 bridge points
for the forum (one per commune) and 19 district halls for the plenary, and a few
documents. Running it again on a seeded database changes nothing.
"""
import logging
import os
import secrets
import sys
from datetime import datetime, timedelta, timezone

from flask import current_app

from server.extensions import db
from server.models.agenda import AgendaItem
from server.models.document import Document, DocumentVersion
from server.models.event import Event
from server.models.site import Site
from server.models.user import User
from server.services.demo import data as demo_data
from server.services.accounts.users import create_user
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
        print(f"\n  Bridgecast: tài khoản quản trị / admin account: admin / {password}\n", file=sys.stdout, flush=True)


def seed_demo():
    today = datetime.now(VN_TZ).date()
    plenary = _event(demo_data.EVENTS[0], today)
    forum = _event(demo_data.EVENTS[1], today)
    db.session.flush()
    _agenda(plenary, demo_data.PLENARY_AGENDA, today, 8)
    _agenda(forum, demo_data.FORUM_AGENDA, today, 14)
    _forum_sites(forum)
    _district_halls(plenary)
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
        db.session.add(AgendaItem(
            event_id=event.id, position=position, day=day, session=session, title=title,
            speaker_name=speaker, speaker_title=speaker_title, location=event.location,
            planned_start=start, duration_min=minutes, cue_scene=scene, cue_lower_third=lower_third,
        ))
        start += timedelta(minutes=minutes)


def _contact(i):
    return (f"{demo_data.CONTACT_SURNAMES[i % len(demo_data.CONTACT_SURNAMES)]} "
            f"{demo_data.CONTACT_GIVEN[(i * 7) % len(demo_data.CONTACT_GIVEN)]}")


def _forum_sites(event):
    n = 0
    for d_index, (district, code, count) in enumerate(demo_data.DISTRICTS):
        used = set()
        kind = "Phường" if district.startswith(("Thành phố", "Thị xã")) else "Xã"
        for i in range(count):
            stem = demo_data.COMMUNE_STEMS[(i + d_index * 5) % len(demo_data.COMMUNE_STEMS)]
            suffix = demo_data.COMMUNE_SUFFIXES[(i * 3 + d_index) % len(demo_data.COMMUNE_SUFFIXES)]
            commune = f"{kind} {stem} {suffix}"
            if commune in used:
                commune = f"{commune} {i + 1}"
            used.add(commune)
            db.session.add(Site(
                event_id=event.id, code=f"{code}-{i + 1:03d}", name=f"Điểm cầu {commune}",
                district=district, commune=commune, contact_name=_contact(n),
                phone=f"09{(12345678 + n * 7919) % 100000000:08d}", token=site_token(),
            ))
            n += 1


def _district_halls(event):
    for i, (district, code, _count) in enumerate(demo_data.DISTRICTS):
        db.session.add(Site(
            event_id=event.id, code=f"{code}-HT", name=f"Hội trường {district}",
            district=district, commune="", contact_name=_contact(i), phone=f"0237{3850000 + i * 17:07d}",
            token=site_token(),
        ))


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
        db.session.add(DocumentVersion(document_id=doc.id, number=1, filename=f"{title}.pdf",
                                       content_type="application/pdf", stored_path=path, size=size))


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
