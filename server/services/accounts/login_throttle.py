"""Login throttling that a stranger cannot turn against an account's owner.

Every login attempt takes a token from two kinds of bucket in the shared rate limiter
(``server/services/ratelimit.py``; in Redis when the app has one, so every process counts):

- ``login:acct:<username>|<address>`` — one account tried from one address
  (``LOGIN_RATE_ACCOUNT_ADDRESS``), and
- ``login:addr:<address>`` — everything from one address (``LOGIN_RATE_ADDRESS``, password
  spraying over many usernames).

Each setting is a list of ``"N/S"`` rules, tightest first: a few quick tries, then one now and
then; a longer window with a slower refill makes the wait grow the longer the guessing goes on.
A refused attempt answers 429 with ``Retry-After``; nothing is locked, so the right password
from another address always works. A successful login gives its tokens back. Unknown usernames
are counted exactly like real ones (the answers do not reveal which accounts exist).
Wrong passwords are kept a day in ``login_failures`` for the admin page (attempts refused
while throttled too, at most ``NOTE_RULE`` per address, so a flood does not flood the table).
"""

from datetime import timedelta

from flask_babel import lazy_gettext as _l

from server.extensions import db
from server.models.audit import LoginFailure
from server.models.base import utcnow
from server.services import ratelimit
from server.services.errors import ServiceError

KEEP = timedelta(hours=24)
NOTE_RULE = ratelimit.Rule.parse("10/60")  # refused-while-throttled attempts recorded per address


def _rules(value):
    if isinstance(value, str):
        value = [part for part in value.split(",") if part.strip()]
    return [ratelimit.Rule.parse(part.strip() if isinstance(part, str) else part) for part in value]


def _checks(config, username, address):
    who = f"{username}|{address}"
    return [(f"login:acct:{who}:{i}", rule) for i, rule in enumerate(_rules(config["LOGIN_RATE_ACCOUNT_ADDRESS"]))] + [
        (f"login:addr:{address}:{i}", rule) for i, rule in enumerate(_rules(config["LOGIN_RATE_ADDRESS"]))
    ]


def begin(config, username, address):
    """Take this attempt's tokens, or raise ServiceError("rate_limited", status=429, retry_after)."""
    allowed, wait = ratelimit.check_all(_checks(config, username, address))
    if not allowed:
        if ratelimit.limiter().hit(f"login:note:{address}", NOTE_RULE)[0]:  # a flood writes a few rows, not all
            note_failure(username, address, throttled=True)
        raise ServiceError(
            "rate_limited",
            _l("Đăng nhập sai nhiều lần. Hãy chờ %(seconds)s giây rồi thử lại.", seconds=wait),
            status=429,
            retry_after=wait,
        )


def succeeded(config, username, address):
    """The right password: give back what the attempt took."""
    lim = ratelimit.limiter()
    for key, rule in _checks(config, username, address):
        lim.refund(key, rule)


def note_failure(username, address, throttled=False):
    """Keep a refused login for the admin page (and forget those older than a day)."""
    now = utcnow()
    row = LoginFailure(username=(username or "")[:80], address=(address or "")[:64], throttled=throttled, at=now)
    db.session.add(row)
    db.session.flush()
    if row.id % 100 == 0:  # prune now and then, not on every failure
        db.session.execute(db.delete(LoginFailure).where(LoginFailure.at < now - KEEP))
    db.session.commit()


def recent_failures(hours=24, limit=20):
    """Failed-login bursts: ``[{username, address, count, throttled, last}]``, most failures first."""
    since = utcnow() - timedelta(hours=hours)
    count = db.func.count(LoginFailure.id)
    rows = db.session.execute(
        db.select(
            LoginFailure.username,
            LoginFailure.address,
            count,
            db.func.sum(db.case((LoginFailure.throttled, 1), else_=0)),
            db.func.max(LoginFailure.at),
        )
        .where(LoginFailure.at >= since)
        .group_by(LoginFailure.username, LoginFailure.address)
        .order_by(count.desc(), db.func.max(LoginFailure.at).desc())
        .limit(limit)
    ).all()
    return [
        {"username": u, "address": a, "count": n, "throttled": int(t or 0), "last": last} for u, a, n, t, last in rows
    ]
