""" "Brecha × pobreza" (issue 17): where the next sol for water should go.

**Our rule, not an official one** (docs/puntajes.md): a district's rural people without water
(rural population × (1 − water coverage)) times its share of people in poverty (INEI's poverty
map in the reference, data/distritos_inei.csv). It counts people, so bigger is a stronger
claim: 1,000 people without water in a district where 60 % are poor weigh 600; the same
1,000 where 10 % are poor weigh 100. A district without coverage or without a poverty figure
has no value (never a zero).
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd
from dash import dcc, html

from dashboard import components as c
from dashboard import ids, urls
from dashboard.exports import Table, cell_number
from dashboard.i18n import fmt_num, fmt_pct, t
from dashboard.queries import Warehouse
from dashboard.state import UrlState, lang_only

INDICATOR = "brecha_pobreza"
OV_BRECHA = "ov-brecha"  # the ranking's export links
COLORS: list[tuple[float, str]] = [(0.0, "#F2F0F7"), (0.5, "#9E9AC8"), (1.0, "#3F007D")]


def with_gap(df: pd.DataFrame) -> pd.DataFrame:
    """The district summary with `sin_agua` (rural people without water) and
    `brecha_pobreza` (those people times the district's poverty rate)."""
    rural = pd.to_numeric(df["poblacion_rural"], errors="coerce")
    coverage = pd.to_numeric(df["cobertura_agua"], errors="coerce")
    poverty = pd.to_numeric(df.get("pobreza_total_pct"), errors="coerce") / 100
    without = (rural * (1 - coverage.clip(0, 1))).round()
    return df.assign(sin_agua=without, brecha_pobreza=(without * poverty).round())


def top(df: pd.DataFrame, n: int | None = None) -> pd.DataFrame:
    """Districts by brecha × pobreza, largest first (ties by name); those without a value
    left out."""
    data = df.assign(v=pd.to_numeric(df[INDICATOR], errors="coerce")).dropna(subset=["v"])
    data = data.sort_values(["v", "nombre"], ascending=[False, True])
    return data if n is None else data.head(n)


def color(value: Any, high: float) -> str:
    """The map colour of a value on the 0 – `high` scale (grey when missing)."""
    from dashboard.figures import NO_DATA_COLOR, _mix

    if value is None or value != value or high <= 0:
        return NO_DATA_COLOR
    share = min(max(float(value) / high, 0.0), 1.0)
    for (low, low_color), (up, up_color) in itertools.pairwise(COLORS):
        if share <= up:
            return _mix(low_color, up_color, (share - low) / (up - low))
    return COLORS[-1][1]


def scale_top(values: pd.Series) -> float:
    """The scale's top: the 95th percentile, so one huge district does not wash out the rest
    (bigger values get the top colour)."""
    numbers = pd.to_numeric(values, errors="coerce").dropna()
    return float(np.percentile(numbers, 95)) if len(numbers) and numbers.max() > 0 else 1.0


def ranking(df: pd.DataFrame, state: UrlState, n: int = 15) -> html.Div:
    """The districts with the largest brecha × pobreza, as links with bars, the rule said in
    words and the export of the whole ranking."""
    lang = state.lang
    rows = top(df, n)
    note = html.P(t("bp.rule", lang), className="small text-muted mb-1")
    buttons = c.export_buttons(lang, OV_BRECHA, state)
    if rows.empty:
        return html.Div([note, c.empty_state(t("bp.none", lang)), buttons], id=ids.OV_RANKING)
    high = float(rows["v"].max()) or 1.0
    district = lang_only(state)
    items = []
    for code, name, value, without, poor in zip(
        rows["ubigeo"],
        rows["nombre"],
        rows["v"],
        rows["sin_agua"],
        rows["pobreza_total_pct"],
        strict=True,
    ):
        detail = t(
            "bp.detail",
            lang,
            people=fmt_num(without, lang),
            poverty=fmt_pct(float(poor) / 100, lang, 0),
        )
        items.append(
            html.Li(
                [
                    dcc.Link(
                        f"{name} ({code})",
                        href=urls.district(code, district),
                        className="hbar-name",
                    ),
                    html.Span(
                        html.Span(
                            className="hbar-fill",
                            style={
                                "width": f"{float(value) / high * 100:.1f}%",
                                "background": COLORS[-1][1],
                            },
                        ),
                        className="hbar-track",
                        **c.aria(hidden="true"),
                    ),
                    html.Span(fmt_num(value, lang), className="hbar-value"),
                ],
                className="hbar-row",
                title=f"{name}: {fmt_num(value, lang)} ({detail})",
            )
        )
    return html.Div(
        [
            note,
            html.Ol(items, className="hbar-list", **c.aria(label=t("ind.brecha_pobreza", lang))),
            buttons,
        ],
        id=ids.OV_RANKING,
        className="hbar",
    )


def table(df: pd.DataFrame, lang: str, name: str) -> Table:
    """The whole ranking as a file: every district of the view with a value."""
    rows = top(df)
    columns = [
        {"field": "orden", "headerName": "#"},
        {"field": "ubigeo", "headerName": "Ubigeo"},
        {"field": "nombre", "headerName": t("common.name", lang)},
        {"field": "provincia", "headerName": t("ov.prov", lang)},
        {"field": "departamento", "headerName": t("ov.dep", lang)},
        {"field": "poblacion_rural", "headerName": t("ov.rural_pop", lang)},
        {"field": "cobertura_agua", "headerName": t("ind.cobertura_agua", lang)},
        {"field": "sin_agua", "headerName": t("bp.without", lang)},
        {"field": "pobreza_total_pct", "headerName": t("bp.poverty", lang)},
        {"field": "brecha_pobreza", "headerName": t("ind.brecha_pobreza", lang)},
    ]
    records = [
        {
            "orden": i,
            "ubigeo": r["ubigeo"],
            "nombre": r["nombre"],
            "provincia": r["provincia_nombre"],
            "departamento": r["departamento_nombre"],
            "poblacion_rural": cell_number(r["poblacion_rural"]),
            "cobertura_agua": cell_number(r["cobertura_agua"]),
            "sin_agua": cell_number(r["sin_agua"]),
            "pobreza_total_pct": cell_number(r["pobreza_total_pct"]),
            "brecha_pobreza": cell_number(r["brecha_pobreza"]),
        }
        for i, r in enumerate(rows.to_dict("records"), start=1)
    ]
    return Table(records, columns, name)


def source(wh: Warehouse, state: UrlState, key: str | None) -> Table | None:
    """The export link's table: the overview's view (department, province, year)."""
    from dashboard.layouts.overview import default_year

    anio = default_year(wh.data_years(state.dep, state.prov), state.anio)
    if anio is None:
        return None
    df = with_gap(wh.district_summary(anio, state.dep, state.prov))
    where = state.prov or state.dep or "peru"
    return table(df, state.lang, f"brecha_pobreza_{where}_{anio}")


def hover(row: dict[str, Any], lang: str) -> str:
    """A district's map hover for this indicator: the figure and its two factors."""
    poor = row.get("pobreza_total_pct")
    return (
        f"<b>{row['nombre']}</b> ({row.get('provincia_nombre', '')}, "
        f"{row.get('departamento_nombre', '')})<br>"
        f"{t('ind.brecha_pobreza', lang)}: {fmt_num(row.get(INDICATOR), lang)}<br>"
        f"{t('bp.without', lang)}: {fmt_num(row.get('sin_agua'), lang)}<br>"
        f"{t('bp.poverty', lang)}: "
        f"{fmt_pct(float(poor) / 100 if poor is not None and poor == poor else None, lang, 0)}"
    )
