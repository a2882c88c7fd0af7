"""The JASS health score (docs/puntajes.md): our model, configured in data/modelo_salud.yaml.

Vectorised over all assessments at once: items are columns, assessments are rows. The pure
functions take DataFrames and the Model; nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from etl.derive.siasar import STATE_SCORE
from etl.evidence import EVIDENCE_PATH, Evidence, load_evidence, shipped

MODEL_PATH = Path(__file__).resolve().parents[2] / "data" / "modelo_salud.yaml"
EPS = 1e-9
# Next grade's floor for grades that can be lifted (A is the top; E has no score).
NEXT_FLOOR = {"D": 0.4, "C": 0.7, "B": 0.9}


@dataclass(frozen=True)
class Item:
    id: str
    dimension: str
    fuente: tuple[str, ...]
    regla: str
    peso: float = 1.0
    umbral: str | None = None


@dataclass(frozen=True)
class Model:
    version: str
    dimensiones: dict[str, float]
    items: tuple[Item, ...]
    umbrales: dict[str, float]
    salida: dict = field(default_factory=dict)
    prioridad: dict[str, float] = field(default_factory=dict)
    evidencia: Evidence | None = None

    @property
    def item_ids(self) -> list[str]:
        return [i.id for i in self.items]


def load_model(path: Path = MODEL_PATH, evidence_path: Path = EVIDENCE_PATH) -> Model:
    """Read the health model file, with the thresholds of the evidence-rules file.

    Chlorine range, exit thresholds and priority weights live in data/evidencia.yaml (one
    place for every threshold); they are copied into the Model so every rule reads one object.
    """
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    ev = load_evidence(evidence_path)
    umbrales = {k: float(v) for k, v in raw["umbrales"].items()}
    umbrales |= {"cloro_minimo_mg_l": ev.cloro_min, "cloro_maximo_mg_l": ev.cloro_max}
    items = []
    for dim, spec in raw["dimensiones"].items():
        for item_id, it in spec["items"].items():
            fuente = it["fuente"]
            items.append(
                Item(
                    id=item_id,
                    dimension=dim,
                    fuente=tuple([fuente] if isinstance(fuente, str) else fuente),
                    regla=it["regla"],
                    peso=float(it.get("peso", 1.0)),
                    umbral=it.get("umbral"),
                )
            )
    return Model(
        version=str(raw["version"]),
        dimensiones={d: float(s.get("peso", 1.0)) for d, s in raw["dimensiones"].items()},
        items=tuple(items),
        umbrales=umbrales,
        salida=dict(ev.salida),
        prioridad=dict(ev.prioridad),
        evidencia=ev,
    )


# ------------------------------------------------------------------ the model's words -------
# What the dashboard reads to name and group the score (issue 13): the shipped model file is
# the one place an item's dimension is written.


@cache
def shipped_model() -> Model:
    """The model of data/modelo_salud.yaml, read once per process."""
    return load_model()


def dimensions(model: Model | None = None) -> tuple[str, ...]:
    """The model's dimensions, in the file's order."""
    return tuple((model or shipped_model()).dimensiones)


def items(model: Model | None = None) -> tuple[str, ...]:
    """The model's items, dimension by dimension, in the file's order."""
    return tuple(i.id for i in (model or shipped_model()).items)


def dimension_of(item: str, model: Model | None = None) -> str | None:
    """The dimension an item belongs to; None for a code the model does not have."""
    return next((i.dimension for i in (model or shipped_model()).items if i.id == item), None)


# ------------------------------------------------------------------ item rules -------------


def _bool(s: pd.Series) -> pd.Series:
    """Yes/no column as 1.0 / 0.0 / NaN."""
    return s.map({True: 1.0, False: 0.0}).astype(float)


def _date(df: pd.DataFrame, col: str) -> pd.Series:
    return pd.to_datetime(df[col]) if col in df else pd.Series(pd.NaT, index=df.index)


def _col(df: pd.DataFrame, col: str) -> pd.Series:
    return df[col] if col in df else pd.Series(np.nan, index=df.index)


def _si_no(df: pd.DataFrame, item: Item, m: Model) -> pd.Series:
    return _bool(_col(df, item.fuente[0]))


def _inscrita(df: pd.DataFrame, item: Item, m: Model) -> pd.Series:
    # Being in the municipal book is the ATM's own fact: no row means "not registered" (0).
    when = _date(df, item.fuente[1])
    ok = _col(df, "tiene_registro").eq(True) & (when.isna() | (when <= df["fecha"]))
    return ok.astype(float)


def _reconocida(df: pd.DataFrame, item: Item, m: Model) -> pd.Series:
    when = _date(df, item.fuente[1])
    has = _col(df, item.fuente[0]).notna() | when.notna()
    return (has & (when.isna() | (when <= df["fecha"]))).astype(float)


def _consejo_vigente(df: pd.DataFrame, item: Item, m: Model) -> pd.Series:
    start, end = _date(df, item.fuente[0]), _date(df, item.fuente[1])
    # Without an end date a term lasts `consejo_directivo_anios` from its start (local choice).
    years = int((m.evidencia or shipped()).validez_meses["consejo_directivo_anios"])
    end = end.fillna(start + pd.DateOffset(years=years))
    ok = (start.isna() | (start <= df["fecha"])) & (end >= df["fecha"])
    return ok.astype(float).where(end.notna())


def _al_menos_uno(df: pd.DataFrame, item: Item, m: Model) -> pd.Series:
    v = pd.to_numeric(_col(df, item.fuente[0]), errors="coerce")
    return (v >= 1).astype(float).where(v.notna())


def _proporcion(df: pd.DataFrame, item: Item, m: Model) -> pd.Series:
    v = pd.to_numeric(_col(df, item.fuente[0]), errors="coerce")
    return (v / m.umbrales[item.umbral or ""]).clip(0, 1)


def _tasa(df: pd.DataFrame, item: Item, m: Model) -> pd.Series:
    num = pd.to_numeric(_col(df, item.fuente[0]), errors="coerce")
    den = pd.to_numeric(_col(df, item.fuente[1]), errors="coerce")
    return (num / den.where(den > 0)).clip(0, 1)


def _infraestructura(df: pd.DataFrame, item: Item, m: Model) -> pd.Series:
    # SIASAR INF over the components recorded; any inoperable (D) component makes it 0.
    states = pd.concat([_col(df, c).map(STATE_SCORE) for c in item.fuente], axis=1).astype(float)
    logs = np.log(states.where(states > 0))
    gm = np.exp(logs.mean(axis=1))
    return gm.where(~(states == 0).any(axis=1), 0.0).where(states.notna().any(axis=1))


def _horas_dia(df: pd.DataFrame, item: Item, m: Model) -> pd.Series:
    return (pd.to_numeric(_col(df, item.fuente[0]), errors="coerce") / 24).clip(0, 1)


def _en_rango(df: pd.DataFrame, item: Item, m: Model) -> pd.Series:
    v = pd.to_numeric(_col(df, item.fuente[0]), errors="coerce")
    lo, hi = m.umbrales["cloro_minimo_mg_l"], m.umbrales["cloro_maximo_mg_l"]
    return v.between(lo, hi).astype(float).where(v.notna())


RULES: dict[str, Callable[[pd.DataFrame, Item, Model], pd.Series]] = {
    "si_no": _si_no,
    "inscrita": _inscrita,
    "reconocida": _reconocida,
    "consejo_vigente": _consejo_vigente,
    "al_menos_uno": _al_menos_uno,
    "proporcion": _proporcion,
    "tasa": _tasa,
    "infraestructura": _infraestructura,
    "horas_dia": _horas_dia,
    "en_rango": _en_rango,
}


def item_values(assessments: pd.DataFrame, model: Model) -> pd.DataFrame:
    """Item values in [0, 1] (NaN = not measured), one column per model item."""
    df = assessments.copy()
    df["fecha"] = pd.to_datetime(df["fecha"])
    cols = {item.id: RULES[item.regla](df, item, model) for item in model.items}
    return pd.DataFrame(cols, index=df.index).astype(float)


# ------------------------------------------------------------------ scores -----------------


def _grades(score: np.ndarray) -> np.ndarray:
    """Vectorised SIASAR grade (NaN -> E)."""
    conds = [score >= 0.9 - EPS, score >= 0.7 - EPS, score >= 0.4 - EPS, score >= 0]
    return np.select(conds, ["A", "B", "C", "D"], default="E")


def _dimension_scores(v: np.ndarray, model: Model) -> tuple[np.ndarray, np.ndarray]:
    """Per-dimension scores (NaN when < completitud_minima) and each item's weight share."""
    dims = list(model.dimensiones)
    w = np.array([i.peso for i in model.items])
    dim_of = np.array([dims.index(i.dimension) for i in model.items])
    avail = ~np.isnan(v)
    out = np.full((len(v), len(dims)), np.nan)
    share = np.zeros_like(v)
    for d in range(len(dims)):
        cols = dim_of == d
        wa = avail[:, cols] * w[cols]
        wsum = wa.sum(axis=1)
        enough = avail[:, cols].mean(axis=1) >= model.umbrales["completitud_minima"] - EPS
        with np.errstate(invalid="ignore", divide="ignore"):
            out[:, d] = np.where(enough, np.nansum(v[:, cols] * w[cols], axis=1) / wsum, np.nan)
            share[:, cols] = np.where(enough[:, None], wa / wsum[:, None], 0.0)
    return out, np.nan_to_num(share)


