"""JASS `/jass/<codigo_oc>`: register data, health score explained, history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard import components as c
from dashboard import figures, ids, urls
from dashboard.i18n import (
    fmt_bool,
    fmt_date,
    fmt_num,
    fmt_pct,
    label,
    t,
)
from dashboard.layouts import siasar
from dashboard.page import Page, Section, fetch, show
from dashboard.queries import Warehouse
from dashboard.server.config import Settings
from dashboard.state import UrlState, from_params, lang_only, to_search
from etl.derive import health

PATH = urls.JASS


def skeleton() -> html.Div:
    """Components used by callbacks (none yet on this page beyond the history graph)."""
    return html.Div([dcc.Graph(id=ids.OC_HISTORY)], hidden=True)


@dataclass(frozen=True)
class Record:
    """A known JASS's scores, visits and SIASAR systems."""

    scores: pd.DataFrame
    visits: pd.DataFrame
    siasar: siasar.Found  # issue 15


@dataclass(frozen=True)
class JassData:
    """The JASS page's data: the organisation (None: unknown), its district and its record."""

    org: Section[dict[str, Any] | None]
    district: dict[str, Any] | None = None
    record: Section[Record] | None = None  # None: nothing more was read


def load(wh: Warehouse, codigo_oc: str | None) -> JassData:
    """Everything the JASS page shows, each section with its value or its error."""
    org = fetch(lambda: wh.organisation(str(codigo_oc or "")))
    found = org.value
    if not isinstance(found, dict):
        return JassData(org)
    district = wh.district(found["ubigeo"]) or {"nombre": found["ubigeo"]}
    code = found["codigo_oc"]

    def record() -> Record:
        scores, visits = wh.scores(code), wh.visits(code)
        return Record(scores, visits, siasar.load_jass(wh, code))

    return JassData(org, district, fetch(record))


def layout(wh: Warehouse, state: UrlState, codigo_oc: str | None) -> Any:
    """The page of one community organisation."""
    return render(load(wh, codigo_oc), state, codigo_oc)


def render(data: JassData, state: UrlState, codigo_oc: str | None) -> Any:
    """The JASS page drawn from its data (never reads the warehouse)."""
    lang = state.lang
    path = urls.jass_path(str(codigo_oc))
    org = data.org.value
    if data.record is None or not isinstance(org, dict) or data.district is None:
        message = (
            show(lang, data.org, lambda _: None)
            if not data.org.ok
            else c.not_found(state, "oc.unknown", codigo_oc)
        )
        return c.page(state, path, to_search(state), [html.Div(message, className="mt-3")])
    body = [
        header(org, data.district, state),
        show(lang, data.record, lambda r: content(r, org, state)),
    ]
    return c.page(state, path, to_search(state), body)


def header(org: dict[str, Any], district: dict[str, Any], state: UrlState) -> html.Div:
    """Name, code and a link back to its district."""
    return html.Div(
        [
            html.H1(
                [org["nombre"], html.Small(f" · {org['codigo_oc']}", className="text-muted fs-6")],
                className="h4 mb-0",
            ),
            html.Nav(
                [
                    dcc.Link(
                        district["nombre"],
                        href=urls.district(org["ubigeo"], lang_only(state)),
                    ),
                    " › ",
                    html.Span(org["nombre"]),
                ],
                className="small",
                **c.aria(label="breadcrumb"),
            ),
        ],
        className="my-2",
    )


def content(record: Record, org: dict[str, Any], state: UrlState) -> list[Any]:
    """Register, score and history sections."""
    lang = state.lang
    scores, visits = record.scores, record.visits
    latest = scores[scores["es_ultima"].astype(bool)] if not scores.empty else scores
    score_body = (
        score_section(latest.iloc[-1].to_dict(), lang)
        if not latest.empty
        else c.empty_state(t("oc.no_score", lang))
    )
    return [
        dbc.Row(
            [
                dbc.Col(c.section(t("oc.register", lang), register_section(org, lang)), lg=4),
                dbc.Col(
                    [
                        c.section(
                            t("oc.health", lang), score_body, badge=c.local_model_badge(lang)
                        ),
                        c.section(
                            t("oc.history", lang),
                            dcc.Graph(
                                id=ids.OC_HISTORY,
                                figure=figures.score_history_figure(scores, visits, lang),
                                config=c.GRAPH_CONFIG,
                            ),
                        ),
                        c.section(t("oc.visits", lang), visits_table(visits, lang)),
                        siasar.render_jass(  # issue 15
                            record.siasar,
                            state,
                            latest.iloc[-1].to_dict() if not latest.empty else None,
                        ),
                    ],
                    lg=8,
                ),
            ],
            className="g-2",
        )
    ]


