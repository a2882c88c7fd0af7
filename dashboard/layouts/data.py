"""Data `/datos`: load runs, files, rejected rows (downloadable) and versions in use."""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import dcc, html

from dashboard import components as c
from dashboard import ids
from dashboard.i18n import t
from dashboard.queries import Warehouse
from dashboard.state import UrlState, to_search

PATH = "/datos"
NAME = "data"


def _table(df: pd.DataFrame, grid_id: str, lang: str, empty: str) -> Any:
    """A read-only grid of an audit table, or an empty state."""
    if df.empty:
        return c.empty_state(empty)
    data = df.astype(object).where(df.notna(), None)
    rows = [
        {
            k: (str(v) if v is not None and not isinstance(v, int | float) else v)
            for k, v in r.items()
        }
        for r in data.to_dict("records")
    ]
    cols = [{"field": col} for col in df.columns]
    return c.grid(grid_id, rows, cols, f"{grid_id}.csv", 320, lang)


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
        c.section(
            t("da.rejects", lang),
            html.Div(
                [
                    html.Button(
                        t("da.download_rejects", lang),
                        id=ids.DA_REJECTS_CSV,
                        className="btn btn-sm btn-outline-secondary mb-2",
                    ),
                    dcc.Download(id=ids.DA_DOWNLOAD),
                    c.safe(
                        lang,
                        lambda: _table(
                            wh.rejects(limit=500), "da-rejects", lang, t("da.no_rejects", lang)
                        ),
                    ),
                ]
            ),
        ),
        c.section(
            t("da.versions", lang),
            c.safe(lang, lambda: _table(wh.versions(), "da-versions", lang, "—")),
        ),
    ]
    return c.page(state, PATH, to_search(state), body)
