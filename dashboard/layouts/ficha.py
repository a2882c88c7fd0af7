"""District sheet `/distrito/<ubigeo>/ficha`: one printable A4 page for a council session.

Header (names, date, data freshness), KPIs, location, the JASS (grade, score, last visit, first
reason), goal status and exit readiness. It reads the same queries as the district page; the
print stylesheet (assets/app.css, `@media print`) hides the buttons and fits the page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html
from dash.development.base_component import Component

from dashboard import components as c
from dashboard import district_map, ids, urls
from dashboard.i18n import fmt_date, fmt_num, fmt_pct, label, t
from dashboard.page import Section, fetch, show
from dashboard.queries import Warehouse
from dashboard.state import UrlState, lang_only
from etl.derive.siasar import GRADES

# Rows that fit on A4 next to everything else (two columns of 26); the rest are counted.
JASS_MAX = 52


def skeleton() -> html.Div:
    """The components callbacks use (the print button), for Dash's id check."""
    return html.Div(html.Button(id=ids.FI_PRINT), hidden=True)


@dataclass(frozen=True)
class Sheet:
    """A known district's sheet as read from the warehouse."""

    history: pd.DataFrame
    places: district_map.Places  # issue 17: the district's outline
    goals: pd.DataFrame
    readiness: pd.DataFrame
    orgs: pd.DataFrame


@dataclass(frozen=True)
class SheetData:
    """The sheet's data: the district (None: unknown), how fresh the data is, the date, and
    the sheet's body (None when the district is unknown)."""

    info: Section[dict[str, Any] | None]
    freshness: dict[str, Any] | None = None
    today: dt.date | None = None
    sheet: Section[Sheet] | None = None


def load(wh: Warehouse, ubigeo: str, today: dt.date | None = None) -> SheetData:
    """Everything the sheet shows, its body with its value or its error."""
    info = fetch(lambda: wh.district(str(ubigeo or "").zfill(6)))
    found = info.value
    if not isinstance(found, dict):
        return SheetData(info)
    code = str(found["ubigeo"])
    freshness, as_of = wh.freshness(), today or wh.as_of()

    def sheet() -> Sheet:
        history = wh.district_history(code)
        places = district_map.Places(found, wh.cp_points(code), wh.jass_points(code))
        goals, readiness = wh.goals_for(code), wh.exit_readiness(code)
        return Sheet(history, places, goals, readiness, wh.organisations(code))

    return SheetData(info, freshness, as_of, fetch(sheet))


def layout(wh: Warehouse, state: UrlState, ubigeo: str, today: dt.date | None = None) -> Any:
    """The sheet of one district, or a message for an unknown code."""
    return render(load(wh, ubigeo, today), state, ubigeo)


def render(data: SheetData, state: UrlState, ubigeo: str) -> Any:
    """The sheet drawn from its data (never reads the warehouse)."""
    lang = state.lang
    info = data.info.value
    if data.sheet is None or not isinstance(info, dict) or data.today is None:
        message = (
            show(lang, data.info, lambda _: None)
            if not data.info.ok
            else t("di.unknown", lang, code=ubigeo or "")
        )
        return html.Main([html.Div(message, className="m-3"), skeleton()], id="main")
    body = [
        toolbar(info, state),
        header(info, data.freshness, lang, data.today),
        show(lang, data.sheet, lambda sheet: content(sheet, info, lang)),
    ]
    return html.Main(html.Div(body, className="ficha"), id="main", lang=lang)


def toolbar(info: dict[str, Any], state: UrlState) -> html.Div:
    """Print and back buttons (not printed)."""
    lang = state.lang
    return html.Div(
        [
            html.Button(t("fi.print", lang), id=ids.FI_PRINT, className="btn btn-primary btn-sm"),
            dcc.Link(
                t("fi.back", lang),
                href=urls.district(info["ubigeo"], lang_only(state)),
                className="btn btn-outline-secondary btn-sm ms-2",
            ),
        ],
        className="no-print mb-2",
    )


def header(info: dict[str, Any], load: dict[str, Any] | None, lang: str, today: dt.date) -> Any:
    """District, province, department, the date and how fresh the data is."""
    fresh = (
        t(
            "fi.fresh",
            lang,
            date=fmt_date(load.get("terminada") or load.get("iniciada"), lang),
            n=str(load.get("id")),
        )
        if load
        else t("fi.no_loads", lang)
    )
    return html.Header(
        [
            html.H1(
                [t("fi.title", lang), " · ", info["nombre"]],
                className="h5 mb-0",
            ),
            html.Div(
                f"{t('common.province', lang)}: {info['provincia_nombre']} · "
                f"{t('common.department', lang)}: {info['departamento_nombre']} · "
                f"Ubigeo {info['ubigeo']}",
                className="small",
            ),
            html.Div(
                f"{t('fi.date', lang)}: {fmt_date(today, lang)} · {fresh}",
                className="small text-muted",
            ),
        ],
        className="ficha-header mb-2",
    )


def content(sheet: Sheet, info: dict[str, Any], lang: str) -> list[Any]:
    """KPIs and location, then the JASS, then goals and exit readiness."""
    history = sheet.history
    current = history.iloc[-1].to_dict() if not history.empty else {}
    location = district_map.sheet_map(info, sheet.places, lang)  # issue 17: the outline
    top = dbc.Row(
        [
            dbc.Col(kpis(current, lang), width=8),
            dbc.Col(
                dcc.Graph(
                    id=ids.FI_MAP,
                    figure=location,
                    config=district_map.graph_config(static=True),
                    className="fi-map",
                ),
                width=4,
            ),
        ],
        className="g-2 mb-1",
    )
    bottom = dbc.Row(
        [
            dbc.Col(block(t("di.goals", lang), goal_lines(sheet.goals, lang)), width=6),
            dbc.Col(block(t("di.exit", lang), exit_lines(sheet.readiness, lang)), width=6),
        ],
        className="g-2",
    )
    jass = block(t("di.jass", lang), jass_tables(sheet.orgs, lang))
    return [top, jass, bottom]


