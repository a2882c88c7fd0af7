"""Incentive-goal progress per municipality and catalogue goal (docs/puntajes.md, «Metas»).

Goals come from a Catalog (etl.catalog.load_catalog), so a new year's goal needs no code.
Local choices (documented in docs/puntajes.md): evidence `en_proceso` earns half its points
before the deadline and nothing after it; before the deadline a goal is `en_camino` when
finishing the activities already started (evidence en_proceso, metrics above 0 but under their
threshold) would reach the minimum.

As the MEF verifies (issue 14): only evidence dated on or before the deadline counts (undated
evidence cannot be verified and counts for nothing); metrics read the data as of the deadline,
their denominators the organisations that existed then.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from etl.catalog import Activity, Catalog, Goal

EVIDENCE_SHARE = {"cumplida": 1.0, "en_proceso": 0.5}
Frames = dict[str, pd.DataFrame]


# ------------------------------------------------------------------ metric rules -----------


def _share(num: pd.Series, den: pd.Series) -> pd.Series:
    return num.reindex(den.index).fillna(0) / den.where(den > 0)


def _year_end(anio: int) -> pd.Timestamp:
    return pd.Timestamp(anio, 12, 31)


def _cut(anio: int, hasta: pd.Timestamp | None) -> pd.Timestamp:
    """The date a metric is read at: the goal's deadline, never after the data year's end."""
    end = _year_end(anio)
    return end if hasta is None else min(end, pd.Timestamp(hasta))


def _orgs_at(f: Frames, cut: pd.Timestamp) -> pd.DataFrame:
    """Organisations that existed on `cut`: not constituted after it (unknown date: existed)."""
    orgs, r = f["orgs"], f["registro"]
    if "fecha_constitucion" not in r:
        return orgs
    later = r.loc[pd.to_datetime(r["fecha_constitucion"]) > cut, "codigo_oc"]
    return orgs[~orgs["codigo_oc"].isin(later)]


def _orgs_per_district(f: Frames, cut: pd.Timestamp | None = None) -> pd.Series:
    orgs = f["orgs"] if cut is None else _orgs_at(f, cut)
    return orgs.groupby("ubigeo").size()


def cp_con_diagnostico(f: Frames, anio: int, hasta: pd.Timestamp | None = None) -> pd.Series:
    """Share of the district's CPs with a DATASS survey in `anio`, dated by the deadline."""
    d = f["diagnostico"]
    d = d[d["anio"] == anio]
    if hasta is not None:  # an undated survey cannot be shown to predate the deadline
        dated = d["fecha_encuesta"] if "fecha_encuesta" in d else pd.Series(pd.NaT, index=d.index)
        d = d[pd.to_datetime(dated) <= _cut(anio, hasta)]
    num = d.groupby("ubigeo")["ubigeo_cp"].nunique()
    return _share(num, known_cps(f))


def known_cps(f: Frames) -> pd.Series:
    """Centros poblados per district known from any source: a DATASS survey or a JASS's
    register list. One never surveyed still counts against "CP con diagnóstico" (issue 14);
    CPs in neither source are unknown to the warehouse (there is no national CP list in it)."""
    parts = [f["centro_poblado"]["ubigeo_cp"]]
    if "oc_cp" in f:
        parts.append(f["oc_cp"]["ubigeo_cp"])
    codes = pd.concat(parts).dropna().astype(str).drop_duplicates()
    return codes.groupby(codes.str[:6]).size()


def _orgs_with(f: Frames, mask: pd.Series, cut: pd.Timestamp | None = None) -> pd.Series:
    codes = f["registro"].loc[mask, "codigo_oc"]
    orgs = f["orgs"] if cut is None else _orgs_at(f, cut)
    return orgs[orgs["codigo_oc"].isin(codes)].groupby("ubigeo").size()


def oc_registradas(f: Frames, anio: int, hasta: pd.Timestamp | None = None) -> pd.Series:
    """Share of organisations (existing then) in the municipal register by the deadline."""
    r, cut = f["registro"], _cut(anio, hasta)
    mask = r["fecha_registro"].isna() | (r["fecha_registro"] <= cut)
    return _share(_orgs_with(f, mask, cut), _orgs_per_district(f, cut))


def oc_reconocidas(f: Frames, anio: int, hasta: pd.Timestamp | None = None) -> pd.Series:
    """Share of organisations (existing then) recognised by resolution by the deadline."""
    r, cut = f["registro"], _cut(anio, hasta)
    has = r["resolucion_reconocimiento"].notna() | r["fecha_resolucion"].notna()
    mask = has & (r["fecha_resolucion"].isna() | (r["fecha_resolucion"] <= cut))
    return _share(_orgs_with(f, mask, cut), _orgs_per_district(f, cut))


