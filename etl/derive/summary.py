"""The per-district, per-year summary (resumen_distrito) the map, KPIs and rankings read.

Each year Y is read "as of" the end of Y (or as_of when earlier): coverage from each CP's
latest survey up to Y, organisations at their latest assessment up to that date.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from etl.derive.siasar import GRADES


def summary_years(f: dict[str, pd.DataFrame], as_of: dt.date) -> list[int]:
    """Years with any dated data up to as_of's year, and as_of's year itself."""
    years = {as_of.year}
    years |= set(f["diagnostico"]["anio"].astype(int))
    years |= set(f["atm"]["anio"].astype(int))
    years |= set(f["visitas"]["fecha_visita"].dt.year.dropna().astype(int))
    return sorted(y for y in years if y <= as_of.year)


def grade_counts(snap: pd.DataFrame) -> pd.DataFrame:
    """Organisations per district and grade (columns n_oc_a … n_oc_e)."""
    counts = snap.groupby(["ubigeo", "grado"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=list(GRADES), fill_value=0)
    return counts.rename(columns={g: f"n_oc_{g.lower()}" for g in GRADES})


def _goal_counts(goals: pd.DataFrame, anio: int) -> pd.DataFrame:
    g = goals[goals["anio"] == anio] if not goals.empty else goals
    if g.empty:
        return pd.DataFrame(columns=["metas_aplicables", "metas_cumplidas"])
    return pd.DataFrame(
        {
            "metas_aplicables": g["aplica"].astype(bool).groupby(g["ubigeo"]).sum(),
            "metas_cumplidas": (g["estado"] == "cumplida").groupby(g["ubigeo"]).sum(),
        }
    )


def summary_rows(
    districts: pd.DataFrame,
    anio: int,
    cov: pd.DataFrame,
    snap: pd.DataFrame,
    shares: pd.DataFrame,
    criteria: pd.DataFrame,
    goals: pd.DataFrame,
) -> pd.DataFrame:
    """resumen_distrito rows for one year, every district."""
    out = districts.set_index("ubigeo")[["departamento", "provincia"]].copy()
    out["anio"] = anio
    cov_cols = ["n_cp", "poblacion_rural", "cobertura_agua", "cobertura_agua_segura"]
    out = out.join(cov.reindex(columns=[*cov_cols, "cobertura_saneamiento", "continuidad"]))
    out[["n_cp", "poblacion_rural"]] = out[["n_cp", "poblacion_rural"]].fillna(0).astype(int)
    out["atm_operativa"] = criteria["atm_operativa"].reindex(out.index).eq(1.0)
    out = out.join(grade_counts(snap)).join(_goal_counts(goals, anio))
    count_cols = [f"n_oc_{g.lower()}" for g in GRADES] + ["metas_aplicables", "metas_cumplidas"]
    out[count_cols] = out[count_cols].fillna(0).astype(int)
    out["n_oc"] = out[[f"n_oc_{g.lower()}" for g in GRADES]].sum(axis=1)
    if "grado_provisional" in snap:  # issue 14: how many grades are not yet firm
        prov = snap[snap["grado_provisional"].eq(True)]
        out["n_oc_provisional"] = prov.groupby("ubigeo").size()
        ab = prov[prov["grado"].isin(["A", "B"])]
        out["n_oc_ab_provisional"] = ab.groupby("ubigeo").size()
        cols = ["n_oc_provisional", "n_oc_ab_provisional"]
        out[cols] = out[cols].fillna(0).astype(int)
    out["puntaje_medio"] = snap.groupby("ubigeo")["puntaje"].mean()
    out["pct_oc_visitadas_12m"] = shares["oc_visitadas_12m"]
    out["pct_oc_datos_recientes"] = shares["oc_datos_recientes"]
    out["pct_oc_clorando"] = shares["oc_clorando"]
    return out.rename_axis("ubigeo").reset_index()
