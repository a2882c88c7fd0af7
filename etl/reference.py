"""Reference data shipped in data/: every INEI district of Peru (what makes a code valid)."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from sqlalchemy import Connection, insert, select, update

from etl import schema

DISTRICTS_CSV = Path(__file__).resolve().parent.parent / "data" / "distritos_inei.csv"


def _float(text: str) -> float | None:
    return float(text) if text.strip() else None


@cache
def district_rows() -> tuple[dict, ...]:
    """The 1,892 INEI districts, as dicts, from data/distritos_inei.csv."""
    with DISTRICTS_CSV.open(encoding="utf-8") as fh:
        lines = (line for line in fh if not line.startswith("#"))
        return tuple(csv.DictReader(lines))


@cache
def district_codes() -> frozenset[str]:
    """Every valid 6-digit district ubigeo."""
    return frozenset(row["ubigeo"] for row in district_rows())


# CSV column -> distrito column, beyond the codes (text columns; the rest are numbers).
TEXT = {
    "distrito": "nombre",
    "capital": "capital",
    "coordenadas_fuente": "coordenadas_fuente",
    "ubigeo_reniec": "ubigeo_reniec",
    "mapa": "mapa",
    "contenedor_2007": "contenedor_2007",
    "contenedor_fuente": "contenedor_fuente",
}
NUMBERS = (
    "latitud",
    "longitud",
    "altitud_m",
    "superficie_km2",
    "pobreza_total_pct",
    "pobreza_extrema_pct",
    "idh_2019",
    "vulnerabilidad_alimentaria",
)


def district_values(row: dict) -> dict:
    """One reference row as distrito values (blank -> NULL)."""
    values: dict = {
        "ubigeo": row["ubigeo"],
        "provincia": row["ubigeo"][:4],
        "departamento": row["ubigeo"][:2],
    }
    values |= {col: row[key] or None for key, col in TEXT.items()}
    values["nombre"] = row["distrito"]
    values |= {col: _float(row[col]) for col in NUMBERS}
    return values


def _places(conn: Connection, rows: tuple[dict, ...]) -> None:
    """Insert the departments and provinces the warehouse does not have yet."""
    have_deps = set(conn.execute(select(schema.departamento.c.ubigeo)).scalars())
    have_provs = set(conn.execute(select(schema.provincia.c.ubigeo)).scalars())
    deps = {r["ubigeo"][:2]: r["departamento"] for r in rows if r["ubigeo"][:2] not in have_deps}
    provs = {r["ubigeo"][:4]: r["provincia"] for r in rows if r["ubigeo"][:4] not in have_provs}
    if deps:
        conn.execute(
            insert(schema.departamento),
            [{"ubigeo": k, "nombre": v} for k, v in sorted(deps.items())],
        )
    if provs:
        conn.execute(
            insert(schema.provincia),
            [{"ubigeo": k, "departamento": k[:2], "nombre": v} for k, v in sorted(provs.items())],
        )


def load_districts(conn: Connection) -> None:
    """Insert departments, provinces and districts into an empty warehouse."""
    rows = district_rows()
    _places(conn, rows)
    conn.execute(insert(schema.distrito), [district_values(r) for r in rows])


def refresh_districts(conn: Connection) -> int:
    """Bring a warehouse's districts up to data/distritos_inei.csv: add the missing ones and
    update those whose values changed (a warehouse made with an older reference). Districts
    no longer in the reference are kept (loaded rows may point to them). Returns the rows
    written; 0, and no write at all, when the warehouse is current."""
    d = schema.distrito
    have = {row.ubigeo: dict(row._mapping) for row in conn.execute(select(d))}
    wanted = [district_values(r) for r in district_rows()]
    new = [v for v in wanted if v["ubigeo"] not in have]
    changed = [v for v in wanted if v["ubigeo"] in have and _differs(v, have[v["ubigeo"]])]
    if new:
        _places(conn, district_rows())
        conn.execute(insert(d), new)
    for values in changed:
        conn.execute(update(d).where(d.c.ubigeo == values["ubigeo"]).values(values))
    return len(new) + len(changed)


def _differs(wanted: dict, have: dict) -> bool:
    return any(have.get(k) != v for k, v in wanted.items())
