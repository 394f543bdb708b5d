"""The media worker process, seen from the server: ``run(fn, *args)`` runs one job of
``server/services/media/render.py`` (or another CPU-heavy job: the question themes' clustering)
in a separate process and returns its result.

- One worker process (``ProcessPoolExecutor(max_workers=1)``, ``spawn`` context: no fork of a
  monkey-patched server), created on first use, capped in memory (``RLIMIT_AS``) by its initializer.
- Jobs run one at a time (a lock); the caller polls the future with the async mode's own sleep,
  so under eventlet or gevent the hub keeps serving while a job runs.
- A job past its time limit gets the worker killed (a new one is started on the next job) and a
  422 ``media_timeout``; a crash (out of memory in C code) gives ``media_invalid``; a refusal
  (``MediaRefused``) becomes its translated 422.
"""

import logging
import multiprocessing
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l

from server.services.errors import ServiceError
from server.services.media import render
from server.services.media.render import MediaRefused

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_S = 30.0
DEFAULT_MEMORY_MB = 1536
POLL_S = 0.01

MESSAGES = {
    "image_too_large": lambda p: _l("Ảnh quá lớn (tối đa %(mp)s megapixel).", mp=p.get("mp", 40)),
    "pdf_too_many_pages": lambda p: _l("PDF có quá nhiều trang (tối đa %(n)s trang).", n=p.get("n", 300)),
    "pdf_page_shape": lambda p: _l(
        "Trang %(page)s của PDF quá dài hoặc quá hẹp để trình chiếu.", page=p.get("page", "?")
    ),
    "media_timeout": lambda p: _l("Xử lý tệp quá lâu, đã dừng. Hãy thử tệp nhỏ hơn."),
    "media_invalid": lambda p: _l("Tệp hỏng hoặc không đọc được."),
}

_lock = threading.Lock()  # green under eventlet/gevent (monkey-patched), real under threading
_pool = None


def _config(key, default):
    return current_app.config.get(key, default) if has_app_context() else default


def _executor():
    global _pool
    if _pool is None:
        memory = int(_config("MEDIA_WORKER_MEMORY_MB", DEFAULT_MEMORY_MB)) * 1024 * 1024
        _pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=render.init_worker,
            initargs=(memory,),
        )
    return _pool


def restart():
    """Kill the worker (a stuck or broken job); the next job starts a new one."""
    global _pool
    pool, _pool = _pool, None
    if pool is None:
        return
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            process.kill()
        except Exception:  # already gone
            pass
    pool.shutdown(wait=False, cancel_futures=True)


def _sleep(seconds):
    try:
        from server.extensions import socketio

        socketio.sleep(seconds)  # eventlet.sleep / gevent.sleep / time.sleep by async mode
    except Exception:
        time.sleep(seconds)


def refusal(code, **params):
    """The translated 422 of a refusal code (the file's name first when known)."""
    if code not in MESSAGES:
        code = "media_invalid"
    message = MESSAGES[code](params)
    if params.get("name"):
        message = _l("%(name)s: %(reason)s", name=params["name"], reason=message)
    return ServiceError(code, message, status=422, **params)


def run(fn, *args, timeout=None):
    """Run ``fn(*args)`` in the worker; its result, or a 422 ``ServiceError``."""
    timeout = float(timeout if timeout is not None else _config("MEDIA_JOB_TIMEOUT_S", DEFAULT_TIMEOUT_S))
    with _lock:
        future = _executor().submit(fn, *args)
        deadline = time.monotonic() + timeout
        while not future.done():
            if time.monotonic() > deadline:
                log.warning("media job %s timed out after %.1f s: worker restarted", fn.__name__, timeout)
                restart()
                raise refusal("media_timeout")
            _sleep(POLL_S)
        try:
            return future.result()
        except MediaRefused as exc:
            raise refusal(exc.code, **exc.params) from None
        except BrokenProcessPool:
            log.warning("media worker died during %s: restarted", fn.__name__)
            restart()
            raise refusal("media_invalid") from None
        except MemoryError:
            raise refusal("image_too_large", mp=render.MAX_IMAGE_PIXELS // 1_000_000) from None
        except Exception:
            log.exception("media job %s failed", fn.__name__)
            raise refusal("media_invalid") from None
