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
    years = c.safe(lang, lambda: wh.data_years(state.dep, state.prov))
    years = years if isinstance(years, list) else []
    anio = default_year(years, state.anio)
    if anio is not None and anio not in years:
        years = sorted([*years, anio], reverse=True)  # a shared link's year stays selectable
    chosen = state.anio  # only a year the user chose travels in the URL
    state = state.with_(anio=anio)
    body: list[Any] = [
        html.H1(
            t("ov.title_scoped" if wh.scope.restricted else "ov.title", lang), className="h4 my-2"
        ),
        filters(wh, state, years),
        dcc.Store(
            id=ids.OV_STATE,
            data={
                "lang": lang,
                "dep": state.dep,
                "prov": state.prov,
                "anio": chosen,
                "anio_shown": anio,
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


def default_year(data_years: list[int], wanted: int | None) -> int | None:
    """The year in the URL when given, else the newest year with data in the scope (so the
    overview never opens on an empty year)."""
    if wanted is not None:
        return wanted
    return data_years[0] if data_years else None


def filters(wh: Warehouse, state: UrlState, years: list[int]) -> dbc.Row:
    """Department → province → district cascade, year and indicator."""
    lang = state.lang
    deps = _options(c.safe(lang, wh.departments))
    dep = state.dep
    provs = _options(c.safe(lang, lambda: wh.provinces(dep))) if dep else []
    # Nationally the 1,900 districts are searched as the user types (callbacks/overview.py),
    # not shipped with the page; within a department the list is short enough to embed.
    dists = district_options(c.safe(lang, lambda: wh.districts(dep, state.prov))) if dep else []
    pick = t("ov.pick_dist", lang) if dep else t("ov.type_dist", lang)
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
            _field(ids.OV_DIST, t("ov.dist", lang), dists, None, pick),
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


def district_options(frame: Any) -> list[dict[str, str]]:
    """ "Name (Province)" options: the province tells apart the many districts named alike."""
    if not isinstance(frame, pd.DataFrame) or frame.empty:
        return []
    names = zip(frame["ubigeo"], frame["nombre"], frame["provincia_nombre"], strict=True)
    return [{"label": f"{n} ({p})", "value": u} for u, n, p in names]


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
    goals = wh.goal_totals(anio, state.dep, state.prov)
    counts = grade_counts(df)
    return [
        kpis(df, coverage, counts, goals, lang),
        dbc.Row(
            [
                dbc.Col(
                    c.section(
                        t("ov.map", lang),
                        dcc.Loading(
                            dcc.Graph(
                                id=ids.OV_MAP,
                                figure=figures.map_figure(
                                    df,
                                    wh.reference_points(),
                                    state.ind,
                                    lang,
                                    tiles,
                                    zoom=bool(state.dep),
                                ),
                                config=c.GRAPH_CONFIG,
                                className="ov-map",
                            ),
                            delay_show=300,
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


def goals_card(goals: tuple[int, int, int], anio: int, lang: str) -> dbc.Card:
    """Goals met / applicable, of the newest goal year up to the chosen one (goals are yearly;
    a later year without goals shows the last that had them, and says which)."""
    year, met, applicable = goals
    if not applicable:
        return c.kpi_card(t("ov.kpi_goals", lang), "—", t("ov.no_goals_year", lang))
    detail = fmt_pct(met / applicable, lang)
    if year != anio:
        detail = f"{detail} · {t('ov.goals_of', lang, year=str(year))}"
    return c.kpi_card(
        t("ov.kpi_goals", lang), f"{fmt_num(met, lang)} / {fmt_num(applicable, lang)}", detail
    )


def kpis(
    df: pd.DataFrame,
    coverage: dict[str, float],
    counts: dict[str, int],
    goals: tuple[int, int, int],
    lang: str,
) -> Any:
    """The KPI cards row."""
    n = len(df)
    anio = int(df["anio"].iloc[0])
    atm = int(df["atm_operativa"].fillna(False).astype(bool).sum())
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
        goals_card(goals, anio, lang),
    ]
    return dbc.Row([dbc.Col(card, xs=6, md=4, xl=2) for card in cards], className="g-2 mb-3")
