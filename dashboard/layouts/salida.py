"""Exit readiness `/salida`: an NGO portfolio's districts, their criteria and what is missing."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard import components as c
from dashboard import ids
from dashboard.i18n import fmt_date, label, t
from dashboard.queries import Warehouse
from dashboard.state import UrlState, href, lang_only, to_search

PATH = "/salida"
NAME = "exit"


def layout(wh: Warehouse, state: UrlState) -> Any:
    """The readiness of one portfolio (the first NGO by default)."""
    lang = state.lang
    orgs = c.safe(lang, wh.portfolios)
    orgs = orgs if isinstance(orgs, list) else []
    chosen = state.ong if state.ong in orgs else (orgs[0] if orgs else None)
    state = state.with_(ong=chosen)
    body: list[Any] = [
        html.H1([t("ex.title", lang), c.local_model_badge(lang)], className="h4 my-2"),
        dbc.Row(
            dbc.Col(
                [
                    dbc.Label(t("ex.pick", lang), html_for=ids.EX_ORG, className="small"),
                    dcc.Dropdown(id=ids.EX_ORG, options=orgs, value=chosen, clearable=False),
                ],
                md=6,
            )
        ),
        dcc.Store(id=ids.EX_STATE, data={"lang": lang}),
    ]
    if chosen is None:
        body += [c.empty_state(t("ex.none", lang)), _grid(lang, [])]
    else:
        body.append(c.safe(lang, lambda: content(wh.portfolio(chosen), state)))
    return c.page(state, PATH, to_search(state), body)


def rows(df: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    """One row per district: status, criteria met and the unmet ones in words."""
    return [
        {
            "distrito": r["nombre"],
            "ubigeo": r["ubigeo"],
            "departamento": r["departamento_nombre"],
            "estado": label("estado", r["estado"], lang) if isinstance(r["estado"], str) else "—",
            "criterios": f"{int(r['n_cumplidos'])}/{int(r['n_criterios'])}"
            if not pd.isna(r["n_cumplidos"])
            else "—",
            "faltantes": "; ".join(label("criterio", str(f), lang) for f in (r["faltantes"] or [])),
            "salida": fmt_date(r["fecha_salida_prevista"], lang),
        }
        for _, r in df.iterrows()
    ]


def _grid(lang: str, data: list[dict[str, Any]], file_name: str = "salida.csv") -> html.Div:
    """The portfolio's table with its exports."""
    cols: list[dict[str, Any]] = [
        {"field": "distrito", "headerName": t("common.district", lang), "pinned": "left"},
        {"field": "ubigeo", "headerName": "Ubigeo", "maxWidth": 110},
        {"field": "departamento", "headerName": t("common.department", lang)},
        {"field": "estado", "headerName": t("common.status", lang)},
        {"field": "criterios", "headerName": t("ex.criteria", lang), "maxWidth": 120},
        {
            "field": "faltantes",
            "headerName": t("common.missing", lang),
            "minWidth": 300,
            "wrapText": True,
            "autoHeight": True,
        },
        {"field": "salida", "headerName": t("ex.planned", lang), "maxWidth": 140},
    ]
    return c.table_block(lang, ids.EX_GRID, data, cols, file_name, 460, t("ex.none", lang))


def content(df: pd.DataFrame, state: UrlState) -> list[Any]:
    """The portfolio table and a link to each district."""
    lang = state.lang
    links = html.Div(
        [
            dcc.Link(n, href=href(f"/distrito/{u}", lang_only(state)), className="me-3 small")
            for n, u in zip(df["nombre"], df["ubigeo"], strict=True)
        ]
    )
    stem = "".join(ch if ch.isalnum() else "_" for ch in str(state.ong or "cartera"))[:40]
    table = _grid(lang, rows(df, lang), f"salida_{stem}.csv")
    return [c.section(t("ex.model", lang), html.Div([table, links]))]
