"""SIASAR's `divisiones` ("DEPARTAMENTO,PROVINCIA,DISTRITO" in words) → an INEI district ubigeo.

Names are compared without case, accents, punctuation, underscores or repeated spaces. A
district or province renamed since the survey (data/cambios_2007_2026.csv) is found by its
old name too. A place is matched only when exactly one district fits; otherwise the row is
rejected and the hint names the closest districts. Never a guess: two districts of the same
name in different provinces stay apart, and a wrong province is not corrected silently.
"""

from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from etl import reference
from etl.normalize import strip_accents

CHANGES_CSV = Path(__file__).resolve().parent.parent / "data" / "cambios_2007_2026.csv"
SHOWN = 3  # closest districts named in a hint


def name_key(text: str) -> str:
    """'Cusco', 'CUSCO ', 'San_Pedro', 'Santo  Tomás' → 'CUSCO', 'SAN PEDRO', 'SANTO TOMAS'."""
    plain = strip_accents(str(text)).upper().replace("_", " ")
    return " ".join(re.sub(r"[^A-Z0-9 ]+", " ", plain).split())


@dataclass(frozen=True)
class Match:
    """The district found for one `divisiones`, or why none was."""

    ubigeo: str | None
    reason: str | None = None  # "unknown" | "ambiguous" | "incomplete"
    closest: tuple[str, ...] = ()  # "CUSCO, CANCHIS, COMBAPATA (080804)"


@dataclass(frozen=True)
class Places:
    """Name keys → ubigeos, with the names each district is shown by."""

    by_triple: dict[tuple[str, str, str], frozenset[str]]
    shown: dict[str, str]  # ubigeo → "CUSCO, CANCHIS, COMBAPATA"

    def match(self, divisiones: str | None) -> Match:
        parts = [name_key(p) for p in str(divisiones or "").split(",")]
        parts = [p for p in parts if p]
        if len(parts) != 3:
            return Match(None, "incomplete", self.closest(parts))
        found = self.by_triple.get((parts[0], parts[1], parts[2]), frozenset())
        if len(found) == 1:
            return Match(next(iter(found)))
        reason = "ambiguous" if found else "unknown"
        return Match(
            None, reason, tuple(self._show(u) for u in sorted(found)) or self.closest(parts)
        )

    def _show(self, ubigeo: str) -> str:
        return f"{self.shown[ubigeo]} ({ubigeo})"

    def closest(self, parts: list[str]) -> tuple[str, ...]:
        """The districts whose names look most like the given ones (same department first)."""
        target = ", ".join(parts)
        dep = parts[0] if parts else ""
        pool = [u for u, s in self.shown.items() if s.startswith(dep + ",")] or list(self.shown)
        names = {self.shown[u]: u for u in pool}
        near = difflib.get_close_matches(target, list(names), n=SHOWN, cutoff=0.0)
        return tuple(self._show(names[n]) for n in near)


@cache
def places() -> Places:
    """The INEI districts by current name, plus the names they had before a renaming."""
    by_triple: dict[tuple[str, str, str], set[str]] = {}
    shown: dict[str, str] = {}
    for row in reference.district_rows():
        key = (name_key(row["departamento"]), name_key(row["provincia"]), name_key(row["distrito"]))
        by_triple.setdefault(key, set()).add(row["ubigeo"])
        shown[row["ubigeo"]] = ", ".join(key)
    for old, ubigeo in _old_names(shown):
        by_triple.setdefault(old, set()).add(ubigeo)
    return Places({k: frozenset(v) for k, v in by_triple.items()}, shown)


def _old_names(shown: dict[str, str]) -> list[tuple[tuple[str, str, str], str]]:
    """(old department, province, district names) → ubigeo, from the renamings since 2007."""
    with CHANGES_CSV.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    old_province = {
        r["ubigeo_2026"]: name_key(r["nombre_2007"])
        for r in rows
        if r["nivel"] == "provincia" and r["tipo"] == "renombrado"
    }
    out = []
    for ubigeo, names in shown.items():  # districts of a renamed province, by its old name
        dep, _, dist = names.split(", ")
        if ubigeo[:4] in old_province:
            out.append(((dep, old_province[ubigeo[:4]], dist), ubigeo))
    for r in rows:
        if r["nivel"] != "distrito" or r["tipo"] != "renombrado" or r["ubigeo_2026"] not in shown:
            continue
        dep = name_key(r["nombre_departamento"])
        for prov in {name_key(r["nombre_provincia_2007"]), name_key(r["nombre_provincia_2026"])}:
            out.append(((dep, prov, name_key(r["nombre_2007"])), r["ubigeo_2026"]))
    return out
