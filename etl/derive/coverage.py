"""Coverage (docs/puntajes.md, «Cobertura») per CP, district, province, department and nation, per year.

Year convention: `anio` = Y uses each CP's DATASS survey of year Y (CPs not surveyed that year
are absent); `anio` = 0 is the "latest" view: each CP's most recent survey. Safe water needs a
provider that chlorinates (DATASS realiza_cloracion) AND a last residual-chlorine reading, as of
the end of that year (or as_of for the latest view), of at least 0.5 mg/L: a CP whose provider
has no reading counts as not safe.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from etl.evidence import Evidence, shipped

LATEST = 0
LEVELS = {
    "distrito": lambda u: u,
    "provincia": lambda u: u.str[:4],
    "departamento": lambda u: u.str[:2],
    "nacion": lambda u: pd.Series("PE", index=u.index),
}
SUMS = [
    "n_cp",
    "poblacion_rural",
    "poblacion_servida",
    "poblacion_agua_segura",
    "poblacion_saneamiento",
    "poblacion_continua",
    "viviendas",
    "viviendas_conexion",
    "n_cp_cloro_vigente",
]

# Survey columns the coverage figures read (the rest is left out of per-year copies).
SURVEY_COLUMNS = {
    "ubigeo_cp",
    "ubigeo",
    "anio",
    "codigo_oc",
    "total_poblacion",
    "sistema_agua",
    "poblacion_servicio_agua",
    "realiza_cloracion",
    "viviendas_habitadas",
    "total_viviendas",
    "viviendas_conexion",
    "sistema_disposicion_excretas",
    "servicio_agua_continuo",
}


def ref_date(anio: int, as_of: dt.date) -> pd.Timestamp:
    """The date a year's figures are taken at: its 31 December, or as_of if earlier."""
    end = dt.date(anio, 12, 31) if anio else as_of
    return pd.Timestamp(min(end, as_of))


def latest_surveys(diag: pd.DataFrame, up_to_year: int | None = None) -> pd.DataFrame:
    """Each CP's most recent survey (optionally among years <= up_to_year)."""
    d = diag if up_to_year is None else diag[diag["anio"] <= up_to_year]
    return d.sort_values(["ubigeo_cp", "anio"]).drop_duplicates("ubigeo_cp", keep="last")


def readings(visits: pd.DataFrame) -> pd.DataFrame:
    """Residual-chlorine readings (_k, fecha_visita, cloro) sorted by date; `_k` codes
    codigo_oc as an integer (the frame's attrs["codes"] maps codes back), for a fast merge.

    Within an organisation visit dates are unique, so last_reading's result does not depend on
    how ties between organisations are ordered: one sort serves every year.
    """
    right = visits.loc[visits["cloro_residual_mg_l"].notna(), ["codigo_oc", "fecha_visita"]]
    codes, uniques = pd.factorize(right["codigo_oc"].astype(str))
    right = pd.DataFrame(
        {
            "_k": codes.astype(np.int64),
            "fecha_visita": right["fecha_visita"].astype("datetime64[ns]"),
            "cloro": visits["cloro_residual_mg_l"],
        },
        index=right.index,
    ).sort_values("fecha_visita")
    right.attrs["codes"] = pd.Index(uniques)
    return right


def last_reading(keys: pd.DataFrame, visits: pd.DataFrame) -> pd.Series:
    """Last residual-chlorine reading of keys' codigo_oc on or before keys' ref date."""
    return _last_reading(keys, readings(visits))


def _last_reading(keys: pd.DataFrame, right: pd.DataFrame) -> pd.Series:
    """last_reading with the readings already prepared by `readings` (-1: no reading)."""
    return _last_reading_of(_reading_keys(keys["codigo_oc"], right), keys["ref"], right)


def _reading_keys(codigo_oc: pd.Series, right: pd.DataFrame) -> np.ndarray:
    """Each provider code as the readings' integer key `_k` (-1: no reading)."""
    return right.attrs["codes"].get_indexer(codigo_oc.fillna("").astype(str)).astype(np.int64)


def _last_reading_of(
    codes: np.ndarray, ref: pd.Series, right: pd.DataFrame, months: int | None = None
) -> pd.Series:
    """_last_reading from reading keys and each row's ref date (result indexed like ref).

    With `months`, a reading older than that on the ref date is no reading (issue 14: one
    2016 reading does not keep a CP "safe" in 2025)."""
    left = pd.DataFrame(
        {
            "_k": codes,
            "ref": ref.astype("datetime64[ns]"),
            "_pos": np.arange(len(ref)),
        }
    )
    merged = pd.merge_asof(
        left.sort_values("ref"),
        right,
        left_on="ref",
        right_on="fecha_visita",
        by="_k",
        direction="backward",
    )
    if months is not None:
        fresh = merged["fecha_visita"] > merged["ref"] - pd.DateOffset(months=months)
        merged["cloro"] = merged["cloro"].where(fresh)
    return merged.set_index("_pos")["cloro"].reindex(np.arange(len(left))).set_axis(ref.index)


