"""The thin database layer of the derivations: raw tables in as DataFrames, derived rows out.

Reads use Core selects (fetchall + DataFrame.from_records: fast, no pandas SQL layer); writes
use Core insert() in chunks, after turning NaN/NaT/numpy scalars into plain Python values.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Table, delete, insert, select

from etl import schema

CHUNK = 5000
# Raw tables the derivations read, by the name used in the frames dict.
SOURCES: dict[str, Table] = {
    "distrito": schema.distrito,
    "centro_poblado": schema.centro_poblado,
    "diagnostico": schema.diagnostico_cp,
    "orgs": schema.organizacion_comunal,
    "registro": schema.registro_oc,
    "oc_cp": schema.oc_centro_poblado,
    "visitas": schema.visita,
    "atm": schema.atm,
    "clasificacion": schema.clasificacion_municipal,
    "avance": schema.avance_meta,
    "mef": schema.resultado_mef,
}
# Columns never needed by a score: skipped so personal data never enters the derivations.
SKIP = {"carga_id", "presidente", "observaciones"}


def read_table(conn: Connection, table: Table) -> pd.DataFrame:
    """A whole raw table as a DataFrame (codes stay text, dates become datetime64)."""
    cols = [c for c in table.columns if c.name not in SKIP]
    rows = conn.execute(select(*cols)).fetchall()
    df = pd.DataFrame.from_records(rows, columns=[c.name for c in cols])
    for c in cols:
        if c.type.python_type is dt.date:
            df[c.name] = pd.to_datetime(df[c.name])
    return df


def read_all(conn: Connection) -> dict[str, pd.DataFrame]:
    """Every raw table the derivations need."""
    return {name: read_table(conn, table) for name, table in SOURCES.items()}


def _plain(value: object) -> object:
    """A value the DB driver accepts: None for NaN/NaT, date for timestamps, builtins for numpy."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _column(s: pd.Series) -> list:
    """One column as plain Python values, converted column-wise (per-value only for objects)."""
    if pd.api.types.is_datetime64_any_dtype(s):
        return [None if pd.isna(x) else x for x in s.dt.date.tolist()]
    if s.dtype == object or isinstance(s.dtype, pd.StringDtype):
        return [_plain(v) for v in s.tolist()]
    return s.astype(object).where(s.notna(), None).tolist()


def records(df: pd.DataFrame, table: Table) -> Iterator[dict]:
    """Rows of df restricted to the table's columns, as plain dicts."""
    cols = [c.name for c in table.columns if c.name in df.columns]
    values = [_column(df[c]) for c in cols]
    for row in zip(*values, strict=True):
        yield dict(zip(cols, row, strict=True))


def write(conn: Connection, table: Table, df: pd.DataFrame) -> int:
    """Insert df's rows into table in chunks; returns the number written."""
    batch: list[dict] = []
    n = 0
    for rec in records(df, table):
        batch.append(rec)
        if len(batch) >= CHUNK:
            conn.execute(insert(table), batch)
            n, batch = n + len(batch), []
    if batch:
        conn.execute(insert(table), batch)
        n += len(batch)
    return n


def clear(conn: Connection) -> None:
    """Delete every derived row (children first), inside the caller's transaction."""
    for table in reversed(schema.DERIVED_TABLES):
        conn.execute(delete(table))
