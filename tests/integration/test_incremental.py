"""Incremental derivation (#18): a sequence of small loads gives exactly the derived tables a
from-scratch derivation of the same raw rows gives, and takes the incremental path."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from etl import derive, load, sample, schema
from etl.catalog import load_catalog
from etl.derive import incremental
from etl.derive.health import load_model

AS_OF = sample.SAMPLE_AS_OF


@pytest.fixture(autouse=True)
def _archive(tmp_path, monkeypatch):
    monkeypatch.setenv("ATM_ARCHIVE_DIR", str(tmp_path / "archivo"))


@pytest.fixture
def loaded(engine, tmp_path):
    """The tiny sample, loaded (a first load: a full derivation)."""
    paths = sample.write_sample(tmp_path / "muestra", scale="tiny", seed=7)
    load.load_paths(engine, paths, as_of=AS_OF)
    return engine


@pytest.fixture
def paths_taken(monkeypatch) -> list[str]:
    """'incremental' or 'full' for each derivation a load runs."""
    taken: list[str] = []
    real = incremental.derive_districts

    def spy(*args, **kwargs):
        counts = real(*args, **kwargs)
        taken.append("full" if counts is None else "incremental")
        return counts

    monkeypatch.setattr(incremental, "derive_districts", spy)
    return taken


def _rounded(row) -> tuple:
    return tuple(round(v, 9) if isinstance(v, float) and not math.isnan(v) else v for v in row)


# The SIASAR view is rewritten per load too (only the touched systems on the incremental path).
SIASAR_VIEW = (schema.siasar_calc, schema.siasar_discrepancia)


def derived_snapshot(conn) -> dict[str, list[tuple]]:
    return {
        t.name: sorted((_rounded(r) for r in conn.execute(select(t))), key=repr)
        for t in (*schema.DERIVED_TABLES, *SIASAR_VIEW)
    }


def assert_same_as_full(engine, as_of: dt.date = AS_OF) -> None:
    """The warehouse's derived tables equal a full derivation of its raw tables (rolled back)."""
    with engine.connect() as conn:
        transaction = conn.begin()
        now = derived_snapshot(conn)
        derive.derive_all(conn, as_of)
        full = derived_snapshot(conn)
        transaction.rollback()
    for name in full:
        assert now[name] == full[name], f"{name} differs from a full derivation"


def _pick(engine) -> dict[str, str]:
    """An organisation with visits, a CP of another district, a CP of a third district."""
    oc, cp, v = schema.organizacion_comunal, schema.centro_poblado, schema.visita
    with engine.connect() as conn:
        org, district = conn.execute(
            select(oc.c.codigo_oc, oc.c.ubigeo).join(v, v.c.codigo_oc == oc.c.codigo_oc).limit(1)
        ).one()
        others = conn.execute(
            select(cp.c.ubigeo_cp, cp.c.ubigeo).where(cp.c.ubigeo != district)
        ).all()
    by_district: dict[str, str] = {}
    for code, ubigeo in others:
        by_district.setdefault(ubigeo, code)
    cp_b, cp_c = list(by_district.values())[:2]
    return {"org": org, "district": district, "cp_b": cp_b, "cp_c": cp_c}


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_inc001_small_loads_equal_a_full_derivation(loaded, tmp_path, paths_taken):
    """Visits, a register CP list reaching another district, a DATASS provider of another
    district, an ATM row and goal evidence, one load each: identical to a full derivation."""
    p = _pick(loaded)
    files = [
        _write(
            tmp_path,
            "registro.csv",
            "codigo_oc;nombre;ubigeo;ubigeo_cp;tipo_organizacion;fecha_registro;estatuto_aprobado\n"
            f"{p['org']};JASS movida;{p['district']};{p['cp_b']};JASS;15/03/2023;Sí\n",
        ),
        _write(
            tmp_path,
            "datass.csv",
            "ubigeo_cp;centro_poblado;viviendas_habitadas;total_poblacion;sistema_agua;"
            "poblacion_servicio_agua;codigo_ps;prestador_servicio;realiza_cloracion;fecha_encuesta\n"
            f"{p['cp_c']};Tres;20;80;Sí;70;{p['org']};JASS movida;Sí;01/05/{AS_OF.year}\n",
        ),
        _write(
            tmp_path,
            "avance.csv",
            "ubigeo,anio,meta,actividad,estado,fecha,documento\n"
            f"{p['cp_b'][:6]},2015,11,rof,cumplida,2015-08-06,Ordenanza 1\n",
        ),
    ]
    # Then readings of the organisation alone: safe water in the other districts' CPs it
    # serves turns on (0.9 mg/L) and off (0.1 mg/L), which only the CP links reveal.
    for days, cloro in ((5, "0.9"), (3, "0.1")):
        day = (AS_OF - dt.timedelta(days=days)).strftime("%d/%m/%Y")
        header = "codigo_oc,fecha_visita,cloro_residual_mg_l,realiza_cloracion,estado_captacion"
        text = f"{header}\n{p['org']},{day},{cloro},Sí,D\n"
        files.append(_write(tmp_path, f"visitas_{days}.csv", text))
    for path in files:
        result = load.load_paths(loaded, [path], as_of=AS_OF)
        assert result.files[0].rows_loaded == 1, result.files[0].problems
        assert_same_as_full(loaded)
    assert paths_taken == ["incremental"] * len(files)


