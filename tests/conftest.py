"""Shared fixtures: a fresh, initialised warehouse per test on the engine under test.

The suite runs on SQLite by default. With DATABASE_URL pointing at PostgreSQL (see
`make test-pg`), every test gets its own schema on that server instead, so the same tests
prove the same behaviour on both engines.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from sqlalchemy import Engine, create_engine, text

from etl import db

PG_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = PG_URL.startswith("postgresql")


def _postgres_schema_url() -> Iterator[str]:
    schema_name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema_name}"'))
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options={quote(f'-csearch_path={schema_name}')}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema_name}" CASCADE'))
    admin.dispose()


@pytest.fixture
def db_url(tmp_path) -> Iterator[str]:
    """URL of an empty warehouse (no tables yet) on the engine under test."""
    if ON_POSTGRES:
        yield from _postgres_schema_url()
    else:
        yield f"sqlite:///{tmp_path / 'warehouse.db'}"


@pytest.fixture
def engine(db_url) -> Iterator[Engine]:
    """An initialised warehouse: tables created, the 1,892 districts loaded."""
    eng = db.make_engine(db_url)
    db.init_db(eng)
    yield eng
    eng.dispose()
