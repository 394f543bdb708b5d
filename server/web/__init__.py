"""The pages' blueprints, listed explicitly, and the ``/api/v1`` blueprint.

An area adds its page module to ``PAGE_MODULES`` and its REST-only helpers (if any) to
``server.web.api.API_MODULES``; the commands' REST routes are bound from the command registry.
"""

import importlib

PAGE_MODULES = (
    "home",
    "auth",
    "admin",
    "control",
    "obs_settings",
    "agenda",
    "public_agenda",
    "slides",
    "overlays",
    "documents",
    "bridges",
    "questions",
    "wall",
    "archive",
)


def register_blueprints(app):
    from server.web.api import api_bp, load_api_modules
    from server.web.errors import register_error_handlers
    from server.web.nav import init_nav

    register_error_handlers(app)
    init_nav(app)
    for name in PAGE_MODULES:
        app.register_blueprint(importlib.import_module(f"server.web.{name}").bp)
    load_api_modules()
    app.register_blueprint(api_bp)
