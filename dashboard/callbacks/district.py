"""District callbacks: opening a JASS from the grid (exports live in dashboard.exports)."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, no_update

from dashboard import district_map, ids, urls
from dashboard.page import Wiring
from dashboard.state import UrlState, as_mapping


def jass_href(cell: dict[str, Any] | None, lang: str) -> str | None:
    """The JASS page for a clicked grid cell (the name column only)."""
    cell = as_mapping(cell)
    if cell.get("colId") != "nombre":
        return None
    code = as_mapping(cell.get("data")).get("codigo_oc")
    return urls.jass(code, UrlState(lang=lang)) if code else None


def register(app: Dash, _wiring: Wiring) -> None:
    """Wire the district page's grid clicks, its map's JASS clicks and the printable sheet's
    print button."""

    district_map.register(app)  # issue 17: a click on a JASS of the district map

    @app.callback(
        Output(ids.NAV_LOCATION, "href", allow_duplicate=True),
        Input(ids.DI_GRID, "cellClicked"),
        State(ids.DI_STATE, "data"),
        prevent_initial_call=True,
    )
    def _open(cell: dict[str, Any] | None, store: dict[str, Any] | None) -> Any:
        return jass_href(cell, as_mapping(store).get("lang", "es")) or no_update

    # Printing is the browser's job: the button only opens its dialog.
    app.clientside_callback(
        "function(n) { if (n) { window.print(); } return window.dash_clientside.no_update; }",
        Output(ids.FI_PRINT, "className"),
        Input(ids.FI_PRINT, "n_clicks"),
        prevent_initial_call=True,
    )
