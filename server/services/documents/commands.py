"""The documents area's commands: the staff's list of documents with their short links and QR
codes. Bound to REST (``/api/v1``) by the command registry (``server/services/commands.py``).

Links and QR codes use ``lookups.public_base_url``: a forged ``Host`` header never reaches them.
"""

from server.services.commands import command
from server.services.documents import library as documents
from server.services.lookups import public_base_url


@command(
    "documents.list",
    roles=("crew", "moderator"),
    http="GET /events/<slug>/documents",
    why_no_socket="a list read on demand (Stream Deck, scripts); no display follows documents live",
    endpoint="documents_get",
)
def documents_get(call, data):
    """The event's documents with their stable short link and QR code addresses."""
    base = public_base_url(call.host_url)
    return {"documents": [documents.document_to_dict(d, base) for d in documents.documents_of(call.event)]}
