"""Schema migrations (Alembic): history is explicit, old warehouses upgrade with every row kept.

Runs on SQLite and, under `make test-pg`, on PostgreSQL (the `db_url` fixture).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, func, insert, inspect, select, text

from etl import db, load, sample, schema

Rows = dict[str, list[tuple]]
# What migrations after the baseline added: columns (table.column) and tables.
LATER_COLUMNS = (
    "carga.fecha_corte",
    "carga.cuenta",
    # issue 17: the district reference's new columns
    "distrito.ubigeo_reniec",
    "distrito.pobreza_total_pct",
    "distrito.pobreza_extrema_pct",
    "distrito.idh_2019",
    "distrito.vulnerabilidad_alimentaria",
    "distrito.mapa",
    "distrito.contenedor_2007",
    "distrito.contenedor_fuente",
    # issue 14 (0004_i14)
    "meta.categorias_fuente",
    "puntaje_oc.grado_provisional",
    "puntaje_oc.motivo_provisional",
    "resumen_oc.grado_provisional",
    "resumen_oc.motivo_provisional",
    "resumen_oc.prioridad_base",
    "resumen_oc.poblacion_servida",
    "resumen_distrito.n_oc_provisional",
    "resumen_distrito.n_oc_ab_provisional",
    "cobertura.n_cp_cloro_vigente",
)
LATER_TABLES = (
    "usuario",
    "siasar_sistema",
    "siasar_componente",
    "siasar_vinculo",
    "siasar_calc",
    "siasar_discrepancia",
    # issue 16 (0005_i16)
    "intercambio_jass",
    "intercambio_sugerencia",
    "intercambio_atm",
    "intercambio_atm_par",
    # p16 (0006_p16)
    "intercambio_alianza",
)


@pytest.fixture(scope="module")
def tiny_rows(tmp_path_factory) -> Rows:
    """Every row of a warehouse loaded from the tiny sample, per table, sorted."""
    root = tmp_path_factory.mktemp("mig")
    engine = db.make_engine(f"sqlite:///{root / 'src.db'}")
    db.init_db(engine)
    load.load_paths(engine, sample.write_sample(root / "in", scale="tiny"))
    rows = snapshot(engine)
    engine.dispose()
    return rows


@pytest.fixture
def fresh(db_url) -> Iterator[Engine]:
    """An engine on an empty database (no tables) of the engine under test."""
    engine = db.make_engine(db_url)
    yield engine
    engine.dispose()


def snapshot(engine: Engine, drop: tuple[str, ...] = ()) -> Rows:
    """Rows of every schema table present, columns in schema order minus `drop`, sorted."""
    existing = set(inspect(engine).get_table_names())
    out = {}
    with engine.connect() as conn:
        for table in schema.metadata.sorted_tables:
            if table.name in existing:
                cols = [c for c in table.columns if f"{table.name}.{c.name}" not in drop]
                out[table.name] = sorted(conn.execute(select(*cols)).all(), key=repr)
    return out


def _baseline_columns(table) -> list[str]:
    return [c.name for c in table.columns if f"{table.name}.{c.name}" not in LATER_COLUMNS]


def fill_baseline(engine: Engine, rows: Rows) -> None:
    """Insert the rows into a warehouse at the baseline (without the later columns)."""
    with engine.begin() as conn:
        for table in schema.metadata.sorted_tables:
            if table.name in LATER_TABLES:
                continue
            cols = _baseline_columns(table)
            data = [dict(zip(cols, r, strict=True)) for r in rows[table.name]]
            if data:
                conn.execute(insert(table), data)


def strip_fecha_corte(rows: Rows) -> Rows:
    """The rows as the baseline schema holds them: carga without the later columns, and
    without the later tables."""
    out = {}
    for name, table_rows in rows.items():
        if name in LATER_TABLES:
            continue
        names = list(schema.metadata.tables[name].columns.keys())
        keep = [i for i, c in enumerate(names) if f"{name}.{c}" not in LATER_COLUMNS]
        out[name] = sorted((tuple(r[i] for i in keep) for r in table_rows), key=repr)
    return out


def revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return db.current_revision(conn)


def test_mig001_migrations_build_exactly_schema_py(fresh):
    """Every schema change is a migration: running them all gives etl/schema.py, no drift."""
    db.upgrade(fresh, "head")
    with fresh.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), schema.metadata)
    assert diff == []


def test_mig002_baseline_rows_survive_upgrade_to_head(fresh, tiny_rows):
    db.upgrade(fresh, db.BASELINE)
    assert "fecha_corte" not in {c["name"] for c in inspect(fresh).get_columns("carga")}
    old = strip_fecha_corte(tiny_rows)
    fill_baseline(fresh, old)
    assert snapshot(fresh, drop=LATER_COLUMNS) == old
    db.init_db(fresh)  # what `make run`, `python app.py` and the loader do
    assert revision(fresh) == db.head_revision()
    assert db.missing_columns(fresh) == []
    assert {
        k: v for k, v in snapshot(fresh, drop=LATER_COLUMNS).items() if k not in LATER_TABLES
    } == old
    with fresh.connect() as conn:
        assert conn.execute(select(func.count(schema.carga.c.fecha_corte))).scalar_one() == 0


def test_mig003_pre_alembic_old_warehouse_is_upgraded(fresh):
    """No alembic_version and no carga.fecha_corte: recognised as the baseline, upgraded."""
    db.upgrade(fresh, db.BASELINE)
    with fresh.begin() as conn:
        conn.execute(text("DROP TABLE alembic_version"))
        conn.execute(
            text(
                "INSERT INTO carga (iniciada, estado, filas_leidas, filas_cargadas, "
                "filas_rechazadas) VALUES ('2024-01-02 03:04:05', 'ok', 1, 1, 0)"
            )
        )
    assert revision(fresh) is None
    db.init_db(fresh)
    assert revision(fresh) == db.head_revision()
    with fresh.connect() as conn:
        row = conn.execute(select(schema.carga.c.id, schema.carga.c.fecha_corte)).one()
    assert tuple(row) == (1, None)


def test_mig004_pre_alembic_current_warehouse_is_stamped(fresh):
    """Tables already at today's schema but no version table: stamped, nothing altered."""
    schema.metadata.create_all(fresh)
    db.init_db(fresh)
    assert revision(fresh) == db.head_revision()