def cp_figures(
    d: pd.DataFrame, cloro: pd.Series, cloro_min: float = 0.5, cloro_max: float = 5.0
) -> pd.DataFrame:
    """Per-survey populations: served, safe, sanitation, continuous, dwellings.

    Safe water: the provider chlorinates and its reading (already limited to its validity)
    is within [cloro_min, cloro_max] (D.S. 031-2010-SA; data/evidencia.yaml)."""
    pop = pd.to_numeric(d["total_poblacion"], errors="coerce").fillna(0)
    has_system = d["sistema_agua"].eq(True)
    served = pd.to_numeric(d["poblacion_servicio_agua"], errors="coerce").fillna(0)
    served = served.clip(upper=pop).where(has_system, 0)
    chlorinates = d["realiza_cloracion"].eq(True)
    safe = chlorinates & cloro.between(cloro_min, cloro_max)
    dwell = pd.to_numeric(d["viviendas_habitadas"], errors="coerce")
    dwell = dwell.fillna(pd.to_numeric(d["total_viviendas"], errors="coerce")).fillna(0)
    conn_ = pd.to_numeric(d["viviendas_conexion"], errors="coerce").fillna(0).clip(upper=dwell)
    return pd.DataFrame(
        {
            "ubigeo_cp": d["ubigeo_cp"],
            "ubigeo": d["ubigeo"],
            "n_cp": 1,
            "poblacion_rural": pop.astype(int),
            "poblacion_servida": served.astype(int),
            "poblacion_agua_segura": served.where(safe, 0).astype(int),
            "poblacion_saneamiento": pop.where(
                d["sistema_disposicion_excretas"].eq(True), 0
            ).astype(int),
            "poblacion_continua": served.where(d["servicio_agua_continuo"].eq(True), 0).astype(int),
            "viviendas": dwell.astype(int),
            "viviendas_conexion": conn_.astype(int),
            "n_cp_cloro_vigente": cloro.notna().astype(int),
        },
        index=d.index,
    )


def with_rates(df: pd.DataFrame) -> pd.DataFrame:
    """Add the coverage shares (None where the denominator is 0)."""
    pop = df["poblacion_rural"].where(df["poblacion_rural"] > 0)
    served = df["poblacion_servida"].where(df["poblacion_servida"] > 0)
    out = df.copy()
    out["cobertura_agua"] = df["poblacion_servida"] / pop
    out["cobertura_agua_segura"] = df["poblacion_agua_segura"] / pop
    out["cobertura_saneamiento"] = df["poblacion_saneamiento"] / pop
    out["continuidad"] = df["poblacion_continua"] / served
    out["cobertura_agua_viviendas"] = df["viviendas_conexion"] / df["viviendas"].where(
        df["viviendas"] > 0
    )
    return out


def aggregate(cp: pd.DataFrame) -> pd.DataFrame:
    """Sum CP figures to every level (district, province, department, nation) with rates."""
    parts = [cp.assign(nivel="cp", codigo=cp["ubigeo_cp"])[["nivel", "codigo", *SUMS]]]
    for nivel, code in LEVELS.items():
        g = cp.groupby(code(cp["ubigeo"]))[SUMS].sum().reset_index(names="codigo")
        parts.append(g.assign(nivel=nivel))
    return with_rates(pd.concat(parts, ignore_index=True))


@dataclass(frozen=True)
class Prepared:
    """Year-independent inputs of the coverage figures, prepared once per derive."""

    rows: pd.DataFrame  # the surveys, only the columns coverage reads (+ _k, _cp), in order
    diag: pd.DataFrame  # the same sorted by (ubigeo_cp, anio): a unique key
    readings: pd.DataFrame  # see `readings`
    link: pd.Series  # CP → provider from the register's CP lists
    ev: Evidence | None = None  # evidence rules (None: the shipped file)

    @classmethod
    def of(
        cls,
        diag: pd.DataFrame,
        visits: pd.DataFrame,
        oc_cp: pd.DataFrame,
        ev: Evidence | None = None,
    ) -> Prepared:
        link = oc_cp.drop_duplicates("ubigeo_cp").set_index("ubigeo_cp")["codigo_oc"]
        right = readings(visits)
        rows = diag[[c for c in diag.columns if c in SURVEY_COLUMNS]]
        # Per-survey keys that do not depend on the year, computed once: the provider's
        # reading key (_k) and the CP as an integer (_cp, for the per-year de-duplication).
        rows = rows.assign(
            _k=_reading_keys(_provider_codes(rows, link), right),
            _cp=pd.factorize(rows["ubigeo_cp"])[0],
        )
        return cls(rows, rows.sort_values(["ubigeo_cp", "anio"]), right, link, ev)