def _visits_in(f: Frames, anio: int, hasta: pd.Timestamp | None = None) -> pd.DataFrame:
    v = f["visitas"]
    return v[(v["fecha_visita"].dt.year == anio) & (v["fecha_visita"] <= _cut(anio, hasta))]


def oc_visitadas(f: Frames, anio: int, hasta: pd.Timestamp | None = None) -> pd.Series:
    """Share of organisations (existing then) visited by the ATM in `anio`, by the deadline."""
    num = _visits_in(f, anio, hasta).groupby("ubigeo")["codigo_oc"].nunique()
    return _share(num, _orgs_per_district(f, _cut(anio, hasta)))


def oc_clorando(f: Frames, anio: int, hasta: pd.Timestamp | None = None) -> pd.Series:
    """Share of organisations visited in `anio` that chlorinate at their last visit that year."""
    v = _visits_in(f, anio, hasta)
    v = v.sort_values("fecha_visita").drop_duplicates("codigo_oc", keep="last")
    num = v[v["realiza_cloracion"].eq(True)].groupby("ubigeo").size()
    return _share(num, v.groupby("ubigeo").size())


def atm_presupuesto_pia(f: Frames, anio: int, hasta: pd.Timestamp | None = None) -> pd.Series:
    """1.0 where the ATM has an opening budget (PIA) above 0 in `anio`, else 0."""
    a = f["atm"]
    a = a[a["anio"] == anio]
    pia = pd.to_numeric(a["presupuesto_pia"], errors="coerce").fillna(0)
    return (pia > 0).astype(float).set_axis(a["ubigeo"].to_numpy())


METRICS = {
    "cp_con_diagnostico": cp_con_diagnostico,
    "oc_registradas": oc_registradas,
    "oc_reconocidas": oc_reconocidas,
    "oc_visitadas": oc_visitadas,
    "oc_clorando": oc_clorando,
    "atm_presupuesto_pia": atm_presupuesto_pia,
}


# ------------------------------------------------------------------ states -----------------


def goal_state(
    applies: bool,
    score: float,
    minimum: float,
    started_points: float,
    deadline: dt.date,
    as_of: dt.date,
) -> str:
    """cumplida | no_cumplida | en_camino | en_riesgo | no_aplica for one municipality."""
    if not applies:
        return "no_aplica"
    if score >= minimum - 1e-9:
        return "cumplida"
    if as_of > deadline:
        return "no_cumplida"
    return "en_camino" if score + started_points >= minimum - 1e-9 else "en_riesgo"


def evidence_status(
    estado: str | None, fecha: object, deadline: dt.date | None, as_of: dt.date | None
) -> tuple[str, float]:
    """(what the evidence counts as, share of points) as the MEF would verify it.

    With a deadline: evidence dated after it, or undated, counts for nothing
    ("fuera_de_plazo", "sin_fecha"); after the deadline `en_proceso` earns nothing either.
    """
    estado = estado or "no_iniciada"
    share = EVIDENCE_SHARE.get(estado, 0.0)
    if deadline is None or share == 0:
        return estado, share
    when = pd.Timestamp(fecha) if fecha is not None and not pd.isna(fecha) else None
    if when is None:
        return "sin_fecha", 0.0
    if when.date() > deadline:
        return "fuera_de_plazo", 0.0
    if estado == "en_proceso" and as_of is not None and as_of > deadline:
        return "en_proceso_vencida", 0.0
    return estado, share


def activity_score(
    act: Activity,
    estado: str | None,
    valor: float | None,
    fecha: object = None,
    deadline: dt.date | None = None,
    as_of: dt.date | None = None,
) -> dict:
    """Points earned by one activity, and the points still pending in it if started.

    With a `deadline`, evidence is judged as the MEF verifies it (see evidence_status)."""
    if act.tipo == "evidencia":
        counted, share = evidence_status(estado, fecha, deadline, as_of)
        started = share > 0 and share < 1
        detail: dict = {"estado": estado or "no_iniciada"}
        if counted != (estado or "no_iniciada"):
            detail["cuenta_como"] = counted
    else:
        umbral = 1.0 if act.umbral is None else act.umbral
        ok = valor is not None and not np.isnan(valor) and valor >= umbral - 1e-9
        share = 1.0 if ok else 0.0
        started = not ok and valor is not None and not np.isnan(valor) and valor > 0
        detail = {"valor": None if valor is None or np.isnan(valor) else round(valor, 4)}
        detail["umbral"] = umbral
    obtained = act.puntos * share
    return {
        "actividad": act.id,
        "tipo": act.tipo,
        "puntos": act.puntos,
        "obtenido": obtained,
        "pendiente_iniciada": act.puntos - obtained if started else 0.0,
        **detail,
    }


