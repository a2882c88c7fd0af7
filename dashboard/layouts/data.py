"""Data `/datos`: load runs, files, rejected rows (downloadable) and versions in use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard import components as c
from dashboard import exports, ids, siasar_data, urls
from dashboard.callbacks import data as data_cb
from dashboard.exports import Table, export_href
from dashboard.i18n import fmt_num, label, t
from dashboard.layouts import siasar
from dashboard.page import Page, Section, fetch, show
from dashboard.queries import Warehouse
from dashboard.server import security
from dashboard.server.auth import Account
from dashboard.server.config import Settings
from dashboard.state import UrlState, from_params, to_search

PATH = urls.DATA


REJECTS_SHOWN = 500  # the grid shows the first rejects; the button downloads them all


# What each audit grid shows a clerk, in order. Other columns stay in the warehouse: the
# rejects' raw row (`datos`), file hashes of rejects, the other language's messages.
LOAD_FIELDS = (
    "id", "iniciada", "terminada", "estado", "filas_leidas", "filas_cargadas",
    "filas_rechazadas", "fecha_corte", "usuario", "cuenta", "equipo", "version_catalogo",
    "version_modelo",
)  # fmt: skip
FILE_FIELDS = (
    "id", "carga_id", "archivo", "hoja", "tipo", "filas_leidas", "filas_cargadas",
    "filas_rechazadas", "sha256",
)  # fmt: skip
REJECT_FIELDS = (  # the problem and its fix early: on a narrow screen the grid scrolls sideways
    "archivo", "fila", "columna", "valor", "mensaje", "sugerencia", "hoja", "codigo", "tipo",
    "carga_archivo_id",
)  # fmt: skip
VERSION_FIELDS = ("tipo", "version")
WIDE = {"mensaje": 320, "sugerencia": 300}  # the sentences a clerk reads: wrapped, wide
# Columns that must not be squeezed into "2026-11-…" by fitting the grid to the page.
MIN_WIDTH = {"iniciada": 150, "terminada": 150, "estado": 170, "archivo": 160, "fecha_corte": 120,
             "codigo": 170, "tipo": 150, "valor": 130}  # fmt: skip
NARROW = {"id", "carga_id", "carga_archivo_id", "fila", "filas_leidas", "filas_cargadas",
          "filas_rechazadas", "hoja"}  # fmt: skip


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Grid rows: missing values as None, dates and other objects as text."""
    data = df.astype(object).where(df.notna(), None)
    return [
        {
            k: (str(v) if v is not None and not isinstance(v, int | float) else v)
            for k, v in r.items()
        }
        for r in data.to_dict("records")
    ]


def _column(field: str, lang: str) -> dict[str, Any]:
    """A translated, read-only audit column; sentences wrap, counts stay narrow."""
    col: dict[str, Any] = {"field": field, "headerName": t(f"au.{field}", lang)}
    if field in WIDE:
        col.update(minWidth=WIDE[field], wrapText=True, autoHeight=True)
    elif field in NARROW:
        col["maxWidth"] = 120
    elif field in MIN_WIDTH:
        col["minWidth"] = MIN_WIDTH[field]
    return col


def _stamp(value: Any) -> str | None:
    """A load's start or end as "2026-11-22 10:12" (sortable as text in the grid)."""
    stamp = pd.Timestamp(value) if value is not None and not pd.isna(value) else None
    return None if stamp is None else stamp.strftime("%Y-%m-%d %H:%M")


def audit_table(df: pd.DataFrame, fields: tuple[str, ...], lang: str, file: str) -> Table:
    """An audit table as a clerk reads it: the chosen columns under translated headers."""
    shown = [field for field in fields if field in df]
    return Table(_records(df[shown]), [_column(f, lang) for f in shown], file)


def _table(table: Table, grid_id: str, lang: str, empty: str) -> Any:
    """A read-only grid of an audit table, or an empty state."""
    if not table.rows:
        return c.empty_state(empty)
    return c.grid(grid_id, table.rows, table.columns, 320, lang)


# Where a command-line load ran: the server's host name and OS login (admins only, issue #19).
MACHINE_FIELDS = ("usuario", "equipo")


