"""One OBS, one owner: which event may drive an OBS when several events point at the same one.

The rule (stateless, no binding to forget): an OBS is identified by its ``ws://host:port`` URL
(the event's own ``obs_url``, else ``BRIDGECAST_OBS_URL``); among the *active* events configured
with the same URL, the oldest one (lowest id) owns it. Every other event is refused with
``obs_owned_by_other_event`` naming the owner: no commands, no connection, no native text, slide
or clock pushes. To hand the OBS over, deactivate the owning event or point one of the two at
another OBS (docs/operations.md, "One OBS, one owner").
"""

from dataclasses import dataclass

from flask import has_app_context

from .errors import ObsError
from .settings import ObsSettings


@dataclass(frozen=True)
class Owner:
    slug: str
    name: str


def _url(obs_url, default):
    if obs_url:
        try:
            return ObsSettings.from_url(obs_url).url
        except ValueError:
            return None
    return default.url if default is not None else None


def owner_of(slug, default=None):
    """The ``Owner`` of the OBS the event ``slug`` is configured with, or None (no OBS, unknown
    event). Needs an app context (reads the events)."""
    from server.extensions import db
    from server.models.event import Event

    rows = db.session.execute(
        db.select(Event.id, Event.slug, Event.name, Event.obs_url).where(Event.is_active.is_(True)).order_by(Event.id)
    ).all()
    mine = next((r for r in rows if r.slug == slug), None)
    if mine is None:
        return None
    url = _url(mine.obs_url, default)
    if url is None:
        return None
    first = next(r for r in rows if _url(r.obs_url, default) == url)
    return Owner(first.slug, first.name)


def other_owner(slug, default=None, app=None):
    """The owner when it is another event (this one must not drive the OBS), else None."""
    if not has_app_context() and app is not None:
        with app.app_context():
            return other_owner(slug, default)
    owner = owner_of(slug, default)
    return owner if owner is not None and owner.slug != slug else None


def refuse_if_not_owner(slug, default=None, app=None):
    """Raise ``obs_owned_by_other_event`` (naming the owner) when another event owns the OBS."""
    owner = other_owner(slug, default, app)
    if owner is not None:
        raise ObsError("obs_owned_by_other_event", detail=owner.name, owner=owner.slug)
