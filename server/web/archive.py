"""Archive downloads for the crew: the chapter files of the current or last recording (plain
text for a fan page's description, FFmpeg metadata, WebVTT) and the as-run log (CSV, XLSX, PDF).
The JSON views and the mux are commands (``server/services/archive/commands.py``)."""

from flask import Blueprint, Response, request

from server.services.archive import asrun_export, chapters
from server.services.events import get_event
from server.web.files import attachment
from server.web.security import role_required

bp = Blueprint("archive", __name__)


@bp.get("/events/<slug>/recording/chapters/download")
@role_required("crew")
def chapters_download(slug):
    """?format=text|ffmetadata|vtt"""
    file = chapters.export(get_event(slug), request.args.get("format", "text"))
    return attachment(file["content"].encode("utf-8"), file["mimetype"], file["filename"])


AS_RUN = {
    "csv": (asrun_export.to_csv, "text/csv; charset=utf-8"),
    "xlsx": (asrun_export.to_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pdf": (asrun_export.to_pdf, "application/pdf"),
}


@bp.get("/events/<slug>/as-run.<fmt>")
@role_required("crew")
def as_run_download(slug, fmt):
    event = get_event(slug)
    if fmt not in AS_RUN:
        return Response(status=404)
    build, mimetype = AS_RUN[fmt]
    return attachment(build(event), mimetype, f"as-run-{event.slug}.{fmt}")