def test_mig005_fresh_warehouse_is_created_and_stamped(fresh):
    assert db.migrate(fresh) == "created"
    assert revision(fresh) == db.head_revision()
    assert db.migrate(fresh) == "current"
    assert db.missing_columns(fresh) == []


def test_mig006_downgrade_then_upgrade_round_trip(fresh):
    db.init_db(fresh)
    db.downgrade(fresh, db.BASELINE)
    assert revision(fresh) == db.BASELINE
    assert "carga.fecha_corte" in db.missing_columns(fresh)
    db.init_db(fresh)
    assert db.missing_columns(fresh) == []


def test_mig007_loader_cli_upgrades_an_old_warehouse(db_url, tmp_path, monkeypatch):
    """`python -m etl load` on a baseline warehouse: upgraded first, then loaded."""
    from etl import cli

    monkeypatch.setenv(load.ARCHIVE_ENV, str(tmp_path / "archive"))
    engine = db.make_engine(db_url)
    db.upgrade(engine, db.BASELINE)
    paths = sample.write_sample(tmp_path / "in", scale="tiny")
    assert cli.main(["load", "--db", db_url, *map(str, paths)]) in (0, 1)
    assert revision(engine) == db.head_revision()
    with engine.connect() as conn:
        assert conn.execute(select(schema.carga.c.fecha_corte)).scalar_one() is not None
    engine.dispose()
