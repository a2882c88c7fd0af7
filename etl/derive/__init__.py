"""Derivations: scores, coverage, goal progress, readiness and the summary tables.

`derive_all` runs at the end of every load, inside the load's transaction, so the dashboard
never sees raw data and summaries that disagree. `compute_all` is the same work without a
database: raw DataFrames in, derived DataFrames out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Connection

from etl import memory, schema
from etl.catalog import Catalog, load_catalog
from etl.derive import (
    coverage,
    frames,
    goals,
    health,
    incremental,
    peers,
    priority,
    readiness,
    siasar_view,
    summary,
)
from etl.derive.health import Model, load_model

TABLES = {
    "puntaje_oc": schema.puntaje_oc,
    "resumen_oc": schema.resumen_oc,
    "cobertura": schema.cobertura,
    "avance_meta_calc": schema.avance_meta_calc,
    "salida_distrito": schema.salida_distrito,
    "resumen_distrito": schema.resumen_distrito,
}


@dataclass(frozen=True)
class _Prepared:
    """Year-independent work shared by every year of readiness and summaries."""

    snapshots: readiness.Snapshots
    coverage: coverage.Prepared


def _year(f, p: _Prepared, goal_rows, anio, as_of, model) -> tuple[pd.DataFrame, ...]:
    """Readiness and summary rows for one year, plus that year's organisation snapshot."""
    ref = readiness.ref_of(anio, as_of)
    snap = p.snapshots.at(ref)
    shares = readiness.oc_shares(snap, ref, model.salida, model.evidencia)
    cloro_min = model.umbrales["cloro_minimo_mg_l"]
    cov = coverage.district_coverage(p.coverage, anio, as_of, cloro_min)
    atm_ok = readiness.atm_operativa(
        f, goal_rows, anio, bool(model.salida.get("atm_requiere_meta", True))
    )
    districts = pd.Index(f["distrito"]["ubigeo"])
    values = readiness.criterion_values(
        districts, atm_ok, readiness.pia_of(f, anio), cov["cobertura_agua"], shares
    )
    salida = readiness.readiness_rows(values, anio, model.salida)
    rows = summary.summary_rows(f["distrito"], anio, cov, snap, shares, values, goal_rows)
    rows["estado_salida"] = rows["ubigeo"].map(salida.set_index("ubigeo")["estado"])
    return salida, rows, snap


