"""Reference data shipped in data/: every INEI district of Peru (what makes a code valid)."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from sqlalchemy import Connection, insert

from etl import schema

DISTRICTS_CSV = Path(__file__).resolve().parent.parent / "data" / "distritos_inei.csv"


def _float(text: str) -> float | None:
    return float(text) if text.strip() else None


@cache
def district_rows() -> tuple[dict, ...]:
    """The 1,893 INEI districts, as dicts, from data/distritos_inei.csv."""
    with DISTRICTS_CSV.open(encoding="utf-8") as fh:
        lines = (line for line in fh if not line.startswith("#"))
        return tuple(csv.DictReader(lines))


@cache
def district_codes() -> frozenset[str]:
    """Every valid 6-digit district ubigeo."""
    return frozenset(row["ubigeo"] for row in district_rows())


def load_districts(conn: Connection) -> None:
    """Insert departments, provinces and districts into an empty warehouse."""
    rows = district_rows()
    deps = {r["ubigeo"][:2]: r["departamento"] for r in rows}
    provs = {r["ubigeo"][:4]: r["provincia"] for r in rows}
    conn.execute(
        insert(schema.departamento), [{"ubigeo": k, "nombre": v} for k, v in sorted(deps.items())]
    )
    conn.execute(
        insert(schema.provincia),
        [{"ubigeo": k, "departamento": k[:2], "nombre": v} for k, v in sorted(provs.items())],
    )
    conn.execute(
        insert(schema.distrito),
        [
            {
                "ubigeo": r["ubigeo"],
                "provincia": r["ubigeo"][:4],
                "departamento": r["ubigeo"][:2],
                "nombre": r["distrito"],
                "capital": r["capital"] or None,
                "latitud": _float(r["latitud"]),
                "longitud": _float(r["longitud"]),
                "altitud_m": _float(r["altitud_m"]),
                "superficie_km2": _float(r["superficie_km2"]),
                "coordenadas_fuente": r["coordenadas_fuente"] or None,
            }
            for r in rows
        ],
    )
