"""Callbacks of the peer-exchange page: the department, province and item choices become URLs."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State

from dashboard import ids, urls
from dashboard.i18n import lang_or_default
from dashboard.page import Wiring
from dashboard.state import UrlState, as_mapping


def peers_href(store: Any, dep: Any, prov: Any, item: Any) -> str:
    """The page for the chosen place and item; a new department drops a province of another."""
    lang = as_mapping(store).get("lang", "es")
    dep = dep if isinstance(dep, str) and dep else None
    prov = prov if isinstance(prov, str) and prov and dep and prov.startswith(dep) else None
    item = item if isinstance(item, str) and item else None
    return urls.peers(UrlState(lang=lang_or_default(lang), dep=dep, prov=prov, item=item))


def register(app: Dash, _wiring: Wiring) -> None:
    """Wire the peer-exchange page's filters."""

    @app.callback(
        Output(ids.NAV_LOCATION, "href", allow_duplicate=True),
        Input(ids.IX_DEP, "value"),
        Input(ids.IX_PROV, "value"),
        Input(ids.IX_ITEM, "value"),
        State(ids.IX_STATE, "data"),
        prevent_initial_call=True,
    )
    def _filter(dep: Any, prov: Any, item: Any, store: Any) -> Any:
        return peers_href(store, dep, prov, item)
