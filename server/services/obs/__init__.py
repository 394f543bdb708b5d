"""OBS control: supervised obs-websocket connections per event, control-room actions
(``actions.py``), the declared commands (``commands.py``), scene packs.

Public surface: ``ObsManager`` (one connection per event), ``ObsConnection``, ``ObsSettings``,
``ObsError`` (machine code + lazy translated message, one mapping to ``ServiceError``),
``load_scene_pack``/``apply_scene_pack``. No Flask request objects here.
"""

from .connection import ObsConnection
from .errors import ObsError, ObsFatalError
from .manager import ObsManager
from .scene_pack import apply_scene_pack, load_scene_pack, overlay_inputs
from .settings import ObsSettings, settings_for_event
from .state import empty_state, mask_key

__all__ = [
    "ObsConnection",
    "ObsError",
    "ObsFatalError",
    "ObsManager",
    "ObsSettings",
    "apply_scene_pack",
    "empty_state",
    "load_scene_pack",
    "mask_key",
    "overlay_inputs",
    "settings_for_event",
]
