"""CSV and Excel exports of the tables users see, served as plain links.

`GET /exportar/<table id>.<csv|xlsx>?<the page's URL state>&distrito=…&filtro=…&orden=…`:
the server rebuilds the table from the warehouse as this request's account sees it (the same
function the page draws it with, its page's `exports`), applies the grid's filter
and sort (`dashboard/gridmodel.py`) and answers the file. A clientside callback
(`assets/exports.js`) keeps each link's `filtro` and `orden` in step with its grid, so the
file holds the rows the grid shows, in its order.

Why links and not callbacks: an export is a file, and its cost grows with the table. As a
callback it travelled as base64 inside JSON (a third bigger), the browser sent every shown row
back to the server first, and the rows came from the browser, so a scoped account's export
had to be re-checked row by row. As a link the browser downloads it natively, nothing is sent
up, and the scope is applied in the query like every page (issue #6, issue #7).

Every text cell that a spreadsheet would read as a formula is neutralised.

Bounded (issue #19: 20 concurrent exports of 200,000 rejects took a server down): a file holds
at most MAX_ROWS rows (a bigger table is refused with a message saying to filter it, or to use
`python -m etl rejects`); an account runs one export at a time and a process at most
PARALLEL_EXPORTS (others get 429 at once, without building anything); a CSV is streamed in
batches of STREAM_BATCH rows instead of being built whole in memory.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pandas as pd
from dash import ClientsideFunction, Dash, Input, Output, State
from flask import Flask, Response, request

from dashboard import gridmodel, urls
from dashboard.i18n import lang_or_default, t
from dashboard.queries import Warehouse
from dashboard.state import UrlState, as_records, from_params, to_search

# A cell starting with one of these is a formula (or becomes one) in Excel / LibreOffice:
# OWASP "CSV injection". Tab and CR are included because some readers strip them first.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "xlsx")
ROUTE = urls.EXPORTS
MIME = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ROWS_HEADER = "X-Export-Rows"  # how many rows the file holds (tests and the benchmark read it)
MAX_ROWS = 100_000  # rows one file may hold (a district's tables hold a few thousand at most)
STREAM_BATCH = 5_000  # CSV rows formatted and sent at a time
PARALLEL_EXPORTS = 4  # exports one serving process builds at once (one per account)


class Slots:
    """Who is exporting now in this process: one export per account, a few in all."""

    def __init__(self, size: int = PARALLEL_EXPORTS) -> None:
        self.size = size
        self._running: dict[str, object] = {}
        self._lock = threading.Lock()

    def take(self, who: str) -> Callable[[], None] | None:
        """A function that frees the slot (call it any number of times), or None when `who`
        is exporting already or the process is at its limit."""
        with self._lock:
            if who in self._running or len(self._running) >= self.size:
                return None
            mine = self._running[who] = object()

        def release() -> None:
            with self._lock:
                if self._running.get(who) is mine:
                    del self._running[who]

        return release


@dataclass(frozen=True)
class Table:
    """A table as the page shows it: grid rows, AG Grid column definitions, a file stem."""

    rows: list[dict[str, Any]]
    columns: list[dict[str, Any]]
    file: str

    def fields(self) -> list[str]:
        return [str(col["field"]) for col in self.columns if col.get("field")]


def rows_of(columns: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """Grid rows from equally long columns. Built column by column: `iterrows` made a pandas
    Series of every row, ~80 µs each (a district with 800 JASS spent 70 ms on it)."""
    names = list(columns)
    return [dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)]


def cell_number(value: Any) -> float | None:
    """A number for a grid cell, rounded to 4 decimals (None for missing)."""
    return None if value is None or pd.isna(value) else round(float(value), 4)


EMPTY_TABLE = Table([], [], "tabla")  # the hidden grids of pages without the table

# How to build each exportable table from the warehouse, the URL state and the key.
Source = Callable[[Warehouse, UrlState, str | None], Table | None]


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


def file_bytes(frame: pd.DataFrame, fmt: str, stem: str) -> bytes:
    """The table as a file in one format."""
    return xlsx_bytes(frame, stem) if fmt == "xlsx" else csv_bytes(frame)


def export_href(table_id: str, fmt: str, state: UrlState, key: str | None = None) -> str:
    """The link that downloads a table as the page shows it (before the user filters it)."""
    search = to_search(state)
    if key:
        search += f"&distrito={quote(key)}"
    return f"{ROUTE}/{table_id}.{fmt}{search}"


def link_id(table_id: str, fmt: str) -> str:
    """The id of a table's export link ("di-grid-csv")."""
    return f"{table_id}-{fmt}"