def _resolution(org: dict[str, Any], lang: str) -> str:
    """ "RA-012-2017 (27/05/2017)", either part alone, or a dash when neither is known."""
    number = org.get("resolucion_reconocimiento")
    number = None if number is None or pd.isna(number) or not str(number).strip() else number
    date = fmt_date(org.get("fecha_resolucion"), lang)
    if number is None:
        return date
    return str(number) if date == "—" else f"{number} ({date})"


def _board_term(org: dict[str, Any], lang: str) -> str:
    """ "24/09/2022 – 22/09/2024 (vencido)": the term, marked when the load found it over."""
    term = f"{fmt_date(org.get('consejo_inicio'), lang)} – {fmt_date(org.get('consejo_fin'), lang)}"
    in_force = org.get("consejo_vigente")
    if in_force is None or pd.isna(in_force) or bool(in_force):
        return term
    return f"{term} ({t('oc.board_expired', lang)})"


def register_section(org: dict[str, Any], lang: str) -> html.Div:
    """Municipal register facts; no personal data (names, DNI) at all."""
    pairs = [
        (t("oc.code", lang), org["codigo_oc"]),
        (t("oc.type", lang), org.get("tipo_organizacion") or "—"),
        (t("oc.origin", lang), label("origen", org["origen"], lang) if org.get("origen") else "—"),
    ]
    registered = org.get("numero_registro") or org.get("fecha_registro")
    if registered and not pd.isna(registered):
        pairs += [
            (t("oc.constituted", lang), fmt_date(org.get("fecha_constitucion"), lang)),
            (t("oc.reg_number", lang), org.get("numero_registro") or "—"),
            (t("oc.reg_date", lang), fmt_date(org.get("fecha_registro"), lang)),
            (t("oc.resolution", lang), _resolution(org, lang)),
            (t("oc.board", lang), _board_term(org, lang)),
            (t("oc.women", lang), fmt_num(org.get("mujeres_consejo"), lang)),
            (t("oc.associates", lang), fmt_num(org.get("total_asociados"), lang)),
            (t("oc.statute", lang), fmt_bool(org.get("estatuto_aprobado"), lang)),
        ]
    facts = html.Dl(
        [part for k, v in pairs for part in (html.Dt(k), html.Dd(v))], className="facts"
    )
    note = (
        None
        if registered
        else dbc.Alert(t("oc.not_registered", lang), color="warning", className="py-1 small")
    )
    return html.Div([note, facts, html.P(t("oc.privacy", lang), className="small text-muted")])


