"""Small factories for tests: events, users, sites (call inside an app context)."""

import itertools

from server.extensions import db
from server.models.event import Event
from server.models.site import Site
from server.services.accounts import users as accounts
from server.services.tokens import site_token

_seq = itertools.count(1)
PASSWORD = "correct-horse-battery"


def make_event(slug=None, name=None, kind="plenary"):
    n = next(_seq)
    event = Event(slug=slug or f"event-{n}", name=name or f"Sự kiện thử {n}", kind=kind)
    db.session.add(event)
    db.session.commit()
    return event


def make_user(role, username=None, password=PASSWORD):
    return accounts.create_user(username or f"{role}{next(_seq)}", password, role)


def make_site(event, code=None, district="Huyện Hoằng Hóa", name=None):
    n = next(_seq)
    site = Site(
        event_id=event.id,
        code=code or f"S-{n:03d}",
        name=name or f"Điểm cầu Xã {n}",
        district=district,
        commune=f"Xã {n}",
        token=site_token(),
    )
    db.session.add(site)
    db.session.commit()
    return site
