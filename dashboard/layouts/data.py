"""Data `/datos`: load runs, files, rejected rows (downloadable) and versions in use."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard import components as c
from dashboard import ids, security
from dashboard.auth import Account
from dashboard.config import Settings
from dashboard.exports import Table, export_href
from dashboard.i18n import fmt_num, t
from dashboard.queries import Warehouse
from dashboard.state import UrlState, to_search

PATH = "/datos"
NAME = "data"


REJECTS_SHOWN = 500  # the grid shows the first rejects; the button downloads them all


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


def _table(df: pd.DataFrame, grid_id: str, lang: str, empty: str) -> Any:
    """A read-only grid of an audit table, or an empty state."""
    if df.empty:
        return c.empty_state(empty)
    cols = [{"field": col} for col in df.columns]
    return c.grid(grid_id, _records(df), cols, 320, lang)


def rejects_table(wh: Warehouse, limit: int | None = REJECTS_SHOWN) -> Table:
    """Rejected rows and file problems (the first `limit`, or all), as the grid shows them."""
    df = wh.rejects(limit=limit)
    cols = [{"field": col, "headerName": col} for col in df.columns]
    return Table(_records(df), cols, "rechazos_vista" if limit else "rechazos")


def rejects_section(wh: Warehouse, state: UrlState) -> html.Div:
    """The first rejects in a grid (exportable as shown) and a download of all of them."""
    lang = state.lang
    table = rejects_table(wh)
    total = wh.rejects_count()
    shown = (
        html.P(
            t(
                "da.rejects_shown",
                lang,
                n=fmt_num(len(table.rows), lang),
                total=fmt_num(total, lang),
            ),
            className="small text-muted mb-1",
        )
        if total
        else None
    )
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
        accept=".csv,.xlsx,.xlsm,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
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


def layout(wh: Warehouse, state: UrlState, settings: Settings | None = None) -> Any:
    """Audit tables of the warehouse, and uploads for accounts that may load."""
    lang = state.lang
    settings = settings or Settings()
    body = [
        html.H1(t("da.title", lang), className="h4 my-2"),
        dcc.Store(id=ids.DA_STATE, data={"lang": lang}),
        upload_section(security.current_account(), settings, lang),
        c.section(
            t("da.loads", lang),
            c.safe(lang, lambda: _table(wh.loads(), "da-loads", lang, t("da.no_loads", lang))),
        ),
        c.section(
            t("da.files", lang),
            c.safe(lang, lambda: _table(wh.files(), "da-files", lang, t("da.no_loads", lang))),
        ),
        c.section(t("da.rejects", lang), c.safe(lang, lambda: rejects_section(wh, state))),
        c.section(
            t("da.versions", lang),
            c.safe(lang, lambda: _table(wh.versions(), "da-versions", lang, "—")),
        ),
    ]
    return c.page(state, PATH, to_search(state), body)


def rejects_source(wh: Warehouse, _state: UrlState, _key: str | None) -> Table:
    """The rejects grid rebuilt for its export links (the first REJECTS_SHOWN)."""
    return rejects_table(wh)


def all_rejects_source(wh: Warehouse, _state: UrlState, _key: str | None) -> Table:
    """Every rejected row and file problem of the account's loads (the "download all" link)."""
    return rejects_table(wh, limit=None)
