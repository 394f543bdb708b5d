"""The overview's command: every active event at a glance, for the crew chief's wall. Bound to
REST (``GET /api/v1/overview``) by the command registry (``server/services/commands.py``)."""

from server.services.commands import command
from server.services.obs.runtime import obs_runtime
from server.services.overview import overview
from server.services.restream.relay import restream_runtime


@command(
    "core.overview",
    roles=("crew",),
    http="GET /overview",
    endpoint="overview",
    why_no_socket="a /crew socket belongs to one event and the overview spans them all; "
    "the wall polls this cheap endpoint every 2 s",
)
def overview_all(call, data):
    """``{"events": [tile, ...]}``: OBS (the one on air, with its ``side``), stream, record, fan
    pages, sites, questions, current item."""
    return {"events": overview(obs_runtime().side_state, restream_runtime().status)}