# ------------------------------------------------------------------ per goal ---------------


def _metric_columns(goal: Goal, f: Frames) -> dict[str, pd.Series]:
    """Each metric activity's value per district, read as of the goal's deadline."""
    hasta = pd.Timestamp(goal.fecha_limite)
    return {
        a.id: METRICS[a.regla or ""](f, a.anio_dato or goal.anio, hasta)
        for a in goal.actividades
        if a.tipo == "metrica"
    }


def _evidence(goal: Goal, f: Frames) -> dict[str, dict[str, tuple[str, object]]]:
    """Per district and activity, the evidence's (estado, fecha)."""
    av = f["avance"]
    av = av[(av["anio"] == goal.anio) & (av["meta"] == goal.numero)]
    av = av.drop_duplicates(["ubigeo", "actividad"])
    fechas = av["fecha"] if "fecha" in av else pd.Series(None, index=av.index)
    out: dict[str, dict[str, tuple[str, object]]] = {}
    for u, a, e, d in zip(av["ubigeo"], av["actividad"], av["estado"], fechas, strict=True):
        out.setdefault(u, {})[a] = (e, d)
    return out


def _lookup(s: pd.Series) -> dict:
    """Series.get as a dict (unique index): same values, numpy scalars included."""
    return dict(zip(s.index, s.to_numpy(), strict=True))


def _row(goal: Goal, ubigeo: str, cat: str | None, ev: dict, metrics: dict, as_of) -> dict:
    acts = []
    states = ev.get(ubigeo, {})
    for a in goal.actividades:
        estado, fecha = states.get(a.id, (None, None))
        estado = estado if isinstance(estado, str) else None
        valor = metrics[a.id].get(ubigeo, np.nan) if a.id in metrics else None
        acts.append(activity_score(a, estado, valor, fecha, goal.fecha_limite, as_of))
    applies = cat is not None and cat in goal.categorias
    score = sum(x["obtenido"] for x in acts)
    started = sum(x["pendiente_iniciada"] for x in acts)
    state = goal_state(applies, score, goal.puntaje_minimo, started, goal.fecha_limite, as_of)
    return {
        "ubigeo": ubigeo,
        "anio": goal.anio,
        "meta": goal.numero,
        "aplica": applies,
        "categoria": cat,
        "puntaje": score if applies else None,
        "puntaje_maximo": goal.puntaje_maximo,
        "puntaje_minimo": goal.puntaje_minimo,
        "estado": state,
        "actividades": acts,
        "faltantes": [x["actividad"] for x in acts if x["obtenido"] < x["puntos"] - 1e-9],
    }


def _with_mef(df: pd.DataFrame, mef: pd.DataFrame) -> pd.DataFrame:
    """Official MEF result beside the computed one; discrepancia when met differs."""
    m = mef.rename(columns={"cumplio": "mef_cumplio", "puntaje": "mef_puntaje"})
    df = df.merge(m[["ubigeo", "anio", "meta", "mef_cumplio", "mef_puntaje"]], how="left")
    known = df["mef_cumplio"].notna()
    differs = (df["estado"] == "cumplida") != df["mef_cumplio"].eq(True)
    df["discrepancia"] = differs.where(known, None)
    return df


def goal_progress(f: Frames, catalog: Catalog, as_of: dt.date) -> pd.DataFrame:
    """avance_meta_calc rows: every district × every catalogue goal."""
    cls = f["clasificacion"]
    rows = []
    for goal in catalog.goals:
        cat = _lookup(cls[cls["anio"] == goal.anio].set_index("ubigeo")["categoria"])
        ev = _evidence(goal, f)
        metrics = {k: _lookup(v) for k, v in _metric_columns(goal, f).items()}
        for ubigeo in f["distrito"]["ubigeo"]:
            c = cat.get(ubigeo)
            rows.append(_row(goal, ubigeo, c if isinstance(c, str) else None, ev, metrics, as_of))
    if not rows:
        return pd.DataFrame(columns=["ubigeo", "anio", "meta", "estado"])
    return _with_mef(pd.DataFrame(rows), f["mef"])
