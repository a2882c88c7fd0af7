"""`GET /health`: is the warehouse reachable, and which load is it serving?

A plain Flask route (no Dash callback) for load balancers, systemd and monitoring:
200 `{"status": "ok"}` or 503 `{"status": "degraded"}` when the database cannot be queried.
A logged-in account (and the local demo) also gets the latest load id (`"carga": N`, null
before the first load; the data version any per-process cache is keyed by) and, on failure,
the database's first error line; an anonymous caller learns nothing else (issue #19: the load
number, and PostgreSQL's host and port when it was down).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, Response, jsonify
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import SQLAlchemyError

from dashboard import urls
from etl import schema

PATH = urls.HEALTH
log = logging.getLogger(__name__)


def check(engine: Engine) -> int | None:
    """`SELECT 1`, then the latest load id; raises SQLAlchemyError when the database fails."""
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
        return conn.execute(select(func.max(schema.carga.c.id))).scalar()


def register(server: Flask, engine: Engine, detail: Callable[[], bool] = lambda: True) -> None:
    """Add the /health route to the Flask server under the Dash app (`detail`: whether this
    request may see the load id and the failure's reason)."""

    def health() -> tuple[Response, int]:
        try:
            carga = check(engine)
        except SQLAlchemyError as exc:
            # The first line only: no SQL, no parameters, no credentials in the answer.
            reason = (str(getattr(exc, "orig", None) or exc).splitlines() or ["?"])[0]
            log.warning("health check failed: %s", reason)
            body = {"status": "degraded"}
            if detail():
                body["message"] = f"database unreachable: {reason}"
            return jsonify(body), 503
        return jsonify({"status": "ok", "carga": carga} if detail() else {"status": "ok"}), 200

    server.add_url_rule(PATH, endpoint="health", view_func=health, methods=["GET"])
