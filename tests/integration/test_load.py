"""The loader against a real warehouse: mapping, idempotency, corrections, atomicity, audit."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from etl import db, derive, load, schema
from tests.conftest import ON_POSTGRES

REG = (
    "codigo_oc;nombre;ubigeo;ubigeo_cp;tipo_organizacion;fecha_registro;estatuto_aprobado;presidente\n"
    "J1;JASS Uno;010101;0101010001;JASS;15/03/2023;Sí;Juan Pérez\n"
    "J2;Comité Dos;010102;0101020001;Comité;16/03/2023;no;Ana Quispe\n"
)
VIS = (
    "codigo_oc,fecha_visita,cloro_residual_mg_l,asociados_al_dia,total_asociados,estado_captacion\n"
    'J1,15/03/2024,"0,5",40,45,a\n'
    "J2,2024-03-16,0.8,10,20,B\n"
)
DATASS = (
    "ubigeo_cp;centro_poblado;viviendas_habitadas;total_poblacion;sistema_agua;"
    "poblacion_servicio_agua;codigo_ps;prestador_servicio;tipo_sistema_agua;fecha_encuesta\n"
    "0101010001;Uno;30;120;Sí;100;J1;JASS Uno (DATASS);gravedad;01/05/2024\n"
    "0101010003;Tres;20;80;No;0;D9;JASS Nueva;;01/05/2024\n"
)
DATA_TABLES = list(schema.INPUT_TABLES)


@pytest.fixture(autouse=True)
def _archive(tmp_path, monkeypatch):
    monkeypatch.setenv("ATM_ARCHIVE_DIR", str(tmp_path / "archivo"))


@pytest.fixture(autouse=True)
def _no_derive(request, monkeypatch):
    """Derivation is tested on its own (test_derive.py); here it is a no-op unless asked for."""
    if "real_derive" not in request.fixturenames:
        monkeypatch.setattr(derive, "derive_all", lambda conn, *args, **kwargs: None)


@pytest.fixture
def real_derive():
    """Ask for this fixture to run the real etl.derive.derive_all in the load."""


def write(folder: Path, name: str, content: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_text(content, encoding=encoding)
    return path


def snapshot(engine, tables=None) -> dict[str, list[tuple]]:
    """Every row of the given tables, sorted: equal snapshots mean equal contents."""
    with engine.connect() as conn:
        return {
            t.name: sorted(map(tuple, conn.execute(select(t)).all()), key=repr)
            for t in tables or schema.metadata.sorted_tables
        }


def count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_load001_files_land_in_their_tables(engine, tmp_path):
    paths = [write(tmp_path, "v.csv", VIS), write(tmp_path, "r.csv", REG)]
    result = load.load_paths(engine, paths, user="tester")
    assert result.exit_code == 0, [p.message_en for f in result.files for p in f.problems]
    with engine.connect() as conn:
        orgs = conn.execute(select(schema.organizacion_comunal)).mappings().all()
        visits = conn.execute(select(schema.visita)).mappings().all()
        cps = conn.execute(select(schema.oc_centro_poblado.c.ubigeo_cp)).scalars().all()
        carga = conn.execute(select(schema.carga)).mappings().one()
    assert {o["codigo_oc"]: o["tipo_organizacion"] for o in orgs} == {"J1": "JASS", "J2": "comite"}
    assert {v["codigo_oc"]: (v["ubigeo"], v["cloro_residual_mg_l"]) for v in visits} == {
        "J1": ("010101", 0.5),
        "J2": ("010102", 0.8),
    }
    assert sorted(cps) == ["0101010001", "0101020001"]
    assert (carga["usuario"], carga["estado"], carga["filas_cargadas"]) == ("tester", "ok", 4)


def test_load002_datass_mapping_keeps_registered_names(engine, tmp_path):
    load.load_paths(engine, [write(tmp_path, "r.csv", REG), write(tmp_path, "d.csv", DATASS)])
    with engine.connect() as conn:
        orgs = dict(
            conn.execute(
                select(
                    schema.organizacion_comunal.c.codigo_oc, schema.organizacion_comunal.c.origen
                )
            ).all()
        )
        name = conn.execute(
            select(schema.organizacion_comunal.c.nombre).where(
                schema.organizacion_comunal.c.codigo_oc == "J1"
            )
        ).scalar_one()
        diag = conn.execute(
            select(
                schema.diagnostico_cp.c.ubigeo_cp,
                schema.diagnostico_cp.c.anio,
                schema.diagnostico_cp.c.codigo_oc,
            )
        ).all()
        system = conn.execute(
            select(schema.sistema_agua.c.ubigeo_cp, schema.sistema_agua.c.anio_dato)
        ).all()
    assert orgs == {"J1": "registro", "J2": "registro", "D9": "datass"}
    assert name == "JASS Uno"  # DATASS never overwrites the register
    assert sorted(diag) == [("0101010001", 2024, "J1"), ("0101010003", 2024, "D9")]
    assert sorted(system) == [("0101010001", 2024), ("0101010003", 2024)]


def test_load003_idempotent(engine, tmp_path):
    paths = [
        write(tmp_path, "r.csv", REG),
        write(tmp_path, "v.csv", VIS),
        write(tmp_path, "d.csv", DATASS),
    ]
    load.load_paths(engine, paths)
    before = snapshot(engine, DATA_TABLES)
    load.load_paths(engine, paths)
    assert snapshot(engine, DATA_TABLES) == before
    assert count(engine, schema.carga) == 2


def test_load004_correction_updates_row(engine, tmp_path):
    load.load_paths(engine, [write(tmp_path, "r.csv", REG), write(tmp_path, "v.csv", VIS)])
    fixed = VIS.replace('"0,5"', '"0,7"')
    result = load.load_paths(engine, [write(tmp_path, "v2.csv", fixed)])
    with engine.connect() as conn:
        row = conn.execute(
            select(schema.visita.c.cloro_residual_mg_l, schema.visita.c.carga_id).where(
                schema.visita.c.codigo_oc == "J1"
            )
        ).one()
        other = conn.execute(
            select(schema.visita.c.carga_id).where(schema.visita.c.codigo_oc == "J2")
        ).scalar_one()
    assert row == (0.7, result.carga_id)
    assert other != result.carga_id  # an unchanged row is not rewritten


def test_load005_counts_add_up_and_rejects_recorded(engine, tmp_path):
    bad = REG + "J3;Tres;999999;;JASS;31/02/2024;X;Luis\nJ1;Repetida;010101;;JASS;;;Rosa\n"
    result = load.load_paths(engine, [write(tmp_path, "r.csv", bad)])
    (f,) = result.files
    assert (f.rows_read, f.rows_loaded, f.rows_rejected) == (4, 2, 2)
    assert result.exit_code == 1
    assert sorted(p.code for p in f.problems) == ["duplicate-key", "type-error", "unknown-ubigeo"]
    with engine.connect() as conn:
        rejects = conn.execute(select(schema.rechazo)).mappings().all()
        stored = conn.execute(select(schema.carga_archivo)).mappings().one()
    assert len(rejects) == 3  # a row with two problems counts once, lists both
    assert (stored["filas_leidas"], stored["filas_rechazadas"]) == (4, 2)
    assert stored["sha256"] == hashlib.sha256((tmp_path / "r.csv").read_bytes()).hexdigest()
    assert all("presidente" not in r["datos"] and "Luis" not in str(r["datos"]) for r in rejects)
    assert all(r["datos"]["codigo_oc"] in ("J3", "J1") for r in rejects)


def test_load006_reload_replaces_rejects(engine, tmp_path):
    path = write(tmp_path, "r.csv", REG + "J3;Tres;999999;;JASS;;;\n")
    load.load_paths(engine, [path])
    load.load_paths(engine, [path])
    assert count(engine, schema.rechazo) == 1


def test_load007_archive_copy(engine, tmp_path):
    path = write(tmp_path, "r.csv", REG)
    load.load_paths(engine, [path])
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    archived = tmp_path / "archivo" / f"{sha[:16]}_r.csv"
    assert archived.read_bytes() == path.read_bytes()


def test_load008_folder_and_load_order(engine, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    write(folder, "a_visitas.csv", VIS)  # sorts before the register it references
    write(folder, "z_registro.csv", REG, encoding="cp1252")
    result = load.load_paths(engine, [folder])
    assert result.exit_code == 0
    assert count(engine, schema.visita) == 2


def test_load009_unreadable_file_exit_2(engine, tmp_path):
    good = write(tmp_path, "r.csv", REG)
    broken = tmp_path / "roto.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    result = load.load_paths(engine, [good, broken])
    assert result.exit_code == 2
    assert [p.code for p in result.files[1].problems] == ["unreadable-file"]
    assert count(engine, schema.organizacion_comunal) == 2  # the good file still loads


def test_load010_failure_rolls_back_everything(engine, tmp_path, monkeypatch):
    load.load_paths(engine, [write(tmp_path, "r.csv", REG)])
    before = snapshot(engine)

    def boom(conn, *args, **kwargs):
        raise RuntimeError("derive failed")

    monkeypatch.setattr(derive, "derive_all", boom)
    with pytest.raises(RuntimeError):
        load.load_paths(engine, [write(tmp_path, "v.csv", VIS), write(tmp_path, "d.csv", DATASS)])
    assert snapshot(engine) == before


def test_load011_multisheet_workbook(engine, tmp_path):
    import pandas as pd

    path = tmp_path / "libro.xlsx"
    with pd.ExcelWriter(path, engine="xlsxwriter") as xl:
        pd.DataFrame({"Léame": ["Llene la hoja Clasif"]}).to_excel(
            xl, sheet_name="Leame", index=False
        )
        pd.DataFrame({"UBIGEO": [10101], "Año": [2024], "Categoría": ["c"]}).to_excel(
            xl, sheet_name="Clasif", index=False
        )
    result = load.load_paths(engine, [path])
    (f,) = result.files
    assert (f.kind, f.sheet, f.rows_loaded) == ("clasificacion_municipal", "Clasif", 1)
    assert any("Leame" in w.es for w in f.warnings)


def _kill_run(db_url: str, paths: list[Path], stage: str, tmp_path: Path) -> int:
    env = {**os.environ, "ATM_LOAD_KILL_AT": stage, "ATM_ARCHIVE_DIR": str(tmp_path / "a")}
    cmd = [sys.executable, "-m", "etl", "load", "--db", db_url, *map(str, paths)]
    root = Path(load.__file__).resolve().parent.parent
    return subprocess.run(cmd, env=env, cwd=root, capture_output=True, timeout=120).returncode


def content_hash(engine) -> str:
    return hashlib.sha256(repr(snapshot(engine)).encode()).hexdigest()


@pytest.mark.parametrize("stage", ["after-file-1", "before-derive", "before-commit"])
def test_load012_sigkill_leaves_previous_state(db_url, tmp_path, stage):
    engine = db.make_engine(db_url)
    db.init_db(engine)
    load.load_paths(engine, [write(tmp_path, "r.csv", REG)])
    counts = {t.name: count(engine, t) for t in schema.metadata.sorted_tables}
    digest = content_hash(engine)
    engine.dispose()
    paths = [write(tmp_path, "v.csv", VIS), write(tmp_path, "d.csv", DATASS)]
    assert _kill_run(db_url, paths, stage, tmp_path) == -9
    engine = db.make_engine(db_url)
    assert {t.name: count(engine, t) for t in schema.metadata.sorted_tables} == counts
    assert content_hash(engine) == digest
    if not ON_POSTGRES:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
    engine.dispose()


def test_load013_as_of_passed_to_derive(engine, tmp_path, monkeypatch):
    seen = []
    monkeypatch.setattr(derive, "derive_all", lambda conn, as_of=None, *rest: seen.append(as_of))
    load.load_paths(engine, [write(tmp_path, "r.csv", REG)], as_of=dt.date(2024, 12, 31))
    assert seen == [dt.date(2024, 12, 31)]
    with engine.connect() as conn:
        corte, modelo = conn.execute(
            select(schema.carga.c.fecha_corte, schema.carga.c.version_modelo)
        ).one()
    assert corte == dt.date(2024, 12, 31)
    assert modelo  # the score model's version is recorded with the load


def test_load014_tiny_sample_with_real_derive(engine, tmp_path, real_derive):
    sample = pytest.importorskip("etl.sample")
    paths = sample.write_sample(tmp_path / "tiny", scale="tiny", seed=2026)
    result = load.load_paths(engine, paths)
    assert result.exit_code in (0, 1)
    assert all(f.rows_read == f.rows_loaded + f.rows_rejected for f in result.files)
    assert count(engine, schema.visita) > 0 and count(engine, schema.diagnostico_cp) > 0


def test_bulk_writes_store_what_core_stores(engine):
    """frames.insert_columns (column-wise binding, driver executemany) = Core insert, value
    for value: booleans, dates, JSON (null, lists, dicts), floats from ints, NULLs."""
    t = schema.puntaje_oc
    row = {
        "codigo_oc": "J1",
        "ubigeo": "010101",
        "anio": 2024,
        "organizacion": 1,
        "puntaje": None,
        "grado": "E",
        "completitud": 0.5,
        "es_ultima": True,
        "items": {"a": 0.25, "b": None},
        "items_bajos": ["a", "b"],
        "mejora_minima": None,
        "version_modelo": "1",
    }
    rows = [row | {"fecha_evaluacion": dt.date(2024, 1, d), "es_ultima": d == 2} for d in (1, 2)]
    with engine.begin() as conn:
        org = {"codigo_oc": "J1", "nombre": "Uno", "ubigeo": "010101", "origen": "registro"}
        conn.execute(schema.organizacion_comunal.insert(), org)
        conn.execute(t.insert(), rows)
        core = conn.execute(text("SELECT * FROM puntaje_oc ORDER BY fecha_evaluacion")).all()
        conn.execute(t.delete())
        columns = {c: [r[c] for r in rows] for c in rows[0]}
        derive.frames.insert_columns(conn, t.insert(), t, columns)
        bulk = conn.execute(text("SELECT * FROM puntaje_oc ORDER BY fecha_evaluacion")).all()
    assert bulk == core


def test_load_restores_sqlite_pragmas(engine):
    """The large page cache is for the load's transaction only."""
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas")
    with engine.connect() as conn:
        before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
        with db.bulk_pragmas(conn):
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar() != before
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == before


def test_load015_budgets_typed_with_a_thousands_comma(engine, tmp_path):
    """A clerk's ATM sheet from Excel in Peru: `;`, Windows-1252, "S/ 32,000". The budget is
    thirty-two thousand soles, not thirty-two (a plain decimal would read "32,000" as 32)."""
    content = (
        "Ubigeo;Año;Presupuesto PIA;Presupuesto ejecutado\n"
        "010101;2024;S/ 32,000;S/ 21,078.50\n"
        "010102;2024;1.250.000;0,500\n"
    )
    path = write(tmp_path, "atm_2024.csv", content, encoding="cp1252")
    result = load.load_paths(engine, [path], user="tester")
    assert result.exit_code == 0, [p.message_en for f in result.files for p in f.problems]
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                schema.atm.c.ubigeo,
                schema.atm.c.presupuesto_pia,
                schema.atm.c.presupuesto_ejecutado,
            )
        ).all()
    assert sorted(rows) == [("010101", 32000.0, 21078.5), ("010102", 1250000.0, 0.5)]