def item_groups(items: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Items grouped by dimension; accepts flat {item: v} or nested {dimension: {item: v}}."""
    groups: dict[str, dict[str, Any]] = {}
    for key, value in (items or {}).items():
        if isinstance(value, dict):
            groups.setdefault(key, {}).update(value)
        else:
            groups.setdefault(health.dimension_of(key) or "otros", {})[key] = value
    return groups


def _codes(value: Any) -> list[str]:
    """Item codes from a JSON list, a {item: …} dict or a list of {item: …} records."""
    if not value:
        return []
    if isinstance(value, dict):
        return [str(k) for k in value]
    return [str(v.get("item") if isinstance(v, dict) else v) for v in value]


def score_section(score: dict[str, Any], lang: str) -> html.Div:
    """Overall grade, dimension scores, items, what pulled it down, what would lift it."""
    groups = item_groups(score.get("items") or {})
    dims = [
        html.Div(
            [
                html.Div(
                    [
                        html.Strong(label("dim", d, lang)),
                        " ",
                        c.grade_badge(
                            _grade(score.get(d)), fmt_num(score.get(d), lang, 2), lang=lang
                        ),
                    ],
                    className="mb-1",
                ),
                html.Ul(
                    [
                        html.Li(
                            [
                                label("item", k, lang),
                                ": ",
                                html.Span(_item(v, lang), className="item-value"),
                            ]
                        )
                        for k, v in groups.get(d, {}).items()
                    ],
                    className="small mb-2",
                ),
            ],
            className="col-md-6",
        )
        for d in (*health.dimensions(), "otros")
        if d in groups or d in score
    ]
    low = _codes(score.get("items_bajos"))
    lift = _codes(score.get("mejora_minima"))
    return html.Div(
        [
            html.Div(
                [
                    c.grade_badge(
                        score.get("grado"),
                        fmt_num(score.get("puntaje"), lang, 2),
                        provisional=score.get("grado_provisional") in (True, 1),
                        reasons=[str(x) for x in (score.get("motivo_provisional") or []) if x]
                        if isinstance(score.get("motivo_provisional"), list)
                        else [],
                        lang=lang,
                    ),
                    html.Span(
                        f" {t('oc.assessed', lang)} {fmt_date(score.get('fecha_evaluacion'), lang)}"
                        f" · {t('oc.completeness', lang)} {fmt_pct(score.get('completitud'), lang, 0)}",
                        className="small text-muted",
                    ),
                ],
                className="mb-2 score-head",
            ),
            html.Div(dims, className="row"),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            html.H3(t("oc.low_items", lang), className="h6"),
                            html.Ul(
                                [html.Li(label("item", k, lang)) for k in low], className="small"
                            )
                            if low
                            else html.P("—"),
                        ],
                        md=6,
                    ),
                    dbc.Col(
                        [
                            html.H3(t("oc.lift", lang), className="h6"),
                            html.Ul(
                                [html.Li(label("item", k, lang)) for k in lift], className="small"
                            )
                            if lift
                            else html.P(t("oc.lift_none", lang), className="small"),
                        ],
                        md=6,
                    ),
                ]
            ),
        ]
    )


def _grade(value: Any) -> str:
    """SIASAR grade of a dimension score (for its badge colour)."""
    if value is None or pd.isna(value):
        return "E"
    v = float(value)
    return "A" if v >= 0.9 else "B" if v >= 0.7 else "C" if v >= 0.4 else "D"


def _item(value: Any, lang: str) -> str:
    """An item value in [0, 1], or a dash when the item was missing."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "—"
    return fmt_num(value, lang, 2)


def visits_table(visits: pd.DataFrame, lang: str) -> Any:
    """The visit indicators, newest first (last 10)."""
    if visits.empty:
        return c.empty_state(t("oc.no_history", lang))
    head = [
        t("oc.visit_date", lang),
        t("di.chlorine", lang),
        t("di.residual", lang),
        t("oc.hours", lang),
        t("di.fee", lang),
    ]
    rows = []
    for _, v in visits.iloc[::-1].head(10).iterrows():
        fee = (
            v["asociados_al_dia"] / v["total_asociados"]
            if v["total_asociados"] and not pd.isna(v["total_asociados"])
            else None
        )
        rows.append(
            html.Tr(
                [
                    html.Td(fmt_date(v["fecha_visita"], lang)),
                    html.Td(fmt_bool(v["realiza_cloracion"], lang)),
                    html.Td(fmt_num(v["cloro_residual_mg_l"], lang, 2)),
                    html.Td(fmt_num(v["continuidad_horas"], lang)),
                    html.Td(fmt_pct(fee, lang, 0)),
                ]
            )
        )
    return dbc.Table(
        [html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)],
        size="sm",
        className="small mb-0",
        striped=True,
    )


def draw(view: Warehouse, settings: Settings, params: dict[str, Any]) -> Any:
    rest = {k: v for k, v in params.items() if k != "codigo_oc"}
    if params.get("codigo_oc") is None:  # Dash's id check calls layouts without arguments
        return skeleton()
    return layout(view, from_params(rest, settings.lang), params["codigo_oc"])


PAGE = Page("jass", PATH, draw)
