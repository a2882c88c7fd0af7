"""Derivations: scores, coverage, goal progress, readiness and the summary tables.

`derive_all` runs at the end of every load, inside the load's transaction, so the dashboard
never sees raw data and summaries that disagree.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection


def derive_all(conn: Connection, as_of: dt.date | None = None) -> None:
    """Rewrite every derived table from the raw tables (work in progress: see etl/derive/)."""
    del conn, as_of
