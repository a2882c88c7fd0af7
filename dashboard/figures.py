"""Pure functions DataFrame → plotly Figure: no data access, no Dash, easy to test."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.i18n import fmt_num, fmt_pct, label, t
from etl.derive.siasar import GRADE_COLORS  # the ETL owns the grade scale and its colours

# Red (bad) to green (good): every indicator on the map is "higher is better".
SCALE: list[tuple[float, str]] = [
    (0.0, "#C92429"),
    (0.4, "#FF9326"),
    (0.7, "#E8D530"),
    (1.0, "#2E8B2E"),
]
NO_DATA_COLOR = "#AAAAAA"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"

PERCENT_TICKS = (0, 0.25, 0.5, 0.75, 1.0)  # percentage axes stop at 100 %


def _base(fig: go.Figure, lang: str, height: int = 320) -> go.Figure:
    """Common layout: compact margins, the language's number separators."""
    fig.update_layout(
        height=height,
        margin={"l": 8, "r": 8, "t": 8, "b": 8},
        font={"family": FONT, "size": 12},
        separators=",\u00a0" if lang == "es" else ".,",
        paper_bgcolor="white",
        plot_bgcolor="white",
        hoverlabel={"font_size": 13},
    )
    return fig


def empty_figure(message: str, lang: str = "es", height: int = 200) -> go.Figure:
    """A blank figure that says why it is blank."""
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, font={"size": 14, "color": "#555"})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _base(fig, lang, height)


def _hover(row: dict[str, Any], indicator: str, lang: str) -> str:
    """Hover text for one district point."""
    value = row.get(indicator)
    shown = fmt_pct(value, lang) if indicator != "puntaje_medio" else fmt_num(value, lang, 2)
    coverage = (  # water coverage for context, unless it is the indicator itself
        ""
        if indicator == "cobertura_agua"
        else f"{t('ind.cobertura_agua', lang)}: {fmt_pct(row.get('cobertura_agua'), lang)}<br>"
    )
    return (
        f"<b>{row['nombre']}</b> ({row.get('provincia_nombre', '')}, "
        f"{row.get('departamento_nombre', '')})<br>"
        f"{label('ind', indicator, lang)}: {shown}<br>"
        f"{coverage}"
        f"{t('ov.rural_pop', lang)}: {fmt_num(row.get('poblacion_rural'), lang)}<br>"
        f"JASS: {fmt_num(row.get('n_oc'), lang)}"
    )


def _sizes(population: pd.Series) -> pd.Series:
    """Marker size by rural population (square root so big districts do not hide the rest);
    smaller when there are many points, so the national map stays readable."""
    pop = pd.to_numeric(population, errors="coerce").fillna(0).clip(lower=0)
    top = float(pop.max()) or 1.0
    low, span = (4, 12) if len(pop) > 300 else (6, 22)
    return low + span * (pop / top) ** 0.5


def _f32(values: Any) -> Any:
    """Numbers as float32: plotly sends arrays as base64 of their dtype, so half the bytes of
    float64, and still well under a metre of precision for coordinates."""
    return pd.to_numeric(pd.Series(values), errors="coerce").to_numpy("float32")


def _coords(frame: pd.DataFrame) -> pd.MultiIndex:
    """(longitude, latitude) pairs, rounded to about a metre, to compare points."""
    return pd.MultiIndex.from_arrays(
        [frame["longitud"].astype(float).round(5), frame["latitud"].astype(float).round(5)]
    )


def _bounds(data: pd.DataFrame, pad: float = 0.35) -> tuple[list[float], list[float]]:
    """Longitude and latitude ranges around the points (a department's view)."""
    lon, lat = data["longitud"].astype(float), data["latitud"].astype(float)
    return (
        [float(lon.min()) - pad, float(lon.max()) + pad],
        [float(lat.min()) - pad, float(lat.max()) + pad],
    )


