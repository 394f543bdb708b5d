"""The restream supervisor inside the running app: the ingest and one relay of pushers per event.

Owns ``restream_runtime()`` (created on first use, one per app: the nginx ingest and every
event's ``EventRelay``), starting/stopping one destination or all of an event's, the status
of each destination, the program feed of an event with a standby OBS (``program.py``: both
OBS in, the on-air one out as the stream the pushers read), broadcasting state changes to the event's crew room
(``broadcast("destinations", ...)``, stats throttled), and stopping every child process when
the server exits. One pusher per destination: a failing page restarts alone.

Scale-out note: pushers run in the process that received the start command, and their status
is that process's; run restreaming from one process (docs/crew-guide.md).
"""

import atexit
import logging
import os
import threading
import time

from flask import current_app
from flask_babel import lazy_gettext as _l

from server.extensions import socketio
from server.services.archive import observe as archive
from server.services.broadcast import broadcast
from server.services.errors import ServiceError

from . import destinations as dests
from .ingest import Ingest, IngestError
from .program import ProgramFeed
from .pusher import Pusher

log = logging.getLogger(__name__)

STATS_EVERY_S = 2.0  # bitrate/speed updates are broadcast at most this often per destination
STATE_FIELDS = {"state", "restarts", "last_error"}


class EventRelay:
    """The pushers of one event, by destination id."""

    def __init__(self, runtime, slug):
        self.runtime, self.slug = runtime, slug
        self.pushers = {}
        self._sent_at = {}
        self._lock = threading.Lock()

    def start(self, dest_id, target, key):
        """Push to one destination (restarted when its target changed); returns its status."""
        source = self.runtime.ingest.source_url(self.slug)
        with self._lock:
            pusher = self.pushers.get(dest_id)
            if pusher is not None and not pusher.aims_at(source, target):
                pusher.stop()
                pusher = None
            if pusher is None:
                pusher = self.runtime.make_pusher(dest_id, source, target, key, self._changed)
                self.pushers[dest_id] = pusher
        pusher.start()
        return pusher.snapshot()

    def stop(self, dest_id):
        with self._lock:
            pusher = self.pushers.get(dest_id)
        if pusher is not None:
            pusher.stop()
        return self.status(dest_id)

    def forget(self, dest_id):
        with self._lock:
            pusher = self.pushers.pop(dest_id, None)
        if pusher is not None:
            pusher.stop()

    def stop_all(self):
        with self._lock:
            pushers = list(self.pushers.values())
        for pusher in pushers:
            pusher.stop()

    def status(self, dest_id):
        pusher = self.pushers.get(dest_id)
        return pusher.snapshot() if pusher is not None else None

    def running(self, dest_id):
        pusher = self.pushers.get(dest_id)
        return pusher is not None and pusher.running

    def _changed(self, pusher, fields):
        if (fields.get("last_error") or {}).get("reason") == "source_unavailable":
            self.runtime.heal_ingest()
        now = time.monotonic()
        if not STATE_FIELDS & set(fields) and now - self._sent_at.get(pusher.dest_id, 0) < STATS_EVERY_S:
            return
        self._sent_at[pusher.dest_id] = now
        with self.runtime.app.app_context():
            status = dests.explain(pusher.snapshot())
            if STATE_FIELDS & set(fields):
                archive.destination_changed(self.runtime.app, self.slug, pusher.dest_id, status)
            payload = {"event": self.slug, "destination": {"id": pusher.dest_id, **status}}
            broadcast("destinations", payload, self.slug, "crew")


