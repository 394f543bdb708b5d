"""Static assets for slow networks: a build directory made at start-up in the instance folder,
served by WhiteNoise in front of the app.

Each file of ``static/`` is copied twice: under its own name (old links keep working, short
cache) and under a content-hashed name (``site-phone.3f9a1c2b7d.js``, cached for a year,
``immutable``). JavaScript import specifiers (``/static/...`` and relative ones, static and
dynamic ``import()``) are rewritten to the hashed names, dependencies first, so a module's
hash changes when anything it imports changes. Text files get ``.gz`` and ``.br`` siblings,
which WhiteNoise serves to browsers that accept them. ``url_for('static', filename=...)``
answers the hashed name (``app.url_defaults``); ``module_preloads(entry)`` lists the hashed
URLs of an entry module's whole import graph for ``<link rel="modulepreload">``, so a phone on
3G fetches the graph in one round trip instead of one per import level.

The build is skipped when the sources have not changed since the last one (a fingerprint of
names, sizes and modification times is kept in the manifest).
"""

import gzip
import hashlib
import json
import os
import posixpath
import re
import shutil

HASH_LEN = 10
TEXT_TYPES = (".js", ".css", ".html", ".svg", ".json", ".txt")  # not .map: only developers fetch those
IMPORT_RE = re.compile(r"""(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])([^"']+)\2""")
HASHED_RE = re.compile(rf"\.[0-9a-f]{{{HASH_LEN}}}\.[A-Za-z0-9]+$")
IMMUTABLE = "public, max-age=31536000, immutable"
MANIFEST = "manifest.json"


def _sources(static_dir):
    for root, _dirs, files in os.walk(static_dir):
        for name in sorted(files):
            path = os.path.join(root, name)
            yield os.path.relpath(path, static_dir).replace(os.sep, "/"), path


def fingerprint(static_dir):
    digest = hashlib.sha256()
    for rel, path in _sources(static_dir):
        stat = os.stat(path)
        digest.update(f"{rel}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def hashed_name(rel, content):
    stem, ext = posixpath.splitext(rel)
    return f"{stem}.{hashlib.sha256(content).hexdigest()[:HASH_LEN]}{ext}"


def _resolve(rel, spec):
    """The static-relative path an import specifier of ``rel`` points to, or None (a URL elsewhere)."""
    if spec.startswith("/static/"):
        return spec[len("/static/") :]
    if spec.startswith("./") or spec.startswith("../"):
        return posixpath.normpath(posixpath.join(posixpath.dirname(rel), spec))
    return None


class _Builder:
    """Hashes every file, JS modules after the modules they import."""

    def __init__(self, static_dir):
        self.static_dir = static_dir
        self.files = dict(_sources(static_dir))
        self.names = {}  # rel -> hashed rel
        self.contents = {}  # rel -> final bytes
        self.deps = {}  # rel -> static-relative modules it imports

    def run(self):
        for rel in self.files:
            self._build(rel, ())
        return self

    def _build(self, rel, stack):
        if rel in self.names or rel not in self.files:
            return
        with open(self.files[rel], "rb") as fh:
            content = fh.read()
        if rel.endswith(".js") and rel not in stack:
            content = self._rewrite_imports(rel, content, stack + (rel,))
        self.contents[rel] = content
        self.names[rel] = hashed_name(rel, content)

    def _rewrite_imports(self, rel, content, stack):
        text = content.decode("utf-8")
        deps = []

        def swap(match):
            target = _resolve(rel, match.group(3))
            if target is None or target not in self.files or target in stack:
                return match.group(0)
            self._build(target, stack)
            deps.append(target)
            return f"{match.group(1)}{match.group(2)}/static/{self.names[target]}{match.group(2)}"

        text = IMPORT_RE.sub(swap, text)
        self.deps[rel] = deps
        return text.encode("utf-8")


def _write(path, content):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(content)
    if path.endswith(TEXT_TYPES) and len(content) > 200:
        import brotli

        with open(path + ".gz", "wb") as fh:
            fh.write(gzip.compress(content, 9, mtime=0))
        with open(path + ".br", "wb") as fh:
            fh.write(brotli.compress(content, quality=11))


def build(static_dir, out_dir):
    """Build (or reuse) ``out_dir``; returns the manifest ``{"files": {rel: hashed}, "deps": {...}}``."""
    stamp = fingerprint(static_dir)
    manifest_path = os.path.join(out_dir, MANIFEST)
    try:
        with open(manifest_path, encoding="utf-8") as fh:
            manifest = json.load(fh)
        if manifest.get("fingerprint") == stamp:
            return manifest
    except (OSError, ValueError):
        pass
    builder = _Builder(static_dir).run()
    tmp = f"{out_dir}.{os.getpid()}.tmp"  # several processes may start at once
    shutil.rmtree(tmp, ignore_errors=True)
    for rel, content in builder.contents.items():
        _write(os.path.join(tmp, rel), content)
        _write(os.path.join(tmp, builder.names[rel]), content)
    manifest = {"fingerprint": stamp, "files": builder.names, "deps": builder.deps}
    with open(os.path.join(tmp, MANIFEST), "w", encoding="utf-8") as fh:
        json.dump(manifest, fh)
    shutil.rmtree(out_dir, ignore_errors=True)
    try:
        os.replace(tmp, out_dir)
    except OSError:  # another process put its identical build there first
        shutil.rmtree(tmp, ignore_errors=True)
    return manifest


def module_graph(manifest, entry):
    """Every module ``entry`` imports, directly or not (static-relative, dependencies first)."""
    seen, order = set(), []

    def visit(rel):
        for dep in manifest["deps"].get(rel, []):
            if dep not in seen:
                seen.add(dep)
                visit(dep)
                order.append(dep)

    visit(entry)
    return order


def _add_headers(headers, path, url):
    if HASHED_RE.search(url):
        headers["Cache-Control"] = IMMUTABLE
    else:
        headers["Cache-Control"] = "public, max-age=60"


def init_static(app):
    """Build the assets, serve them with WhiteNoise and make ``url_for('static')`` hash them."""
    if not app.config.get("STATIC_BUILD", True):
        app.jinja_env.globals["module_preloads"] = lambda entry: []
        return
    from flask import url_for
    from whitenoise import WhiteNoise

    out_dir = os.path.join(app.instance_path, "static-build")
    manifest = build(app.static_folder, out_dir)
    files = manifest["files"]
    app.config["STATIC_MANIFEST"] = manifest

    @app.url_defaults
    def _hashed_static(endpoint, values):
        if endpoint == "static" and values.get("filename") in files:
            values["filename"] = files[values["filename"]]

    def module_preloads(entry):
        return [url_for("static", filename=rel) for rel in module_graph(manifest, entry)]

    app.jinja_env.globals["module_preloads"] = module_preloads
    app.wsgi_app = WhiteNoise(
        app.wsgi_app, root=out_dir, prefix="static/", max_age=60, add_headers_function=_add_headers
    )
