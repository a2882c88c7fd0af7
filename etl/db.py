"""Engines and warehouse set-up: one place that knows about SQLite versus PostgreSQL."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, func, select
from sqlalchemy.engine import make_url

from etl import reference, schema

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_URL = f"sqlite:///{DATA_DIR / 'warehouse.db'}"


def database_url(explicit: str | None = None) -> str:
    """The warehouse URL: explicit argument > DATABASE_URL > data/warehouse.db."""
    return explicit or os.environ.get("DATABASE_URL") or DEFAULT_URL


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Foreign keys are off by default in SQLite; WAL lets the dashboard read while a load
    # writes (readers see the last committed state, never a half-written load).
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str | None = None) -> Engine:
    """An engine for the warehouse at `url` (see database_url for the default)."""
    resolved = make_url(database_url(url))
    if resolved.get_backend_name() == "sqlite":
        if resolved.database and resolved.database != ":memory:":
            Path(resolved.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(resolved)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(resolved, pool_pre_ping=True)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def init_db(engine: Engine) -> None:
    """Create missing tables and fill the district reference if it is empty (idempotent)."""
    schema.metadata.create_all(engine)
    with engine.begin() as conn:
        count = conn.execute(select(func.count()).select_from(schema.distrito)).scalar_one()
        if count == 0:
            reference.load_districts(conn)
