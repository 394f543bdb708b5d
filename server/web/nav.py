"""Links to an event's screens on the start page, filtered by the user's role.

An area registers its screen once, at import: ``event_link("crew", lazy_label, "control.panel")``;
the endpoint takes the event's ``slug``.
"""
from flask import url_for

_LINKS = []


def event_link(roles, label, endpoint, order=50):
    """Show ``label`` linking to ``endpoint(slug=...)`` to users whose role is in ``roles``."""
    _LINKS.append({"roles": tuple(roles) if not isinstance(roles, str) else (roles,), "label": label,
                   "endpoint": endpoint, "order": order})
    _LINKS.sort(key=lambda link: link["order"])


def links_for(user, event):
    if user is None:
        return []
    out = []
    for link in _LINKS:
        if user.role == "admin" or user.role in link["roles"] or "any" in link["roles"]:
            out.append({"label": str(link["label"]), "url": url_for(link["endpoint"], slug=event.slug)})
    return out


def init_nav(app):
    @app.context_processor
    def _inject_links():
        from server.identity import current_user

        return {"event_links": lambda event: links_for(current_user(), event)}