def test_inc002_a_new_year_or_another_day_derives_everything(loaded, tmp_path, paths_taken):
    """A visit in a year no summary has yet, or a load on another as-of date: full derivation
    (and still the same as one)."""
    p = _pick(loaded)
    old = _write(
        tmp_path,
        "visita_1999.csv",
        f"codigo_oc,fecha_visita,cloro_residual_mg_l\n{p['org']},02/03/1999,0.7\n",
    )
    load.load_paths(loaded, [old], as_of=AS_OF)
    assert_same_as_full(loaded)
    later = AS_OF + dt.timedelta(days=1)
    new = _write(
        tmp_path,
        "visita.csv",
        f"codigo_oc,fecha_visita,cloro_residual_mg_l\n{p['org']},{AS_OF:%d/%m/%Y},0.8\n",
    )
    load.load_paths(loaded, [new], as_of=later)
    assert_same_as_full(loaded, later)
    assert paths_taken == ["full", "full"]


def test_inc003_every_derived_table_has_a_district_rule():
    """A derived table the incremental path does not know how to scope would go stale."""
    assert set(incremental.DISTRICT_COLUMN) == {t.name for t in schema.DERIVED_TABLES}
    assert set(incremental.DISTRICT_COLUMN) == set(derive.TABLES)


@pytest.mark.parametrize("max_orgs", [1, 25])
def test_inc004_a_full_derivation_in_batches_equals_one_pass(loaded, tmp_path, max_orgs):
    """The full derivation batch by batch of districts (as the 10× warehouse runs it, here
    with tiny batches: one district each, or a few together) writes exactly the rows of one
    pass over the whole warehouse, including a visit of a year only one department has."""
    p = _pick(loaded)
    old = _write(
        tmp_path,
        "visita_1999.csv",
        f"codigo_oc,fecha_visita,cloro_residual_mg_l\n{p['org']},02/03/1999,0.7\n",
    )
    load.load_paths(loaded, [old], as_of=AS_OF)
    catalog, model = load_catalog(), load_model()
    with loaded.connect() as conn:
        transaction = conn.begin()
        assert len(incremental.batches(conn, derive.BATCH_ORGS)) == 1  # the tiny sample
        derive.derive_full(conn, AS_OF, catalog, model)
        one_pass = derived_snapshot(conn)
        groups = incremental.batches(conn, max_orgs)
        assert len(groups) > 2
        assert sorted(u for g in groups for u in g) == sorted(
            conn.execute(select(schema.distrito.c.ubigeo)).scalars()
        )
        derive.derive_full(conn, AS_OF, catalog, model, max_orgs=max_orgs)
        batched = derived_snapshot(conn)
        transaction.rollback()
    assert 1999 in {row[1] for row in one_pass["resumen_distrito"]}
    for name in one_pass:
        assert batched[name] == one_pass[name], f"{name} differs between batches and one pass"


