"""`python app.py`: serve the dashboard on HOST:PORT (default 127.0.0.1:8050), debug off.

`app:server` is the WSGI application for gunicorn (`make serve`, deploy/gunicorn.conf.py).
It is built on first access, not at import, so importing this module has no side effects
and each gunicorn worker (preload_app=False) builds its own app and database engine.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from typing import Any

from dash import Dash
from werkzeug.serving import WSGIRequestHandler

from dashboard import create_app
from dashboard.server import speed
from dashboard.server.auth import AccountStore
from dashboard.server.config import Settings
from dashboard.server.security import StartupRefused, check_startup
from etl import db

PRODUCTION_REFUSED = (
    "`python app.py` usa el servidor de desarrollo de Werkzeug y no sirve en producción "
    "(APP_ENV=production o una dirección que no es 127.0.0.1): use `make serve` (gunicorn, "
    "deploy/gunicorn.conf.py). / `python app.py` runs Werkzeug's development server and does "
    "not serve in production: use `make serve` (gunicorn)."
)


class QuietHandler(WSGIRequestHandler):
    """The development server without its version in a `Server:` header."""

    def version_string(self) -> str:
        return "tablero"


@lru_cache(maxsize=1)
def _app() -> Dash:
    """The process's one Dash app, configured from the environment (its start-up objects
    frozen: dashboard.server.speed.settle_heap)."""
    app = create_app(Settings())
    speed.settle_heap()
    return app


def __getattr__(name: str) -> Any:
    """`app.server` (the Flask app) and `app.app` (the Dash app), built on first use."""
    if name == "server":
        return _app().server
    if name == "app":
        return _app()
    raise AttributeError(name)


def main() -> int:
    """Upgrade the warehouse to the current schema, then build the app and serve it.

    Refuses (exit 2, one message, no traceback) to serve in production at all: that is
    gunicorn's job (`make serve`); the message also lists what gunicorn would miss (a secret
    key, an admin account). See README "Deploying for real"."""
    settings = Settings()
    engine = db.make_engine(settings.database_url)
    db.init_db(engine)
    if settings.production:
        print(PRODUCTION_REFUSED + _startup_problems(settings, engine), file=sys.stderr)
        return 2
    try:
        app = create_app(settings)
    except StartupRefused as exc:
        print(str(exc), file=sys.stderr)
        return 2
    speed.settle_heap()
    app.run(host=settings.host, port=settings.port, debug=False, request_handler=QuietHandler)
    return 0


def _startup_problems(settings: Settings, engine: Any) -> str:
    """What `make serve` would refuse too (said now, so both can be fixed at once)."""
    try:
        check_startup(settings, AccountStore(engine))
    except StartupRefused as exc:
        return "\n" + str(exc)
    return ""


if __name__ == "__main__":
    sys.exit(main())
