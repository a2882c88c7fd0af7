"""Callbacks of the goal, exit and data pages: choices become URLs; all rejects download."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dash import Dash, Input, Output, State, no_update

from dashboard import exports, ids
from dashboard.queries import Warehouse
from dashboard.state import UrlState, as_mapping, href


def goal_href(lang: str, meta: str | None, dep: str | None) -> str:
    """The goal page for a goal and (optionally) one department."""
    return href("/metas", UrlState(lang=lang, meta=meta or None, dep=dep or None))


def portfolio_href(ong: str | None, lang: str) -> str | None:
    """The exit page for a chosen NGO portfolio."""
    return href("/salida", UrlState(lang=lang, ong=ong)) if ong else None


def rejects_download(wh: Warehouse) -> dict[str, Any]:
    """Every rejected row as CSV (no raw row data: it may hold personal fields), neutralised."""
    frame = wh.rejects()
    columns = [{"field": col, "headerName": col} for col in frame.columns]
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return exports.download(exports.table_frame(rows, columns), "csv", "rechazos")


def register(app: Dash, view: Callable[[], Warehouse]) -> None:
    """Wire the goal, exit and data pages (`view`: the warehouse as this request's account
    sees it)."""

    @app.callback(
        Output(ids.NAV_LOCATION, "href", allow_duplicate=True),
        Input(ids.GO_META, "value"),
        Input(ids.GO_DEP, "value"),
        State(ids.GO_STATE, "data"),
        prevent_initial_call=True,
    )
    def _goal(meta: str | None, dep: str | None, store: dict[str, Any] | None) -> Any:
        return goal_href(as_mapping(store).get("lang", "es"), meta, dep)

    @app.callback(
        Output(ids.NAV_LOCATION, "href", allow_duplicate=True),
        Input(ids.EX_ORG, "value"),
        State(ids.EX_STATE, "data"),
        prevent_initial_call=True,
    )
    def _portfolio(ong: str | None, store: dict[str, Any] | None) -> Any:
        return portfolio_href(ong, as_mapping(store).get("lang", "es")) or no_update

    @app.callback(
        Output(ids.DOWNLOAD, "data", allow_duplicate=True),
        Input(ids.DA_REJECTS_ALL, "n_clicks"),
        prevent_initial_call=True,
    )
    def _rejects(n: int | None) -> Any:
        return rejects_download(view()) if n else no_update