def score_frame(values: pd.DataFrame, model: Model) -> pd.DataFrame:
    """Dimension scores, overall score, grade, completeness and each item's impact."""
    v = values[model.item_ids].to_numpy(dtype=float)
    dims = list(model.dimensiones)
    dscore, share = _dimension_scores(v, model)
    dw = np.array([model.dimensiones[d] for d in dims])
    davail = ~np.isnan(dscore)
    dwsum = (davail * dw).sum(axis=1)
    completeness = (~np.isnan(v)).mean(axis=1)
    ok = (completeness >= model.umbrales["completitud_minima"] - EPS) & (dwsum > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        overall = np.where(ok, np.nansum(dscore * dw, axis=1) / dwsum, np.nan)
        dim_of = np.array([dims.index(i.dimension) for i in model.items])
        item_weight = share * (davail * dw / dwsum[:, None])[:, dim_of]
    impact = np.where(ok[:, None], np.nan_to_num((1 - v) * item_weight), 0.0)
    out = pd.DataFrame(dscore, columns=dims, index=values.index)
    out["puntaje"] = overall
    out["grado"] = _grades(overall)
    out["completitud"] = completeness
    impacts = pd.DataFrame(impact, columns=model.item_ids, index=values.index)
    return out.join(impacts.add_prefix("impacto__"))


def items_bajos(impacts: np.ndarray, ids: list[str], top: int = 3) -> list[list[str]]:
    """Per row, the (up to) `top` items whose shortfall costs the overall score most."""
    order = np.argsort(-impacts, axis=1, kind="stable")[:, :top]
    names = np.array(ids, dtype=object)[order].tolist()
    shown = (np.take_along_axis(impacts, order, axis=1) > EPS).tolist()
    return [
        [n for n, on in zip(row, mask, strict=True) if on]
        for row, mask in zip(names, shown, strict=True)
    ]


def mejora_minima(
    impacts: np.ndarray, scores: np.ndarray, grades: np.ndarray, ids: list[str]
) -> list[list[str]]:
    """Smallest set of items whose raising to 1.0 lifts each score into the next grade.

    Raising an item to 1.0 adds exactly its impact (availability does not change), so taking
    the largest impacts first is optimal, not just a greedy approximation.
    """
    order = np.argsort(-impacts, axis=1, kind="stable")
    gains = np.cumsum(np.take_along_axis(impacts, order, axis=1), axis=1)
    result: list[list[str]] = []
    for g, s, grade, o in zip(gains, scores, grades, order, strict=True):
        floor = NEXT_FLOOR.get(str(grade))
        if floor is None:
            result.append([])
            continue
        k = int(np.searchsorted(g, floor - s - EPS))
        result.append([ids[j] for j in o[: k + 1]])
    return result


# ------------------------------------------------------------------ assessments ------------

# DATASS survey fields standing in for visit fields when a JASS was never visited.
DATASS_AS_VISIT = {
    "tiene_operador": "tiene_operador",
    "registro_cloro_residual": "registro_cloro_residual",
    "cobra_cuota": "cobra_cuota",
    "realiza_cloracion": "realiza_cloracion",
    "total_asociados": "total_asociados",
}


def datass_assessments(diag: pd.DataFrame, first_visit: pd.Series) -> pd.DataFrame:
    """One assessment per JASS and survey year, dated at the survey, for the surveys before
    the JASS's first visit (`first_visit`: each visited JASS's first visit date).

    From its first visit on, a JASS is assessed by visits; surveys before it stay its
    assessments for those years, so a year's summary read as of that year's end does not
    change when a visit comes later (issue 18). An undated survey ("sin fecha", issue 14) is
    no assessment: its date would be invented."""
    d = diag[diag["codigo_oc"].notna()].copy()
    d["fecha"] = pd.to_datetime(d["fecha_encuesta"])
    d = d[d["fecha"].notna()]
    visited_from = pd.to_datetime(first_visit.reindex(d["codigo_oc"]).to_numpy())
    d = d[pd.isna(visited_from) | (d["fecha"].to_numpy() < visited_from)]
    d = d.sort_values(["codigo_oc", "fecha"]).drop_duplicates(["codigo_oc", "anio"], keep="last")
    out = d[["codigo_oc", "fecha"]].copy()
    for src, dst in DATASS_AS_VISIT.items():
        out[dst] = d[src]
    total = pd.to_numeric(d["total_asociados"], errors="coerce")
    out["asociados_al_dia"] = total - pd.to_numeric(d["asociados_morosos"], errors="coerce")
    out["continuidad_horas"] = _bool(d["servicio_agua_continuo"]) * 24
    out["origen"] = "datass"
    return out.reset_index(drop=True)


def visit_assessments(visits: pd.DataFrame, ev: Evidence | None = None) -> pd.DataFrame:
    """Each visit is an assessment; residual chlorine is the last reading up to that date,
    if that reading is within its validity (data/evidencia.yaml), else no reading."""
    ev = ev or shipped()
    v = visits.rename(columns={"fecha_visita": "fecha"}).copy()
    v["fecha"] = pd.to_datetime(v["fecha"])
    v = v.sort_values(["codigo_oc", "fecha"]).reset_index(drop=True)
    v["fecha_cloro"] = v["fecha"].where(v["cloro_residual_mg_l"].notna())
    by = v.groupby("codigo_oc")
    v["cloro_residual_mg_l"] = by["cloro_residual_mg_l"].ffill()
    v["fecha_cloro"] = by["fecha_cloro"].ffill()
    stale = v["fecha_cloro"] <= v["fecha"] - pd.DateOffset(months=ev.months("lectura_cloro"))
    v.loc[stale, ["cloro_residual_mg_l", "fecha_cloro"]] = np.nan
    v["origen"] = "visita"
    return v


def assessments(
    visits: pd.DataFrame,
    diag: pd.DataFrame,
    registro: pd.DataFrame,
    orgs: pd.DataFrame,
    ev: Evidence | None = None,
) -> pd.DataFrame:
    """All assessments of known organisations, with their register entry joined."""
    va = visit_assessments(visits.drop(columns=["ubigeo"], errors="ignore"), ev)
    da = datass_assessments(diag, va.groupby("codigo_oc")["fecha"].min())
    a = pd.concat([va, da], ignore_index=True)
    a = a[a["codigo_oc"].isin(orgs["codigo_oc"])]
    reg = registro.drop(columns=["total_asociados"], errors="ignore").assign(tiene_registro=True)
    a = a.merge(reg, on="codigo_oc", how="left")
    a = a.merge(orgs[["codigo_oc", "ubigeo"]], on="codigo_oc", how="left")
    return a.reset_index(drop=True)


def _json_items(values: pd.DataFrame) -> list[dict]:
    """Item values as JSON-ready dicts (NaN -> None), rounded for a readable store."""
    ids = list(values.columns)
    arr = values.round(4).to_numpy(dtype=float)
    gaps = np.isnan(arr).any(axis=1).tolist()
    # NaN != NaN: the cheapest NaN test in a plain-Python loop, only for rows that have one.
    return [
        {k: (None if v != v else v) for k, v in zip(ids, row, strict=True)}
        if gap
        else dict(zip(ids, row, strict=True))
        for row, gap in zip(arr.tolist(), gaps, strict=True)
    ]


def provisional(scores: pd.DataFrame, a: pd.DataFrame, model: Model) -> pd.DataFrame:
    """Whether each graded assessment is provisional, and why (issue 14).

    A grade is firm only when all four dimensions have evidence and a chlorine reading within
    its validity stands behind it; otherwise it is provisional (E is "datos insuficientes",
    a different statement). Reason codes: falta_<dimension>, sin_cloro_vigente.
    """
    dims = list(model.dimensiones)
    missing = scores[dims].isna().to_numpy()
    fecha_cloro = a["fecha_cloro"] if "fecha_cloro" in a else pd.Series(pd.NaT, index=a.index)
    no_reading = pd.to_datetime(fecha_cloro).isna().to_numpy()
    graded = (scores["grado"] != "E").to_numpy()
    motivos = [
        [f"falta_{d}" for d, m in zip(dims, row, strict=True) if m]
        + (["sin_cloro_vigente"] if nr else [])
        for row, nr in zip(missing.tolist(), no_reading.tolist(), strict=True)
    ]
    prov = graded & (missing.any(axis=1) | no_reading)
    return pd.DataFrame(
        {
            "grado_provisional": prov,
            "motivo_provisional": [m if p else None for m, p in zip(motivos, prov, strict=True)],
        },
        index=scores.index,
    )


def score_assessments(a: pd.DataFrame, model: Model) -> pd.DataFrame:
    """puntaje_oc rows: one per assessment, with explanation fields and the latest flag.

    mejora_minima is filled for each organisation's latest assessment only (the one the
    dashboard explains); older rows keep null there, which keeps a national derive fast.
    """
    a = a.sort_values(["codigo_oc", "fecha"], kind="stable").reset_index(drop=True)
    values = item_values(a, model)
    scores = score_frame(values, model)
    ids = model.item_ids
    imp = scores[[f"impacto__{i}" for i in ids]].to_numpy()
    out = scores[[*model.dimensiones, "puntaje", "grado", "completitud"]].copy()
    out.insert(0, "codigo_oc", a["codigo_oc"].to_numpy())
    out.insert(1, "fecha_evaluacion", pd.to_datetime(a["fecha"]).to_numpy())
    out["ubigeo"] = a["ubigeo"].to_numpy()
    out["anio"] = out["fecha_evaluacion"].dt.year
    out["es_ultima"] = ~out["codigo_oc"].duplicated(keep="last")
    out["items"] = _json_items(values)
    out["items_bajos"] = items_bajos(imp, ids)
    last = out["es_ultima"].to_numpy()
    best = mejora_minima(
        imp[last], out["puntaje"].to_numpy()[last], out["grado"].to_numpy()[last], ids
    )
    out["mejora_minima"] = None
    out.loc[last, "mejora_minima"] = pd.Series(best, index=out.index[last], dtype=object)
    out["version_modelo"] = model.version
    return out.join(provisional(scores, a, model))
