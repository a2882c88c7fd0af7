"""The overview's district map drawn on the server as SVG (issue #18; pure functions).

On a rural link (1.6 Mbps, a slow CPU) plotly.js alone (419 KB on the wire, ~1.5 MB of
script to run) cost more than the whole page may. The overview's map is one choropleth
with a fixed projection, so the server draws it: the same shapes, colours, hover texts and
department borders as the plotly map (dashboard/choropleth.py decides what is drawn and
how it reads), in an SVG the browser caches per data version (dashboard/server/mapview.py)
and `assets/atm-map.js` puts in the page. Plotly stays for the tile map (ATM_MAP_TILES) and
the other pages' charts.

Projection: Mercator, framed on the view's districts like plotly's `fitbounds`; the
coordinates are written as whole units of a 2x grid (half a pixel at the map's size) and
relative moves, so the national map is a few tens of KB on the wire.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from html import escape
from typing import Any

import pandas as pd

from dashboard import boundaries
from dashboard.choropleth import Scale, _note, _shapes, _text, created_notes, scale_for
from dashboard.figures import NO_DATA_COLOR
from dashboard.i18n import fmt_num, fmt_pct, t

WIDTH, HEIGHT = 760, 480  # the plotly map's size (its column at 1366 px, height 480)
UNIT = 2  # coordinate units per pixel: whole units are half a pixel
LEGEND = 70  # pixels kept on the right for the colour bar
PAD = 8
LAND = "#eef1f4"
BORDER = "#3b4650"  # department borders (boundaries.geo_style's rivers)
Ring = list[tuple[float, float]]


def mercator(lon: float, lat: float) -> tuple[float, float]:
    """Longitude and latitude (degrees) to Mercator x, y (radians; y grows northwards)."""
    lat = max(min(lat, 85.0), -85.0)
    return math.radians(lon), math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _rings(geometry: dict[str, Any]) -> list[Ring]:
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    return [[mercator(x, y) for x, y in ring] for polygon in polygons for ring in polygon]


@cache
def district_rings() -> dict[str, list[Ring]]:
    """Each 2007 shape's rings in Mercator, by its ubigeo (read once per process)."""
    data = json.loads(boundaries.FILES[boundaries.DISTRICTS].read_text(encoding="utf-8"))
    return {f["id"]: _rings(f["geometry"]) for f in data["features"] if f.get("geometry")}


@cache
def base_map() -> tuple[list[Ring], list[Ring]]:
    """The departments' land and their borders, in Mercator, from the TopoJSON base map
    (arcs in plain coordinates: the file has no transform)."""
    topo = json.loads(boundaries.FILES[boundaries.BASE_MAP].read_text(encoding="utf-8"))
    arcs = [[mercator(x, y) for x, y in arc] for arc in topo["arcs"]]

    def arc(i: int) -> Ring:
        return arcs[i] if i >= 0 else arcs[~i][::-1]

    land = [
        [p for i in ring for p in arc(i)]
        for geom in topo["objects"]["land"]["geometries"]
        for polygon in geom["arcs"]
        for ring in polygon
    ]
    borders = [[p for i in line for p in arc(i)] for line in topo["objects"]["rivers"]["arcs"]]
    return land, borders


@dataclass(frozen=True)
class Frame:
    """Mercator to SVG units: the view's bounds fitted into the map area, centred."""

    x0: float
    y0: float
    scale: float

    @classmethod
    def fit(cls, points: Iterable[tuple[float, float]]) -> Frame:
        xs, ys = zip(*points, strict=True)
        width, height = (WIDTH - LEGEND - 2 * PAD) * UNIT, (HEIGHT - 2 * PAD) * UNIT
        span_x, span_y = max(max(xs) - min(xs), 1e-6), max(max(ys) - min(ys), 1e-6)
        scale = min(width / span_x, height / span_y)
        x0 = min(xs) - (width / scale - span_x) / 2 - PAD * UNIT / scale
        y0 = max(ys) + (height / scale - span_y) / 2 + PAD * UNIT / scale
        return cls(x0, y0, scale)

    def point(self, x: float, y: float) -> tuple[int, int]:
        return round((x - self.x0) * self.scale), round((self.y0 - y) * self.scale)


def path(frame: Frame, rings: Iterable[Ring], close: bool = True) -> str:
    """SVG path data: an absolute move per ring, then relative moves, repeated points dropped."""
    out = []
    for ring in rings:
        pts = [frame.point(x, y) for x, y in ring]
        steps = [f"M{pts[0][0]} {pts[0][1]}"]
        last = pts[0]
        for p in pts[1:]:
            if p != last:
                dx, dy = p[0] - last[0], p[1] - last[1]
                steps.append(f"{dx}{'' if dy < 0 else ' '}{dy}")
                last = p
        if len(steps) > (2 if close else 1):
            out.append(
                steps[0] + "l" + " ".join(steps[1:]).replace(" -", "-") + ("z" if close else "")
            )
    return "".join(out)


_TAGS = re.compile(r"<[^>]+>")


def plain(hover: str) -> str:
    """A plotly hover text as plain lines (its <br> are line breaks, other tags dropped)."""
    return _TAGS.sub("", hover.replace("<br>", "\n"))


def _tip(text: str) -> str:
    return f"<title>{escape(plain(text), quote=False)}</title>"


TICKS = 5  # the colour bar's steps (plotly's, at this height: 0, 20 ... 100 %)


def tick(scale: Scale, value: float, lang: str) -> str:
    """A colour bar label in the scale's tick format (plotly's `tickformat`)."""
    if scale.tickformat.endswith("%"):
        return fmt_pct(value, lang, 0)
    return fmt_num(value, lang, 1 if scale.tickformat == ".2f" else 0)