def test_inc005_a_load_deriving_everything_stops_following_districts(engine, tmp_path):
    """A first load, or one reaching more than MAX_SHARE of the districts, derives every
    district anyway: the load stops looking for the districts it touches (and their links)."""
    with engine.connect() as conn:
        assert incremental.Touched(conn).districts is None  # no load yet
    load.load_paths(engine, sample.write_sample(tmp_path / "m", scale="tiny", seed=7), as_of=AS_OF)
    with engine.connect() as conn:
        codes = sorted(conn.execute(select(schema.distrito.c.ubigeo)).scalars())
        touched = incremental.Touched(conn)
        touched.after(pd.DataFrame({"ubigeo": codes[:3]}))
        assert touched.districts == set(codes[:3])
        touched.after(pd.DataFrame({"ubigeo": codes[: int(len(codes) * 0.3)]}))
        assert touched.districts is None
        assert incremental.Touched(conn, track=False).districts is None  # a dry run


def test_inc006_the_siasar_view_follows_a_small_load(loaded, tmp_path, paths_taken):
    """Visits of a JASS linked to a SIASAR system, contradicting SIASAR and then agreeing
    with it, each loaded incrementally: the system's disagreements come and go exactly as a
    full rewrite of the view gives them."""
    calc, disc = schema.siasar_calc, schema.siasar_discrepancia
    with loaded.connect() as conn:
        sid, org = conn.execute(
            select(calc.c.sistema_id, calc.c.codigo_oc)
            .where(calc.c.codigo_oc.is_not(None))
            .order_by(calc.c.sistema_id)
            .limit(1)
        ).one()
    header = (
        "codigo_oc,fecha_visita,cloro_residual_mg_l,realiza_cloracion,"
        "estado_captacion,estado_almacenamiento,estado_distribucion"
    )
    seen = []
    for days, state in ((4, "D"), (3, "A"), (2, "D")):
        day = (AS_OF - dt.timedelta(days=days)).strftime("%d/%m/%Y")
        path = _write(
            tmp_path, f"v{days}.csv", f"{header}\n{org},{day},0.5,Sí,{state},{state},{state}\n"
        )
        assert load.load_paths(loaded, [path], as_of=AS_OF).files[0].rows_loaded == 1
        assert_same_as_full(loaded)
        with loaded.connect() as conn:
            seen.append(conn.execute(select(disc.c.aspecto).where(disc.c.sistema_id == sid)).all())
    assert paths_taken == ["incremental"] * 3
    assert len({tuple(sorted(rows)) for rows in seen}) > 1  # they changed with the visits


@pytest.fixture
def years_derived(monkeypatch) -> list[list[int]]:
    """The summary years each incremental derivation computed."""
    seen: list[list[int]] = []
    real = incremental.derive_batch

    def spy(conn, target, as_of, catalog, model, years, first_year=None, rescore=None):
        seen.append(list(years))
        return real(conn, target, as_of, catalog, model, years, first_year, rescore)

    monkeypatch.setattr(incremental, "derive_batch", spy)
    return seen


def _visit(tmp_path: Path, org: str, day: dt.date, name: str) -> Path:
    header = "codigo_oc,fecha_visita,cloro_residual_mg_l,realiza_cloracion,estado_captacion"
    return _write(tmp_path, name, f"{header}\n{org},{day:%d/%m/%Y},0.2,No,C\n")


