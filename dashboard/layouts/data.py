"""Data `/datos`: load runs, files, rejected rows (downloadable) and versions in use."""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import html

from dashboard import components as c
from dashboard import ids
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
    return c.grid(grid_id, _records(df), cols, f"{grid_id}.csv", 320, lang)


def rejects_section(wh: Warehouse, lang: str) -> html.Div:
    """The first rejects in a grid (exportable as shown) and a download of all of them."""
    df = wh.rejects(limit=REJECTS_SHOWN)
    total = wh.rejects_count()
    cols = [{"field": col, "headerName": col} for col in df.columns]
    shown = (
        html.P(
            t("da.rejects_shown", lang, n=fmt_num(len(df), lang), total=fmt_num(total, lang)),
            className="small text-muted mb-1",
        )
        if total
        else None
    )
    return html.Div(
        [
            html.Button(
                t("da.download_rejects", lang),
                id=ids.DA_REJECTS_ALL,
                className="btn btn-sm btn-outline-secondary mb-2 no-print",
            ),
            shown,
            c.table_block(
                lang,
                ids.DA_REJECTS,
                _records(df),
                cols,
                "rechazos_vista.csv",
                320,
                t("da.no_rejects", lang),
            ),
        ]
    )


def layout(wh: Warehouse, state: UrlState) -> Any:
    """Audit tables of the warehouse."""
    lang = state.lang
    body = [
        html.H1(t("da.title", lang), className="h4 my-2"),
        c.section(
            t("da.loads", lang),
            c.safe(lang, lambda: _table(wh.loads(), "da-loads", lang, t("da.no_loads", lang))),
        ),
        c.section(
            t("da.files", lang),
            c.safe(lang, lambda: _table(wh.files(), "da-files", lang, t("da.no_loads", lang))),
        ),
        c.section(t("da.rejects", lang), c.safe(lang, lambda: rejects_section(wh, lang))),
        c.section(
            t("da.versions", lang),
            c.safe(lang, lambda: _table(wh.versions(), "da-versions", lang, "—")),
        ),
    ]
    return c.page(state, PATH, to_search(state), body)
