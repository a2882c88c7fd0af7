"""Overview `/`: location filter, KPIs, the district map, ranking and grade distribution."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard import components as c
from dashboard import figures, ids, poverty, urls
from dashboard.callbacks import overview as overview_cb
from dashboard.callbacks.overview import district_options
from dashboard.i18n import evidence_params, fmt_num, fmt_pct, label, t
from dashboard.page import Page, Section, fetch, show, value_or
from dashboard.queries import Warehouse
from dashboard.server import mapview
from dashboard.server.config import Settings
from dashboard.state import INDICATORS, UrlState, from_params, lang_only, to_search
from etl.derive.siasar import GRADE_COLORS, GRADES

PATH = urls.OVERVIEW


def draw(view: Warehouse, settings: Settings, params: dict[str, Any]) -> Any:
    return layout(view, from_params(params, settings.lang), settings.map_tiles)


PAGE = Page(
    "overview",
    PATH,
    draw,
    nav="nav.overview",
    exports={poverty.OV_BRECHA: poverty.source},  # issue 17
    register=overview_cb.register,
)


@dataclass(frozen=True)
class Summary:
    """The filtered districts (with their gap, issue 17), their totals and the map: the
    capitals' points with tiles, else the URL of the server-drawn SVG (issue #18)."""

    districts: pd.DataFrame
    coverage: Any = None
    goals: Any = None
    reference: pd.DataFrame | None = None
    map_url: str | None = None


@dataclass(frozen=True)
class OverviewData:
    """The overview's data: the years with data, the year shown, the filters' options and
    the summary of the filtered districts (None: no year to show)."""

    restricted: bool  # a scoped account: the title says so
    years: Section[list[int]]
    year: int | None
    departments: Section[pd.DataFrame]
    provinces: Section[pd.DataFrame] | None  # None: no department chosen
    districts: Section[pd.DataFrame] | None
    summary: Section[Summary] | None = None


def load(wh: Warehouse, state: UrlState, tiles: str | None = None) -> OverviewData:
    """Everything the overview shows, each section with its value or its error."""
    years = fetch(lambda: wh.data_years(state.dep, state.prov))
    anio = default_year(years.value if isinstance(years.value, list) else [], state.anio)
    dep = state.dep
    # Nationally the 1,900 districts are searched as the user types (callbacks/overview.py),
    # not shipped with the page; within a department the list is short enough to embed.
    return OverviewData(
        restricted=wh.scope.restricted,
        years=years,
        year=anio,
        departments=fetch(wh.departments),
        provinces=fetch(lambda: wh.provinces(dep)) if dep else None,
        districts=fetch(lambda: wh.districts(dep, state.prov)) if dep else None,
        summary=None
        if anio is None
        else fetch(lambda: _summary(wh, state.with_(anio=anio), tiles)),
    )


def _summary(wh: Warehouse, state: UrlState, tiles: str | None) -> Summary:
    anio = int(state.anio or 0)
    df = poverty.with_gap(wh.district_summary(anio, state.dep, state.prov))
    if df.empty:
        return Summary(df)
    coverage = wh.coverage_totals(anio, state.dep, state.prov)
    goals = wh.goal_totals(anio, state.dep, state.prov)
    if tiles:
        return Summary(df, coverage, goals, reference=wh.reference_points())
    return Summary(df, coverage, goals, map_url=mapview.map_url(wh, state))


def layout(wh: Warehouse, state: UrlState, tiles: str | None = None) -> Any:
    """The overview for the state's year and location."""
    return render(load(wh, state, tiles), state, tiles)


def _place_name(section: Section[pd.DataFrame] | None, code: str | None) -> str | None:
    """The name of a chosen department or province, None when unknown or not chosen."""
    frame = value_or(section, None) if section is not None else None
    if code is None or not isinstance(frame, pd.DataFrame) or frame.empty:
        return None
    names = frame.loc[frame["ubigeo"] == code, "nombre"]
    return str(names.iloc[0]) if len(names) else None


