"""Callbacks of the goal and exit pages: choices become URLs."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, no_update

from dashboard import ids, urls
from dashboard.state import UrlState, as_mapping


def goal_href(lang: str, meta: str | None, dep: str | None) -> str:
    """The goal page for a goal and (optionally) one department."""
    return urls.goals(UrlState(lang=lang, meta=meta or None, dep=dep or None))


def portfolio_href(ong: str | None, lang: str) -> str | None:
    """The exit page for a chosen NGO portfolio."""
    return urls.exit_page(UrlState(lang=lang, ong=ong)) if ong else None


def register(app: Dash) -> None:
    """Wire the goal and exit pages."""

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
