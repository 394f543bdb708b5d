"""The OBS service inside the running app: one ``ObsManager`` per app, wired to Socket.IO.

Owns ``configure_obs(app)`` (creates the manager, registers the overlay-text sink and the
areas' current texts from ``native_texts.py``), the "on connected" hooks (after every
(re)connect the current overlay texts are pushed again), the output hooks (``on_output``: the
archive follows the record and stream states), ``connection_for(slug)`` (lazily
configures an event from its stored settings or the env default), broadcasting state diffs and
throttled audio levels to the event's crew room, "one OBS, one owner" (``binding.py``: an event
whose OBS belongs to another event gets no connection, no pushes and the
``obs_owned_by_other_event`` error), and the thumbnail loop (program/preview monitors as fast as
OBS comfortably answers, scene buttons about once a second, only while a panel watches). No request
objects: callers pass the event slug.

Standby OBS: an event may have a backup OBS (``Event.obs_backup_url``). It gets its own
supervised connection in a second manager (``backups``, same reconnect logic), the same native
texts and slide pushes as the primary (after each of its (re)connects too), and every program
scene change seen on the primary (a take through Bridgecast or in OBS itself) is mirrored to it.
Its record and stream changes reach the output hooks too (with ``side="backup"``).
Its link is broadcast as ``standby_state`` to the crew room; switching the ingest to it is the
standby area's job (``server/services/standby/``).

Which OBS is on air (``on_air``/``set_on_air``) is stored on the event (``Event.obs_on_air``), so
every process and a restarted one agree; each process keeps it a couple of seconds
(``ON_AIR_TTL_S``) for its hot paths, commands read it fresh. The control panel shows the OBS on
air: ``obs_state`` (full snapshots and diffs) and ``obs_thumbnails`` come from the on-air
connection and carry its ``side``; the other OBS's link stays in ``standby_state``
(``primary``/``backup``).

Scale-out: every process keeps its own supervised connection (OBS accepts several clients),
so any process answers commands and snapshots; state changes are broadcast by the event's
owner only (``ownership.runs_here``), and thumbnails go to the sockets that asked for them.
"""

import logging
import threading
import time

from flask import current_app

from server.extensions import socketio
from server.services import ownership
from server.services.broadcast import broadcast, send_to
from server.services.overlays.native_text import register_sink, unregister_sink

from . import binding
from .errors import ObsError, as_service_errors
from .manager import ObsManager
from .native_texts import plate_settings, register_native_texts
from .settings import ObsSettings, backup_settings_for_event, settings_for_event
from .state import empty_state

log = logging.getLogger(__name__)

THUMB_INTERVAL_S = 1.0  # scene buttons
ON_AIR_TTL_S = 2.0  # a switch made by another process is seen within this (commands read it fresh)
LINK_KEYS = ("status", "error", "program_scene", "stream")  # an OBS's link, as the standby panel shows it
THUMB_WIDTH = 320
MONITOR_WIDTH = 960  # program/preview monitors
MONITOR_MIN_S = 0.2  # monitors refresh at most 5 times a second...
MONITOR_LOAD = 3  # ...and leave OBS at least twice the time a screenshot took
WATCH_TTL_S = 12.0  # a panel re-announces what it watches every few seconds
MAX_THUMBS = 12


def _default_settings(app):
    url = app.config.get("OBS_URL")
    if not url:
        return None
    try:
        return ObsSettings.from_url(url, app.config.get("OBS_PASSWORD") or "")
    except ValueError:
        log.warning("BRIDGECAST_OBS_URL is not a ws://host:port URL; ignoring it")
        return None


