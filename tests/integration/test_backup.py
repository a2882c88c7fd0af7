"""`python -m etl backup` / `restore`: a round trip gives back every row, on both engines."""

from __future__ import annotations

import hashlib
import pickle

import pytest
from sqlalchemy import Engine, delete, func, select

from etl import backup, cli, db, load, sample, schema
from tests.conftest import ON_POSTGRES


def digest(engine: Engine) -> str:
    """A hash of every row of every table, in primary-key order."""
    h = hashlib.sha256()
    with engine.connect() as conn:
        for table in schema.metadata.sorted_tables:
            order = ", ".join(c.name for c in table.primary_key.columns)
            rows = conn.exec_driver_sql(f"SELECT * FROM {table.name} ORDER BY {order}").all()
            h.update(pickle.dumps((table.name, [tuple(r) for r in rows])))
    return h.hexdigest()


def pg_tools_missing() -> bool:
    """Whether pg_dump or pg_restore cannot be found (PATH or Debian's install)."""
    try:
        backup._pg_tool("pg_dump")
        backup._pg_tool("pg_restore")
    except backup.BackupError:
        return True
    return False


@pytest.fixture
def loaded(engine, db_url, tmp_path, monkeypatch) -> Engine:
    """The warehouse under test with the tiny sample loaded."""
    if ON_POSTGRES and pg_tools_missing():
        pytest.skip("pg_dump/pg_restore not on PATH nor in /usr/lib/postgresql/*/bin")
    monkeypatch.setenv(load.ARCHIVE_ENV, str(tmp_path / "archive"))
    load.load_paths(engine, sample.write_sample(tmp_path / "in", scale="tiny"))
    return engine


def test_bak001_round_trip_restores_every_row(loaded, db_url, tmp_path, capsys):
    before = digest(loaded)
    out = tmp_path / "copia.backup"
    assert cli.main(["backup", "--db", db_url, "--out", str(out)]) == 0
    assert out.stat().st_size > 0
    with loaded.begin() as conn:  # damage: a load's rejects and visits disappear
        conn.execute(delete(schema.rechazo))
        conn.execute(delete(schema.resumen_oc))
    assert digest(loaded) != before
    assert cli.main(["restore", "--db", db_url, str(out)]) == 2  # holds loads: refused
    assert "--force" in capsys.readouterr().err
    assert cli.main(["restore", "--db", db_url, "--force", str(out)]) == 0
    loaded.dispose()  # new connections see the restored file
    assert digest(loaded) == before


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite file specifics")
def test_bak002_restore_into_a_new_sqlite_file_needs_no_force(loaded, db_url, tmp_path):
    out = backup.backup(db_url, tmp_path / "copia.db")
    target = f"sqlite:///{tmp_path / 'nuevo' / 'warehouse.db'}"
    backup.restore(target, out)
    restored = db.make_engine(target)
    assert digest(restored) == digest(loaded)
    restored.dispose()


def test_bak003_restore_refuses_a_file_that_is_not_a_backup(engine, db_url, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(backup.BackupError):
        backup.restore(db_url, junk, force=True)
    with engine.connect() as conn:  # the warehouse is untouched
        assert conn.execute(select(func.count()).select_from(schema.distrito)).scalar() > 1800
    with pytest.raises(backup.BackupError, match="not found"):
        backup.restore(db_url, tmp_path / "missing.db")


def test_bak004_missing_pg_dump_is_a_clear_message(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(backup.shutil, "which", lambda _name: None)
    monkeypatch.setattr(backup.glob, "glob", lambda _pattern: [])
    url = "postgresql+psycopg://u@127.0.0.1:1/none"
    assert cli.main(["backup", "--db", url, "--out", str(tmp_path / "x")]) == 2
    assert "pg_dump not found" in capsys.readouterr().err


def test_bak005_search_path_of_the_url_limits_the_dump_to_that_schema():
    from sqlalchemy.engine import make_url

    url = make_url("postgresql+psycopg://atm:pw@db:5433/atm?options=-csearch_path%3Dt_1")
    assert backup._pg_args(url) == ["-h", "db", "-p", "5433", "-d", "atm", "-U", "atm", "-n", "t_1"]