def map_figure(
    df: pd.DataFrame,
    reference: pd.DataFrame,
    indicator: str,
    lang: str = "es",
    tiles: str | None = None,
    zoom: bool = False,
) -> go.Figure:
    """District capitals coloured by an indicator and sized by rural population.

    Without `tiles` it is a plain lon/lat scatter with equal aspect over a faint backdrop of all
    district capitals, which outlines Peru with no network at all. `zoom` frames the points
    (a department) instead of the whole country. Both traces are SVG `scatter`: the page ships
    the scatter/bar/pie partial plotly.js bundle (dashboard/server/speed.py), which has no `scattergl`.
    """
    data = df.dropna(subset=["latitud", "longitud"])
    # Districts with no rural CP and no JASS have nothing to colour: the backdrop shows them.
    data = data[(data["poblacion_rural"].fillna(0) > 0) | (data["n_oc"].fillna(0) > 0)]
    if data.empty:
        return empty_figure(t("ov.no_districts", lang), lang)
    # Big districts first, so the small ones are drawn on top and stay clickable.
    data = data.sort_values("poblacion_rural", ascending=False)
    marker = {
        "size": _f32(_sizes(data["poblacion_rural"])),
        "color": _f32(data[indicator]),
        "colorscale": SCALE,
        "cmin": 0,
        "cmax": 1,
        "line": {"width": 0.4, "color": "#333"},
        "opacity": 0.9,
        "colorbar": {
            "title": {"text": ""},
            "thickness": 10,
            "tickformat": ".0%",
            "len": 0.8,
            "x": 0.98,
        },
    }
    # Plain dicts, not iterrows(): 1,900 districts at national scale, each a Series otherwise.
    hover = [_hover(row, indicator, lang) for row in data.to_dict("records")]
    if tiles:
        return _tile_map(data, marker, hover, tiles, lang)
    fig = go.Figure()
    if not reference.empty:
        # Only the capitals not drawn on top anyway: at national scale that is a few dozen
        # points instead of 1,900 (bytes, and SVG nodes to draw).
        backdrop = reference[~_coords(reference).isin(_coords(data))]
        fig.add_trace(
            go.Scatter(
                x=_f32(backdrop["longitud"]),
                y=_f32(backdrop["latitud"]),
                mode="markers",
                marker={"size": 3, "color": "#d5dbe1"},
                hoverinfo="skip",
                name=t("ov.all_districts", lang),
                showlegend=False,
            )
        )
    fig.add_trace(
        go.Scatter(
            x=_f32(data["longitud"]),
            y=_f32(data["latitud"]),
            mode="markers",
            marker=marker,
            customdata=data["ubigeo"],
            hovertext=hover,
            hoverinfo="text",
            showlegend=False,
        )
    )
    fig.update_xaxes(visible=False)
    # Equal aspect: one degree of latitude looks as long as one of longitude near the equator.
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1)
    if zoom:
        xr, yr = _bounds(data)
        fig.update_xaxes(range=xr)
        fig.update_yaxes(range=yr)
    fig.update_layout(dragmode="pan")
    return _base(fig, lang, height=480)


def _tile_map(data: pd.DataFrame, marker: dict, hover: list[str], tiles: str, lang: str) -> Any:
    """The same points over raster tiles (only when ATM_MAP_TILES is configured).

    `scattermap` is not in the partial plotly.js bundle: with tiles the app serves the full one
    (speed.full_plotly)."""
    style = {
        "version": 8,
        "sources": {"t": {"type": "raster", "tiles": [tiles], "tileSize": 256}},
        "layers": [{"id": "t", "type": "raster", "source": "t"}],
    }
    fig = go.Figure(
        go.Scattermap(
            lat=data["latitud"],
            lon=data["longitud"],
            mode="markers",
            marker={k: v for k, v in marker.items() if k != "line"},
            customdata=data["ubigeo"],
            hovertext=hover,
            hoverinfo="text",
        )
    )
    fig.update_layout(
        map={
            "style": style,
            "center": {"lat": float(data["latitud"].mean()), "lon": float(data["longitud"].mean())},
            "zoom": 4.5,
        }
    )
    return _base(fig, lang, height=460)


