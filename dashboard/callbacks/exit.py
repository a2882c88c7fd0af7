"""Callbacks of the exit-readiness page: the chosen portfolio becomes a URL."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, no_update

from dashboard import ids, urls
from dashboard.page import Wiring
from dashboard.state import UrlState, as_mapping


def portfolio_href(ong: str | None, lang: str) -> str | None:
    """The exit page for a chosen NGO portfolio."""
    return urls.exit_page(UrlState(lang=lang, ong=ong)) if ong else None


def register(app: Dash, _wiring: Wiring) -> None:
    """Wire the exit page."""

    @app.callback(
        Output(ids.NAV_LOCATION, "href", allow_duplicate=True),
        Input(ids.EX_ORG, "value"),
        State(ids.EX_STATE, "data"),
        prevent_initial_call=True,
    )
    def _portfolio(ong: str | None, store: dict[str, Any] | None) -> Any:
        return portfolio_href(ong, as_mapping(store).get("lang", "es")) or no_update
