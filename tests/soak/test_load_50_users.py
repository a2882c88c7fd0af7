"""Soak: 50 users for two minutes against gunicorn on PostgreSQL with the national sample.

Needs DATABASE_URL pointing at PostgreSQL (`scripts/with-postgres.sh make soak`); skipped on
SQLite. Zero errors required; the p95 per page is printed for the README/benchmarks.
"""

from __future__ import annotations

import json

import pytest

from etl import db, load, sample
from tests.conftest import ON_POSTGRES
from tests.integration.test_serving import gunicorn, loadtest

pytestmark = [
    pytest.mark.soak,
    pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL on PostgreSQL"),
]


def test_soak_50_users_two_minutes(db_url, tmp_path, monkeypatch):
    monkeypatch.setenv(load.ARCHIVE_ENV, str(tmp_path / "archive"))
    engine = db.make_engine(db_url)
    db.init_db(engine)
    load.load_paths(engine, sample.write_sample(tmp_path / "in", scale="national"))
    engine.dispose()
    for base in gunicorn(db_url, workers=5):
        report = loadtest.run(base, users=50, duration=120, max_requests=200_000, seed=50)
    print(json.dumps(report, indent=2))
    assert report["errors"] == 0, report["error_samples"]
