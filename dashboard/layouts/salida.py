"""Exit readiness `/salida`: an NGO portfolio's districts, their criteria and what is missing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard import components as c
from dashboard import ids, urls
from dashboard.callbacks import exit as exit_cb
from dashboard.exports import EMPTY_TABLE, Table
from dashboard.i18n import fmt_date, label, t
from dashboard.page import Page, Section, fetch, from_state, show, value_or
from dashboard.queries import Warehouse
from dashboard.state import UrlState, lang_only, to_search

PATH = urls.EXIT


@dataclass(frozen=True)
class ExitData:
    """The exit page's data: the NGO portfolios, the chosen one and its districts."""

    portfolios: Section[list]
    chosen: str | None = None
    portfolio: Section[pd.DataFrame] | None = None  # None: no portfolio to show


def load(wh: Warehouse, state: UrlState) -> ExitData:
    """The portfolios and the chosen one's readiness (the first NGO by default)."""
    portfolios = fetch(wh.portfolios)
    chosen = chosen_portfolio(portfolios.value or [], state.ong)
    if chosen is None:
        return ExitData(portfolios)
    return ExitData(portfolios, chosen, fetch(lambda: wh.portfolio(chosen)))


def layout(wh: Warehouse, state: UrlState) -> Any:
    """The readiness of one portfolio (the first NGO by default)."""
    return render(load(wh, state), state)


def render(data: ExitData, state: UrlState) -> Any:
    """The exit page drawn from its data (never reads the warehouse)."""
    lang = state.lang
    orgs = value_or(data.portfolios, [])
    chosen = data.chosen
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
    if data.portfolio is None:
        body += [c.empty_state(t("ex.none", lang)), _grid(state, EMPTY_TABLE)]
    else:
        body.append(show(lang, data.portfolio, lambda df: content(df, state)))
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


def chosen_portfolio(orgs: list[str], ong: str | None) -> str | None:
    """The portfolio in the URL when it exists, else the first."""
    return ong if ong in orgs else (orgs[0] if orgs else None)


def exit_table(df: pd.DataFrame, state: UrlState) -> Table:
    """The portfolio's districts as the grid shows them."""
    lang = state.lang
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
    stem = "".join(ch if ch.isalnum() else "_" for ch in str(state.ong or "cartera"))[:40]
    return Table(rows(df, lang), cols, f"salida_{stem}")


def _grid(state: UrlState, table: Table) -> html.Div:
    """The portfolio's table with its export links."""
    return c.table_block(state, ids.EX_GRID, table, None, 460, t("ex.none", state.lang))


def content(df: pd.DataFrame, state: UrlState) -> list[Any]:
    """The portfolio table and a link to each district."""
    lang = state.lang
    links = html.Div(
        [
            dcc.Link(n, href=urls.district(u, lang_only(state)), className="me-3 small")
            for n, u in zip(df["nombre"], df["ubigeo"], strict=True)
        ]
    )
    table = _grid(state, exit_table(df, state))
    return [c.section(t("ex.model", lang), html.Div([table, links]))]


def exit_source(wh: Warehouse, state: UrlState, _key: str | None) -> Table | None:
    """The portfolio's table rebuilt for its export links (the page's `exports`)."""
    chosen = chosen_portfolio(wh.portfolios(), state.ong)
    if chosen is None:
        return None
    return exit_table(wh.portfolio(chosen), state.with_(ong=chosen))


PAGE = Page(
    "exit",
    PATH,
    from_state(layout),
    nav="nav.exit",
    exports={ids.EX_GRID: exit_source},
    grids=(ids.EX_GRID,),
    register=exit_cb.register,
)
