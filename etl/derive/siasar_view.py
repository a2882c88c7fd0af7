"""SIASAR's judgement of each system, its link to a JASS, and where it disagrees with our visits.

Rewritten at the end of every load (etl.derive.derive_all), so a JASS register loaded after
the SIASAR sheets links them too. Plain functions decide; `refresh` only reads and writes.

Our choices (not SIASAR's, said so in docs/puntajes.md and on the pages):
- INF from the component kinds the export has (catchment, storage, distribution; SIASAR's
  country export has no conduction sheet): geometric mean of each kind's mean state score.
- A link by name needs exactly one JASS of the system's district whose name, without words
  like "JASS" or "agua potable", equals the provider's (PSE) or one of the communities', or
  that serves a centro poblado of a community's name. Anything else stays for a person.
- SIASAR and a visit disagree on a component when one says A/B and the other C/D; on
  chlorination when SIASAR has a working treatment (A/B) and the visit says none.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import Connection, delete, false, insert, select, union

from etl import schema
from etl.derive import siasar
from etl.siasar_places import name_key

INF_KINDS = ("captacion", "almacenamiento", "distribucion")
GENERIC_WORDS = frozenset(
    [
        "JASS",
        "JUNTA",
        "JUNTAS",
        "ADMINISTRADORA",
        "ADMINISTRADORAS",
        "ADMINISTRACION",
        "SERVICIO",
        "SERVICIOS",
        "SANEAMIENTO",
        "AGUA",
        "POTABLE",
        "COMITE",
        "ASOCIACION",
        "PRESTADOR",
        "ORGANIZACION",
        "COMUNAL",
        "SISTEMA",
        "DE",
        "DEL",
        "LA",
        "LAS",
        "LOS",
        "EL",
        "Y",
        "EN",
        "C",
    ]
)
GOOD, POOR = frozenset("AB"), frozenset("CD")
VISIT_COLUMNS = {
    "captacion": "estado_captacion",
    "almacenamiento": "estado_almacenamiento",
    "distribucion": "estado_distribucion",
}
SHOWN = 3  # candidates kept for a person to choose from


@functools.lru_cache(maxsize=1 << 16)
def name_core(text: str | None) -> str:
    """'JASS Ccollpa', 'jass - ccollpa', 'Junta Administradora de Agua Potable CCOLLPA' → 'CCOLLPA'.

    Kept per name: a refresh compares each SIASAR system with every JASS of its district
    (#18: ~90,000 calls on every national load, 10× as many at 10×)."""
    return " ".join(w for w in name_key(text or "").split() if w not in GENERIC_WORDS)


def judgement(states: Mapping[str, list[str]]) -> tuple[float | None, str, int]:
    """(INF, SIASAR grade, component kinds with a state) from each kind's A-D states."""
    scores = [
        sum(siasar.STATE_SCORE[s] for s in states[k]) / len(states[k])
        for k in INF_KINDS
        if states.get(k)
    ]
    if not scores:
        return None, "E", 0
    index = siasar.infrastructure_available(*scores)
    return index, siasar.grade(index), len(scores)


@dataclass(frozen=True)
class Org:
    codigo_oc: str
    nombre: str
    cp_names: frozenset[str]  # cores of the names of the centros poblados it serves


def link_candidates(pse: str | None, communities: str | None, orgs: Iterable[Org]) -> list[Org]:
    """The JASS of the district whose name matches the provider's or a community's."""
    wanted = {name_core(pse)} | {name_core(c) for c in (communities or "").split(",")}
    wanted.discard("")
    return [o for o in orgs if name_core(o.nombre) in wanted or o.cp_names & wanted]


def closest(pse: str | None, orgs: list[Org]) -> list[Org]:
    """For a person: the district's JASS whose names look most like the provider's."""
    by_core = {name_core(o.nombre): o for o in orgs}
    near = difflib.get_close_matches(name_core(pse), list(by_core), n=SHOWN, cutoff=0.6)
    return [by_core[n] for n in near]


def disagreements(states: Mapping[str, list[str]], visit: Mapping) -> list[tuple[str, str, str]]:
    """(aspect, SIASAR says, the visit says) where they contradict each other."""
    out = []
    for kind, column in VISIT_COLUMNS.items():
        ours = visit.get(column)
        for theirs in sorted(set(states.get(kind, []))):
            if ours and ((theirs in GOOD and ours in POOR) or (theirs in POOR and ours in GOOD)):
                out.append((kind, theirs, ours))
                break
    working = [s for s in states.get("tratamiento", []) if s in GOOD]
    if working and visit.get("realiza_cloracion") is False:
        out.append(("cloracion", working[0], "no"))
    return out


# ------------------------------------------------------------------ database ---------------


def refresh(conn: Connection, districts: set[str] | None = None) -> None:
    """Rewrite siasar_calc and siasar_discrepancia from the raw tables: every system, or
    (`districts`, a load that wrote no SIASAR rows) those whose rows can change: the systems
    of those districts and those linked to a JASS of them (#18: a small load no longer
    rewrites the whole view)."""
    s = schema.siasar_sistema
    query = select(s.c.id, s.c.ubigeo, s.c.pse, s.c.comunidades, s.c.fecha_encuesta)
    if districts is None:
        conn.execute(delete(schema.siasar_calc))
        conn.execute(delete(schema.siasar_discrepancia))
    else:
        ids = _systems_of(conn, districts)
        for table in (schema.siasar_discrepancia, schema.siasar_calc):
            for part in _chunks(ids):
                conn.execute(delete(table).where(table.c.sistema_id.in_(part)))
        query = query.where(s.c.id.in_(ids)) if ids else query.where(false())
    systems = conn.execute(query).all()
    if not systems:
        return
    states = _states(conn)
    orgs = _orgs(conn, {row[1] for row in systems})
    confirmed = dict(
        conn.execute(
            select(schema.siasar_vinculo.c.sistema_id, schema.siasar_vinculo.c.codigo_oc)
        ).all()
    )
    calc, links = [], {}
    for sid, ubigeo, pse, communities, _ in systems:
        index, grade, n = judgement(states.get(sid, {}))
        row = {"sistema_id": sid, "ubigeo": ubigeo, "indice_infraestructura": index}
        row |= {"grado": grade, "componentes": n, "codigo_oc": None, "vinculo": None}
        row["candidatos"] = None
        found = link_candidates(pse, communities, orgs.get(ubigeo, []))
        if sid in confirmed:
            row["codigo_oc"], row["vinculo"] = confirmed[sid], "confirmado"
        elif len(found) == 1:
            row["codigo_oc"], row["vinculo"] = found[0].codigo_oc, "nombre"
        else:
            shown = found or closest(pse, orgs.get(ubigeo, []))
            row["candidatos"] = [{"codigo_oc": o.codigo_oc, "nombre": o.nombre} for o in shown]
        if row["codigo_oc"]:
            links[sid] = row["codigo_oc"]
        calc.append(row)
    conn.execute(insert(schema.siasar_calc), calc)
    _write_disagreements(conn, systems, states, links)


def _chunks(ids: list[str], size: int = 500) -> list[list[str]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def _systems_of(conn: Connection, districts: set[str]) -> list[str]:
    """Systems whose judgement, link or disagreements rows of `districts` can change: those
    of the districts, and those linked (by name or confirmed) to one of their JASS."""
    s, calc, link = schema.siasar_sistema, schema.siasar_calc, schema.siasar_vinculo
    o = schema.organizacion_comunal
    found: set[str] = set()
    for part in _chunks(sorted(districts)):
        orgs = select(o.c.codigo_oc).where(o.c.ubigeo.in_(part))
        query = union(
            select(s.c.id).where(s.c.ubigeo.in_(part)),
            select(calc.c.sistema_id).where(calc.c.codigo_oc.in_(orgs)),
            select(link.c.sistema_id).where(link.c.codigo_oc.in_(orgs)),
        )
        found |= {str(r[0]) for r in conn.execute(query)}
    return sorted(found)


def _states(conn: Connection) -> dict[str, dict[str, list[str]]]:
    c = schema.siasar_componente
    out: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for sid, tipo, estado in conn.execute(select(c.c.sistema_id, c.c.tipo, c.c.estado)):
        if estado:
            out[sid][tipo].append(estado)
    return out


def _orgs(conn: Connection, districts: set[str]) -> dict[str, list[Org]]:
    """The organisations of `districts` (those with SIASAR systems), with the names of the
    centros poblados they serve: a warehouse's other organisations are never read."""
    o, occp, cp = schema.organizacion_comunal, schema.oc_centro_poblado, schema.centro_poblado
    mine = select(o.c.codigo_oc).where(o.c.ubigeo.in_(sorted(districts)))
    served: dict[str, set[str]] = defaultdict(set)
    rows = conn.execute(
        select(occp.c.codigo_oc, cp.c.nombre)
        .join(cp, cp.c.ubigeo_cp == occp.c.ubigeo_cp)
        .where(occp.c.codigo_oc.in_(mine))
    )
    for code, name in rows:
        served[code].add(name_core(name))
    out: dict[str, list[Org]] = defaultdict(list)
    query = (
        select(o.c.codigo_oc, o.c.nombre, o.c.ubigeo)
        .where(o.c.ubigeo.in_(sorted(districts)))
        .order_by(o.c.codigo_oc)
    )
    for code, nombre, ubigeo in conn.execute(query):
        out[ubigeo].append(Org(code, nombre, frozenset(served[code] - {""})))
    return out


def _write_disagreements(conn: Connection, systems, states, links: dict[str, str]) -> None:
    if not links:
        return
    v = schema.visita
    cols = [
        v.c.codigo_oc,
        v.c.fecha_visita,
        v.c.realiza_cloracion,
        *(v.c[name] for name in VISIT_COLUMNS.values()),
    ]
    latest: dict[str, dict] = {}
    query = select(*cols).where(v.c.codigo_oc.in_(set(links.values()))).order_by(v.c.fecha_visita)
    for row in conn.execute(query).mappings():
        latest[row["codigo_oc"]] = dict(row)
    rows = []
    for sid, ubigeo, _, _, fecha in systems:
        visit = latest.get(links.get(sid, ""))
        if visit is None:
            continue
        for aspect, theirs, ours in disagreements(states.get(sid, {}), visit):
            rows.append(
                {
                    "codigo_oc": visit["codigo_oc"],
                    "sistema_id": sid,
                    "aspecto": aspect,
                    "ubigeo": ubigeo,
                    "siasar": theirs,
                    "fecha_siasar": fecha,
                    "visita": ours,
                    "fecha_visita": visit["fecha_visita"],
                }
            )
    if rows:
        conn.execute(insert(schema.siasar_discrepancia), rows)


def newest_first(rows: list[dict]) -> list[dict]:
    """Disagreements with the newest evidence (visit or survey) first."""
    floor = dt.date.min
    return sorted(
        rows,
        key=lambda r: max(r.get("fecha_visita") or floor, r.get("fecha_siasar") or floor),
        reverse=True,
    )
