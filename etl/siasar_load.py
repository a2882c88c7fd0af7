"""SIASAR sheets in the one loader: file checks, place matching and link checks.

Called from etl/load.py at two points: after a SIASAR sheet is validated (`check_sheet`:
the country and the place of every row) and before a link file is written (`check_links`).
Their writers are in etl/writers.py; the judgement derived from them is in
etl/derive/siasar_view.py.
"""

from __future__ import annotations

from sqlalchemy import Connection, select

from etl import schema
from etl.problems import Problem
from etl.siasar_places import name_key, places
from etl.validate import Checked

COUNTRY = "PERU"
REASONS = {  # why a place was not matched: (es, en)
    "unknown": ("ningún distrito tiene esos nombres", "no district has those names"),
    "ambiguous": ("varios distritos tienen esos nombres", "several districts have those names"),
    "incomplete": (
        "no tiene la forma DEPARTAMENTO,PROVINCIA,DISTRITO",
        "it is not of the form DEPARTAMENTO,PROVINCIA,DISTRITO",
    ),
}


def check_sheet(checked: Checked) -> Problem | None:
    """A file-level problem (another country's export), else rows matched to districts."""
    values = checked.values
    if "pais" in values:
        countries = {c for c in values["pais"].dropna() if name_key(c) != COUNTRY}
        if countries:
            return Problem.make(
                "unknown-kind:siasar-country",
                file=checked.table.path.name,
                sheet=checked.table.sheet,
                country=", ".join(sorted(countries)[:3]),
            )
    match_places(checked)
    checked.sort_problems()
    return None


def match_places(checked: Checked) -> None:
    """values['ubigeo'] from `divisiones`; an unmatched or ambiguous place rejects its row."""
    found = places()
    ubigeos: list[str | None] = []
    for row, text in checked.values["divisiones"].items():
        if text is None:
            ubigeos.append(None)
            continue
        m = found.match(text)
        ubigeos.append(m.ubigeo)
        if m.ubigeo is None and not checked.rejected.at[row]:
            es, en = REASONS[m.reason or "unknown"]
            closest = "; ".join(m.closest) or "-"
            checked.add(
                "unknown-ubigeo:place", row, "divisiones", text,
                reason=es, reason_en=en, closest=closest,
            )  # fmt: skip
    checked.values["ubigeo"] = ubigeos


def match_rate(checked: Checked) -> tuple[int, int]:
    """(rows whose place matched a district, rows with a place) of a checked SIASAR sheet."""
    if "ubigeo" not in checked.values or "divisiones" not in checked.values:
        return 0, 0
    with_place = checked.values["divisiones"].notna()
    return int((checked.values["ubigeo"].notna() & with_place).sum()), int(with_place.sum())


def check_links(conn: Connection, checked: Checked, oc_district: dict[str, str]) -> None:
    """A confirmed link must join a known system and a known JASS of the same district; the
    JASS's district is the row's district, so the upload scope applies to it."""
    systems = dict(
        conn.execute(select(schema.siasar_sistema.c.id, schema.siasar_sistema.c.ubigeo)).all()
    )
    values = checked.values
    homes = values["codigo_oc"].map(lambda c: oc_district.get(c) if c else None)
    for row in values.index:
        if checked.rejected.at[row]:
            continue
        sid, oc = values.at[row, "siasar_id"], values.at[row, "codigo_oc"]
        if sid not in systems:
            checked.add("unknown-reference:siasar", row, "siasar_id", sid)
        elif homes.at[row] is None:
            checked.add("unknown-reference:oc", row, "codigo_oc", oc)
        elif homes.at[row] != systems[sid]:
            checked.add(
                "inconsistent:siasar", row, "codigo_oc", oc, other=homes.at[row], system=sid,
                district=systems[sid],
            )  # fmt: skip
    values["ubigeo"] = homes
    checked.sort_problems()
