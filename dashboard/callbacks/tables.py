"""Callbacks of the goal, exit and data pages: choices become URLs; tables export."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, dcc, no_update

from dashboard import ids
from dashboard.queries import Warehouse
from dashboard.state import UrlState, href


def goal_href(meta: str | None, lang: str) -> str | None:
    """The goal page for a chosen goal key."""
    return href("/metas", UrlState(lang=lang, meta=meta)) if meta else None


def portfolio_href(ong: str | None, lang: str) -> str | None:
    """The exit page for a chosen NGO portfolio."""
    return href("/salida", UrlState(lang=lang, ong=ong)) if ong else None


def rejects_csv(wh: Warehouse) -> str:
    """Every rejected row as CSV text (no raw row data: it may hold personal fields)."""
    return wh.rejects().to_csv(index=False)


def register(app: Dash, wh: Warehouse) -> None:
    """Wire the goal, exit and data pages."""

    @app.callback(
        Output(ids.NAV_LOCATION, "href", allow_duplicate=True),
        Input(ids.GO_META, "value"),
        State(ids.GO_STATE, "data"),
        prevent_initial_call=True,
    )
    def _goal(meta: str | None, store: dict[str, Any] | None) -> Any:
        return goal_href(meta, (store or {}).get("lang", "es")) or no_update

    @app.callback(
        Output(ids.NAV_LOCATION, "href", allow_duplicate=True),
        Input(ids.EX_ORG, "value"),
        State(ids.EX_STATE, "data"),
        prevent_initial_call=True,
    )
    def _portfolio(ong: str | None, store: dict[str, Any] | None) -> Any:
        return portfolio_href(ong, (store or {}).get("lang", "es")) or no_update

    @app.callback(
        Output(ids.GO_GRID, "exportDataAsCsv"),
        Input(ids.GO_CSV, "n_clicks"),
        prevent_initial_call=True,
    )
    def _goal_csv(n: int | None) -> bool:
        return bool(n)

    @app.callback(
        Output(ids.EX_GRID, "exportDataAsCsv"),
        Input(ids.EX_CSV, "n_clicks"),
        prevent_initial_call=True,
    )
    def _exit_csv(n: int | None) -> bool:
        return bool(n)

    @app.callback(
        Output(ids.DA_DOWNLOAD, "data"),
        Input(ids.DA_REJECTS_CSV, "n_clicks"),
        prevent_initial_call=True,
    )
    def _rejects(n: int | None) -> Any:
        return dcc.send_string(rejects_csv(wh), "rechazos.csv") if n else no_update