class RestreamRuntime:
    """Per-app restream glue: the ingest and the event relays."""

    def __init__(self, app):
        self.app = app
        cfg = app.config
        directory = cfg.get("RESTREAM_DIR") or os.path.join(app.instance_path, "restream")
        self.ingest = Ingest(
            directory,
            nginx=cfg.get("RESTREAM_NGINX", "nginx"),
            module=cfg.get("RESTREAM_NGINX_MODULE") or "/usr/lib/nginx/modules/ngx_rtmp_module.so",
            bind=cfg.get("RESTREAM_INGEST_BIND", "127.0.0.1"),
            port=int(cfg.get("RESTREAM_INGEST_PORT") or 0),
            public_host=cfg.get("RESTREAM_INGEST_HOST", "127.0.0.1"),
            sleep=socketio.sleep,
        )
        self.pusher_options = {
            "ffmpeg": cfg.get("RESTREAM_FFMPEG", "ffmpeg"),
            "backoff_initial": float(cfg.get("RESTREAM_BACKOFF_INITIAL", 1.0)),
            "backoff_max": float(cfg.get("RESTREAM_BACKOFF_MAX", 8.0)),
            "max_failures": int(cfg.get("RESTREAM_MAX_FAILURES", 50)),
        }
        self.relays = {}
        self.programs = {}  # slug -> ProgramFeed (events with a standby OBS)
        self._lock = threading.Lock()

    def relay(self, slug):
        with self._lock:
            return self.relays.setdefault(slug, EventRelay(self, slug))

    def program(self, slug, side="primary"):
        """The event's program feed, started (the ingest must run); ``side`` is on air first."""
        with self._lock:
            feed = self.programs.get(slug)
            if feed is None or feed.port != self.ingest.port:
                if feed is not None:
                    feed.stop()
                feed = self.programs[slug] = ProgramFeed(
                    slug,
                    self.ingest.port,
                    ffmpeg=self.pusher_options["ffmpeg"],
                    spawn=socketio.start_background_task,
                    sleep=socketio.sleep,
                    side=side,
                )
        feed.start()
        return feed

    def running_program(self, slug):
        """The event's program feed when it runs, else None."""
        feed = self.programs.get(slug)
        return feed if feed is not None and feed.running else None

    def stop_program(self, slug):
        with self._lock:
            feed = self.programs.pop(slug, None)
        if feed is not None:
            feed.stop()

    def make_pusher(self, dest_id, source, target, key, on_change):
        return Pusher(
            dest_id,
            source,
            target,
            key,
            on_change=on_change,
            spawn=socketio.start_background_task,
            sleep=socketio.sleep,
            **self.pusher_options,
        )

    def ensure_ingest(self):
        """Start the ingest if needed; 503 ``ingest_unavailable`` when nginx cannot run."""
        try:
            self.ingest.start()
        except IngestError as exc:
            log.error("restream ingest cannot start: %s", exc)
            raise ServiceError(
                "ingest_unavailable",
                _l("Không khởi động được điểm nhận luồng (nginx RTMP): %(detail)s", detail=str(exc)),
                status=503,
            ) from None
        return self.ingest

    def heal_ingest(self):
        """The ingest died under running pushers (they report ``source_unavailable``): start it
        again on the same port, so OBS's reconnect and the pushers' retries find it."""
        if self.ingest.running or self.ingest.port is None:
            return
        log.warning("restream ingest is down; restarting it on port %s", self.ingest.port)
        try:
            self.ingest.start()
        except IngestError as exc:
            log.error("restream ingest cannot restart: %s", exc)

    def status(self, slug, dest_id):
        relay = self.relays.get(slug)
        return relay.status(dest_id) if relay is not None else None

    def shutdown(self):
        for relay in list(self.relays.values()):
            relay.stop_all()
        for slug in list(self.programs):
            self.stop_program(slug)
        self.ingest.stop()


_create_lock = threading.Lock()


def restream_runtime(app=None):
    """The app's runtime (created on first use; its children are stopped at exit)."""
    app = app or current_app._get_current_object()
    runtime = app.extensions.get("restream")
    if runtime is None:
        with _create_lock:
            runtime = app.extensions.get("restream")
            if runtime is None:
                runtime = app.extensions["restream"] = RestreamRuntime(app)
                atexit.register(runtime.shutdown)
    return runtime
