"""Bridge-point sockets that are not commands: what a newcomer is sent (a site phone its own
state as ``site_hello``, the counter overlay the counts) and the ``/site`` disconnect log.

The phone's and the crew's actions are commands (``server/services/bridges/commands.py``).
"""

from flask_socketio import emit

from server.realtime.guard import on_join
from server.realtime.session import connected_site
from server.services.bridges import presence
from server.services.bridges.counter import summary
from server.services.bridges.phone import phone_state
from server.services.lookups import event_or_404


@on_join("site")
def _site_hello(event_slug, context):
    presence.note_connect(context["site"])
    emit("site_hello", phone_state(context["site"]))


@on_join("overlay")
def _overlay_counts(event_slug, context):
    emit("site_counts", summary(event_or_404(event_slug)))


def _site_disconnect(*_args):
    site_id = connected_site()[0]
    if site_id:
        presence.note_disconnect(site_id)


def register(socketio):
    socketio.on_event("disconnect", _site_disconnect, namespace="/site")
