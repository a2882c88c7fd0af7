"""Engines and warehouse set-up: one place that knows about SQLite versus PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, Table, create_engine, event, func, inspect, select, text
from sqlalchemy.dialects import postgresql, sqlite
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
        engine = create_engine(resolved, json_serializer=json_dumps)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(resolved, pool_pre_ping=True, json_serializer=json_dumps)


def json_dumps(value: Any) -> str:
    """JSON text of a column value with orjson: a national load writes ~200k JSON cells
    (score items, reasons), and the standard library's encoder was a tenth of the load.
    NumPy numbers are written as numbers; NaN as null (valid JSON, unlike json.dumps' NaN)."""
    options = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS
    return orjson.dumps(value, option=options, default=_json_default).decode()


def _json_default(value: Any) -> Any:
    """What orjson does not know: other NumPy scalars (np.bool_), pandas' NA."""
    if hasattr(value, "item"):
        return value.item()
    if value is None or value != value:  # pd.NA / NaT compare oddly; treat as missing
        return None
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dialect_insert(conn: Connection) -> Callable[[Table], Any]:
    """The dialect's insert (for on_conflict_*): SQLite or PostgreSQL."""
    return (sqlite if conn.dialect.name == "sqlite" else postgresql).insert


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
    """Bring the warehouse to the current schema, then fill the district reference if empty.

    A fresh warehouse is created from etl/schema.py and stamped at the newest migration; an
    older one is upgraded by the migrations in etl/migrations (pre-Alembic ones are
    recognised first, see `legacy_revision`). Idempotent, and cheap when already current.
    """
    migrate(engine)
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
        else:  # a warehouse made with an older reference (issue 17: own points, poverty)
            reference.refresh_districts(conn)


# ------------------------------------------------------------------ migrations (Alembic) ------

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BASELINE = "0001"  # the schema before carga.fecha_corte: what the first warehouses had
# Any PostgreSQL advisory-lock key shared by every process that migrates this warehouse.
_PG_LOCK_KEY = 727_001


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration in code; the migrations run on `connection` when given."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


@lru_cache(maxsize=1)
def head_revision() -> str:
    """The newest migration: the schema this code expects."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "etl/migrations has no revision"
    return head


def current_revision(conn: Connection) -> str | None:
    """The warehouse's migration, or None when it has no alembic_version table."""
    return MigrationContext.configure(conn).get_current_revision()


def legacy_revision(conn: Connection) -> str:
    """The migration a warehouse made before Alembic matches: what it has tells its age.

    Checked newest first (the chain in etl/migrations/versions): a warehouse created from
    etl/schema.py without a version table has every mark, and is the newest.
    """
    insp = inspect(conn)

    def columns(table: str) -> set[str]:
        return {c["name"] for c in insp.get_columns(table)} if insp.has_table(table) else set()

    marks = (
        ("0006_p16", lambda: insp.has_table("intercambio_alianza")),
        ("0005_i16", lambda: insp.has_table("intercambio_jass")),
        ("0004_i19", lambda: "sesion" in columns("usuario")),
        ("0004_i14", lambda: "grado_provisional" in columns("puntaje_oc")),
        ("0004_i17", lambda: "mapa" in columns("distrito")),
        ("0004_i15", lambda: insp.has_table("siasar_sistema")),
        (
            "0004_i18",
            lambda: (
                "ix_diagnostico_cp_codigo_oc"
                in {i["name"] for i in insp.get_indexes("diagnostico_cp")}
            ),
        ),
        ("0003", lambda: "cuenta" in columns("carga") and insp.has_table("usuario")),
        ("0002", lambda: "fecha_corte" in columns("carga")),
    )
    return next((revision for revision, present in marks if present()), BASELINE)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the migrations up to `revision` (tests build old warehouses with this)."""
    with engine.begin() as conn:
        _lock_for_migration(conn)
        command.upgrade(alembic_config(conn), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Undo migrations down to `revision` (for tests and for rolling a release back)."""
    with engine.begin() as conn:
        _lock_for_migration(conn)
        command.downgrade(alembic_config(conn), revision)


def migrate(engine: Engine) -> str:
    """Create, stamp or upgrade the warehouse to head; returns what it did (for messages).

    Reads the version first without locking (a running load must not block the dashboard);
    only when work is needed does it take the writer lock and look again, so several
    processes starting at once (gunicorn workers, a loader) migrate exactly once.
    """
    with engine.connect() as conn:
        if current_revision(conn) == head_revision():
            return "current"
    with engine.begin() as conn:
        _lock_for_migration(conn)
        return _migrate_locked(conn)


def _migrate_locked(conn: Connection) -> str:
    """migrate's work, inside the writer lock and one transaction."""
    revision = current_revision(conn)
    if revision == head_revision():
        return "current"
    cfg = alembic_config(conn)
    if revision is None and not _has_tables(conn):
        schema.metadata.create_all(conn)
        command.stamp(cfg, "head")
        return "created"
    if revision is None:
        command.stamp(cfg, legacy_revision(conn))
    command.upgrade(cfg, "head")
    return "upgraded"


def _has_tables(conn: Connection) -> bool:
    """Whether any warehouse table exists already (a pre-Alembic warehouse)."""
    existing = set(inspect(conn).get_table_names())
    return any(t.name in existing for t in schema.metadata.sorted_tables)


def _lock_for_migration(conn: Connection) -> None:
    """Serialise migrations: SQLite's write lock now, or a PostgreSQL transaction lock.

    On SQLite it also makes the DDL transactional: the driver issues no BEGIN before DDL,
    so without this a crash mid-migration could leave half a migration behind.
    """
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    elif conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
