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

from dashboard import create_app, speed
from dashboard.config import Settings
from dashboard.security import StartupRefused
from etl import db


@lru_cache(maxsize=1)
def _app() -> Dash:
    """The process's one Dash app, configured from the environment (its start-up objects
    frozen: dashboard.speed.settle_heap)."""
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

    Refuses (exit 2, one message, no traceback) to serve for real without a secret key and
    an admin account: see README "Deploying for real"."""
    settings = Settings()
    db.init_db(db.make_engine(settings.database_url))
    try:
        app = create_app(settings)
    except StartupRefused as exc:
        print(str(exc), file=sys.stderr)
        return 2
    speed.settle_heap()
    app.run(host=settings.host, port=settings.port, debug=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
