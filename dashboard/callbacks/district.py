"""District callbacks: exports of the JASS table and opening a JASS from the grid."""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
from dash import Dash, Input, Output, State, dcc, no_update

from dashboard import ids
from dashboard.i18n import t
from dashboard.layouts.district import jass_columns, jass_rows
from dashboard.queries import Warehouse
from dashboard.state import UrlState, href


def jass_href(cell: dict[str, Any] | None, lang: str) -> str | None:
    """The JASS page for a clicked grid cell (the name column only)."""
    if not cell or cell.get("colId") != "nombre":
        return None
    code = (cell.get("data") or {}).get("codigo_oc")
    return href(f"/jass/{code}", UrlState(lang=lang)) if code else None


def jass_frame(orgs: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The JASS table as exported: the grid's columns with their translated headers."""
    columns = jass_columns(lang)
    rows = jass_rows(orgs, lang)
    frame = pd.DataFrame(rows, columns=[col["field"] for col in columns])
    headers = {col["field"]: col.get("headerName", col["field"]) for col in columns}
    return frame.rename(columns=headers)


def xlsx_bytes(frame: pd.DataFrame, sheet: str) -> bytes:
    """An Excel workbook with one sheet."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter") as writer:
        frame.to_excel(writer, sheet_name=sheet[:31], index=False)
    return buffer.getvalue()


def register(app: Dash, wh: Warehouse) -> None:
    """Wire the district page's exports and grid clicks."""

    @app.callback(
        Output(ids.DI_GRID, "exportDataAsCsv"),
        Input(ids.DI_CSV, "n_clicks"),
        prevent_initial_call=True,
    )
    def _csv(n_clicks: int | None) -> bool:
        return bool(n_clicks)

    @app.callback(
        Output(ids.DI_DOWNLOAD, "data"),
        Input(ids.DI_XLSX, "n_clicks"),
        State(ids.DI_STATE, "data"),
        prevent_initial_call=True,
    )
    def _xlsx(n_clicks: int | None, store: dict[str, Any] | None) -> Any:
        if not n_clicks or not store:
            return no_update
        lang = store.get("lang", "es")
        frame = jass_frame(wh.organisations(store["ubigeo"]), lang)
        data = xlsx_bytes(frame, t("di.jass", lang))
        return dcc.send_bytes(data, f"jass_{store['ubigeo']}.xlsx")

    @app.callback(
        Output(ids.NAV_LOCATION, "href", allow_duplicate=True),
        Input(ids.DI_GRID, "cellClicked"),
        State(ids.DI_STATE, "data"),
        prevent_initial_call=True,
    )
    def _open(cell: dict[str, Any] | None, store: dict[str, Any] | None) -> Any:
        return jass_href(cell, (store or {}).get("lang", "es")) or no_update
