"""The overview's district map: district shapes coloured by the indicator (pure functions).

Drawn with plotly's `geo` choropleth (SVG, in the app's partial plotly.js bundle), from the
boundary file the browser fetches once (dashboard/boundaries.py): the figure carries codes,
values and hover texts only.

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

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import boundaries, poverty
from dashboard.figures import (
    NO_DATA_COLOR,
    SCALE,
    SCALE_COLOR,
    _base,
    _f32,
    _hover,
    empty_figure,
)
from dashboard.i18n import fmt_num, fmt_pct, t

LINE = {"width": 0.3, "color": "#ffffff"}


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


def overview_map(
    df: pd.DataFrame,
    reference: pd.DataFrame,
    indicator: str,
    lang: str,
    geojson_url: str,
) -> go.Figure:
    """The districts of the view (`reference`, Warehouse.map_reference: ubigeo, nombre, mapa,
    contenedor_2007, latitud, longitud) coloured by the indicator of `df` (the overview's
    district summary, which also gives the hover its names and figures); the view is framed
    on them."""
    if reference.empty:
        return empty_figure(t("ov.no_districts", lang), lang)
    scale = scale_for(indicator, df[indicator] if indicator in df else pd.Series(dtype=float))
    rows = {r["ubigeo"]: r for r in df.to_dict("records")}
    values = {
        code: r[indicator]
        for code, r in rows.items()
        if r.get(indicator) is not None and r[indicator] == r[indicator]
    }
    notes = created_notes(reference, values, scale, lang)
    shapes = _shapes(reference)
    hover = [
        _text(code, name, rows, indicator, lang) + _note(notes.get(shape_of))
        for code, name, shape_of in zip(
            shapes["ubigeo"], shapes["nombre"], shapes["forma"], strict=True
        )
    ]
    shapes = shapes.assign(hover=hover, v=[values.get(c) for c in shapes["ubigeo"]])
    fig = go.Figure()
    blank = shapes[shapes["v"].isna()]
    if not blank.empty:  # no data: grey, still clickable
        fig.add_trace(_choropleth(blank, np.zeros(len(blank), "float32"), geojson_url, None))
    coloured = shapes[shapes["v"].notna()]
    if not coloured.empty:
        fig.add_trace(_choropleth(coloured, _f32(coloured["v"]), geojson_url, scale))
    points = _points(reference, rows, values, indicator, scale, lang)
    if points is not None:
        fig.add_trace(points)
    fig.update_geos(**boundaries.geo_style("#eef1f4"))
    fig.update_layout(dragmode="pan")
    return _base(fig, lang, height=480)


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


def _choropleth(
    shapes: pd.DataFrame, z: np.ndarray, url: str, scale: Scale | None
) -> go.Choropleth:
    colors = scale.colors if scale else [(0.0, NO_DATA_COLOR), (1.0, NO_DATA_COLOR)]
    bar = (
        {"thickness": 10, "len": 0.8, "x": 0.98, "tickformat": scale.tickformat} if scale else None
    )
    return go.Choropleth(
        geojson=url,
        locations=shapes["forma"],
        z=z,
        zmin=scale.low if scale else 0,
        zmax=scale.high if scale else 1,
        colorscale=colors,
        showscale=scale is not None,
        colorbar=bar,
        marker={"line": LINE},
        customdata=shapes["ubigeo"],
        hovertext=shapes["hover"],
        hoverinfo="text",
    )


def _points(
    reference: pd.DataFrame,
    rows: dict[str, dict],
    values: dict[str, Any],
    indicator: str,
    scale: Scale,
    lang: str,
) -> go.Scattergeo | None:
    """Districts without a shape of their own that have a point: markers."""
    pts = reference[reference["mapa"].isin(["punto", "contenedor"])].dropna(
        subset=["latitud", "longitud"]
    )
    if pts.empty:
        return None
    hover = [
        _text(code, name, rows, indicator, lang)
        + _note(t("map.created" if mapa == "contenedor" else "map.point_only", lang))
        for code, name, mapa in zip(pts["ubigeo"], pts["nombre"], pts["mapa"], strict=True)
    ]
    # Colours computed here (the map's scale, interpolated as plotly does): a marker
    # without a value is grey, which a colorscale cannot say.
    color = [scale.color(values.get(c)) for c in pts["ubigeo"]]
    return go.Scattergeo(
        lon=_f32(pts["longitud"]),
        lat=_f32(pts["latitud"]),
        mode="markers",
        marker={
            "size": 6,
            "symbol": "diamond",
            "color": color,
            "line": {"width": 0.8, "color": "#333"},
        },
        customdata=pts["ubigeo"],
        hovertext=hover,
        hoverinfo="text",
        showlegend=False,
    )


def _text(code: str, name: str, rows: dict[str, dict], indicator: str, lang: str) -> str:
    row = rows.get(code)
    if row is None:
        return f"<b>{name}</b><br>{t('map.no_data', lang)}"
    if indicator == poverty.INDICATOR:
        return poverty.hover(row, lang)
    return _hover(row, indicator, lang)


def _note(note: str | None) -> str:
    return f"<br><i>{note}</i>" if note else ""
