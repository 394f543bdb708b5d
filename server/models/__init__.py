"""SQLAlchemy models, one module per area. Importing this package registers them all."""

from server.models.agenda import AgendaItem, AgendaLive  # noqa: F401
from server.models.archive import AsRunEntry, RecordingChapter, RecordingSession  # noqa: F401
from server.models.audit import AuditEntry, LoginFailure  # noqa: F401
from server.models.destination import Destination  # noqa: F401
from server.models.document import Document, DocumentVersion  # noqa: F401
from server.models.event import Event  # noqa: F401
from server.models.question import (  # noqa: F401
    Question,
    QuestionAudit,
    QuestionLink,
    QuestionTag,
    QuestionTheme,
    QuestionUpvote,
)
from server.models.site import CrewMessage, RollCall, RollCallEntry, Site, SiteAlert, SiteChat, SiteIncident, SiteLog  # noqa: F401
from server.models.slides import Slide, SlideDeck  # noqa: F401
from server.models.user import ApiToken, User  # noqa: F401
