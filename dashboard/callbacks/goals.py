"""Callbacks of the goal page: the goal and department choices become URLs."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State

from dashboard import ids, urls
from dashboard.page import Wiring
from dashboard.state import UrlState, as_mapping


def goal_href(lang: str, meta: str | None, dep: str | None) -> str:
    """The goal page for a goal and (optionally) one department."""
    return urls.goals(UrlState(lang=lang, meta=meta or None, dep=dep or None))


def register(app: Dash, _wiring: Wiring) -> None:
    """Wire the goal page."""

    @app.callback(
        Output(ids.NAV_LOCATION, "href", allow_duplicate=True),
        Input(ids.GO_META, "value"),
        Input(ids.GO_DEP, "value"),
        State(ids.GO_STATE, "data"),
        prevent_initial_call=True,
    )
    def _goal(meta: str | None, dep: str | None, store: dict[str, Any] | None) -> Any:
        return goal_href(as_mapping(store).get("lang", "es"), meta, dep)
