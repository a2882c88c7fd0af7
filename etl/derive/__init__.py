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

from etl import schema
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
) -> dict[str, pd.DataFrame]:
    """Every derived table as a DataFrame, from the raw frames.

    `years` are the summary years; by default those of the frames (an incremental derive
    passes the whole warehouse's, since its frames hold only some districts).
    """
    a = health.assessments(
        f["visitas"], f["diagnostico"], f["registro"], f["orgs"], model.evidencia
    )
    scores = health.score_assessments(a, model)
    goal_rows = goals.goal_progress(f, catalog, as_of)
    cov_prep = coverage.Prepared.of(f["diagnostico"], f["visitas"], f["oc_cp"], model.evidencia)
    prep = _Prepared(readiness.Snapshots(f, scores), cov_prep)
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
        f["diagnostico"], f["visitas"], f["oc_cp"], as_of, cloro_min, prep=cov_prep
    )
    return {
        "puntaje_oc": scores,
        "resumen_oc": oc,
        "cobertura": cov,
        "avance_meta_calc": goal_rows,
        "salida_distrito": pd.concat(salidas, ignore_index=True),
        "resumen_distrito": pd.concat(resumenes, ignore_index=True),
    }


def derive_all(
    conn: Connection,
    as_of: dt.date | None = None,
    catalog: Catalog | None = None,
    model: Model | None = None,
    districts: Collection[str] | None = None,
) -> dict[str, int]:
    """Rewrite the derived tables from the raw tables, in the caller's transaction.

    With `districts` (those a load touched), only what those rows can change is derived again
    when the warehouse allows it (`incremental.full_reason`); the result is the same as a full
    derivation. Without, or when it does not, every derived table is rewritten.
    """
    as_of = as_of or dt.date.today()
    catalog, model = catalog or load_catalog(), model or load_model()
    if districts is not None:
        counts = incremental.derive_districts(conn, set(districts), as_of, catalog, model)
        if counts is not None:
            siasar_view.refresh(conn)  # issue 15: SIASAR's judgement, links and disagreements
            peers.refresh(conn, evidence=model.evidencia)  # issue 16: national, see peers.py
            return counts
    f = frames.read_all(conn)
    derived = compute_all(f, as_of, catalog, model)
    frames.clear(conn)
    written = {name: frames.write(conn, TABLES[name], derived[name]) for name in TABLES}
    siasar_view.refresh(conn)  # issue 15: SIASAR's judgement, links and disagreements
    peers.refresh(conn, evidence=model.evidencia)  # issue 16: peer exchange, national
    return written
