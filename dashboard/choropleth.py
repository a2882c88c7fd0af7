"""What the overview's district map shows (pure functions): which shape stands for which
district, how an indicator is coloured, and each district's hover text. Drawn as SVG by the
server (dashboard/svgmap.py, issue #18; it was a plotly `geo` choropleth before).

How each district is drawn follows the reference's `mapa` column (data/distritos_inei.csv):
- `poligono`: its own 2007 shape;
- `contenedor` (created after 2007): the 2007 shape it lies in has no line for it; the
  container's hover names it with its value, and when it has its own point it is also drawn
  there as a marker. A container outside the view (a scoped account) is coloured by the
  created district's value instead;
- `punto`: the source's shape is empty: a marker at its own point.
Department borders are the base map's top layer (boundaries.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard import poverty
from dashboard.figures import (
    SCALE,
    SCALE_COLOR,
    _hover,
)
from dashboard.i18n import fmt_num, fmt_pct, t


@dataclass(frozen=True)
class Scale:
    """How an indicator is coloured: range, colours, and how a value reads."""

    low: float
    high: float
    colors: list[tuple[float, str]]
    tickformat: str
    shown: Callable[[Any, str], str]
    color: Callable[[Any], str]


def percent_scale() -> Scale:
    return Scale(0.0, 1.0, SCALE, ".0%", lambda v, lang: fmt_pct(v, lang), SCALE_COLOR)


def scale_for(indicator: str, values: pd.Series) -> Scale:
    """The indicators are shares (0-1, higher is better), except the mean score (0-1 too,
    read as a number) and brecha × pobreza (people: 0 to the 95th percentile, darker is a
    stronger claim)."""
    if indicator == "puntaje_medio":
        return Scale(0.0, 1.0, SCALE, ".2f", lambda v, lang: fmt_num(v, lang, 2), SCALE_COLOR)
    if indicator == poverty.INDICATOR:
        high = poverty.scale_top(values)
        return Scale(
            0.0,
            high,
            poverty.COLORS,
            ",.0f",
            lambda v, lang: fmt_num(v, lang),
            lambda v: poverty.color(v, high),
        )
    return percent_scale()


def created_notes(
    reference: pd.DataFrame, values: dict[str, Any], scale: Scale, lang: str
) -> dict[str, str]:
    """Per 2007 container: the hover line naming the districts created inside it since."""
    notes: dict[str, list[str]] = {}
    created = reference[reference["mapa"] == "contenedor"]
    for code, name, container in zip(
        created["ubigeo"], created["nombre"], created["contenedor_2007"], strict=True
    ):
        value = values.get(code)
        shown = scale.shown(value, lang) if value is not None else t("map.no_data", lang)
        notes.setdefault(container, []).append(f"{name}: {shown}")
    return {k: t("map.contains", lang, names="; ".join(v)) for k, v in notes.items()}


def _shapes(reference: pd.DataFrame) -> pd.DataFrame:
    """One row per shape to draw: ubigeo (the district it stands for), nombre, forma (the
    shape's id). Containers outside the view stand for a created district inside them."""
    own = reference[reference["mapa"] == "poligono"][["ubigeo", "nombre"]]
    own = own.assign(forma=own["ubigeo"])
    created = reference[reference["mapa"] == "contenedor"]
    orphans = created[~created["contenedor_2007"].isin(own["forma"])]
    orphans = orphans.drop_duplicates("contenedor_2007")[["ubigeo", "nombre", "contenedor_2007"]]
    orphans = orphans.rename(columns={"contenedor_2007": "forma"})
    return pd.concat([own, orphans], ignore_index=True)


def _text(code: str, name: str, rows: dict[str, dict], indicator: str, lang: str) -> str:
    row = rows.get(code)
    if row is None:
        return f"<b>{name}</b><br>{t('map.no_data', lang)}"
    if indicator == poverty.INDICATOR:
        return poverty.hover(row, lang)
    return _hover(row, indicator, lang)


def _note(note: str | None) -> str:
    return f"<br><i>{note}</i>" if note else ""
