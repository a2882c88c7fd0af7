"""Did the partnership work? (issue 16) The mentee's score items at the start and now.

Modelo local, nuestra regla (no oficial). The score history is kept (puntaje_oc: one row per
JASS and assessment date, rewritten from the raw visits and surveys by every derivation), so
nothing is recorded on the partnership itself: the start is the mentee's assessment on or
just before `fecha_inicio`, "now" its latest one. Per item of the partnership:

- mejoró / empeoró: the item's value (0..1) moved by at least `MIN_CHANGE`;
- igual: it moved less; sin dato: the item has no value at one end (or no assessment before
  the start: there is no baseline).

A verdict is provisional (as the health score's grade is, issue 14) when the evidence is thin:
no assessment since the start, no baseline, or a grade at either end that is itself
provisional. Pure functions: the dashboard calls them on the few partnerships it shows (a
query, not a derived table: cheap, and never older than the scores it compares).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

MIN_CHANGE = 0.1  # a tenth of an item's range; smaller moves are "igual" (our rule)
EPS = 1e-9
VERDICTS = ("mejoro", "igual", "empeoro", "sin_dato")
# Why a verdict is provisional (codes; dashboard/i18n.py words them).
REASONS = ("sin_linea_base", "sin_evaluacion_nueva", "grado_provisional")


@dataclass(frozen=True)
class Assessment:
    """One row of puntaje_oc, as the verdict needs it."""

    fecha: dt.date
    items: Mapping[str, float | None]
    provisional: bool = False


@dataclass(frozen=True)
class ItemResult:
    item: str
    antes: float | None
    ahora: float | None
    veredicto: str


@dataclass(frozen=True)
class Result:
    """A partnership's did-it-work: per item, and whether the evidence is thin (why)."""

    inicio: Assessment | None
    ahora: Assessment | None
    items: tuple[ItemResult, ...]
    motivos: tuple[str, ...]  # REASONS that make it provisional; empty: firm

    @property
    def provisional(self) -> bool:
        return bool(self.motivos)


def _value(items: Mapping[str, float | None], item: str) -> float | None:
    value = items.get(item)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def verdict(before: float | None, now: float | None, min_change: float = MIN_CHANGE) -> str:
    """mejoro / igual / empeoro, or sin_dato when a value is missing (None or NaN)."""
    if before is None or now is None or math.isnan(before) or math.isnan(now):
        return "sin_dato"
    if now - before >= min_change - EPS:  # EPS: 0.6 - 0.5 is 0.0999... in floating point
        return "mejoro"
    if before - now >= min_change - EPS:
        return "empeoro"
    return "igual"


def baseline(history: Sequence[Assessment], start: dt.date) -> Assessment | None:
    """The assessment on or just before the start (None: none that early)."""
    before = [a for a in history if a.fecha <= start]
    return max(before, key=lambda a: a.fecha) if before else None


def latest(history: Sequence[Assessment]) -> Assessment | None:
    return max(history, key=lambda a: a.fecha) if history else None


def evaluate(items: Sequence[str], start: dt.date, history: Sequence[Assessment]) -> Result:
    """The partnership's items at the start and now, with a verdict each."""
    first, now = baseline(history, start), latest(history)
    results = tuple(
        ItemResult(
            item,
            None if first is None else _value(first.items, item),
            None if now is None else _value(now.items, item),
            verdict(
                None if first is None else _value(first.items, item),
                None if now is None else _value(now.items, item),
            ),
        )
        for item in items
    )
    reasons = []
    if first is None:
        reasons.append("sin_linea_base")
    if now is None or now.fecha <= start:
        reasons.append("sin_evaluacion_nueva")
    if any(a is not None and a.provisional for a in (first, now)):
        reasons.append("grado_provisional")
    return Result(first, now, results, tuple(reasons))


def summary(result: Result) -> str:
    """One verdict for the whole partnership: the items' when they agree, else "mixto"
    (any item better and none worse is "mejoro"; any worse and none better, "empeoro")."""
    verdicts = {r.veredicto for r in result.items} - {"sin_dato"}
    if not verdicts:
        return "sin_dato"
    if "mejoro" in verdicts and "empeoro" in verdicts:
        return "mixto"
    for v in ("mejoro", "empeoro"):
        if v in verdicts:
            return v
    return "igual"