def loads_table(df: pd.DataFrame, lang: str, machine: bool = True) -> Table:
    """Load runs (Warehouse.loads): times to the minute, results in words (without the
    machine's host name and login unless `machine`)."""
    for when in ("iniciada", "terminada"):
        df[when] = df[when].map(_stamp).astype(object)
    df["estado"] = df["estado"].map(lambda code: label("carga", str(code), lang))
    fields = LOAD_FIELDS if machine else tuple(f for f in LOAD_FIELDS if f not in MACHINE_FIELDS)
    return audit_table(df, fields, lang, "cargas")


def files_table(df: pd.DataFrame, lang: str) -> Table:
    return audit_table(df, FILE_FIELDS, lang, "archivos")


VERSION_KINDS = {"catalogo": "da.catalogue", "modelo": "da.model"}


def versions_table(df: pd.DataFrame, lang: str) -> Table:
    df["tipo"] = df["tipo"].map(lambda kind: t(VERSION_KINDS[kind], lang))
    return audit_table(df, VERSION_FIELDS, lang, "versiones")


def rejects_table(df: pd.DataFrame, lang: str, limit: int | None = REJECTS_SHOWN) -> Table:
    """Rejected rows and file problems (Warehouse.rejects, the first `limit` or all), as the
    grid shows them: each message and its fix in the page's language only."""
    suffix = "en" if lang == "en" else "es"
    df["mensaje"], df["sugerencia"] = df[f"mensaje_{suffix}"], df[f"sugerencia_{suffix}"]
    file = "rechazos_vista" if limit == REJECTS_SHOWN else "rechazos"
    return audit_table(df, REJECT_FIELDS, lang, file)


def rejects_section(rejects: pd.DataFrame, total: int, state: UrlState) -> html.Div:
    """The first rejects in a grid (exportable as shown) and a download of all of them."""
    lang = state.lang
    table = rejects_table(rejects, lang)
    n, total_text = fmt_num(len(table.rows), lang), fmt_num(total, lang)
    message = (
        t("da.rejects_all_shown", lang, total=total_text)
        if len(table.rows) >= total
        else t("da.rejects_shown", lang, n=n, total=total_text)
    )
    shown = html.P(message, className="small text-muted mb-1") if total else None
    return html.Div(
        [
            html.A(
                t("da.download_rejects", lang),
                id=ids.DA_REJECTS_ALL,
                href=export_href(ids.DA_REJECTS_ALL, "csv", state),
                download="",
                className="btn btn-sm btn-outline-secondary mb-2 no-print",
            ),
            shown,
            c.table_block(state, ids.DA_REJECTS, table, None, 320, t("da.no_rejects", lang)),
        ]
    )


def upload_section(account: Account | None, settings: Settings, lang: str) -> Any:
    """Upload a file (admin and atm accounts): a drop zone, the report, the confirm button.

    The button and the report are always in the page (hidden until there is something to
    confirm) so their callbacks always find them."""
    allowed = account is not None and account.can_upload
    help_text = [html.P(t("da.upload_help", lang, mb=settings.upload_max_mb), className="mb-1")]
    if account is not None and allowed and account.rol == "atm":
        districts = ", ".join(account.distritos)
        help_text.append(html.P(t("da.upload_scope", lang, districts=districts), className="mb-1"))
    zone = dcc.Upload(
        id=ids.DA_UPLOAD,
        children=html.Div(help_text, className="small"),
        accept=".csv,.xlsx,.xlsm,.xls,text/csv,application/vnd.ms-excel,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        max_size=settings.upload_max_bytes,
        multiple=False,
        className="upload-zone p-3 mb-2",
        disabled=not allowed,
    )
    body = html.Div(
        [
            zone,
            dcc.Loading(html.Div(id=ids.DA_UPLOAD_REPORT), type="dot"),
            dbc.Button(
                t("da.upload_confirm", lang),
                id=ids.DA_UPLOAD_CONFIRM,
                color="primary",
                size="sm",
                className="mt-2",
                style={"display": "none"},
            ),
            dcc.Store(id=ids.DA_UPLOAD_TOKEN),
        ],
        hidden=not allowed,
    )
    return c.section(t("da.upload", lang), body) if allowed else body


