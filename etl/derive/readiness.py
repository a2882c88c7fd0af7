"""Exit readiness per district and year (docs/puntajes.md): our model, thresholds in the config.

Also the per-organisation snapshot "as of a date" that readiness, priority and the district
summary share: latest grade, last visit, chlorination, freshness of data.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from etl.evidence import Evidence, shipped

CRITERIA = (
    "atm_operativa",
    "presupuesto_pia",
    "cobertura_agua",
    "oc_ab",
    "oc_cloro_adecuado",
    "oc_visitadas_12m",
    "oc_datos_recientes",
)
Frames = dict[str, pd.DataFrame]
# Visit columns a snapshot reads (the rest is left out of per-date copies).
VISIT_COLUMNS = (
    "codigo_oc",
    "fecha_visita",
    "realiza_cloracion",
    "cloro_residual_mg_l",
    "asociados_al_dia",
    "total_asociados",
    "tiene_operador",
    "cobra_cuota",
)
# Facts a snapshot takes from the last visit, else from the latest survey (issue 14: priority).
FACTS = ("realiza_cloracion", "tiene_operador", "cobra_cuota")


def _by_key(df: pd.DataFrame, key: str, when: str) -> pd.DataFrame:
    """df stably sorted by key, then date: filtering it keeps that order (see _last_sorted)."""
    return df.sort_values([key, when], kind="stable")


def _last_sorted(d: pd.DataFrame, key: str, when: str, ref: pd.Timestamp) -> pd.DataFrame:
    """_last on a frame already sorted by _by_key (a filtered stable sort is a stable sort)."""
    return d[d[when] <= ref].drop_duplicates(key, keep="last").set_index(key)


def _datass_dated(diag: pd.DataFrame) -> pd.DataFrame:
    """Surveys naming a provider. `fecha` orders them (fecha_encuesta, else 31 December of the
    year); `fecha_dato` is the real survey date only: an undated survey is never recent."""
    d = diag[diag["codigo_oc"].notna()].copy()
    d["fecha_dato"] = pd.to_datetime(d["fecha_encuesta"])
    d["fecha"] = d["fecha_dato"].fillna(pd.to_datetime(d["anio"].astype(str) + "-12-31"))
    return d


def _grades(scores: pd.DataFrame, ref: pd.Timestamp) -> pd.DataFrame:
    """Latest and previous grade/score of each organisation as of ref."""
    s = scores[scores["fecha_evaluacion"] <= ref]
    last = s.drop_duplicates("codigo_oc", keep="last").set_index("codigo_oc")
    prev = s[s.duplicated("codigo_oc", keep="last")].drop_duplicates("codigo_oc", keep="last")
    cols = ["fecha_evaluacion", "puntaje", "grado", "grado_provisional", "motivo_provisional"]
    out = last[[c for c in cols if c in last.columns]].copy()
    out["grado_anterior"] = prev.set_index("codigo_oc")["grado"]
    return out


class Snapshots:
    """oc_snapshot for many dates: the sorting that does not depend on the date is done once.

    Every frame is stably sorted by (organisation, date) here, and each date only filters it,
    which gives exactly the rows and order a sort after filtering would (so the same result).
    """

    def __init__(self, f: Frames, scores: pd.DataFrame) -> None:
        orgs = f["orgs"].set_index("codigo_oc")[["ubigeo", "nombre", "tipo_organizacion"]]
        visits = f["visitas"][[c for c in VISIT_COLUMNS if c in f["visitas"].columns]]
        visits = _by_key(visits, "codigo_oc", "fecha_visita")
        dated = _datass_dated(f["diagnostico"])
        facts = [c for c in FACTS if c in dated.columns]
        dated = dated[["codigo_oc", "anio", "fecha", "fecha_dato", *facts]]
        dated = _by_key(dated, "codigo_oc", "fecha")
        keep = ["codigo_oc", "fecha_evaluacion", "puntaje", "grado"]
        keep += [c for c in ("grado_provisional", "motivo_provisional") if c in scores.columns]
        scores = scores[keep]
        # Organisation codes become integer keys once (their position in `keys`; NaN -1):
        # each date's de-duplications and joins then hash integers, not ~100k strings. Equal
        # codes get equal keys, so every per-date result is the same; `at` puts codes back.
        self.codes = orgs.index
        others = pd.concat([visits["codigo_oc"], dated["codigo_oc"], scores["codigo_oc"]])
        others = pd.Index(others.dropna().unique())
        keys = self.codes.append(others[~others.isin(self.codes)])
        self.orgs = orgs.set_axis(pd.RangeIndex(len(orgs), name="codigo_oc"))
        self.visits = _keyed(visits, keys)
        self.readings = self.visits[self.visits["cloro_residual_mg_l"].notna()]
        self.datass = _keyed(dated, keys)
        self.scores = _keyed(scores, keys)

    @staticmethod
    def datass_at(d: pd.DataFrame, ref: pd.Timestamp) -> pd.DataFrame:
        """Each organisation's latest dated survey of a year up to ref's, on or before ref."""
        return _last_sorted(d[d["anio"] <= ref.year], "codigo_oc", "fecha", ref)

    def at(self, ref: pd.Timestamp) -> pd.DataFrame:
        """One row per organisation: its picture as of ref (scores sorted by oc, date)."""
        v = self.visits[self.visits["fecha_visita"] <= ref]
        lastv = v.drop_duplicates("codigo_oc", keep="last").set_index("codigo_oc")
        reading = _last_sorted(self.readings, "codigo_oc", "fecha_visita", ref)
        dat = self.datass_at(self.datass, ref)
        out = self.orgs.join(_grades(self.scores, ref))
        out["grado"] = out["grado"].fillna("E")
        if "grado_provisional" in out:
            out["grado_provisional"] = out["grado_provisional"].eq(True)
            out["motivo_provisional"] = out["motivo_provisional"].where(
                out["grado_provisional"], None
            )
        out["ultima_visita"] = lastv["fecha_visita"]
        out["n_visitas"] = v.groupby("codigo_oc").size().reindex(out.index).fillna(0).astype(int)
        for fact in FACTS:
            if fact in lastv.columns or fact in dat.columns:
                own = lastv[fact].reindex(out.index) if fact in lastv.columns else None
                survey = dat[fact].reindex(out.index) if fact in dat.columns else None
                out[fact] = (
                    own.fillna(survey)
                    if own is not None and survey is not None
                    else (own if own is not None else survey)
                )
        out["cloro_residual_mg_l"] = reading["cloro_residual_mg_l"]
        out["fecha_cloro"] = reading["fecha_visita"]
        tot = pd.to_numeric(lastv["total_asociados"], errors="coerce")
        out["tasa_cobranza"] = (lastv["asociados_al_dia"] / tot.where(tot > 0)).clip(0, 1)
        out["ultimo_dato"] = pd.concat(
            [out["ultima_visita"], dat["fecha_dato"].reindex(out.index)], axis=1
        ).max(axis=1)
        return out.set_axis(self.codes).rename_axis("codigo_oc").reset_index()


def _keyed(df: pd.DataFrame, keys: pd.Index) -> pd.DataFrame:
    """df with codigo_oc replaced by its integer key (position in `keys`, -1 when NaN)."""
    return df.assign(codigo_oc=keys.get_indexer(df["codigo_oc"]))


def oc_snapshot(f: Frames, scores: pd.DataFrame, ref: pd.Timestamp) -> pd.DataFrame:
    """One row per organisation: its picture as of ref (scores sorted by oc, date)."""
    return Snapshots(f, scores).at(ref)


def oc_shares(
    snap: pd.DataFrame, ref: pd.Timestamp, cfg: dict, ev: Evidence | None = None
) -> pd.DataFrame:
    """Per district, the shares of organisations meeting each JASS criterion.

    Evidence counts only within its validity (data/evidencia.yaml): a chlorine reading older
    than `lectura_cloro` months is no reading; a provisional grade is no A or B.
    """
    ev = ev or shipped()
    cl = pd.to_numeric(snap["cloro_residual_mg_l"], errors="coerce")
    if "fecha_cloro" in snap:
        cl = cl.where(pd.to_datetime(snap["fecha_cloro"]) > ev.since("lectura_cloro", ref))
    chlor = snap["realiza_cloracion"].eq(True)
    firm = ~snap["grado_provisional"].eq(True) if "grado_provisional" in snap else True
    flags = pd.DataFrame(
        {
            "oc_ab": snap["grado"].isin(["A", "B"]) & firm,
            "oc_cloro_adecuado": chlor & ev.in_range(cl),
            "oc_visitadas_12m": snap["ultima_visita"] > ev.since("visita", ref),
            "oc_datos_recientes": snap["ultimo_dato"] > ev.since("encuesta_datass", ref),
            "oc_clorando": chlor,
        }
    ).astype(float)
    by = flags.groupby(snap["ubigeo"].to_numpy())  # grouped once: district codes hashed once
    out = by.mean()
    out["n_oc"] = by.size()
    return out


def atm_operativa(f: Frames, goals: pd.DataFrame, anio: int, requiere_meta: bool) -> pd.Series:
    """The ATM operated in `anio` (issue 14: evidence from that year, nothing carried over):
    its row of the year has a designated head AND an approved plan (POA), an opening budget
    above 0, or the district has JASS visits recorded that year. An ordinance alone (often
    years old) is not evidence of operation. If required, every goal that applied to the
    district in that same year is met; a year without a catalogued goal asks for none."""
    a = f["atm"][f["atm"]["anio"] == anio]
    head = a["responsable_designado"].eq(True)
    plan = a["poa_aprobado"].eq(True) if "poa_aprobado" in a else False
    budget = pd.to_numeric(a["presupuesto_pia"], errors="coerce").fillna(0) > 0
    v = f["visitas"]
    visited_districts = set(v.loc[v["fecha_visita"].dt.year == anio, "ubigeo"])
    visited = a["ubigeo"].isin(visited_districts)
    has = head & (plan | budget | visited)
    ok = pd.Series(has.to_numpy(), index=a["ubigeo"].to_numpy(), dtype=bool)
    if not requiere_meta or goals.empty:
        return ok
    g = goals[goals["aplica"].astype(bool) & (goals["anio"] == anio)]
    met = (g["estado"] == "cumplida").groupby(g["ubigeo"]).all()
    return ok & met.reindex(ok.index).ne(False)


def criteria_table(values: pd.DataFrame, cfg: dict) -> tuple[pd.DataFrame, dict[str, float]]:
    """Met flags of every criterion from its value (NaN = not met) and the thresholds."""
    umbral = {
        "atm_operativa": 1.0,
        "presupuesto_pia": 0.0,
        **{c: float(cfg[c]) for c in CRITERIA[2:]},
    }
    met = pd.DataFrame(index=values.index)
    for c in CRITERIA:
        v = values[c]
        met[c] = (v > 0) if c == "presupuesto_pia" else (v >= umbral[c] - 1e-9)
    return met.eq(True), umbral


def readiness_rows(values: pd.DataFrame, anio: int, cfg: dict) -> pd.DataFrame:
    """salida_distrito rows from per-district criterion values."""
    met, umbral = criteria_table(values, cfg)
    n = met.sum(axis=1).to_numpy()
    minimum = int(cfg.get("en_camino_minimo", 5))
    estado = np.where(n == len(CRITERIA), "lista", np.where(n >= minimum, "en_camino", "no_lista"))
    vals = values[list(CRITERIA)].round(4).to_numpy(dtype=float).tolist()
    flags = met[list(CRITERIA)].to_numpy().tolist()
    crit = [
        [
            {"criterio": c, "valor": None if v != v else v, "umbral": umbral[c], "cumple": m}
            for c, v, m in zip(CRITERIA, vrow, mrow, strict=True)
        ]
        for vrow, mrow in zip(vals, flags, strict=True)
    ]
    return pd.DataFrame(
        {
            "ubigeo": values.index,
            "anio": anio,
            "estado": estado,
            "n_cumplidos": n,
            "n_criterios": len(CRITERIA),
            "criterios": crit,
            "faltantes": [[c for c, m in zip(CRITERIA, r, strict=True) if not m] for r in flags],
        }
    )


def criterion_values(
    districts: pd.Index, atm_ok: pd.Series, pia: pd.Series, cov: pd.Series, shares: pd.DataFrame
) -> pd.DataFrame:
    """Per-district values of the seven criteria (NaN where unknown)."""
    return pd.DataFrame(
        {
            "atm_operativa": atm_ok.reindex(districts).eq(True).astype(float),
            "presupuesto_pia": pia.reindex(districts),
            "cobertura_agua": cov.reindex(districts),
            **{c: shares[c].reindex(districts) for c in CRITERIA[3:]},
        },
        index=districts,
    )


def pia_of(f: Frames, anio: int) -> pd.Series:
    """The ATM's opening budget (PIA) per district in `anio`."""
    a = f["atm"][f["atm"]["anio"] == anio]
    return pd.to_numeric(a["presupuesto_pia"], errors="coerce").set_axis(a["ubigeo"].to_numpy())


def ref_of(anio: int, as_of: dt.date) -> pd.Timestamp:
    """Year-end of `anio`, or as_of when earlier."""
    return pd.Timestamp(min(dt.date(anio, 12, 31), as_of))
