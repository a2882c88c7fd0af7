"""SIASAR 2 reference formulas and grade scale (docs/puntajes.md): plain functions, no data access.

Every score is a float in [0, 1]; inputs outside that range raise ValueError, because a score
computed from an impossible input would look valid on a map.
"""

from __future__ import annotations

import math
import numbers

# The A–E grade scale (SIASAR's; our health grade uses it too), best first: E is "not enough
# data". Its colours are SIASAR's; every chart, badge and map reads them from here.
GRADES = ("A", "B", "C", "D", "E")
GRADE_COLORS = {
    "A": "#54BA46",
    "B": "#FFFF39",
    "C": "#FF9326",
    "D": "#C92429",
    "E": "#AAAAAA",
}
# Component state grades (A-D) as scores, for infrastructure state (SIASAR convention).
STATE_SCORE = {"A": 1.0, "B": 0.7, "C": 0.4, "D": 0.0}
GRADE_ORDER = tuple(reversed(GRADES))  # worst first
# Lower bound of each grade; the next grade up from D, C, B.
GRADE_FLOOR = {"A": 0.9, "B": 0.7, "C": 0.4, "D": 0.0}


def grade(score: float | None) -> str:
    """SIASAR grade A–E of a score; E when missing, NaN or outside [0, 1]."""
    if not isinstance(score, numbers.Real) or isinstance(score, bool) or math.isnan(score):
        return "E"
    if score < 0 or score > 1:
        return "E"
    if score >= 0.9:
        return "A"
    if score >= 0.7:
        return "B"
    if score >= 0.4:
        return "C"
    return "D"


def _check(*values: float) -> None:
    for v in values:
        if v is None or math.isnan(v) or v < 0 or v > 1:
            raise ValueError(f"score outside [0, 1]: {v!r}")


def _mean(*values: float) -> float:
    _check(*values)
    return sum(values) / len(values)


def _geomean(*values: float) -> float:
    # Any zero factor makes the product zero: one inoperable part breaks the whole.
    _check(*values)
    if any(v == 0 for v in values):
        return 0.0
    return math.exp(sum(math.log(v) for v in values) / len(values))


def water_service_level(
    accessibility: float,
    continuity: float,
    seasonality: float,
    quality: float,
    coverage: float = 1.0,
) -> float:
    """NSA: mean of the four components, each capped at the community's water coverage."""
    _check(accessibility, continuity, seasonality, quality, coverage)
    return _mean(*(min(v, coverage) for v in (accessibility, continuity, seasonality, quality)))


def sanitation_level(
    service: float, personal_hygiene: float, household_hygiene: float, community_hygiene: float
) -> float:
    """NSH: mean of sanitation service and the three hygiene components."""
    return _mean(service, personal_hygiene, household_hygiene, community_hygiene)


def infrastructure(
    catchment: float, conduction: float, storage: float, distribution: float
) -> float:
    """INF: geometric mean of the four component states (any 0 gives 0)."""
    return _geomean(catchment, conduction, storage, distribution)


def system_index(
    autonomy: float, infrastructure: float, source_protection: float, treatment: float
) -> float:
    """EIA: mean of autonomy, infrastructure, source protection and treatment."""
    return _mean(autonomy, infrastructure, source_protection, treatment)


def community_index(nsa: float, nsh: float, eia_com: float, pse_com: float) -> float:
    """IAS: geometric mean of NSA, NSH, EIA×coverage and PSE×coverage (any 0 gives 0)."""
    return _geomean(nsa, nsh, eia_com, pse_com)


def infrastructure_available(*components: float) -> float:
    """INF from the components a source reports (our choice when an export lacks some, e.g.
    SIASAR sheets without conduction): their geometric mean, so one D (0) still gives 0."""
    return _geomean(*components)
