"""The crew chief's wall (``/wall``): every active event as one tile, filled and kept current by
``static/js/wall.js`` polling ``GET /api/v1/overview`` (``server/services/overview``)."""

from types import SimpleNamespace

from flask import Blueprint, render_template

from server.web.security import role_required

bp = Blueprint("wall", __name__)

SLUG = "__slug__"  # the placeholder wall.js replaces with each event's slug in the tile links


@bp.get("/wall")
@role_required("crew")
def wall():
    """The page; the tiles arrive from the overview."""
    return render_template("wall/wall.html", slug_placeholder=SLUG, link_event=SimpleNamespace(slug=SLUG))
