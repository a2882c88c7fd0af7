"""The warehouse schema and the district reference, on the engine under test."""

import pytest
from sqlalchemy import func, inspect, select

from etl import db, reference, schema


def test_sch001_every_table_is_created(engine):
    names = set(inspect(engine).get_table_names())
    assert {t.name for t in schema.metadata.sorted_tables} <= names


def test_sch002_districts_reference_is_complete(engine):
    with engine.connect() as conn:
        n_dist = conn.execute(select(func.count()).select_from(schema.distrito)).scalar_one()
        n_prov = conn.execute(select(func.count()).select_from(schema.provincia)).scalar_one()
        n_dep = conn.execute(select(func.count()).select_from(schema.departamento)).scalar_one()
    assert (n_dist, n_prov, n_dep) == (1892, 196, 25)


def test_sch003_codes_keep_leading_zero(engine):
    with engine.connect() as conn:
        row = conn.execute(
            select(schema.distrito.c.nombre, schema.distrito.c.departamento).where(
                schema.distrito.c.ubigeo == "010101"
            )
        ).one()
    assert row == ("Chachapoyas", "01")


def test_sch004_init_is_idempotent(engine):
    db.init_db(engine)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.distrito)).scalar_one() == 1892


def test_sch005_reference_has_coordinates_for_nearly_all():
    rows = reference.district_rows()
    with_coords = [r for r in rows if r["latitud"] and r["longitud"]]
    assert len(rows) == 1892
    assert len(with_coords) >= 1870
    for r in with_coords:
        assert -18.5 < float(r["latitud"]) < 0.1 and -81.5 < float(r["longitud"]) < -68.5


def test_sch006_sqlite_foreign_keys_are_enforced(tmp_path):
    eng = db.make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    with eng.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_sch007_database_url_priority(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite:///from-env.db")
    assert db.database_url("sqlite:///explicit.db") == "sqlite:///explicit.db"
    assert db.database_url() == "sqlite:///from-env.db"
    monkeypatch.delenv("DATABASE_URL")
    assert db.database_url().endswith("data/warehouse.db")


def test_sch008_outdated_warehouse_is_named_not_crashed(db_url):
    from sqlalchemy import text

    eng = db.make_engine(db_url)
    db.init_db(eng)
    with eng.begin() as conn:
        conn.execute(text("ALTER TABLE carga DROP COLUMN fecha_corte"))
    with pytest.raises(db.WarehouseOutdated, match=r"carga\.fecha_corte"):
        db.init_db(eng)
    eng.dispose()
