"""Visit priority per organisation (our model; weights in data/modelo_salud.yaml `prioridad`).

Reasons are stable codes the dashboard translates; prioridad is the weighted sum of the
reasons present, so the ATM sees both the order and the why.
"""

from __future__ import annotations

import pandas as pd

from etl.derive.health import Model
from etl.derive.siasar import GRADE_ORDER

REASONS = (
    "grado_d",
    "grado_bajando",
    "consejo_vencido",
    "sin_cloracion",
    "cloro_bajo",
    "sin_visita_12m",
    "datos_insuficientes",
)


def _rank(grades: pd.Series) -> pd.Series:
    return grades.map({g: i for i, g in enumerate(GRADE_ORDER)})


def reason_flags(snap: pd.DataFrame, ref: pd.Timestamp, cloro_min: float = 0.5) -> pd.DataFrame:
    """One boolean column per reason code, per organisation of the snapshot."""
    since = ref - pd.DateOffset(months=12)
    cl = pd.to_numeric(snap["cloro_residual_mg_l"], errors="coerce")
    # A fall to E is missing data, not a worse JASS: only compare two real grades.
    real = snap["grado"].ne("E") & snap["grado_anterior"].notna() & snap["grado_anterior"].ne("E")
    fin = pd.to_datetime(snap["consejo_fin"])
    return pd.DataFrame(
        {
            "grado_d": snap["grado"].eq("D"),
            "grado_bajando": real & (_rank(snap["grado"]) < _rank(snap["grado_anterior"])),
            "consejo_vencido": fin.notna() & (fin < ref),
            "sin_cloracion": snap["realiza_cloracion"].eq(False),
            "cloro_bajo": cl.notna() & (cl < cloro_min),
            "sin_visita_12m": snap["ultima_visita"].isna() | (snap["ultima_visita"] <= since),
            "datos_insuficientes": snap["grado"].eq("E"),
        },
        index=snap.index,
    )


def priority(flags: pd.DataFrame, weights: dict[str, float]) -> tuple[pd.Series, list[list[str]]]:
    """Weighted sum of the reasons present, and the reason codes heaviest first."""
    w = pd.Series({r: float(weights.get(r, 0.0)) for r in REASONS})
    score = flags[list(REASONS)].astype(float).mul(w).sum(axis=1)
    order = sorted(REASONS, key=lambda r: -w[r])
    cols = flags[order].to_numpy()
    reasons = [[r for r, on in zip(order, row, strict=True) if on] for row in cols]
    return score, reasons


def resumen_oc(
    snap: pd.DataFrame, registro: pd.DataFrame, ref: pd.Timestamp, model: Model
) -> pd.DataFrame:
    """resumen_oc rows: the latest picture of each organisation with its visit priority."""
    reg = registro.set_index("codigo_oc")
    out = snap.copy()
    idx = out["codigo_oc"]
    out["registrada"] = idx.isin(reg.index).to_numpy()
    rec = reg["resolucion_reconocimiento"].notna() | reg["fecha_resolucion"].notna()
    out["reconocida"] = idx.map(rec).eq(True).to_numpy()
    fin = pd.to_datetime(reg["consejo_fin"]).reindex(idx.to_numpy())
    out["consejo_fin"] = fin.to_numpy()
    fin = pd.Series(fin.to_numpy(), index=out.index)
    out["consejo_vigente"] = (fin >= ref).where(fin.notna(), None)
    rank_now, rank_prev = _rank(out["grado"]), _rank(out["grado_anterior"])
    trend = pd.Series(None, index=out.index, dtype=object)
    both = out["grado_anterior"].notna()
    trend[both & (rank_now > rank_prev)] = "sube"
    trend[both & (rank_now < rank_prev)] = "baja"
    trend[both & (rank_now == rank_prev)] = "igual"
    out["tendencia"] = trend
    flags = reason_flags(out, ref, model.umbrales.get("cloro_minimo_mg_l", 0.5))
    out["prioridad"], out["razones"] = priority(flags, model.prioridad)
    return out
