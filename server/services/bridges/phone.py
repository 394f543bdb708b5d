"""What a site's phone is told about itself: its view, the crew's messages to it, its
incidents and the open roll call. Sent on joining ``/site`` (``site_hello``) and over HTTP
(``GET /api/v1/sites/<token>/state``) to a phone whose socket cannot connect."""

from flask import current_app

from server.services.bridges import incidents, messages, rollcall
from server.services.bridges.sites import site_self_view


def phone_state(site):
    return {
        "site": site_self_view(site),
        "heartbeat_s": current_app.config["HEARTBEAT_INTERVAL_S"],
        "messages": messages.for_site(site),
        "incidents": incidents.site_incidents(site),
        "roll_call": rollcall.site_state(site),
    }
