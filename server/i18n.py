"""Language selection and message catalogs (Vietnamese first, English switch).

The locale comes from the user's explicit choice (``lang`` in the session, set by
``/lang/<code>``), then ``?lang=``, then ``Accept-Language``, then Vietnamese. Overlays
(``/overlay/...``, shown on air by OBS) are Vietnamese unless the URL says ``?lang=``: OBS's
browser language (often English) must not change what the audience reads.
"""

import os

from flask import request, session

HERE = os.path.dirname(__file__)
TRANSLATIONS = os.path.join(HERE, "translations")


def select_locale():
    from flask import current_app, has_request_context

    if not has_request_context():  # CLI commands, background tasks
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    if request.path.startswith("/overlay/"):
        asked = request.args.get("lang")
        return asked if asked in languages else current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.args.get("lang") or session.get("lang")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def compile_catalogs(force=False):
    """Compile every messages.po into messages.mo when the .mo is missing or older."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for lang in os.listdir(TRANSLATIONS):
        folder = os.path.join(TRANSLATIONS, lang, "LC_MESSAGES")
        po_path = os.path.join(folder, "messages.po")
        mo_path = os.path.join(folder, "messages.mo")
        if not os.path.exists(po_path):
            continue
        if not force and os.path.exists(mo_path) and os.path.getmtime(mo_path) >= os.path.getmtime(po_path):
            continue
        with open(po_path, "rb") as fh:
            catalog = read_po(fh, locale=lang)
        tmp = mo_path + ".tmp"
        with open(tmp, "wb") as fh:
            write_mo(fh, catalog)
        os.replace(tmp, mo_path)


def init_i18n(app, babel):
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", TRANSLATIONS)
    compile_catalogs()
    babel.init_app(app, locale_selector=select_locale)

    @app.before_request
    def _fresh_locale():
        # The locale is cached on the app context, which an outer context (a CLI command,
        # a test) may share across requests: decide it anew for every request.
        from flask_babel import refresh

        refresh()

    @app.context_processor
    def _inject_locale():
        from flask_babel import get_locale

        return {"current_locale": str(get_locale() or "vi")}