def _title(data: OverviewData, state: UrlState) -> str:
    """'Resumen nacional', or the chosen place: a department's overview must not say national."""
    places = [
        name
        for name in (
            _place_name(data.departments, state.dep),
            _place_name(data.provinces, state.prov),
        )
        if name
    ]
    if places:
        return t("ov.title_place", state.lang, place=" · ".join(places))
    return t("ov.title_scoped" if data.restricted else "ov.title", state.lang)


def render(data: OverviewData, state: UrlState, tiles: str | None = None) -> Any:
    """The overview drawn from its data (never reads the warehouse)."""
    lang = state.lang
    years = value_or(data.years, [])
    years = years if isinstance(years, list) else []
    anio = data.year
    if anio is not None and anio not in years:
        years = sorted([*years, anio], reverse=True)  # a shared link's year stays selectable
    chosen = state.anio  # only a year the user chose travels in the URL
    state = state.with_(anio=anio)
    body: list[Any] = [
        html.H1(_title(data, state), className="h4 my-2"),
        filters(data, state, years),
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
    if data.summary is None:
        body.append(c.empty_state(t("common.no_data", lang)))
        body.append(_graphs_placeholder(tiles))
    else:
        body.append(show(lang, data.summary, lambda summary: content(summary, state, tiles)))
    return c.page(state, PATH, to_search(state), body)


def default_year(data_years: list[int], wanted: int | None) -> int | None:
    """The year in the URL when given, else the newest year with data in the scope (so the
    overview never opens on an empty year)."""
    if wanted is not None:
        return wanted
    return data_years[0] if data_years else None


def filters(data: OverviewData, state: UrlState, years: list[int]) -> dbc.Row:
    """Department → province → district cascade, year and indicator."""
    lang = state.lang
    deps = _options(value_or(data.departments, None))
    dep = state.dep
    provs = _options(value_or(data.provinces, None)) if data.provinces is not None else []
    dists = district_options(value_or(data.districts, None)) if data.districts is not None else []
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


def content(summary: Summary, state: UrlState, tiles: str | None) -> list[Any]:
    """KPIs and charts for the filtered districts."""
    lang = state.lang
    df, coverage, goals = summary.districts, summary.coverage, summary.goals
    if df.empty:
        return [c.empty_state(t("ov.no_districts", lang)), _graphs_placeholder(tiles)]
    counts = grade_counts(df)
    return [
        kpis(df, coverage, counts, goals, lang),
        dbc.Row(
            [
                dbc.Col(
                    c.section(
                        t("ov.map", lang),
                        overview_map(summary, df, state, tiles),
                        help_text=t("ov.map_help", lang),
                    ),
                    lg=7,
                ),
                dbc.Col(
                    [
                        c.section(
                            [t("ov.ranking", lang), f" · {label('ind', state.ind, lang)}"],
                            poverty.ranking(df, state)
                            if state.ind == poverty.INDICATOR
                            else ranking_bars(df, state),
                        ),
                        c.section(
                            t("ov.grades", lang),
                            html.Div(
                                [
                                    grade_bars(counts, lang),
                                    html.P(
                                        provisional_note(df, sum(counts.values()), lang),
                                        className="small text-muted mb-0 mt-1",
                                    ),
                                ]
                            ),
                        ),
                    ],
                    lg=5,
                ),
            ],
            className="g-2",
        ),
    ]


def overview_map(summary: Summary, df: pd.DataFrame, state: UrlState, tiles: str | None) -> Any:
    """District shapes coloured by the indicator, drawn by the server as SVG and fetched by
    assets/atm-map.js (issue #18: no plotly.js on the overview); with tiles, the capitals'
    points on a plotly tile map."""
    if tiles:
        figure = figures.map_figure(df, summary.reference, state.ind, state.lang, tiles)
        graph = dcc.Graph(id=ids.OV_MAP, figure=figure, config=c.GRAPH_CONFIG, className="ov-map")
        return dcc.Loading(graph, delay_show=300)
    # A click on a district opens its page (atm-map.js puts the code in `{u}`).
    district = urls.district("{u}", lang_only(state))
    # No children: the script fills the box (React never owns what it puts there).
    data: dict[str, Any] = {
        "data-atm-map": summary.map_url or "",
        "data-wait": t("ov.map_loading", state.lang),
        "data-href": district,
        "data-failed": t("ov.map_failed", state.lang),
    }
    return html.Div(id=ids.OV_MAP, className="ov-map atm-map-box", **data)


def _graphs_placeholder(tiles: str | None) -> html.Div:
    """The map the navigation callback listens to (a graph with tiles), hidden when there
    is nothing to draw."""
    return html.Div(dcc.Graph(id=ids.OV_MAP) if tiles else html.Div(id=ids.OV_MAP), hidden=True)


# The ranking and the grade distribution are plain HTML bars, not plotly figures: at national
# scale each bar chart cost ~100-150 ms of plotly drawing (text measuring, automargin redraws)
# on the first render; as HTML they cost a few milliseconds, need no plotly at all, and every
# value the hover used to show is visible text (benchmarks/README.md).


def ranking_bars(df: pd.DataFrame, state: UrlState, n: int = 8) -> html.Div:
    """The lowest and highest districts by the indicator, highest first: each a link to its
    district page (as clicking a bar was), a bar as long as the value and the value."""
    lang, ind = state.lang, state.ind
    rows = figures.ranking_rows(df, ind, n)
    if rows.empty:
        return html.Div(c.empty_state(t("ov.no_districts", lang)), id=ids.OV_RANKING)
    percent = ind != "puntaje_medio"  # the mean score is 0-1, shown as a number
    district = lang_only(state)
    items = []
    for code, name, value in zip(rows["ubigeo"], rows["nombre"], rows["v"], strict=True):
        text = fmt_pct(value, lang, 0) if percent else fmt_num(value, lang, 2)
        who = f"{name} ({code})"
        width = f"{min(max(float(value), 0.0), 1.0) * 100:.1f}%"
        items.append(
            html.Li(
                [
                    dcc.Link(who, href=urls.district(code, district), className="hbar-name"),
                    html.Span(
                        html.Span(
                            className="hbar-fill",
                            style={"width": width, "background": figures.SCALE_COLOR(value)},
                        ),
                        className="hbar-track",
                        **c.aria(hidden="true"),
                    ),
                    html.Span(text, className="hbar-value"),
                ],
                className="hbar-row",
                title=f"{who}: {text}",
            )
        )
    between = int(pd.to_numeric(df[ind], errors="coerce").notna().sum()) - len(items)
    if between > 0:  # highest and lowest are two groups: say what lies between them
        gap = t("ov.ranking_gap", lang, n=fmt_num(between, lang))
        items.insert(n, html.Li(gap, className="hbar-gap"))
    ticks = [
        html.Span(
            fmt_pct(tick, lang, 0) if percent else fmt_num(tick, lang, 2),
            style={"left": f"{tick * 100:g}%"},
        )
        for tick in figures.PERCENT_TICKS
    ]
    return html.Div(
        [
            html.Ol(
                items,
                className="hbar-list",
                **c.aria(label=f"{t('ov.ranking', lang)} · {label('ind', ind, lang)}"),
            ),
            html.Div(
                html.Div(ticks, className="hbar-ticks"),
                className="hbar-axis",
                **c.aria(hidden="true"),
            ),
        ],
        id=ids.OV_RANKING,
        className="hbar",
    )


def grade_bars(counts: dict[str, int], lang: str) -> html.Div:
    """JASS per SIASAR grade: a column per grade in the SIASAR colours, the count above it."""
    if sum(counts.values()) == 0:
        return html.Div(c.empty_state(t("di.no_jass", lang)), id=ids.OV_GRADES)
    values = {g: int(counts.get(g, 0)) for g in GRADES}
    top = max(values.values())
    grade = t("common.grade", lang)
    columns = [
        html.Li(
            [
                html.Span(
                    [
                        html.Span(fmt_num(v, lang), className="vbar-value"),
                        html.Span(
                            className="vbar-fill",
                            style={
                                "height": f"{v / top * 100:.1f}%",
                                "background": GRADE_COLORS[g],
                            },
                        ),
                    ],
                    className="vbar-area",
                ),
                html.Span(g, className="vbar-label"),
            ],
            className="vbar-col",
            title=f"{grade} {g}: {fmt_num(v, lang)}",
        )
        for g, v in values.items()
    ]
    return html.Div(
        [
            html.Ul(columns, className="vbar-list", **c.aria(label=t("ov.grades", lang))),
            html.Div(grade, className="vbar-axis-title", **c.aria(hidden="true")),
        ],
        id=ids.OV_GRADES,
        className="vbar",
    )


def provisional_note(df: pd.DataFrame, total: int, lang: str) -> str | None:
    """How many grades are provisional (issue 14), or None on a warehouse without the column."""
    if "n_oc_provisional" not in df or not total:
        return None
    n = int(pd.to_numeric(df["n_oc_provisional"], errors="coerce").fillna(0).sum())
    return t("grade.provisional_share", lang, n=fmt_num(n, lang), pct=fmt_pct(n / total, lang))


def coverage_cards(coverage: dict[str, float], lang: str) -> list[dbc.Card]:
    """Water, safe water and sanitation, each with its basis (issue 14: "n de N CP")."""
    p = evidence_params(lang)
    total = fmt_num(coverage.get("n_cp"), lang)
    safe_basis = t(
        "kpi.safe_basis",
        lang,
        n=fmt_num(coverage.get("n_cp_cloro_vigente"), lang),
        total=total,
        meses=p["meses_cloro"],
    )
    return [
        c.kpi_card(
            t("ov.kpi_water", lang),
            fmt_pct(coverage.get("cobertura_agua"), lang),
            t("kpi.water_basis", lang, total=total),
        ),
        c.kpi_card(
            t("ov.kpi_safe", lang),
            fmt_pct(coverage.get("cobertura_agua_segura"), lang),
            safe_basis,
            tip=t("kpi.safe_tip", lang, meses=p["meses_cloro"], cloro=p["cloro"]),
        ),
        c.kpi_card(
            t("ov.kpi_san", lang),
            fmt_pct(coverage.get("cobertura_saneamiento"), lang),
            t("kpi.san_basis", lang, total=total),
            tip=t("kpi.san_tip", lang),
        ),
    ]


def grade_counts(df: pd.DataFrame) -> dict[str, int]:
    """JASS per grade summed over the districts."""
    return {g: int(df[f"n_oc_{g.lower()}"].sum()) for g in GRADES}


def goals_card(goals: tuple[int, int, int], anio: int, lang: str) -> dbc.Card:
    """Goals met / applicable of the chosen year; a year without a catalogued goal shows
    "sin meta este año" (the last goal year is named, its result is not carried over)."""
    year, met, applicable = goals
    if not applicable:
        return c.kpi_card(t("ov.kpi_goals", lang), "—", t("ov.no_goals_year", lang))
    if year != anio:
        # Issue 14: a goal result is not carried beyond its year.
        last = f"{fmt_num(met, lang)} / {fmt_num(applicable, lang)}"
        note = t("ov.no_goal_this_year", lang, year=str(year), last=last)
        return c.kpi_card(t("ov.kpi_goals", lang), "—", note)
    detail = fmt_pct(met / applicable, lang)
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
            provisional_note(df, sum(counts.values()), lang),
            extra=c.grade_counts(counts),
        ),
        *coverage_cards(coverage, lang),
        goals_card(goals, anio, lang),
    ]
    return dbc.Row([dbc.Col(card, xs=6, md=4, xl=2) for card in cards], className="g-2 mb-3")
