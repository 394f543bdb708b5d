"""REST downloads that are files, not JSON (so not commands): the synthesis of an event's
proposals, opinions and questions (PDF, DOCX) and the accountability report (XLSX), for
moderators with a bearer token or a logged-in session, like every ``/api/v1`` route."""

from server.services.lookups import event_or_404
from server.services.questions import accountability, synthesis_docx, synthesis_pdf
from server.web.api import api_bp, token_required
from server.web.files import DOCX, XLSX, attachment


@api_bp.get("/events/<slug>/synthesis.pdf")
@token_required("moderator")
def synthesis_pdf_download(slug):
    """The synthesis for the drafting team, by theme, as a PDF."""
    event = event_or_404(slug)
    return attachment(synthesis_pdf.build_pdf(event), "application/pdf", f"synthesis-{event.slug}.pdf")


@api_bp.get("/events/<slug>/synthesis.docx")
@token_required("moderator")
def synthesis_docx_download(slug):
    """The same synthesis as an editable Word document."""
    event = event_or_404(slug)
    return attachment(synthesis_docx.build_docx(event), DOCX, f"synthesis-{event.slug}.docx")


@api_bp.get("/events/<slug>/accountability.xlsx")
@token_required("moderator")
def accountability_xlsx_download(slug):
    """The accountability report (summary, per province, per site) as XLSX."""
    event = event_or_404(slug)
    return attachment(accountability.to_xlsx(event), XLSX, f"accountability-{event.slug}.xlsx")
