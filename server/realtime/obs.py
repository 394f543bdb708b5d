"""OBS over Socket.IO besides the commands: the full mirrored state sent to a newcomer on
``/crew``, and the standby OBS's view (``standby_state``). The commands (scenes, outputs, thumbnails...) live in
``server/services/obs/commands.py``; state diffs (``obs_state``) and thumbnails
(``obs_thumbnails``) are pushed by the OBS runtime (``server/services/obs/runtime.py``).
"""

from flask_socketio import emit

from server.realtime.guard import on_join
from server.services.obs.runtime import obs_runtime


@on_join("crew")
def send_obs_state(event_slug, context):
    """A newcomer on the crew namespace gets the full snapshot of the OBS on air at once."""
    side, state = obs_runtime().on_air_state(event_slug, fresh=True)
    emit("obs_state", {"event": event_slug, "diff": state, "full": True, "side": side})


@on_join("crew")
def send_standby_state(event_slug, context):
    """A newcomer on the crew namespace gets the standby OBS's view (``configured`` false
    without one)."""
    from server.services.standby.switch import view

    emit("standby_state", {"event": event_slug, **view(event_slug), "full": True})
