"""Alembic environment: migrate the warehouse that `etl.db` points at.

`etl.db.init_db` passes an open connection in `config.attributes["connection"]`; the
`alembic` command line (alembic.ini) falls back to `etl.db.database_url()`.
`render_as_batch=True` lets SQLite ALTER tables (Alembic copies the table and swaps it).
"""

from __future__ import annotations

from alembic import context

from etl import db, schema

config = context.config


def _configure_and_run(connection) -> None:
    """Run the migrations on an open connection, in one transaction."""
    context.configure(
        connection=connection,
        target_metadata=schema.metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Use the caller's connection when there is one, else open the configured warehouse."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection)
        return
    engine = db.make_engine(config.get_main_option("sqlalchemy.url") or None)
    with engine.connect() as conn:
        _configure_and_run(conn)
        conn.commit()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline (--sql) migrations are not supported: use `python -m etl init`.")
run_migrations_online()