def test_inc007_a_visit_sheet_keeps_the_years_before_its_first_visit(
    loaded, tmp_path, paths_taken, years_derived
):
    """An ATM's monthly sheet (visits of this year) derives this year's summary only; a late
    sheet of an older year derives from that year on; both equal a full derivation."""
    p = _pick(loaded)
    recent = _visit(tmp_path, p["org"], AS_OF - dt.timedelta(days=2), "reciente.csv")
    assert load.load_paths(loaded, [recent], as_of=AS_OF).files[0].rows_loaded == 1
    assert_same_as_full(loaded)
    older = _visit(tmp_path, p["org"], dt.date(2019, 6, 3), "atrasada.csv")
    assert load.load_paths(loaded, [older], as_of=AS_OF).files[0].rows_loaded == 1
    assert_same_as_full(loaded)
    assert paths_taken == ["incremental", "incremental"]
    assert years_derived == [[AS_OF.year], list(range(2019, AS_OF.year + 1))]


def test_inc008_a_jass_first_visit_keeps_its_earlier_survey_years(
    loaded, tmp_path, paths_taken, years_derived
):
    """A JASS never visited was assessed from its DATASS surveys; its first visit ends those
    assessments from its date on only (health.datass_assessments), so the years before it keep
    their summary: only this year is derived again, and the result equals a full derivation
    (fails when a first visit drops the earlier surveys too: resumen_distrito differs)."""
    score, v = schema.puntaje_oc, schema.visita
    with loaded.connect() as conn:  # graded from a survey before this year: the summary counts it
        org, first = conn.execute(
            select(score.c.codigo_oc, func.min(score.c.anio))
            .where(score.c.grado != "E")
            .where(score.c.codigo_oc.not_in(select(v.c.codigo_oc)))
            .group_by(score.c.codigo_oc)
            .order_by(func.min(score.c.anio), score.c.codigo_oc)
            .limit(1)
        ).one()
    assert first < AS_OF.year
    path = _visit(tmp_path, org, AS_OF - dt.timedelta(days=2), "primera.csv")
    assert load.load_paths(loaded, [path], as_of=AS_OF).files[0].rows_loaded == 1
    assert_same_as_full(loaded)
    assert paths_taken == ["incremental"]
    assert years_derived == [[AS_OF.year]]
    with loaded.connect() as conn:  # its survey-dated assessment is still there
        kept = conn.execute(
            select(func.count()).where(score.c.codigo_oc == org, score.c.anio == first)
        ).scalar_one()
    assert kept >= 1


def test_inc009_a_goal_reading_a_later_year_moves_the_first_year_back():
    """Goal 2016's budget activity reads the 2017 ATM data (anio_dato): rows of 2017 can change
    the 2016 summary; rows of a year no goal reads early change that year on."""
    catalog = load_catalog()
    early = [
        g.anio
        for g in catalog.goals
        if any(a.anio_dato and a.anio_dato > g.anio for a in g.actividades)
    ]
    assert early, "the catalogue has a goal reading a later year's data"
    year = min(early)
    later = year + 1
    assert incremental.first_summary_year(later, catalog) == year
    assert incremental.first_summary_year(AS_OF.year, catalog) == AS_OF.year


def test_inc010_a_visit_sheet_scores_only_the_visited_jass(loaded, tmp_path, monkeypatch):
    """A visit sheet scores again only the JASS it visits (an organisation's scores read its
    own rows); the district's other JASS keep their stored scores, and every derived table
    still equals a full derivation."""
    from etl.derive import health

    p = _pick(loaded)
    scored: list[set[str]] = []
    real = health.score_assessments

    def spy(a, model):
        scored.append(set(a["codigo_oc"]))
        return real(a, model)

    monkeypatch.setattr(health, "score_assessments", spy)
    path = _visit(tmp_path, p["org"], AS_OF - dt.timedelta(days=1), "una.csv")
    assert load.load_paths(loaded, [path], as_of=AS_OF).files[0].rows_loaded == 1
    assert scored == [{p["org"]}]
    monkeypatch.setattr(health, "score_assessments", real)
    assert_same_as_full(loaded)
