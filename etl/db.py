"""Engines and warehouse set-up: one place that knows about SQLite versus PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, func, inspect, select
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


# A load writes ~0.5 M rows in one transaction: with SQLite's default 2 MB page cache, dirty
# pages spill to the WAL mid-transaction and are rewritten later. 256 MB keeps them in memory.
BULK_PRAGMAS = {"cache_size": "-262144", "temp_store": "MEMORY"}


@contextmanager
def bulk_pragmas(conn: Connection) -> Iterator[None]:
    """On SQLite, a large page cache and in-memory temp storage for the block; then restored.

    Set through the driver's cursor, so no SQLAlchemy transaction begins: open it around the
    load's transaction (`with engine.connect() as c, bulk_pragmas(c), c.begin():`) so the
    commit happens with the large cache and the old values come back afterwards.
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    cursor = conn.connection.cursor()
    old = {k: cursor.execute(f"PRAGMA {k}").fetchone()[0] for k in BULK_PRAGMAS}
    try:
        for k, v in BULK_PRAGMAS.items():
            cursor.execute(f"PRAGMA {k}={v}")
        yield
    finally:
        for k, v in old.items():
            cursor.execute(f"PRAGMA {k}={v}")
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


class WarehouseOutdated(RuntimeError):
    """The warehouse was made by an older version of this program and lacks columns."""


def missing_columns(engine: Engine) -> list[str]:
    """`table.column` of every schema column the existing warehouse does not have."""
    inspector = inspect(engine)
    existing = set(inspector.get_table_names())
    missing = []
    for table in schema.metadata.sorted_tables:
        if table.name in existing:
            have = {c["name"] for c in inspector.get_columns(table.name)}
            missing += [f"{table.name}.{c.name}" for c in table.columns if c.name not in have]
    return missing


def init_db(engine: Engine) -> None:
    """Create missing tables and fill the district reference if it is empty (idempotent)."""
    schema.metadata.create_all(engine)
    missing = missing_columns(engine)
    if missing:
        raise WarehouseOutdated(
            "El almacén fue creado por una versión anterior y le faltan columnas "
            f"({', '.join(missing[:5])}). Guarde una copia y vuelva a cargar los archivos "
            "archivados en un almacén nuevo. / The warehouse predates this version."
        )
    with engine.begin() as conn:
        count = conn.execute(select(func.count()).select_from(schema.distrito)).scalar_one()
        if count == 0:
            reference.load_districts(conn)
