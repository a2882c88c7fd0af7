"""The overview's ranking and grade charts: plain HTML bars (layouts/overview.py), with every
value visible as text, each ranked district a link to its page, in both languages."""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboard import ids
from dashboard.layouts import overview
from dashboard.state import UrlState
from tests.unit.test_dashboard_pure import _districts


def _walk(node: Any) -> list[Any]:
    """Every component under `node` (itself included)."""
    out = [node]
    children = getattr(node, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str):
            out += _walk(child)
    return out


def _classed(node: Any, name: str) -> list[Any]:
    return [n for n in _walk(node) if name in (getattr(n, "className", None) or "").split()]


def test_ovb001_ranking_rows_link_to_districts_with_values() -> None:
    state = UrlState(lang="en", anio=2024, dep="13", ind="cobertura_agua")
    bars = overview.ranking_bars(_districts(), state)
    assert bars.id == ids.OV_RANKING
    rows = _classed(bars, "hbar-row")
    assert [r.title for r in rows] == ["Cascas (131101): 90%", "Chachapoyas (010101): 60%"]
    links = _classed(bars, "hbar-name")
    # The district page keeps the language and the year seen, not the filters (as the map).
    assert [link.href for link in links] == [
        "/distrito/131101?anio=2024&lang=en",
        "/distrito/010101?anio=2024&lang=en",
    ]
    assert [link.children for link in links] == ["Cascas (131101)", "Chachapoyas (010101)"]
    assert [v.children for v in _classed(bars, "hbar-value")] == ["90%", "60%"]
    fills = _classed(bars, "hbar-fill")
    assert [f.style["width"] for f in fills] == ["90.0%", "60.0%"]
    ticks = _classed(bars, "hbar-ticks")[0].children
    assert [tick.children for tick in ticks] == ["0%", "25%", "50%", "75%", "100%"]


def test_ovb002_ranking_in_spanish_and_for_the_mean_score() -> None:
    frame = _districts().assign(puntaje_medio=[0.456, 1.2])
    bars = overview.ranking_bars(frame, UrlState(lang="es", ind="puntaje_medio"))
    assert [v.children for v in _classed(bars, "hbar-value")] == ["1,20", "0,46"]
    assert [f.style["width"] for f in _classed(bars, "hbar-fill")] == ["100.0%", "45.6%"]
    ticks = _classed(bars, "hbar-ticks")[0].children
    assert [tick.children for tick in ticks] == ["0,00", "0,25", "0,50", "0,75", "1,00"]
    none = overview.ranking_bars(frame.assign(puntaje_medio=None), UrlState(ind="puntaje_medio"))
    assert none.id == ids.OV_RANKING and not _classed(none, "hbar-row")


def test_ovb003_grades_in_siasar_colours_with_counts() -> None:
    bars = overview.grade_bars({"A": 1, "B": 2000, "C": 0, "D": 3, "E": 0}, "es")
    assert bars.id == ids.OV_GRADES
    fills = _classed(bars, "vbar-fill")
    colours = [f.style["background"] for f in fills]
    assert colours == ["#54BA46", "#FFFF39", "#FF9326", "#C92429", "#AAAAAA"]
    assert [f.style["height"] for f in fills] == ["0.1%", "100.0%", "0.0%", "0.1%", "0.0%"]
    assert [v.children for v in _classed(bars, "vbar-value")] == ["1", "2\u00a0000", "0", "3", "0"]
    assert [c.title for c in _classed(bars, "vbar-col")][1] == "Grado B: 2\u00a0000"
    assert _classed(overview.grade_bars({"A": 1}, "en"), "vbar-axis-title")[0].children == "Grade"
    empty = overview.grade_bars(dict.fromkeys("ABCDE", 0), "en")
    assert empty.id == ids.OV_GRADES and not _classed(empty, "vbar-fill")


def test_ovb004_national_ranking_has_sixteen_rows() -> None:
    frame = pd.DataFrame(
        {
            "ubigeo": [f"{i:06d}" for i in range(40)],
            "nombre": [f"D{i}" for i in range(40)],
            "cobertura_agua": [i / 40 for i in range(40)],
        }
    )
    bars = overview.ranking_bars(frame, UrlState(lang="es"))
    assert len(_classed(bars, "hbar-row")) == 16
    # The 8 highest and the 8 lowest are two groups: a marker between them says so.
    items = bars.children[0].children
    assert [i.className for i in items].index("hbar-gap") == 8
    assert items[8].children == "⋯ otros 24 distritos ⋯"
    few = overview.ranking_bars(frame.head(16), UrlState(lang="en"))
    assert not _classed(few, "hbar-gap")  # all 16 shown: nothing in between