def _is_admin(account: Account | None) -> bool:
    return account is not None and account.rol == "admin"


@dataclass(frozen=True)
class DataData:
    """The data page's data: the request's account and the audit tables' frames."""

    account: Account | None
    loads: Section[pd.DataFrame]
    files: Section[pd.DataFrame]
    rejects: Section[tuple[pd.DataFrame, int]]  # the first REJECTS_SHOWN; how many in all
    unlinked: Section[pd.DataFrame]  # issue 15: SIASAR systems no JASS is linked to
    versions: Section[pd.DataFrame]


def load(wh: Warehouse, state: UrlState) -> DataData:
    """Everything the data page shows, each section with its value or its error."""
    return DataData(
        account=security.current_account(),
        loads=fetch(wh.loads),
        files=fetch(wh.files),
        rejects=fetch(lambda: (wh.rejects(limit=REJECTS_SHOWN), wh.rejects_count())),
        unlinked=fetch(lambda: siasar_data.unlinked_systems(wh)),
        versions=fetch(wh.versions),
    )


def layout(wh: Warehouse, state: UrlState, settings: Settings | None = None) -> Any:
    """Audit tables of the warehouse, and uploads for accounts that may load."""
    return render(load(wh, state), state, settings or Settings())


def render(data: DataData, state: UrlState, settings: Settings) -> Any:
    """The data page drawn from its data (never reads the warehouse)."""
    lang = state.lang
    body = [
        html.H1(t("da.title", lang), className="h4 my-2"),
        dcc.Store(id=ids.DA_STATE, data={"lang": lang}),
        upload_section(data.account, settings, lang),
        html.Div(audit_sections(data, state), id=ids.DA_AUDIT),
    ]
    return c.page(state, PATH, to_search(state), body)


def audit_sections(data: DataData, state: UrlState) -> list[Any]:
    """The audit tables: loads, files, rejected rows, unlinked SIASAR systems, versions."""
    lang = state.lang
    machine = _is_admin(data.account)
    no_loads = t("da.no_loads", lang)
    return [
        c.section(
            t("da.loads", lang),
            show(
                lang,
                data.loads,
                lambda df: _table(
                    loads_table(df, lang, machine=machine), "da-loads", lang, no_loads
                ),
            ),
        ),
        c.section(
            t("da.files", lang),
            show(
                lang,
                data.files,
                lambda df: _table(files_table(df, lang), "da-files", lang, no_loads),
            ),
        ),
        c.section(
            t("da.rejects", lang),
            show(lang, data.rejects, lambda r: rejects_section(r[0], r[1], state)),
        ),
        show(lang, data.unlinked, lambda df: siasar.render_unlinked(df, state)),  # issue 15
        c.section(
            t("da.versions", lang),
            show(
                lang,
                data.versions,
                lambda df: _table(versions_table(df, lang), "da-versions", lang, "—"),
            ),
        ),
    ]


def audit_after_load(wh: Warehouse, lang: str) -> list[Any]:
    """The audit tables drawn again once an upload is loaded (the page's were drawn before:
    they would still say there is no load)."""
    state = UrlState(lang=lang)
    return audit_sections(load(wh, state), state)


def rejects_source(wh: Warehouse, state: UrlState, _key: str | None) -> Table:
    """The rejects grid rebuilt for its export links (the first REJECTS_SHOWN)."""
    return rejects_table(wh.rejects(limit=REJECTS_SHOWN), state.lang)


def all_rejects_source(wh: Warehouse, state: UrlState, _key: str | None) -> Table:
    """Every rejected row and file problem of the account's loads (the "download all" link),
    with the grid's columns."""
    # One more than a file may hold, so the export can say there are too many.
    limit = exports.MAX_ROWS + 1
    return rejects_table(wh.rejects(limit=limit), state.lang, limit=limit)


def draw(view: Warehouse, settings: Settings, params: dict[str, Any]) -> Any:
    return layout(view, from_params(params, settings.lang), settings)


PAGE = Page(
    "data",
    PATH,
    draw,
    nav="nav.data",
    exports={ids.DA_REJECTS: rejects_source, ids.DA_REJECTS_ALL: all_rejects_source},
    grids=(ids.DA_REJECTS,),
    register=data_cb.register,
)