class ObsRuntime:
    """Per-app OBS glue: the manager, who watches thumbnails, the thumbnail task."""

    def __init__(self, app):
        self.app = app
        self.manager = ObsManager(
            self._on_change,
            spawn=socketio.start_background_task,
            sleep=socketio.sleep,
            default_settings=_default_settings(app),
            connection_options=app.config.get("OBS_CONNECTION_OPTIONS"),
            on_meters=self._on_meters,
        )
        self.backups = ObsManager(  # the standby OBS of the events that have one
            self._on_backup_change,
            spawn=socketio.start_background_task,
            sleep=socketio.sleep,
            connection_options=app.config.get("OBS_CONNECTION_OPTIONS"),
        )
        self._on_air = {}  # slug -> (side on air, monotonic time read): Event.obs_on_air, cached
        self._watchers = {}  # slug -> {watcher id: (scenes, expires_at)}
        self._on_connected = []  # fn(event) -> [(source, text or settings)], see native_texts.py
        self._on_output = []  # fn(slug, diff, side) when a record or stream section changed (owner only)
        self._lock = threading.Lock()
        self._thumb_task = False

    # state -> crew room -----------------------------------------------------------------
    def _on_change(self, slug, diff):
        # Every process mirrors OBS (commands and snapshots are answered locally); only the
        # event's owner broadcasts the changes, or each panel would get them once per process.
        if ownership.runs_here(slug):
            if self.on_air(slug) == "primary":  # the panel shows the OBS on air
                broadcast("obs_state", {"event": slug, "diff": diff, "side": "primary"}, slug, "crew")
            link = {k: diff[k] for k in LINK_KEYS if k in diff}
            if link and self.backups.peek(slug) is not None:  # the standby panel keeps the primary's link
                broadcast("standby_state", {"event": slug, "primary": link}, slug, "crew")
            if diff.get("status") == "connected":
                socketio.start_background_task(self._push_after_connect, slug)
            self._outputs_changed(slug, diff, "primary")
            if diff.get("program_scene") and self.backups.peek(slug) is not None and self.on_air(slug) == "primary":
                socketio.start_background_task(self._mirror_after_change, slug)

    def on_output(self, hook):
        """Register ``hook(slug, diff, side)``, called (in the event's owner process, on the OBS
        connection's thread) whenever the mirrored ``record`` or ``stream`` section of the
        primary (``side`` "primary") or the standby OBS ("backup") changes, whichever is on air;
        the archive keeps recording sessions and the as-run log from it."""
        self._on_output.append(hook)
        return hook

    def _outputs_changed(self, slug, diff, side):
        if "record" not in diff and "stream" not in diff:
            return
        for hook in list(self._on_output):
            try:
                hook(slug, diff, side)
            except Exception:
                log.exception("OBS output hook failed for %s (%s)", slug, side)

    def _on_backup_change(self, slug, diff):
        """The standby's link (and what it shows) to the crew, and its whole state to the panel
        while it is on air; after it (re)connects it gets the current texts and the primary's
        program scene."""
        if not ownership.runs_here(slug):
            return
        if self.on_air(slug) == "backup":
            broadcast("obs_state", {"event": slug, "diff": diff, "side": "backup"}, slug, "crew")
        watched = {k: diff[k] for k in LINK_KEYS if k in diff}
        if watched:
            broadcast("standby_state", {"event": slug, "backup": watched}, slug, "crew")
        self._outputs_changed(slug, diff, "backup")
        if diff.get("status") == "connected":
            socketio.start_background_task(self._push_after_backup_connect, slug)
        elif diff.get("program_scene") and self.on_air(slug) == "backup":
            socketio.start_background_task(self._mirror_after_change, slug)

    def _push_after_backup_connect(self, slug):
        try:
            self.push_current_texts(slug, backup=True)
            self.mirror_program(slug)
        except Exception:  # a background task: report, never raise into the hub
            log.exception("OBS %s: bringing the standby OBS up to date failed", slug)

    def _mirror_after_change(self, slug):
        try:
            self.mirror_program(slug)
        except Exception:
            log.exception("OBS %s: mirroring the program scene to the standby OBS failed", slug)

    def mirror_program(self, slug):
        """Put the on-air OBS's program scene on the other one (the standby, or the primary while
        the standby is on air), when both are connected and it has that scene; returns the
        scene set, else None."""
        primary, backup = self._driven(slug), self._driven_backup(slug)
        if primary is None or backup is None:
            return None
        source, target = (backup, primary) if self.on_air(slug) == "backup" else (primary, backup)
        scene = source.state["program_scene"]
        state = target.state
        if not scene or scene == state["program_scene"] or scene not in state["scenes"]:
            return None
        try:
            target.set_program_scene(scene)
        except ObsError as err:
            log.info("OBS %s: the other OBS did not take %s (%s)", slug, scene, err.code)
            return None
        return scene

    # which OBS is on air ------------------------------------------------------------------
    def on_air(self, slug, fresh=False):
        """``"primary"`` or ``"backup"``: the event's ``obs_on_air`` (written by the standby
        switch, server/services/standby/; "primary" without a standby), as read at most
        ``ON_AIR_TTL_S`` ago, or now (``fresh``)."""
        cached = self._on_air.get(slug)
        now = time.monotonic()
        if not fresh and cached is not None and now - cached[1] < ON_AIR_TTL_S:
            return cached[0]
        side = self._read_on_air(slug, cached[0] if cached is not None else "primary")
        self._on_air[slug] = (side, now)
        return side

    def _read_on_air(self, slug, fallback):
        from sqlalchemy.exc import SQLAlchemyError

        from server.extensions import db
        from server.models.event import Event

        try:  # its own app context (and session): callable from the OBS threads and inside requests
            with self.app.app_context():
                row = db.session.execute(db.select(Event.obs_on_air, Event.obs_backup_url).filter_by(slug=slug)).first()
        except SQLAlchemyError as err:  # the database away: keep what was known
            log.warning("OBS %s: which OBS is on air could not be read (%s)", slug, type(err).__name__)
            return fallback
        return "backup" if row is not None and row.obs_backup_url and row.obs_on_air == "backup" else "primary"

    def set_on_air(self, slug, side):
        """Store ``side`` as the OBS on air (committed, in the caller's session) and keep it."""
        from server.extensions import db
        from server.services.lookups import event_or_404

        side = "backup" if side == "backup" else "primary"
        event = event_or_404(slug)
        event.obs_on_air = side
        db.session.commit()
        self._on_air[slug] = (side, time.monotonic())

    def forget_on_air(self, slug):
        """Read the on-air side again on next use (its settings changed)."""
        self._on_air.pop(slug, None)

    def on_air_state(self, slug, fresh=False):
        """``(side, state)``: the mirrored state of the OBS on air, what the control panel shows
        (the standby's, even while it is down: the panel must not show the other OBS's picture)."""
        side = self.on_air(slug, fresh=fresh)
        if side == "backup" and self.backup_for(slug) is None:
            side = "primary"
        return side, self.side_state(slug, side)

    def side_state(self, slug, side):
        """The mirrored state of one OBS of the event (``side`` "backup": the standby's; the
        primary's when the event has no standby)."""
        if side == "backup":
            conn = self.backup_for(slug)
            if conn is not None:
                return conn.state
        return self.state(slug)

    def broadcast_on_air_state(self, slug):
        """The on-air OBS's full state to the event's crew room (after a switch or new settings)."""
        side, state = self.on_air_state(slug, fresh=True)
        broadcast("obs_state", {"event": slug, "diff": state, "full": True, "side": side}, slug, "crew")

    def connection_on_air(self, slug):
        """The connection the crew's commands drive: the primary's, or the standby's while it
        is on air (obs_not_configured / the primary's errors otherwise, as ``connection_for``)."""
        if self.on_air(slug, fresh=True) == "backup":
            self.refuse_if_not_owner(slug)
            conn = self.backup_for(slug)
            if conn is not None:
                return conn
        return self.connection_for(slug)

    def _on_meters(self, slug, levels):
        # already throttled per connection (~10/s); the owner alone sends them on
        if ownership.runs_here(slug):
            broadcast("obs_meters", {"event": slug, "levels": levels}, slug, "crew")

    # after every (re)connect: the overlay texts OBS must show now --------------------------
    def on_connected(self, hook):
        """Register ``hook(event) -> [(source name, text or input settings dict)]``, pushed after
        every (re)connect."""
        self._on_connected.append(hook)
        return hook

    def current_texts(self, slug):
        """Every hook's current texts for the event (a failing hook is logged and skipped)."""
        from server.services.errors import ServiceError
        from server.services.lookups import event_or_404

        with self.app.app_context():
            try:
                event = event_or_404(slug)
            except ServiceError:
                return []
            texts = []
            for hook in list(self._on_connected):
                try:
                    texts.extend(hook(event))
                except Exception:
                    log.exception("OBS on-connected hook %s failed for %s", getattr(hook, "__name__", hook), slug)
            return texts

    def _push_after_connect(self, slug):
        try:
            self.push_current_texts(slug)
        except Exception:  # a background task: report, never raise into the hub
            log.exception("OBS %s: pushing the current texts after connect failed", slug)

    def push_current_texts(self, slug, backup=False):
        """Set every registered source to its current text (a str) or settings (a dict, e.g. the
        slide image's file); returns how many were set. A source this OBS does not have (no
        scene pack) is skipped. ``backup``: to the standby OBS instead of the primary."""
        conn = self._driven_backup(slug) if backup else self._driven(slug)
        if conn is None:
            return 0
        pushed = 0
        for source, value in self.current_texts(slug):
            try:
                if isinstance(value, dict):
                    conn.set_input_settings(source, value)
                else:
                    conn.set_text(source, value or "")
                pushed += 1
            except ObsError as err:
                log.info("OBS %s: text source %s not set (%s)", slug, source, err.code)
        return pushed

    # one OBS, one owner -------------------------------------------------------------------
    def other_owner(self, slug):
        """The event owning this event's OBS when it is another one (see ``binding.py``)."""
        return binding.other_owner(slug, self.manager.default_settings, self.app)

    def refuse_if_not_owner(self, slug):
        """obs_owned_by_other_event when another event owns the OBS; a connection this event
        kept from before (the owner changed) is closed."""
        try:
            binding.refuse_if_not_owner(slug, self.manager.default_settings, self.app)
        except ObsError:
            self.manager.remove(slug)
            raise

    def _driven(self, slug):
        """The connected connection this event may push to, else None (down, or not the owner)."""
        conn = self.manager.peek(slug)
        if conn is None or not conn.connected or self.other_owner(slug) is not None:
            return None
        return conn

    def _driven_backup(self, slug):
        """The connected standby connection this event may push to, else None."""
        conn = self.backups.peek(slug)
        if conn is None or not conn.connected or self.other_owner(slug) is not None:
            return None
        return conn

    # connections -------------------------------------------------------------------------
    def connection_for(self, slug):
        """The event's supervised connection (configured on first use), obs_not_configured, or
        obs_owned_by_other_event when another event owns that OBS."""
        self.refuse_if_not_owner(slug)
        conn = self.manager.peek(slug)
        if conn is not None:
            return conn
        from server.services.events import get_event

        with self.app.app_context():
            event = get_event(slug)
            settings = settings_for_event(event) if event.obs_url else self.manager.default_settings
        conn = self.manager.configure(slug, settings)
        if conn is None:
            raise ObsError("obs_not_configured")
        return conn

    def state(self, slug):
        try:
            return self.connection_for(slug).state
        except ObsError as err:
            if err.code == "obs_owned_by_other_event":
                return owned_state(err)
            return self.manager.state(slug)

    def reconfigure(self, event):
        """Apply an event's new settings now (also clears a 4009/4011 stop)."""
        settings = settings_for_event(event) if event.obs_url else self.manager.default_settings
        if self.other_owner(event.slug) is None:
            self.manager.configure(event.slug, settings)
        else:
            self.manager.remove(event.slug)
        self.configure_backup(event)
        self.forget_on_air(event.slug)
        self.broadcast_on_air_state(event.slug)
        broadcast(
            "standby_state",
            {"event": event.slug, "backup": self.backup_state(event.slug), "primary": self.link_state(event.slug)},
            event.slug,
            "crew",
        )

    # the standby OBS ----------------------------------------------------------------------
    def configure_backup(self, event):
        """(Re)configure, or remove, the event's standby connection from its settings."""
        settings = backup_settings_for_event(event)
        if settings is None or self.other_owner(event.slug) is not None:
            self.backups.remove(event.slug)
            return None
        return self.backups.configure(event.slug, settings)

    def backup_for(self, slug):
        """The event's standby connection (configured on first use), or None when it has none."""
        conn = self.backups.peek(slug)
        if conn is not None:
            return conn
        from server.services.events import get_event

        with self.app.app_context():
            return self.configure_backup(get_event(slug))

    def backup_state(self, slug):
        """The standby OBS's link and what it shows (no secrets); status not_configured without one."""
        conn = self.backup_for(slug)
        if conn is None:
            return {"status": "not_configured", "error": None, "program_scene": None, "stream": {"state": None}}
        state = conn.state
        return {k: state[k] for k in LINK_KEYS}

    def link_state(self, slug):
        """The primary OBS's link and what it shows, as ``backup_state`` (the standby panel)."""
        state = self.state(slug)
        return {k: state[k] for k in LINK_KEYS}

    def start_all(self):
        from server.services.events import active_events

        with self.app.app_context():
            events = [
                (e.slug, e.obs_url and settings_for_event(e))
                for e in active_events()
                if self.other_owner(e.slug) is None
            ]
        for slug, settings in events:
            self.manager.configure(slug, settings or None)
        with self.app.app_context():
            for event in active_events():
                if event.obs_backup_url:
                    self.configure_backup(event)

    # thumbnails ---------------------------------------------------------------------------
    def watch(self, slug, watcher, scenes):
        scenes = [s for s in scenes if isinstance(s, str) and 0 < len(s) <= 256][:MAX_THUMBS]
        with self._lock:
            self._watchers.setdefault(slug, {})[watcher] = (scenes, time.monotonic() + WATCH_TTL_S)
            start = not self._thumb_task
            self._thumb_task = True
        if start:
            socketio.start_background_task(self._thumb_loop)

    def unwatch(self, slug, watcher):
        with self._lock:
            self._watchers.get(slug, {}).pop(watcher, None)

    def watchers_of(self, slug):
        with self._lock:
            return list(self._watchers.get(slug, {}))

    def watched(self):
        """{slug: set of scenes} still watched (expired watchers dropped)."""
        now = time.monotonic()
        out = {}
        with self._lock:
            for slug, watchers in list(self._watchers.items()):
                for wid, (_scenes, expires) in list(watchers.items()):
                    if expires < now:
                        del watchers[wid]
                if not watchers:
                    del self._watchers[slug]
                    continue
                out[slug] = set().union(*(set(s) for s, _ in watchers.values()))
        return out

    def _thumb_loop(self):
        """One loop per process, so never more than one screenshot in flight per source: the
        program/preview monitors as fast as OBS answers (bounded by MONITOR_MIN_S and
        MONITOR_LOAD × the time OBS took), the scene buttons about once a second."""
        next_thumbs = 0.0
        try:
            while True:
                watched = self.watched()
                if not watched:
                    return
                started = time.monotonic()
                scenes_due = started >= next_thumbs
                if scenes_due:
                    next_thumbs = started + THUMB_INTERVAL_S
                for slug, scenes in watched.items():
                    self._thumbs_for(slug, scenes if scenes_due else ())
                took = time.monotonic() - started
                socketio.sleep(max(MONITOR_MIN_S, took * MONITOR_LOAD))
        finally:
            with self._lock:
                self._thumb_task = False
            if self.watched():  # a watcher arrived while we were leaving
                with self._lock:
                    restart = not self._thumb_task
                    self._thumb_task = True
                if restart:
                    socketio.start_background_task(self._thumb_loop)

    def _thumbs_for(self, slug, scenes):
        side = self.on_air(slug)  # the monitors show the OBS on air
        conn = self.backups.peek(slug) if side == "backup" else self.manager.peek(slug)
        if conn is None or not conn.connected:
            return
        state = conn.state
        monitors = [s for s in (state["program_scene"], state["preview_scene"]) if s]
        wanted = [s for s in scenes if s in state["scenes"]][:MAX_THUMBS]
        try:
            images = conn.screenshots(wanted, width=THUMB_WIDTH) if wanted else {}
            big = conn.screenshots(monitors, width=MONITOR_WIDTH, quality=70) if monitors else {}
        except ObsError:
            return
        # to this process's watchers only (a sid is a room): no copies from other processes
        payload = {
            "event": slug,
            "side": side,
            "images": images,
            "monitors": {
                "program": big.get(state["program_scene"]),
                "preview": big.get(state["preview_scene"]),
                "program_scene": state["program_scene"],
                "preview_scene": state["preview_scene"],
            },
        }
        for watcher in self.watchers_of(slug):
            send_to("obs_thumbnails", payload, watcher, "crew")

    # overlay text sink --------------------------------------------------------------------
    def push_text(self, slug, source_name, text):
        """The text (and its plate) to the primary OBS and to the standby one; True when the
        primary took it (a standby that fails is logged, never in the primary's way)."""
        self._to_backup(slug, lambda conn: self._set_text(slug, conn, source_name, text))
        conn = self._driven(slug)
        if conn is None:
            return False
        self._set_text(slug, conn, source_name, text)
        return True

    def _set_text(self, slug, conn, source_name, text):
        conn.set_text(source_name, text)
        for plate, settings in plate_settings(source_name, text):  # hidden while the text is empty
            try:
                conn.set_input_settings(plate, settings)
            except ObsError as err:
                log.info("OBS %s: plate %s not set (%s)", slug, plate, err.code)

    def push_settings(self, slug, source_name, settings):
        """Input settings (e.g. the slide image's ``file``) to a source, when this event drives
        a connected OBS (the standby OBS too); False otherwise."""
        self._to_backup(slug, lambda conn: conn.set_input_settings(source_name, settings))
        conn = self._driven(slug)
        if conn is None:
            return False
        conn.set_input_settings(source_name, settings)
        return True

    def _to_backup(self, slug, fn):
        conn = self._driven_backup(slug)
        if conn is None:
            return
        try:
            fn(conn)
        except ObsError as err:
            log.info("OBS %s: the standby OBS did not take a text or setting (%s)", slug, err.code)