def provider_codes(diag: pd.DataFrame, oc_cp: pd.DataFrame) -> pd.Series:
    """The CP's provider: DATASS codigo_oc, else the register's CP link."""
    link = oc_cp.drop_duplicates("ubigeo_cp").set_index("ubigeo_cp")["codigo_oc"]
    return _provider_codes(diag, link)


def _provider_codes(diag: pd.DataFrame, link: pd.Series) -> pd.Series:
    own = diag["codigo_oc"]
    return own.where(own.notna(), diag["ubigeo_cp"].map(link))


def year_figures(
    d: pd.DataFrame, visits: pd.DataFrame, oc_cp: pd.DataFrame, ref: pd.Timestamp, cloro_min: float
) -> pd.DataFrame:
    """CP figures for the surveys in d, with chlorine readings taken as of ref."""
    return _year_figures(d, Prepared.of(d.iloc[:0], visits, oc_cp), ref, cloro_min)


def _year_figures(
    d: pd.DataFrame, prep: Prepared, ref: pd.Timestamp, cloro_min: float
) -> pd.DataFrame:
    """year_figures with prepared readings and CP links; readings within their validity."""
    ev = prep.ev or shipped()
    months = ev.months("lectura_cloro")
    if "_k" in d.columns:  # prepared surveys carry their reading key
        codes = d["_k"].to_numpy()
    else:
        codes = _reading_keys(_provider_codes(d, prep.link), prep.readings)
    cloro = _last_reading_of(codes, pd.Series(ref, index=d.index), prep.readings, months)
    return cp_figures(d, cloro, cloro_min, ev.cloro_max)


def coverage_table(
    diag: pd.DataFrame,
    visits: pd.DataFrame,
    oc_cp: pd.DataFrame,
    as_of: dt.date,
    cloro_min: float = 0.5,
    prep: Prepared | None = None,
    first_year: int | None = None,
) -> pd.DataFrame:
    """cobertura rows for every level, every survey year (from `first_year` on, when given:
    an incremental derivation keeps the years before) and the latest view (anio 0)."""
    if diag.empty:
        return pd.DataFrame(columns=["nivel", "codigo", "anio", *SUMS])
    prep = prep or Prepared.of(diag, visits, oc_cp)
    out = []
    years = sorted(int(y) for y in diag["anio"].unique())
    for anio in (y for y in years if first_year is None or y >= first_year):
        d = prep.rows[prep.rows["anio"] == anio]
        cp = _year_figures(d, prep, ref_date(anio, as_of), cloro_min)
        out.append(aggregate(cp).assign(anio=anio))
    latest = latest_surveys(prep.rows)
    cp = _year_figures(latest, prep, ref_date(LATEST, as_of), cloro_min)
    out.append(aggregate(cp).assign(anio=LATEST))
    return pd.concat(out, ignore_index=True)


def district_coverage_as_of(
    diag: pd.DataFrame,
    visits: pd.DataFrame,
    oc_cp: pd.DataFrame,
    anio: int,
    as_of: dt.date,
    cloro_min: float = 0.5,
) -> pd.DataFrame:
    """District figures from each CP's latest survey up to `anio` (for readiness, summaries)."""
    return district_coverage(Prepared.of(diag, visits, oc_cp), anio, as_of, cloro_min)


def district_coverage(
    prep: Prepared, anio: int, as_of: dt.date, cloro_min: float = 0.5
) -> pd.DataFrame:
    """district_coverage_as_of on prepared inputs (surveys already sorted by CP and year)."""
    d = prep.diag[prep.diag["anio"] <= anio]
    latest = d.drop_duplicates("_cp" if "_cp" in d.columns else "ubigeo_cp", keep="last")
    if latest.empty:
        return with_rates(pd.DataFrame(columns=SUMS, dtype=float).rename_axis("ubigeo"))
    cp = _year_figures(latest, prep, ref_date(anio, as_of), cloro_min)
    g = cp.groupby("ubigeo")[SUMS].sum()
    return with_rates(g).rename_axis("ubigeo")