def ranking_rows(df: pd.DataFrame, indicator: str, n: int = 8) -> pd.DataFrame:
    """The `n` lowest and `n` highest districts by an indicator (ubigeo, nombre, v), highest
    first; each district once. The overview draws them as HTML bars (layouts/overview.py)."""
    data = df.assign(v=pd.to_numeric(df[indicator], errors="coerce")).dropna(subset=["v"])
    data = data.sort_values(["v", "nombre"])
    picked = pd.concat([data.head(n), data.tail(n)]).drop_duplicates("ubigeo")
    return picked.iloc[::-1][["ubigeo", "nombre", "v"]]


def SCALE_COLOR(value: float | None) -> str:
    """The colour of a 0–1 value on the map's scale, interpolated between its stops as plotly
    colours the map (so a 99 % bar is nearly the green of 100 %, not the yellow of 70 %)."""
    if value is None or value != value:  # no value (NaN): the grey of "no data"
        return NO_DATA_COLOR
    value = min(max(float(value), SCALE[0][0]), SCALE[-1][0])
    for (low, low_color), (high, high_color) in pairwise(SCALE):
        if value <= high:
            share = (value - low) / (high - low)
            return _mix(low_color, high_color, share)
    return SCALE[-1][1]


def _mix(start: str, end: str, share: float) -> str:
    """The colour `share` of the way from `start` to `end` (#rrggbb), in RGB as plotly does."""
    a = [int(start[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(end[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * share):02X}" for x, y in zip(a, b, strict=True))


def trend_figure(history: pd.DataFrame, lang: str = "es") -> go.Figure:
    """District indicators over the years."""
    if len(history) < 2:
        return empty_figure(t("di.no_trend", lang), lang, height=180)
    fig = go.Figure()
    for col, dash in (
        ("cobertura_agua", "solid"),
        ("cobertura_agua_segura", "dot"),
        ("cobertura_saneamiento", "dash"),
        ("pct_oc_clorando", "dashdot"),
    ):
        fig.add_trace(
            go.Scatter(
                x=history["anio"],
                y=history[col],
                name=label("ind", col, lang),
                mode="lines+markers",
                line={"dash": dash},
            )
        )
    fig.update_yaxes(range=[0, 1.05], tickformat=".0%", gridcolor="#eee")
    fig.update_xaxes(dtick=1)
    fig.update_layout(legend={"orientation": "h", "y": -0.2})
    return _base(fig, lang, height=300)


def score_history_figure(scores: pd.DataFrame, visits: pd.DataFrame, lang: str = "es") -> go.Figure:
    """Health score per assessment and residual chlorine per visit, on one time axis."""
    if scores.empty and visits.empty:
        return empty_figure(t("oc.no_history", lang), lang, height=180)
    fig = go.Figure()
    if not scores.empty:
        fig.add_trace(
            go.Scatter(
                x=pd.to_datetime(scores["fecha_evaluacion"]),
                y=scores["puntaje"],
                mode="lines+markers+text",
                text=scores["grado"],
                textposition="top center",
                marker={
                    "color": [GRADE_COLORS.get(g, "#AAA") for g in scores["grado"]],
                    "size": 11,
                    "line": {"color": "#333", "width": 1},
                },
                line={"color": "#4a6fa5"},
                name=t("common.score", lang),
            )
        )
    if not visits.empty and "cloro_residual_mg_l" in visits:
        fig.add_trace(
            go.Bar(
                x=pd.to_datetime(visits["fecha_visita"]),
                y=visits["cloro_residual_mg_l"],
                name=t("di.residual", lang),
                yaxis="y2",
                marker_color="rgba(70,130,180,0.35)",
            )
        )
    fig.update_layout(
        yaxis={"range": [0, 1.1], "title": t("common.score", lang), "gridcolor": "#eee"},
        yaxis2={"overlaying": "y", "side": "right", "title": "mg/L", "rangemode": "tozero"},
        legend={"orientation": "h", "y": -0.2},
    )
    return _base(fig, lang, height=300)


def compliance_figure(df: pd.DataFrame, by: str, lang: str = "es") -> go.Figure:
    """Share of applicable municipalities meeting a goal, per group (department or category)."""
    if df.empty:
        return empty_figure(t("go.no_progress", lang), lang)
    data = df.sort_values("pct")
    fig = go.Figure(
        go.Bar(
            x=data["pct"],
            y=data[by],
            orientation="h",
            marker_color=[SCALE_COLOR(v) for v in data["pct"]],
            text=[
                f"{fmt_pct(p, lang, 0)} ({c}/{n})"
                for p, c, n in zip(data["pct"], data["cumplidas"], data["aplicables"], strict=True)
            ],
            textposition="outside",
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    # Room on the right for the outside labels, but no ticks past 100 %.
    fig.update_xaxes(range=[0, 1.3], tickvals=PERCENT_TICKS, tickformat=".0%", gridcolor="#eee")
    fig.update_yaxes(automargin=True)
    return _base(fig, lang, height=max(200, 24 * len(data) + 50))


def compliance_vs_mef_figure(df: pd.DataFrame, by: str, lang: str = "es") -> go.Figure:
    """Computed compliance and the MEF's official result side by side, per group (issue 14).

    Computed: share of applicable municipalities our rules find met; MEF: share met among
    those with an official result loaded. Without MEF results it is the computed chart."""
    if df.empty:
        return empty_figure(t("go.no_progress", lang), lang)
    if "mef_pct" not in df or df["mef_conocidas"].fillna(0).sum() == 0:
        return compliance_figure(df, by, lang)
    data = df.sort_values("pct")
    calc_text = [
        f"{fmt_pct(p, lang, 0)} ({c}/{n})"
        for p, c, n in zip(data["pct"], data["cumplidas"], data["aplicables"], strict=True)
    ]
    mef_text = [
        f"{fmt_pct(p, lang, 0)} ({int(c)}/{int(n)})" if n else "—"
        for p, c, n in zip(
            data["mef_pct"],
            data["mef_cumplidas"].fillna(0),
            data["mef_conocidas"].fillna(0),
            strict=True,
        )
    ]
    fig = go.Figure(
        [
            go.Bar(
                x=data["pct"],
                y=data[by],
                orientation="h",
                name=t("go.series_calc", lang),
                marker_color="#1f6fb2",
                text=calc_text,
                textposition="outside",
                hovertemplate="%{y}: %{text}<extra>" + t("go.series_calc", lang) + "</extra>",
            ),
            go.Bar(
                x=data["mef_pct"],
                y=data[by],
                orientation="h",
                name=t("go.series_mef", lang),
                marker_color="#8c8c8c",
                text=mef_text,
                textposition="outside",
                hovertemplate="%{y}: %{text}<extra>" + t("go.series_mef", lang) + "</extra>",
            ),
        ]
    )
    fig.update_layout(
        barmode="group",
        showlegend=True,
        legend={"orientation": "h", "y": -0.15},
    )
    fig.update_xaxes(range=[0, 1.3], tickvals=PERCENT_TICKS, tickformat=".0%", gridcolor="#eee")
    fig.update_yaxes(automargin=True)
    return _base(fig, lang, height=max(240, 44 * len(data) + 90))


def location_figure(reference: pd.DataFrame, lat: Any, lon: Any, name: str) -> go.Figure:
    """Where a district is: its department's district capitals, and it marked in red."""
    fig = go.Figure()
    if not reference.empty:
        fig.add_trace(
            go.Scatter(
                x=reference["longitud"],
                y=reference["latitud"],
                mode="markers",
                marker={"size": 4, "color": "#b8c2cc"},
                hoverinfo="skip",
            )
        )
    if lat is not None and lon is not None and not pd.isna(lat) and not pd.isna(lon):
        fig.add_trace(
            go.Scatter(
                x=[lon],
                y=[lat],
                mode="markers+text",
                marker={"size": 14, "color": "#C92429", "symbol": "star"},
                text=[name],
                textposition="top center",
                hoverinfo="skip",
            )
        )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1)
    fig.update_layout(showlegend=False, margin={"l": 2, "r": 2, "t": 2, "b": 2}, height=170)
    fig.update_layout(paper_bgcolor="white", plot_bgcolor="#f8f9fa", font={"family": FONT})
    return fig