def compute_all(
    f: dict[str, pd.DataFrame],
    as_of: dt.date,
    catalog: Catalog,
    model: Model,
    years: list[int] | None = None,
    first_year: int | None = None,
    kept_scores: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """Every derived table as a DataFrame, from the raw frames.

    `years` are the summary years; by default those of the frames (an incremental derive
    passes the whole warehouse's, since its frames hold only some districts). `first_year`:
    coverage of the survey years before it is not computed (an incremental derive of a
    visit sheet keeps them; see incremental.first_summary_year). `kept_scores`: the stored
    scores (SCORE_COLUMNS) of the organisations whose rows did not change (an incremental
    derive of a visit sheet): the others alone are scored again, and returned as puntaje_oc.
    """
    scores = _scores(f, model, kept_scores)
    every = scores if kept_scores is None else _with_kept(scores, kept_scores)
    goal_rows = goals.goal_progress(f, catalog, as_of)
    cov_prep = coverage.Prepared.of(f["diagnostico"], f["visitas"], f["oc_cp"], model.evidencia)
    prep = _Prepared(readiness.Snapshots(f, every), cov_prep)
    salidas, resumenes, snap = [], [], None
    for anio in summary.summary_years(f, as_of) if years is None else years:
        salida, rows, snap = _year(f, prep, goal_rows, anio, as_of, model)
        salidas.append(salida)
        resumenes.append(rows)
    ref = pd.Timestamp(as_of)
    people = priority.people_served(f["diagnostico"], f["oc_cp"])
    oc = priority.resumen_oc(snap, f["registro"], ref, model, people)
    cloro_min = model.umbrales["cloro_minimo_mg_l"]
    cov = coverage.coverage_table(
        f["diagnostico"], f["visitas"], f["oc_cp"], as_of, cloro_min, cov_prep, first_year
    )
    return {
        "puntaje_oc": scores,
        "resumen_oc": oc,
        "cobertura": cov,
        "avance_meta_calc": goal_rows,
        "salida_distrito": pd.concat(salidas, ignore_index=True),
        "resumen_distrito": pd.concat(resumenes, ignore_index=True),
    }


# The score columns the snapshots read (readiness.Snapshots): what a kept score needs.
SCORE_COLUMNS = (
    "codigo_oc",
    "fecha_evaluacion",
    "puntaje",
    "grado",
    "grado_provisional",
    "motivo_provisional",
)


def _scores(f: dict[str, pd.DataFrame], model: Model, kept: pd.DataFrame | None) -> pd.DataFrame:
    """puntaje_oc rows of the frames' organisations, but those whose scores are `kept`.

    An organisation's assessments are its own visits, surveys and register entry
    (health.assessments), so scoring some organisations alone gives their rows unchanged."""
    rows = f
    if kept is not None:
        keep = set(kept["codigo_oc"])
        rows = {
            name: f[name][~f[name]["codigo_oc"].isin(keep)]
            for name in ("visitas", "diagnostico", "registro", "orgs")
        }
    a = health.assessments(
        rows["visitas"], rows["diagnostico"], rows["registro"], rows["orgs"], model.evidencia
    )
    return health.score_assessments(a, model)


def _with_kept(scores: pd.DataFrame, kept: pd.DataFrame) -> pd.DataFrame:
    """The new scores and the kept ones, in score_assessments' order (organisation, date)."""
    both = pd.concat([scores[list(SCORE_COLUMNS)], kept], ignore_index=True)
    return both.sort_values(["codigo_oc", "fecha_evaluacion"], kind="stable", ignore_index=True)


# A full derivation reads and derives consecutive districts together up to this many organisations
# (the national sample at 1× is one batch; at 10× about ten), so its peak memory follows a
# batch, not the warehouse.
BATCH_ORGS = 30_000


def derive_all(
    conn: Connection,
    as_of: dt.date | None = None,
    catalog: Catalog | None = None,
    model: Model | None = None,
    districts: Collection[str] | None = None,
    siasar_changed: bool = True,
    since: int | None = None,
    orgs: Collection[str] | None = None,
) -> dict[str, int]:
    """Rewrite the derived tables from the raw tables, in the caller's transaction.

    With `districts` (those a load touched), only what those rows can change is derived again
    when the warehouse allows it (`incremental.full_reason`); the result is the same as a full
    derivation. Without, or when it does not, every derived table is rewritten, in batches of
    districts (`derive_full`). The SIASAR view follows: only the systems `districts` can
    change on the incremental path, unless the load wrote SIASAR rows (`siasar_changed`).
    `since`: the load wrote visits only, none before that year (`incremental.Touched.since`):
    the incremental path keeps the summary years its rows cannot change; `orgs` (the same
    loads: the organisations visited): only their scores are computed again.

    Where a new derivation plugs in: a rule of a district's own rows (and its linked ones) is
    computed in `compute_all`, which runs per batch of districts on every path; a rule over the
    whole country runs after the batches, in `_national`; one too costly for every small load
    (the peer matcher) runs after full derivations only.
    """
    as_of = as_of or dt.date.today()
    catalog, model = catalog or load_catalog(), model or load_model()
    counts = None
    if districts is not None:
        counts = incremental.derive_districts(
            conn, set(districts), as_of, catalog, model, since, None if orgs is None else set(orgs)
        )
    scope = None if counts is None or siasar_changed else set(districts or ())
    full = counts is None
    if counts is None:
        counts = derive_full(conn, as_of, catalog, model)
    _national(conn, scope)
    if full:
        # Issue 16: the peer matcher spans the country (mentors' capacity links far-apart
        # mentees) and costs seconds, so it runs with full derivations only: the first load of
        # a day, a change of catalogue or model, or the nightly `python -m etl derive`. A small
        # load leaves the suggestions as of that derivation (`calculado`), at most a day old.
        # The derivation's frames are gone: their pages go back to the system first, or the
        # matcher would grow on top of them (issue 18: the 10x load's peak was set here).
        memory.give_back()
        peers.refresh(conn, as_of, evidence=model.evidencia)
    return counts


def derive_full(
    conn: Connection, as_of: dt.date, catalog: Catalog, model: Model, max_orgs: int | None = None
) -> dict[str, int]:
    """Every derived row again: in one pass when the warehouse is one batch, else batch by
    batch (`incremental.batches`), which gives the same rows (tests/integration/
    test_incremental.py compares both)."""
    groups = incremental.batches(conn, BATCH_ORGS if max_orgs is None else max_orgs)
    frames.clear(conn)
    if len(groups) <= 1:
        derived = compute_all(frames.read_all(conn), as_of, catalog, model)
        return {name: frames.write(conn, TABLES[name], derived.pop(name)) for name in TABLES}
    years = incremental.warehouse_years(conn, as_of)
    counts = dict.fromkeys(TABLES, 0)
    for group in groups:
        for name, n in incremental.derive_batch(conn, group, as_of, catalog, model, years).items():
            counts[name] += n
    counts["cobertura"] += incremental.resum_upper_levels(conn, set().union(*groups))
    return counts


def _national(conn: Connection, districts: set[str] | None) -> None:
    """Derivations beyond a district's own rows, after the per-district rows of any path
    (`districts`: those an incremental load touched; None after a full derivation)."""
    siasar_view.refresh(conn, districts)  # issue 15: SIASAR's judgement, links, disagreements
