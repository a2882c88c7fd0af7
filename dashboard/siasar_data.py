"""Reads of the SIASAR tables (issue 15), scoped like every other read of `Warehouse`.

Only reads: the judgement (siasar_calc) and the disagreements are derived by the ETL.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd
from sqlalchemy import select

from dashboard.queries import Warehouse
from etl import schema as s

COMPONENT_KINDS = ("captacion", "almacenamiento", "distribucion", "tratamiento")


def _systems(wh: Warehouse, where) -> pd.DataFrame:
    """Systems with SIASAR's judgement and their link, restricted by `where` and the scope."""
    sis, calc = s.siasar_sistema, s.siasar_calc
    stmt = (
        select(
            sis.c.id,
            sis.c.ubigeo,
            sis.c.nombre,
            sis.c.comunidades,
            sis.c.pse,
            sis.c.fecha_encuesta,
            sis.c.pob_servida,
            calc.c.indice_infraestructura,
            calc.c.grado,
            calc.c.componentes,
            calc.c.codigo_oc,
            calc.c.vinculo,
            calc.c.candidatos,
        )
        .join(calc, calc.c.sistema_id == sis.c.id)
        .where(where)
        .order_by(sis.c.ubigeo, sis.c.nombre, sis.c.id)
    )
    return wh._frame(wh._limit(stmt, sis.c.ubigeo))


def _with_states(wh: Warehouse, systems: pd.DataFrame) -> pd.DataFrame:
    """Each system's component states by kind ("A", "D", "A/C" for two tanks)."""
    if systems.empty:
        return systems.assign(**{k: [] for k in COMPONENT_KINDS})
    comp = s.siasar_componente
    stmt = select(comp.c.sistema_id, comp.c.tipo, comp.c.estado).where(
        comp.c.sistema_id.in_(systems["id"].tolist())
    )
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in wh._frame(stmt).itertuples(index=False):
        if row.estado:
            found[(row.sistema_id, row.tipo)].append(row.estado)
    out = systems.copy()
    for kind in COMPONENT_KINDS:
        out[kind] = [
            "/".join(sorted(found.get((sid, kind), []))) or None for sid in out["id"].tolist()
        ]
    return out


def district_systems(wh: Warehouse, ubigeo: str) -> pd.DataFrame:
    return _with_states(wh, _systems(wh, s.siasar_sistema.c.ubigeo == ubigeo))


def unlinked_systems(wh: Warehouse) -> pd.DataFrame:
    """Systems no JASS is linked to (by name or by a person), in the account's districts."""
    return _systems(wh, s.siasar_calc.c.codigo_oc.is_(None))


def jass_systems(wh: Warehouse, codigo_oc: str) -> pd.DataFrame:
    return _with_states(wh, _systems(wh, s.siasar_calc.c.codigo_oc == codigo_oc))


def disagreements(wh: Warehouse, *, ubigeo: str | None = None, codigo_oc: str | None = None):
    """Where SIASAR and our latest visit disagree, newest evidence first."""
    d = s.siasar_discrepancia
    stmt = select(d)
    if ubigeo is not None:
        stmt = stmt.where(d.c.ubigeo == ubigeo)
    if codigo_oc is not None:
        stmt = stmt.where(d.c.codigo_oc == codigo_oc)
    frame = wh._frame(wh._limit(stmt, d.c.ubigeo))
    if frame.empty:
        return frame
    newest = frame[["fecha_visita", "fecha_siasar"]].apply(pd.to_datetime).max(axis=1)
    return (
        frame.assign(_newest=newest).sort_values("_newest", ascending=False).drop(columns="_newest")
    )
