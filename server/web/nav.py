"""The event navigation: every screen of an event, who sees it, in which order.

One table, read by the start page's event cards and by the navigation macro of every event
page (``templates/_macros.html``); each endpoint takes the event's ``slug``.
"""

from flask import url_for
from flask_babel import lazy_gettext as _l

# (roles, label, endpoint), in display order; admin sees everything.
EVENT_SCREENS = (
    (("crew",), _l("Điều khiển OBS"), "control.panel"),
    (("crew",), _l("Chương trình trực tiếp"), "agenda.panel"),
    (("admin",), _l("Sửa chương trình"), "agenda.edit"),
    (("moderator",), _l("Điều phối câu hỏi"), "questions.console"),
    (("moderator", "crew"), _l("Màn hình chủ tọa"), "questions.chair"),
    (("crew",), _l("Điểm cầu"), "bridges.board"),
    (("admin",), _l("Tài liệu & mã QR"), "documents.manage"),
    (("crew",), _l("Lớp phủ OBS"), "overlays.index"),
    (("admin",), _l("Quản lý điểm cầu"), "bridges.admin_sites"),
    (("crew", "moderator"), _l("Trang công khai"), "public_agenda.agenda"),
    (("admin",), _l("Kết nối OBS"), "obs_settings.edit"),
)


def links_for(user, event):
    """The screens of ``event`` this user may open, as ``{"label", "url", "endpoint"}``."""
    if user is None:
        return []
    return [
        {"label": str(label), "url": url_for(endpoint, slug=event.slug), "endpoint": endpoint}
        for roles, label, endpoint in EVENT_SCREENS
        if user.role == "admin" or user.role in roles
    ]


def init_nav(app):
    @app.context_processor
    def _inject_links():
        from server.identity import current_user  # per request, not at import

        return {"event_links": lambda event: links_for(current_user(), event)}
