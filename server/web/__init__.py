"""Blueprints. Every module of this package (and of ``server.web.api``) that defines a
module-level ``bp`` Blueprint is registered, so an area adds a module and nothing else.
"""
import importlib
import pkgutil

from flask import Blueprint


def _modules(package_name):
    package = importlib.import_module(package_name)
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        yield importlib.import_module(f"{package_name}.{info.name}")


def register_blueprints(app):
    from server.web.errors import register_error_handlers
    from server.web.nav import init_nav

    register_error_handlers(app)
    init_nav(app)
    for module in _modules("server.web"):
        bp = getattr(module, "bp", None)
        if isinstance(bp, Blueprint):
            app.register_blueprint(bp)
    # api package: its modules attach routes to the one /api/v1 blueprint.
    from server.web.api import api_bp, load_api_modules

    load_api_modules()
    app.register_blueprint(api_bp)
