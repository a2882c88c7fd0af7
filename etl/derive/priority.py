"""Visit priority per organisation (our model; weights in data/evidencia.yaml `prioridad`).

Reasons are stable codes the dashboard translates; prioridad is the weighted sum of the
reasons present, so the ATM sees both the order and the why.
"""

from __future__ import annotations

import pandas as pd

from etl.derive.health import Model
from etl.derive.siasar import GRADE_ORDER
from etl.evidence import Evidence, shipped

REASONS = (
    "grado_d",
    "grado_bajando",
    "consejo_vencido",
    "sin_cloracion",
    "cloro_bajo",
    "sin_visita_12m",
    "datos_insuficientes",
    # issue 14: every reason the dashboard has a label for is produced
    "nunca_visitada",
    "datos_antiguos",
    "sin_operador",
    "no_cobra_cuota",
    "cobranza_baja",
    "no_registrada",
    "no_reconocida",
)


def _rank(grades: pd.Series) -> pd.Series:
    return grades.map({g: i for i, g in enumerate(GRADE_ORDER)})


def _col(snap: pd.DataFrame, name: str) -> pd.Series:
    return snap[name] if name in snap else pd.Series(None, index=snap.index, dtype=object)


def reason_flags(
    snap: pd.DataFrame, ref: pd.Timestamp, cloro_min: float = 0.5, ev: Evidence | None = None
) -> pd.DataFrame:
    """One boolean column per reason code, per organisation of the snapshot.

    Unknown is not "no": a reason about a fact (operator, fee, chlorination) needs the fact.
    """
    ev = ev or shipped()
    cl = pd.to_numeric(snap["cloro_residual_mg_l"], errors="coerce")
    if "fecha_cloro" in snap:  # a reading past its validity says nothing about today
        cl = cl.where(pd.to_datetime(snap["fecha_cloro"]) > ev.since("lectura_cloro", ref))
    # A fall to E is missing data, not a worse JASS: only compare two real grades.
    real = snap["grado"].ne("E") & snap["grado_anterior"].notna() & snap["grado_anterior"].ne("E")
    fin = pd.to_datetime(snap["consejo_fin"])
    last = pd.to_datetime(snap["ultima_visita"])
    never = last.isna()
    data = pd.to_datetime(_col(snap, "ultimo_dato"))
    rate = pd.to_numeric(_col(snap, "tasa_cobranza"), errors="coerce")
    return pd.DataFrame(
        {
            "grado_d": snap["grado"].eq("D"),
            "grado_bajando": real & (_rank(snap["grado"]) < _rank(snap["grado_anterior"])),
            "consejo_vencido": fin.notna() & (fin < ref),
            "sin_cloracion": snap["realiza_cloracion"].eq(False),
            "cloro_bajo": cl.notna() & (cl < cloro_min),
            "sin_visita_12m": ~never & (last <= ev.since("visita", ref)),
            "datos_insuficientes": snap["grado"].eq("E"),
            "nunca_visitada": never,
            "datos_antiguos": data.isna() | (data <= ev.since("encuesta_datass", ref)),
            "sin_operador": _col(snap, "tiene_operador").eq(False),
            "no_cobra_cuota": _col(snap, "cobra_cuota").eq(False),
            "cobranza_baja": rate.notna() & (rate < ev.prioridad.get("cobranza_minima", 0.7)),
            "no_registrada": _col(snap, "registrada").eq(False),
            "no_reconocida": _col(snap, "reconocida").eq(False),
        },
        index=snap.index,
    )


def multipliers(
    snap: pd.DataFrame, ref: pd.Timestamp, ev: Evidence | None = None
) -> tuple[pd.Series, pd.Series]:
    """(people factor, recent-visit factor) per organisation (weights in the evidence file):
    more people served weighs more; a JASS visited within a visit's validity waits."""
    ev = ev or shipped()
    w = ev.prioridad
    people = pd.to_numeric(_col(snap, "poblacion_servida"), errors="coerce").fillna(0)
    pf = 1 + (w.get("peso_poblacion", 0.0) * people / 1000).clip(upper=w.get("tope_poblacion", 0))
    recent = pd.to_datetime(snap["ultima_visita"]) > ev.since("visita", ref)
    vf = pd.Series(1.0, index=snap.index).where(~recent, w.get("factor_visita_vigente", 1.0))
    return pf.astype(float), vf.astype(float)


def priority(flags: pd.DataFrame, weights: dict[str, float]) -> tuple[pd.Series, list[list[str]]]:
    """Weighted sum of the reasons present, and the reason codes heaviest first."""
    w = pd.Series({r: float(weights.get(r, 0.0)) for r in REASONS})  # a missing weight: 0
    score = flags[list(REASONS)].astype(float).mul(w).sum(axis=1)
    order = sorted(REASONS, key=lambda r: -w[r])
    cols = flags[order].to_numpy()
    reasons = [[r for r, on in zip(order, row, strict=True) if on] for row in cols]
    return score, reasons


def resumen_oc(
    snap: pd.DataFrame,
    registro: pd.DataFrame,
    ref: pd.Timestamp,
    model: Model,
    people: pd.Series | None = None,
) -> pd.DataFrame:
    """resumen_oc rows: the latest picture of each organisation with its visit priority.

    prioridad = prioridad_base (weighted reasons) × people factor × recent-visit factor;
    the dashboard explains each rank in words from these stored parts."""
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
    if people is not None:
        out["poblacion_servida"] = out["codigo_oc"].map(people).fillna(0).astype(int)
    ev = model.evidencia or shipped()
    flags = reason_flags(out, ref, model.umbrales.get("cloro_minimo_mg_l", 0.5), ev)
    base, out["razones"] = priority(flags, model.prioridad)
    pf, vf = multipliers(out, ref, ev)
    out["prioridad_base"] = base
    out["prioridad"] = (base * pf * vf).round(3)
    return out


def people_served(diag: pd.DataFrame, oc_cp: pd.DataFrame) -> pd.Series:
    """People each provider serves: population served (else total) of its CPs' latest surveys."""
    from etl.derive.coverage import latest_surveys, provider_codes

    if diag.empty:
        return pd.Series(dtype=float)
    d = latest_surveys(diag)
    served = pd.to_numeric(d["poblacion_servicio_agua"], errors="coerce")
    served = served.fillna(pd.to_numeric(d["total_poblacion"], errors="coerce")).fillna(0)
    return served.groupby(provider_codes(d, oc_cp)).sum()