def block(title: str, body: Any) -> html.Section:
    """A titled part of the sheet."""
    return html.Section([html.H2(title, className="h6 mb-1"), body], className="ficha-block")


def kpis(row: dict[str, Any], lang: str) -> Component:
    """The district's numbers of its latest year, as a compact definition grid."""
    if not row:
        return c.empty_state(t("common.no_data", lang))
    grades = " · ".join(f"{g} {int(row.get(f'n_oc_{g.lower()}') or 0)}" for g in GRADES)
    pairs = [
        (t("common.year", lang), str(int(row["anio"]))),
        (t("ind.cobertura_agua", lang), fmt_pct(row.get("cobertura_agua"), lang)),
        (t("ind.cobertura_agua_segura", lang), fmt_pct(row.get("cobertura_agua_segura"), lang)),
        (t("ind.cobertura_saneamiento", lang), fmt_pct(row.get("cobertura_saneamiento"), lang)),
        (t("ov.rural_pop", lang), fmt_num(row.get("poblacion_rural"), lang)),
        ("JASS", f"{fmt_num(row.get('n_oc'), lang)} ({grades})"),
        (t("ind.pct_oc_clorando", lang), fmt_pct(row.get("pct_oc_clorando"), lang)),
        (t("ind.pct_oc_visitadas_12m", lang), fmt_pct(row.get("pct_oc_visitadas_12m"), lang)),
    ]
    return html.Dl(
        [part for k, v in pairs for part in (html.Dt(k), html.Dd(v))], className="facts ficha-kpis"
    )


def jass_rows(orgs: pd.DataFrame, lang: str) -> list[list[str]]:
    """Name, grade, score, last visit and first reason of the JASS, highest priority first."""
    return [
        [
            str(r["nombre"]),
            f"{r['grado']} provisional"
            if r.get("grado_provisional") in (True, 1)
            else str(r["grado"]),
            fmt_num(r["puntaje"], lang, 2),
            fmt_date(r["ultima_visita"], lang),
            label("razon", r["razones"][0], lang) if r["razones"] else "—",
        ]
        for _, r in orgs.head(JASS_MAX).iterrows()
    ]


def jass_tables(orgs: pd.DataFrame, lang: str) -> Any:
    """The JASS in two side-by-side tables (more rows on one page), with what was left out."""
    if orgs.empty:
        return c.empty_state(t("di.no_jass", lang))
    rows = jass_rows(orgs, lang)
    half = (len(rows) + 1) // 2
    head = [
        t("common.name", lang),
        t("common.grade", lang),
        t("common.score", lang),
        t("di.last_visit", lang),
        t("fi.reason", lang),
    ]
    tables = [dbc.Col(_table(head, part), width=6) for part in (rows[:half], rows[half:]) if part]
    left_out = len(orgs) - len(rows)
    note = (
        html.Div(t("fi.more_jass", lang, n=fmt_num(left_out, lang)), className="small text-muted")
        if left_out > 0
        else None
    )
    return html.Div(
        [
            html.Div(t("fi.jass_order", lang), className="small"),
            dbc.Row(tables, className="g-2"),
            note,
        ]
    )


def _table(head: list[str], rows: list[list[str]]) -> dbc.Table:
    """A compact table; the grade cell carries its SIASAR colour."""
    body = [
        html.Tr(
            [
                html.Td(r[0]),
                html.Td(c.grade_badge(r[1][:1], provisional=r[1].endswith(" provisional"))),
                *[html.Td(x) for x in r[2:]],
            ]
        )
        for r in rows
    ]
    return dbc.Table(
        [html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(body)],
        size="sm",
        className="ficha-table mb-0",
    )


def goal_lines(goals: pd.DataFrame, lang: str) -> Any:
    """Each applicable goal with its state and score against the minimum."""
    if goals.empty:
        return c.empty_state(t("di.no_goals", lang))
    return html.Ul(
        [
            html.Li(
                [
                    html.Strong(f"{t('di.goal', lang)} {int(r['meta'])} ({int(r['anio'])}) "),
                    c.state_badge(r["estado"], lang),
                    f" {fmt_num(r['puntaje'], lang)} / {fmt_num(r['puntaje_maximo'], lang)}"
                    f" ({t('di.min', lang)} {fmt_num(r['puntaje_minimo'], lang)})",
                ]
            )
            for _, r in goals.head(8).iterrows()
        ],
        className="list-unstyled small mb-0",
    )


def exit_lines(readiness: pd.DataFrame, lang: str) -> Any:
    """The latest exit assessment: state, criteria met, and the unmet ones in words."""
    if readiness.empty:
        return c.empty_state(t("di.no_exit", lang))
    last = readiness.iloc[0]
    unmet = [label("criterio", str(k), lang) for k in (last["faltantes"] or [])]
    return html.Div(
        [
            html.Div(
                [
                    c.state_badge(last["estado"], lang),
                    f" {int(last['n_cumplidos'])} / {int(last['n_criterios'])} · "
                    f"{int(last['anio'])} ",
                    c.local_model_badge(lang),
                ],
                className="small",
            ),
            html.Div(t("fi.unmet", lang), className="small fw-semibold mt-1") if unmet else None,
            html.Ul([html.Li(u) for u in unmet], className="small mb-0"),
        ]
    )