def _legend(scale: Scale, lang: str) -> str:
    """The colour bar on the right, as plotly's: the scale's colours, five ticks."""
    x, top, height = (WIDTH - LEGEND + 12) * UNIT, 48 * UNIT, (HEIGHT - 96) * UNIT
    stops = "".join(
        f'<stop offset="{1 - pos:g}" stop-color="{color}"/>'
        for pos, color in reversed(scale.colors)
    )
    ticks = []
    for i in range(TICKS + 1):
        value = scale.low + (scale.high - scale.low) * i / TICKS
        y = top + height - height * i / TICKS
        ticks.append(
            f'<text x="{x + 14 * UNIT}" y="{y + 8:g}">{escape(tick(scale, value, lang))}</text>'
        )
    return (
        f'<defs><linearGradient id="atm-scale" x1="0" y1="0" x2="0" y2="1">{stops}'
        f'</linearGradient></defs><g class="legend" aria-hidden="true">'
        f'<rect x="{x}" y="{top}" width="{10 * UNIT}" height="{height}" fill="url(#atm-scale)"/>'
        f"{''.join(ticks)}</g>"
    )


def _diamond(x: int, y: int) -> str:
    r = 3 * UNIT
    return f"M{x} {y - r}l{r} {r}-{r} {r}-{r}-{r}z"


STYLE = (
    "<style>.d{stroke:#fff;stroke-width:.6;cursor:pointer}"
    ".d:hover{stroke:#222;stroke-width:2.4}"
    ".p{stroke:#333;stroke-width:1.6;cursor:pointer}"
    ".legend text{font:26px sans-serif;fill:#444}"
    ".empty{font:26px sans-serif;fill:#666}</style>"
)


def _svg(label: str, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH * UNIT} {HEIGHT * UNIT}" '
        f'width="100%" role="img" aria-label="{escape(label)}" '
        f'class="atm-map">{STYLE}{body}</svg>'
    )


def _values(df: pd.DataFrame, indicator: str) -> dict[str, Any]:
    if indicator not in df:
        return {}
    return {
        code: v
        for code, v in zip(df["ubigeo"], df[indicator], strict=True)
        if v is not None and v == v
    }


def overview_map(df: pd.DataFrame, reference: pd.DataFrame, indicator: str, lang: str) -> str:
    """The districts of the view (`reference`, Warehouse.map_reference) coloured by the
    indicator of `df` (the overview's district summary), as choropleth.overview_map draws
    them: shapes, grey when without a value, markers for districts without a shape of their
    own, the colour bar, the department borders; framed on the view's districts. Each shape
    and marker carries its district's code (`data-u`, for the click) and its hover text."""
    title = t("ov.map", lang)
    if reference.empty:
        return _svg(
            title, f'<text class="empty" x="40" y="80">{escape(t("ov.no_districts", lang))}</text>'
        )
    scale = scale_for(indicator, df[indicator] if indicator in df else pd.Series(dtype=float))
    rows = {r["ubigeo"]: r for r in df.to_dict("records")}
    values = _values(df, indicator)
    notes = created_notes(reference, values, scale, lang)
    rings = district_rings()
    shapes = _shapes(reference)
    shapes = shapes[shapes["forma"].isin(rings)]
    points = reference[reference["mapa"].isin(["punto", "contenedor"])].dropna(
        subset=["latitud", "longitud"]
    )
    located = [
        mercator(float(lo), float(la))
        for lo, la in zip(points["longitud"], points["latitud"], strict=True)
    ]
    frame_points = [p for code in shapes["forma"] for ring in rings[code] for p in ring] + located
    if not frame_points:
        return _svg(
            title, f'<text class="empty" x="40" y="80">{escape(t("ov.no_districts", lang))}</text>'
        )
    frame = Frame.fit(frame_points)
    land, borders = base_map()
    body = [f'<path d="{path(frame, land)}" fill="{LAND}"/>']
    for code, name, forma in zip(shapes["ubigeo"], shapes["nombre"], shapes["forma"], strict=True):
        value = values.get(code)
        fill = scale.color(value) if value is not None else NO_DATA_COLOR
        hover = _text(code, name, rows, indicator, lang) + _note(notes.get(forma))
        body.append(
            f'<path class="d" data-u="{escape(code)}" fill="{fill}" d="{path(frame, rings[forma])}">'
            f"{_tip(hover)}</path>"
        )
    body.append(
        f'<path d="{path(frame, borders, close=False)}" fill="none" stroke="{BORDER}" '
        f'stroke-width="{1.1 * UNIT:g}" pointer-events="none"/>'
    )
    body.extend(_markers(frame, points, located, rows, values, scale, indicator, lang))
    if values:
        body.append(_legend(scale, lang))
    return _svg(title, "".join(body))


def _markers(
    frame: Frame,
    points: pd.DataFrame,
    located: list[tuple[float, float]],
    rows: dict[str, dict],
    values: dict[str, Any],
    scale: Scale,
    indicator: str,
    lang: str,
) -> Iterator[str]:
    """Districts without a shape of their own that have a point: diamonds (choropleth._points)."""
    for (x, y), code, name, mapa in zip(
        located, points["ubigeo"], points["nombre"], points["mapa"], strict=True
    ):
        note = t("map.created" if mapa == "contenedor" else "map.point_only", lang)
        hover = _text(code, name, rows, indicator, lang) + _note(note)
        px, py = frame.point(x, y)
        yield (
            f'<path class="p" data-u="{escape(code)}" fill="{scale.color(values.get(code))}" '
            f'd="{_diamond(px, py)}">{_tip(hover)}</path>'
        )