def owned_state(err):
    """The mirrored state of an event whose OBS another event owns: no OBS, the reason why."""
    state = empty_state()
    state["status"] = "owned_by_other_event"
    state["error"] = err.describe()
    state["owner"] = err.details.get("owner")
    return state


_sink = None


def configure_obs(app):
    """Create the app's OBS runtime; its supervisors start with ``start_background_services``."""
    global _sink
    runtime = ObsRuntime(app)
    app.extensions["obs"] = runtime
    if _sink is not None:  # one sink per process: the latest app's (tests build many apps)
        unregister_sink(_sink)
    _sink = register_sink(runtime.push_text)
    register_native_texts(runtime)
    return runtime


def obs_runtime(app=None):
    return (app or current_app).extensions["obs"]


def run_command(slug, fn, side="primary"):
    """Run ``fn(connection)`` for an event (``side="backup"``: its standby OBS; ``"on_air"``: the
    one on air); an ObsError becomes its ServiceError."""
    runtime = obs_runtime()
    with as_service_errors():
        if side == "on_air":
            return fn(runtime.connection_on_air(slug))
        if side == "backup":
            conn = runtime.backup_for(slug)
            if conn is None:
                raise ObsError("obs_not_configured")
            return fn(conn)
        return fn(runtime.connection_for(slug))
