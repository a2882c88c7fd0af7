"""gunicorn settings for `make serve`: `gunicorn --config deploy/gunicorn.conf.py "app:server"`.

Environment: HOST, PORT (default 127.0.0.1:8050, loopback: put a reverse proxy in front to
expose it), WEB_CONCURRENCY (caps the workers), GUNICORN_TIMEOUT (seconds, default 60).
Each worker is a separate process with its own database engine (preload_app=False: a pool
shared across fork would hand the same socket to two processes). Caches, if any, are per
process and keyed by the data version (the latest carga id, also shown by /health).
"""

from __future__ import annotations

import multiprocessing
import os


def _int_env(name: str, default: int) -> int:
    """An integer from the environment, or the default when unset or not a number."""
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else default


def _workers() -> int:
    """2 × cores + 1, capped by WEB_CONCURRENCY when set."""
    cores = multiprocessing.cpu_count()
    return min(2 * cores + 1, _int_env("WEB_CONCURRENCY", 2 * cores + 1))


def on_starting(server) -> None:
    """Once, in the master before forking: bring the warehouse to the current schema."""
    from etl import db

    engine = db.make_engine()
    db.init_db(engine)
    _refuse_unsafe(engine)
    engine.dispose()


def _refuse_unsafe(engine) -> None:
    """Production without a secret key or an admin: stop here, with the reason, before any
    worker starts (the workers would refuse one by one)."""
    from dashboard.server.auth import AccountStore
    from dashboard.server.config import Settings
    from dashboard.server.security import StartupRefused, check_startup

    try:
        check_startup(Settings(), AccountStore(engine))
    except StartupRefused as exc:
        print(str(exc), flush=True)
        raise SystemExit(2) from None


bind = f"{os.environ.get('HOST', '127.0.0.1')}:{_int_env('PORT', 8050)}"
workers = _workers()
worker_class = "gthread"  # a slow page does not block the worker's other requests
threads = _int_env("GUNICORN_THREADS", 2)
preload_app = False
timeout = _int_env("GUNICORN_TIMEOUT", 60)  # a national page render takes a few seconds
graceful_timeout = 30
keepalive = 5
max_requests = 2000  # recycle workers now and then: bounds any slow memory growth
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
