"""Data at rest on this machine: the database and uploads are readable by the server's user only.

``make_private(app)`` runs at start-up: it sets the process umask to ``077`` (so every file
and directory the server creates from then on — SQLite's database, its ``-wal``/``-shm``
files, uploads, rendered slides — is 0600/0700) and tightens what already exists: the instance
directory, the upload folder (recursively) and the SQLite files. ``PRIVATE_FILES = False``
turns it off (e.g. when another user, such as a web server, must read the upload folder).
"""

import logging
import os
import stat

log = logging.getLogger(__name__)

FILE_MODE = 0o600
DIR_MODE = 0o700


def _chmod(path, mode):
    try:
        if stat.S_IMODE(os.lstat(path).st_mode) != mode and not os.path.islink(path):
            os.chmod(path, mode)
    except FileNotFoundError:
        pass
    except OSError as exc:  # not ours (e.g. a mounted volume): say so, keep going
        log.warning("cannot make %s private: %s", path, exc.__class__.__name__)


def tighten_tree(root):
    """0700 for ``root`` and its directories, 0600 for its files."""
    if not os.path.isdir(root):
        return
    _chmod(root, DIR_MODE)
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            _chmod(os.path.join(folder, name), DIR_MODE)
        for name in files:
            _chmod(os.path.join(folder, name), FILE_MODE)


def sqlite_path(uri):
    """The file behind a ``sqlite:///`` URI, or None (memory, other databases)."""
    uri = str(uri or "")
    if not uri.startswith("sqlite:///"):
        return None
    path = uri[len("sqlite:///") :].split("?", 1)[0]
    return path if path and path != ":memory:" else None


def tighten_database(uri):
    path = sqlite_path(uri)
    if path:
        for suffix in ("", "-wal", "-shm", "-journal"):
            _chmod(path + suffix, FILE_MODE)


def make_private(app):
    if not app.config.get("PRIVATE_FILES", True):
        return
    os.umask(0o077)
    _chmod(app.instance_path, DIR_MODE)
    tighten_tree(app.config["UPLOAD_FOLDER"])
    tighten_database(app.config.get("SQLALCHEMY_DATABASE_URI"))
