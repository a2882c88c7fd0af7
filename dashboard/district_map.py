"""The district page's map (issue 17): the district's outline, its centros poblados at their
DATASS coordinates and its JASS coloured by grade; a click on a JASS opens its page. The
printable district sheet shows the same map, static.

The outline comes from the boundary file the browser already cached for the overview
(dashboard/boundaries.py): the figure names the shape, it does not carry it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from dash import Dash, Input, Output, State, dcc, html, no_update

from dashboard import boundaries, ids, urls
from dashboard import components as c
from dashboard.figures import _base, empty_figure
from dashboard.i18n import t
from dashboard.page import Section, show
from dashboard.queries import Warehouse
from dashboard.state import UrlState, as_mapping
from etl.derive.siasar import GRADE_COLORS, GRADES

DI_MAP = "di-map"
OUTLINE = {"width": 1.6, "color": "#1f4e79"}


def shape_of(info: dict[str, Any]) -> tuple[str | None, bool]:
    """(the boundary id to draw, whether it is the 2007 container rather than its own)."""
    mapa = info.get("mapa")
    if mapa == "poligono":
        return str(info["ubigeo"]), False
    if mapa == "contenedor" and info.get("contenedor_2007"):
        return str(info["contenedor_2007"]), True
    return None, False


def jass_places(jass: pd.DataFrame) -> pd.DataFrame:
    """One row per JASS at the mean of the centros poblados it serves."""
    if jass.empty:
        return jass.assign(n_cp=pd.Series(dtype=int), cps=pd.Series(dtype=str))
    return (
        jass.groupby(["codigo_oc", "nombre", "grado"], as_index=False)
        .agg(
            latitud=("latitud", "mean"),
            longitud=("longitud", "mean"),
            n_cp=("latitud", "size"),
            cps=("cp_nombre", lambda names: ", ".join(sorted(map(str, names)))),
        )
        .sort_values("codigo_oc")
    )


def peer_lines(places: pd.DataFrame, links: list[tuple[str, str]]) -> tuple[list, list]:
    """(lon, lat) of one line per (learner, mentor) pair of JASS both placed on the map,
    separated by None (one trace draws them all). Issue 16."""
    at = (
        {
            str(code): (lon, lat)
            for code, lon, lat in zip(
                places["codigo_oc"], places["longitud"], places["latitud"], strict=True
            )
        }
        if not places.empty
        else {}
    )
    lon: list = []
    lat: list = []
    for learner, mentor in links:
        if learner in at and mentor in at:
            (x1, y1), (x2, y2) = at[learner], at[mentor]
            lon += [x1, x2, None]
            lat += [y1, y2, None]
    return lon, lat


def map_figure(
    info: dict[str, Any],
    cps: pd.DataFrame,
    jass: pd.DataFrame,
    lang: str,
    geojson_url: str,
    height: int = 360,
    links: list[tuple[str, str]] | None = None,
    partners: list[tuple[str, str]] | None = None,
) -> go.Figure:
    """Outline, CPs (grey dots), JASS (grade colours) of one district and, when given, a line
    from each learner to its mentor of the same district (issue 16): dotted for a suggestion,
    solid and green for an active partnership (`partners`, p16)."""
    shape, container = shape_of(info)
    places = jass_places(jass)
    if shape is None and cps.empty and places.empty:
        return empty_figure(t("dm.nothing", lang), lang, height=160)
    fig = go.Figure()
    if shape is not None:
        name = t("dm.container", lang) if container else str(info.get("nombre", ""))
        fig.add_trace(
            go.Choropleth(
                geojson=geojson_url,
                locations=[shape],
                z=[0],
                zmin=0,
                zmax=1,
                colorscale=[(0.0, "#e3ebf4"), (1.0, "#e3ebf4")],
                showscale=False,
                marker={"line": OUTLINE},
                hovertext=[name],
                hoverinfo="text",
                name=name,
            )
        )
    if not cps.empty:
        fig.add_trace(
            go.Scattergeo(
                lon=cps["longitud"],
                lat=cps["latitud"],
                mode="markers",
                marker={"size": 5, "color": "#6c757d", "opacity": 0.8},
                # Not hoverable: a JASS often sits on its only CP, and the hover (and so the
                # click) must find the JASS. The JASS's hover names its CPs.
                hoverinfo="skip",
                name=t("dm.cps", lang),
            )
        )
    for pairs, line, name in (
        (links, {"width": 2, "color": "#7b3294", "dash": "dot"}, t("dm.peers", lang)),
        (partners, {"width": 3, "color": "#1b7837"}, t("dm.partners", lang)),  # p16
    ):
        lon, lat = peer_lines(places, pairs or [])
        if lon:
            # Not hoverable: its ends sit on the JASS markers, whose hover (and click,
            # which opens the JASS) must win.
            fig.add_trace(
                go.Scattergeo(
                    lon=lon, lat=lat, mode="lines", line=line, hoverinfo="skip", name=name
                )
            )
    for grade in GRADES:  # one trace per grade: the legend explains colours
        rows = places[places["grado"] == grade]
        if rows.empty:
            continue
        fig.add_trace(
            go.Scattergeo(
                lon=rows["longitud"],
                lat=rows["latitud"],
                mode="markers",
                marker={
                    "size": 12,
                    "color": GRADE_COLORS[grade],
                    "line": {"width": 1, "color": "#222"},
                },
                customdata=rows["codigo_oc"],
                hovertext=[
                    f"<b>{n}</b><br>{t('common.grade', lang)} {grade}<br>{cps_}"
                    for n, cps_ in zip(rows["nombre"], rows["cps"], strict=True)
                ],
                hoverinfo="text",
                name=f"JASS {grade}",
            )
        )
    fig.update_geos(**boundaries.geo_style("#f6f7f9"))
    fig.update_layout(legend={"orientation": "h", "y": -0.02}, dragmode="pan")
    return _base(fig, lang, height=height)


def graph_config(static: bool = False) -> dcc.Graph.Config:
    config: dcc.Graph.Config = {**c.GRAPH_CONFIG, "topojsonURL": boundaries.folder_url()}
    if static:
        config["staticPlot"] = True
    return config


def caption(info: dict[str, Any], lang: str) -> str:
    """What the map shows, and which outline it uses."""
    shape, container = shape_of(info)
    parts = [t("dm.help", lang)]
    if container:
        parts.append(t("dm.container_note", lang, code=shape or ""))
    elif shape is None:
        parts.append(t("dm.no_outline", lang))
    return " ".join(parts)


@dataclass(frozen=True)
class Places:
    """What the district map draws: the district, its centros poblados and its JASS."""

    info: dict[str, Any]
    cps: pd.DataFrame
    jass: pd.DataFrame


def load(wh: Warehouse, ubigeo: str) -> Places:
    info = wh.district(ubigeo) or {"ubigeo": ubigeo}
    return Places(info, wh.cp_points(ubigeo), wh.jass_points(ubigeo))


def section(
    places: Section[Places],
    state: UrlState,
    links: list[tuple[str, str]] | None = None,
    partners: list[tuple[str, str]] | None = None,
) -> Any:
    """The district page's map section (hooked into layouts/district.py); `links`: the
    (learner, mentor) JASS pairs of the district's peer-exchange suggestions; `partners`:
    those of its active partnerships (p16)."""
    lang = state.lang

    def body(p: Places) -> Any:
        figure = map_figure(
            p.info, p.cps, p.jass, lang, boundaries.districts_url(), links=links, partners=partners
        )
        return html.Div(
            [
                html.P(caption(p.info, lang), className="small text-muted mb-1"),
                dcc.Graph(id=DI_MAP, figure=figure, config=graph_config(), className="di-map"),
            ]
        )

    return c.section(t("dm.title", lang), show(lang, places, body))


def sheet_map(info: dict[str, Any], places: Places, lang: str) -> go.Figure:
    """The printable sheet's map: the same figure, smaller (the sheet's own district info)."""
    figure = map_figure(info, places.cps, places.jass, lang, boundaries.districts_url(), 190)
    figure.update_layout(showlegend=False, margin={"l": 2, "r": 2, "t": 2, "b": 2})
    return figure


def clicked_jass(click: dict[str, Any] | None, lang: str) -> str | None:
    """The JASS page for a clicked JASS marker (other markers and the outline: None)."""
    points = as_mapping(click).get("points") or []
    code = as_mapping(points[0]).get("customdata") if points else None
    if isinstance(code, list):
        code = code[0] if code else None
    if not isinstance(code, str) or not code:
        return None
    return urls.jass(code, UrlState(lang=lang))


def register(app: Dash) -> None:
    """A click on a JASS marker opens the JASS page."""

    @app.callback(
        Output(ids.NAV_LOCATION, "href", allow_duplicate=True),
        Input(DI_MAP, "clickData"),
        State(ids.DI_STATE, "data"),
        prevent_initial_call=True,
    )
    def _open(click: dict[str, Any] | None, store: dict[str, Any] | None) -> Any:
        return clicked_jass(click, as_mapping(store).get("lang", "es")) or no_update
