"""CSV and Excel exports of the tables users see: one helper for every page.

A table is exported from what the browser shows: an AG Grid's `virtualRowData` (its rows after
the user's filters and sort) with its `columnDefs` (visible columns, translated headers), or a
`dcc.Store` holding `{"rows", "columns", "file"}` for tables that are not grids (the visit
priority list). Every text cell that a spreadsheet would read as a formula is neutralised.

The rows come from the browser, so a scoped account's export keeps only rows of its own
districts and organisations (`keep_in_scope`): a crafted request cannot turn the export into
a way to launder another district's rows (issue #7).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd
from dash import Dash, Input, Output, State, dcc, no_update

from dashboard import ids
from dashboard.queries import Warehouse
from dashboard.state import as_mapping, as_records

# A cell starting with one of these is a formula (or becomes one) in Excel / LibreOffice:
# OWASP "CSV injection". Tab and CR are included because some readers strip them first.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "xlsx")
# Row fields that name a district (their first six digits) in the exported tables.
DISTRICT_FIELDS = ("ubigeo", "ubigeo_cp", "codigo")


def neutralise(value: Any) -> Any:
    """A cell value safe to open in a spreadsheet: formula-like text gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def table_frame(rows: Iterable[dict[str, Any]] | None, columns: list[dict[str, Any]] | None) -> Any:
    """The rows as a DataFrame with the visible columns under their headers, neutralised."""
    visible = [col for col in as_records(columns) if col.get("field") and not col.get("hide")]
    fields = [str(col["field"]) for col in visible]
    frame = pd.DataFrame(as_records(rows), columns=fields)
    frame = frame.map(neutralise)
    return frame.rename(
        columns={col["field"]: col.get("headerName", col["field"]) for col in visible}
    )


def keep_in_scope(rows: Any, wh: Warehouse) -> list[dict[str, Any]]:
    """The rows a scoped account may export: every district field and organisation code in
    its scope. National accounts keep everything."""
    records = as_records(rows)
    if not wh.scope.restricted:
        return records
    organisations = wh.organisation_codes()

    def allowed(row: dict[str, Any]) -> bool:
        codes = [str(row[f]) for f in DISTRICT_FIELDS if row.get(f)]
        oc = row.get("codigo_oc")
        return all(wh.scope.allows(c) for c in codes) and (not oc or str(oc) in organisations)

    return [row for row in records if allowed(row)]


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV in UTF-8 with a byte-order mark, so Excel opens accents correctly."""
    return frame.to_csv(index=False).encode("utf-8-sig")


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "datos") -> bytes:
    """An Excel workbook with one sheet; text stays text (no formula parsing)."""
    buffer = io.BytesIO()
    options = {"strings_to_formulas": False, "strings_to_urls": False}
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        frame.to_excel(writer, sheet_name=(sheet or "datos")[:31], index=False)
    return buffer.getvalue()


def file_stem(name: str | None) -> str:
    """The file name without extension (grids carry 'jass_060602.csv')."""
    stem = str(name or "tabla").rsplit("/", 1)[-1]
    return stem[:-4] if stem.lower().endswith((".csv", ".xls")) else stem


def download(frame: pd.DataFrame, fmt: str, stem: str) -> dict[str, Any]:
    """The dcc.Download payload of a table in one format."""
    if fmt == "xlsx":
        return dcc.send_bytes(xlsx_bytes(frame, stem), f"{stem}.xlsx")
    return dcc.send_bytes(csv_bytes(frame), f"{stem}.csv")


def button_id(table_id: str, fmt: str) -> str:
    """The id of a table's export button ("di-grid-csv")."""
    return f"{table_id}-{fmt}"


def register_grid(app: Dash, grid_id: str, view: Callable[[], Warehouse]) -> None:
    """CSV and Excel buttons of an AG Grid export its filtered, sorted rows (`view`: the
    warehouse as this request's account sees it)."""
    for fmt in FORMATS:

        @app.callback(
            Output(ids.DOWNLOAD, "data", allow_duplicate=True),
            Input(button_id(grid_id, fmt), "n_clicks"),
            State(grid_id, "virtualRowData"),
            State(grid_id, "rowData"),
            State(grid_id, "columnDefs"),
            State(grid_id, "csvExportParams"),
            prevent_initial_call=True,
        )
        def _export(n, shown, rows, columns, params, fmt=fmt):
            if not n:
                return no_update
            data = keep_in_scope(shown if shown is not None else rows, view())
            stem = file_stem(as_mapping(params).get("fileName"))
            return download(table_frame(data, columns), fmt, stem)


def register_store(app: Dash, store_id: str, view: Callable[[], Warehouse]) -> None:
    """CSV and Excel buttons of a non-grid table export the rows kept in its store."""
    for fmt in FORMATS:

        @app.callback(
            Output(ids.DOWNLOAD, "data", allow_duplicate=True),
            Input(button_id(store_id, fmt), "n_clicks"),
            State(store_id, "data"),
            prevent_initial_call=True,
        )
        def _export(n, data, fmt=fmt):
            data = as_mapping(data)
            if not n or not data:
                return no_update
            frame = table_frame(keep_in_scope(data.get("rows"), view()), data.get("columns"))
            return download(frame, fmt, file_stem(data.get("file")))
