"""File answers for downloads (exports, reports, chapters): one attachment response, never cached."""

from flask import Response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def attachment(body, mimetype, filename):
    """``body`` as a download named ``filename``; ``no-store``: exports carry names and private answers."""
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )
