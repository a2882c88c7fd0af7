"""`GET /health`: is the warehouse reachable, and which load is it serving?

A plain Flask route (no Dash callback) for load balancers, systemd and monitoring:
200 `{"status": "ok", "carga": N}` (N = latest load id, null before the first load; it is
also the data version any per-process cache must be keyed by), or 503
`{"status": "error", "message": ...}` when the database cannot be queried.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import SQLAlchemyError

from etl import schema

PATH = "/health"
log = logging.getLogger(__name__)


def check(engine: Engine) -> int | None:
    """`SELECT 1`, then the latest load id; raises SQLAlchemyError when the database fails."""
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
        return conn.execute(select(func.max(schema.carga.c.id))).scalar()


def register(server: Flask, engine: Engine) -> None:
    """Add the /health route to the Flask server under the Dash app."""

    def health() -> tuple[Response, int]:
        try:
            carga = check(engine)
        except SQLAlchemyError as exc:
            # The first line only: no SQL, no parameters, no credentials in the answer.
            reason = (str(getattr(exc, "orig", None) or exc).splitlines() or ["?"])[0]
            log.warning("health check failed: %s", reason)
            body = {"status": "error", "message": f"database unreachable: {reason}"}
            return jsonify(body), 503
        return jsonify({"status": "ok", "carga": carga}), 200

    server.add_url_rule(PATH, endpoint="health", view_func=health, methods=["GET"])