def shown_rows(table: Table, args: Mapping[str, str]) -> list[dict[str, Any]]:
    """The table's rows after the grid's filter and sort carried by the link."""
    fields = table.fields()
    model = gridmodel.parse_filter(args.get("filtro"), fields)
    order = gridmodel.parse_order(args.get("orden"), fields)
    return gridmodel.sort_rows(gridmodel.filter_rows(table.rows, model), order)


def answer(table: Table, fmt: str, args: Mapping[str, str]) -> Response:
    """The file, or a 400 with a plain message when the link's filter is not a grid's (413
    when it would hold more than MAX_ROWS rows)."""
    try:
        rows = shown_rows(table, args)
    except gridmodel.ModelError as exc:
        return _plain(f"{t('common.export_bad_link', _lang(args))} ({exc})", 400)
    if len(rows) > MAX_ROWS:
        return _plain(t("common.export_too_many_rows", _lang(args), n=f"{MAX_ROWS:,}"), 413)
    if fmt == "csv":
        response = Response(csv_stream(rows, table.columns), mimetype=MIME[fmt])
    else:
        response = Response(file_bytes(table_frame(rows, table.columns), fmt, table.file))
        response.mimetype = MIME[fmt]
    name = f"{table.file}.{fmt}"
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{_ascii(name)}\"; filename*=UTF-8''{quote(name)}"
    )
    response.headers["Cache-Control"] = "no-store"  # the data of one account
    response.headers[ROWS_HEADER] = str(len(rows))
    return response


def csv_stream(rows: list[dict[str, Any]], columns: list[dict[str, Any]]) -> Iterator[bytes]:
    """The CSV of csv_bytes, in batches: the header (after the BOM), then STREAM_BATCH rows
    at a time, so a big file is never held whole in memory."""
    yield csv_bytes(table_frame([], columns))
    for start in range(0, len(rows), STREAM_BATCH):
        batch = table_frame(rows[start : start + STREAM_BATCH], columns)
        yield batch.to_csv(index=False, header=False).encode("utf-8")


def register_route(
    server: Flask, view: Callable[[], Warehouse], sources: Mapping[str, Source]
) -> None:
    """`GET /exportar/<table>.<fmt>` (`view`: the warehouse as this request's account sees
    it, so a link to another district's table finds nothing)."""
    slots = Slots()

    def export(table_id: str, fmt: str) -> Response:
        args = request.args
        source = sources.get(table_id)
        if source is None or fmt not in FORMATS:
            return _plain(t("common.export_unknown", _lang(args)), 404)
        wh = view()
        release = slots.take(wh.scope.account or repr(wh.scope.key))
        if release is None:
            return _plain(t("common.export_busy", _lang(args)), 429)
        try:
            response = _export(wh, source, fmt, args)
        except BaseException:
            release()
            raise
        if not response.is_streamed:
            release()
            return response
        # A streamed file is sent after this returns: its slot is freed when the last batch
        # is sent or the download is cut (the server closes the response).
        response.response = _then(response.response, release)
        response.call_on_close(release)
        return response

    server.add_url_rule(f"{ROUTE}/<table_id>.<fmt>", "export", export, methods=["GET"])


def _then(chunks: Iterable[Any], done: Callable[[], None]) -> Iterator[Any]:
    """The chunks, then `done()` (also when the download is cut short)."""
    try:
        yield from chunks
    finally:
        done()


def _export(wh: Warehouse, source: Source, fmt: str, args: Mapping[str, str]) -> Response:
    state = from_params(dict(args), _lang(args))
    table = source(wh, state, args.get("distrito") or None)
    if table is None:
        return _plain(t("common.export_unknown", _lang(args)), 404)
    return answer(table, fmt, args)


def register_links(app: Dash, grid_ids: Iterable[str]) -> None:
    """Each grid's export links follow its filter and sort, in the browser (no server call)."""
    for grid_id in grid_ids:
        app.clientside_callback(
            ClientsideFunction(namespace="atm", function_name="exportLinks"),
            Output(link_id(grid_id, "csv"), "href"),
            Output(link_id(grid_id, "xlsx"), "href"),
            Input(grid_id, "filterModel"),
            Input(grid_id, "columnState"),
            State(link_id(grid_id, "csv"), "href"),
            State(link_id(grid_id, "xlsx"), "href"),
        )


def _lang(args: Mapping[str, str]) -> str:
    return lang_or_default(args.get("lang") or "es")


def _plain(message: str, status: int) -> Response:
    return Response(message, status=status, mimetype="text/plain")


def _ascii(name: str) -> str:
    return "".join(ch if ch.isascii() and ch.isprintable() and ch != '"' else "_" for ch in name)
