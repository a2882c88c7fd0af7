"""Overview `/`: location filter, KPIs, the district map, ranking and grade distribution."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard import components as c
from dashboard import figures, ids
from dashboard.i18n import fmt_num, fmt_pct, label, t
from dashboard.queries import Warehouse
from dashboard.state import INDICATORS, UrlState, to_search

PATH = "/"
NAME = "overview"


def layout(wh: Warehouse, state: UrlState, tiles: str | None = None) -> Any:
    """The overview for the state's year and location."""
    lang = state.lang
    years = c.safe(lang, wh.years)
    years = years if isinstance(years, list) else []
    anio = state.anio if state.anio in years else (years[0] if years else None)
    state = state.with_(anio=anio)
    body: list[Any] = [
        html.H1(t("ov.title", lang), className="h4 my-2"),
        filters(wh, state, years),
        dcc.Store(
            id=ids.OV_STATE,
            data={
                "lang": lang,
                "dep": state.dep,
                "prov": state.prov,
                "anio": anio,
                "ind": state.ind,
            },
        ),
    ]
    if anio is None:
        body.append(c.empty_state(t("common.no_data", lang)))
        body.append(_graphs_placeholder())
    else:
        body.append(c.safe(lang, lambda: content(wh, state, tiles)))
    return c.page(state, PATH, to_search(state), body)


def filters(wh: Warehouse, state: UrlState, years: list[int]) -> dbc.Row:
    """Department → province → district cascade, year and indicator."""
    lang = state.lang
    deps = _options(c.safe(lang, wh.departments))
    provs = _options(c.safe(lang, lambda: wh.provinces(state.dep))) if state.dep else []
    dists = _options(c.safe(lang, lambda: wh.districts(state.dep, state.prov)))
    return dbc.Row(
        [
            _field(ids.OV_DEP, t("ov.dep", lang), deps, state.dep, t("ov.all_deps", lang)),
            _field(
                ids.OV_PROV,
                t("ov.prov", lang),
                provs,
                state.prov,
                t("ov.all_provs", lang),
                disabled=not state.dep,
            ),
            _field(ids.OV_DIST, t("ov.dist", lang), dists, None, t("ov.pick_dist", lang)),
            _field(
                ids.OV_YEAR,
                t("common.year", lang),
                [{"label": str(y), "value": y} for y in years],
                state.anio,
                "",
                md=1,
                clearable=False,
            ),
            _field(
                ids.OV_IND,
                t("ov.indicator", lang),
                [{"label": label("ind", i, lang), "value": i} for i in INDICATORS],
                state.ind,
                "",
                clearable=False,
            ),
        ],
        className="g-2 mb-2 filters",
    )


def _options(frame: Any) -> list[dict[str, str]]:
    """Dropdown options from a (ubigeo, nombre) frame; nothing when the query failed."""
    if not isinstance(frame, pd.DataFrame) or frame.empty:
        return []
    return [{"label": n, "value": u} for u, n in zip(frame["ubigeo"], frame["nombre"], strict=True)]


def _field(
    cid: str,
    text: str,
    options: list,
    value: Any,
    placeholder: str,
    md: int = 2,
    disabled: bool = False,
    clearable: bool = True,
) -> dbc.Col:
    """One labelled dropdown."""
    return dbc.Col(
        [
            dbc.Label(text, html_for=cid, className="small mb-0"),
            dcc.Dropdown(
                id=cid,
                options=options,
                value=value,
                placeholder=placeholder,
                disabled=disabled,
                clearable=clearable,
                searchable=True,
            ),
        ],
        xs=12,
        sm=6,
        md=md if md > 1 else 2,
        lg=md if md > 1 else 1,
        xl=md if md > 1 else 1,
        className="min-w-0",
    )


def content(wh: Warehouse, state: UrlState, tiles: str | None) -> list[Any]:
    """KPIs and charts for the filtered districts."""
    lang, anio = state.lang, int(state.anio or 0)
    df = wh.district_summary(anio, state.dep, state.prov)
    if df.empty:
        return [c.empty_state(t("ov.no_districts", lang)), _graphs_placeholder()]
    coverage = wh.coverage_totals(anio, state.dep, state.prov)
    counts = grade_counts(df)
    return [
        kpis(df, coverage, counts, lang),
        dbc.Row(
            [
                dbc.Col(
                    c.section(
                        t("ov.map", lang),
                        dcc.Loading(
                            dcc.Graph(
                                id=ids.OV_MAP,
                                figure=figures.map_figure(
                                    df, wh.reference_points(), state.ind, lang, tiles
                                ),
                                config=c.GRAPH_CONFIG,
                            )
                        ),
                        help_text=t("ov.map_help", lang),
                    ),
                    lg=7,
                ),
                dbc.Col(
                    [
                        c.section(
                            [t("ov.ranking", lang), f" · {label('ind', state.ind, lang)}"],
                            dcc.Loading(
                                dcc.Graph(
                                    id=ids.OV_RANKING,
                                    config=c.GRAPH_CONFIG,
                                    figure=figures.ranking_figure(df, state.ind, lang),
                                )
                            ),
                        ),
                        c.section(
                            t("ov.grades", lang),
                            dcc.Graph(
                                id=ids.OV_GRADES,
                                figure=figures.grades_figure(counts, lang),
                                config=c.GRAPH_CONFIG,
                            ),
                        ),
                    ],
                    lg=5,
                ),
            ],
            className="g-2",
        ),
    ]


def _graphs_placeholder() -> html.Div:
    """The graphs callbacks listen to, hidden when there is nothing to draw."""
    return html.Div(
        [dcc.Graph(id=ids.OV_MAP), dcc.Graph(id=ids.OV_RANKING), dcc.Graph(id=ids.OV_GRADES)],
        hidden=True,
    )


def grade_counts(df: pd.DataFrame) -> dict[str, int]:
    """JASS per grade summed over the districts."""
    return {g: int(df[f"n_oc_{g.lower()}"].sum()) for g in ("A", "B", "C", "D", "E")}


def kpis(df: pd.DataFrame, coverage: dict[str, float], counts: dict[str, int], lang: str) -> Any:
    """The KPI cards row."""
    n = len(df)
    atm = int(df["atm_operativa"].fillna(False).astype(bool).sum())
    met, applicable = int(df["metas_cumplidas"].sum()), int(df["metas_aplicables"].sum())
    of = t("ov.kpi_of", lang)
    cards = [
        c.kpi_card(
            t("ov.kpi_atm", lang),
            f"{fmt_num(atm, lang)} {of} {fmt_num(n, lang)}",
            fmt_pct(atm / n if n else None, lang),
        ),
        c.kpi_card(
            t("ov.kpi_jass", lang),
            fmt_num(sum(counts.values()), lang),
            extra=c.grade_counts(counts),
        ),
        c.kpi_card(t("ov.kpi_water", lang), fmt_pct(coverage.get("cobertura_agua"), lang)),
        c.kpi_card(t("ov.kpi_safe", lang), fmt_pct(coverage.get("cobertura_agua_segura"), lang)),
        c.kpi_card(t("ov.kpi_san", lang), fmt_pct(coverage.get("cobertura_saneamiento"), lang)),
        c.kpi_card(
            t("ov.kpi_goals", lang),
            f"{fmt_num(met, lang)} / {fmt_num(applicable, lang)}",
            fmt_pct(met / applicable if applicable else None, lang),
        ),
    ]
    return dbc.Row([dbc.Col(card, xs=6, md=4, xl=2) for card in cards], className="g-2 mb-3")
