"""The thin database layer of the derivations: raw tables in as DataFrames, derived rows out.

Reads fetch plain driver rows and convert them column by column (dates and booleans
vectorised); writes go through `insert_columns`, which on SQLite binds values column-wise with
SQLAlchemy's own type processors and hands plain tuples to the driver's executemany (the
per-row SQLAlchemy overhead dominated a national load). Other dialects use Core executemany.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator

import numpy as np
import pandas as pd
from sqlalchemy import JSON, Boolean, Connection, Date, Table, delete, insert, select

from etl import schema, sources

CHUNK = 5000
# Raw tables the derivations read, by the name used in the frames dict: the district reference
# and the tables each input kind declares (etl/sources.py, `Kind.frames`).
SOURCES: dict[str, Table] = {"distrito": schema.distrito, **sources.FRAMES}
# Cell types _plain leaves as they are (the common case, skipped without a call).
_KEEP = {str, int, bool, list, dict, type(None)}
# SQLAlchemy's SQLite Boolean bind processor as a lookup (it also rejects anything else).
_SQLITE_BOOL = {None: None, True: 1, False: 0}
_PROBE = dt.date(1999, 2, 3)  # a date whose ISO text tells whether a processor stores ISO
# Columns never needed by a score: skipped so personal data never enters the derivations.
SKIP = {"carga_id", "presidente", "observaciones"}
# Columns no derivation reads (no rule in etl/derive, the model, the catalogue or the peer
# rules names them), by table: not fetched, since fetching and converting the raw tables was
# a tenth of a national load. A column a rule starts to read must leave this list (a rule
# reading a missing column fails loudly: KeyError).
UNREAD: dict[str, frozenset[str]] = {
    "distrito": frozenset(
        {
            "capital",
            "altitud_m",
            "superficie_km2",
            "coordenadas_fuente",
            "ubigeo_reniec",
            "pobreza_total_pct",
            "pobreza_extrema_pct",
            "idh_2019",
            "vulnerabilidad_alimentaria",
            "mapa",
            "contenedor_2007",
            "contenedor_fuente",
        }
    ),
    "diagnostico_cp": frozenset(
        {
            "lengua_predominante",
            "energia_electrica",
            "internet",
            "establecimiento_salud",
            "pronoei",
            "primaria",
            "secundaria",
            "prestador_servicio",
            "tipo_organizacion_comunal",
            "cuota_familiar",
            "tipo_cobro",
            "codigo_fuente",
            "fuente_principal",
            "tipo_fuente",
            "sistema_cloracion",
            "tipo_sistema_cloracion",
        }
    ),
}


def bools(values) -> list:
    """Driver booleans (SQLite stores 0/1) as True/False/None, like SQLAlchemy's Boolean."""
    return [None if v is None else bool(v) for v in values]


def _dates(values: tuple) -> pd.Series:
    """Driver dates (ISO text on SQLite, date objects elsewhere) as datetime64.

    Same dtype as pd.to_datetime over date objects: seconds resolution when any value is set.
    """
    out = pd.to_datetime(pd.Series(values, dtype=object))
    return out.astype("datetime64[s]") if out.notna().any() else out


def _fetch(conn: Connection, sql: str) -> list[tuple]:
    """All rows of a parameterless query as the driver's plain tuples (no Row objects)."""
    cursor = conn.connection.cursor()
    try:
        cursor.execute(sql)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def fetch(conn: Connection, stmt) -> list[tuple]:
    """A select's rows as the driver's plain tuples: no Row objects and no SQLAlchemy result
    processing (values as the driver gives them: dates as ISO text and booleans as 0/1 on
    SQLite; callers convert). Literal binds, so the driver call takes no parameters: only for
    statements that bind codes the warehouse itself holds, rendered with SQLAlchemy's quoting."""
    sql = stmt.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
    return _fetch(conn, str(sql))


def read_table(conn: Connection, table: Table, where=None) -> pd.DataFrame:
    """A raw table (or its rows matching `where`) as a DataFrame (codes stay text, dates
    become datetime64)."""
    unread = SKIP | UNREAD.get(table.name, frozenset())
    cols = [c for c in table.columns if c.name not in unread]
    stmt = select(*cols) if where is None else select(*cols).where(where)
    rows = fetch(conn, stmt)  # `where` only ever binds district ubigeos of the warehouse
    names = [c.name for c in cols]
    if not rows:
        df = pd.DataFrame.from_records([], columns=names)
        for c in cols:
            if c.type.python_type is dt.date:
                df[c.name] = pd.to_datetime(df[c.name])
        return df
    data: dict[str, object] = {}
    for c, values in zip(cols, zip(*rows, strict=True), strict=True):
        kind = c.type.python_type
        data[c.name] = (
            _dates(values) if kind is dt.date else (bools(values) if kind is bool else values)
        )
    return pd.DataFrame(data, columns=names)


def read_all(conn: Connection, where: dict | None = None) -> dict[str, pd.DataFrame]:
    """Every raw table the derivations need (each restricted by `where[name]`, if given)."""
    where = where or {}
    return {name: read_table(conn, table, where.get(name)) for name, table in SOURCES.items()}


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
        values = s.dt.date.tolist()
        for i in np.flatnonzero(s.isna().to_numpy()):
            values[i] = None
        return values
    if s.dtype == object or isinstance(s.dtype, pd.StringDtype):
        values = s.tolist()
        if set(map(type, values)) <= _KEEP:  # the common case, checked in one C-speed pass
            return values
        return [v if type(v) in _KEEP else _plain(v) for v in values]
    return s.astype(object).where(s.notna(), None).tolist()


def columns_of(df: pd.DataFrame, table: Table) -> dict[str, list]:
    """df's columns that the table has, as lists of plain Python values."""
    return {c.name: _column(df[c.name]) for c in table.columns if c.name in df.columns}


def records(df: pd.DataFrame, table: Table) -> Iterator[dict]:
    """Rows of df restricted to the table's columns, as plain dicts."""
    data = columns_of(df, table)
    for row in zip(*data.values(), strict=True):
        yield dict(zip(data, row, strict=True))


def _bound(conn: Connection, table: Table, name: str, values: list) -> list:
    """One column passed through SQLAlchemy's bind processor for the dialect (as Core does).

    On SQLite, booleans and dates take a shortcut giving the processor's exact output
    (0/1, ISO 'YYYY-MM-DD'); anything else goes through the processor itself.
    """
    dialect = conn.dialect
    impl = table.c[name].type.dialect_impl(dialect)
    proc = impl.bind_processor(dialect)
    if proc is None:
        return values
    if dialect.name == "sqlite" and isinstance(impl, Boolean):
        return [_SQLITE_BOOL[v] for v in values]
    if isinstance(impl, Date) and proc(_PROBE) == _PROBE.isoformat():
        return [v.isoformat() if type(v) is dt.date else proc(v) for v in values]
    if isinstance(impl, JSON):
        return _json_column(proc, values)
    return list(map(proc, values))


def _json_column(proc, values: list) -> list:
    """JSON values serialised by `proc`; null and lists of strings (reasons, item ids: few
    distinct values) are serialised once per distinct value."""
    memo: dict[tuple | None, object] = {}
    out = []
    for v in values:
        if v is None or (type(v) is list and all(type(x) is str for x in v)):
            key = None if v is None else tuple(v)
            if key not in memo:
                memo[key] = proc(v)
            out.append(memo[key])
        else:
            out.append(proc(v))
    return out


def insert_columns(conn: Connection, stmt, table: Table, data: dict[str, list]) -> int:
    """Execute an INSERT-like `stmt` on `table` once per row; rows given column by column.

    SQLite: the statement is compiled once and the driver's executemany gets plain tuples
    bound column-wise. Other dialects: Core executemany in chunks (insertmanyvalues).
    """
    names = list(data)
    n = len(next(iter(data.values()))) if data else 0
    if not n:
        return 0
    if conn.dialect.name != "sqlite":
        rows = [dict(zip(names, r, strict=True)) for r in zip(*data.values(), strict=True)]
        for start in range(0, n, CHUNK):
            conn.execute(stmt, rows[start : start + CHUNK])
        return n
    compiled = stmt.compile(dialect=conn.dialect, column_keys=names)
    order = list(compiled.positiontup or [])
    assert set(order) <= set(names), "statement binds values that are not row columns"
    bound = [_bound(conn, table, name, data[name]) for name in order]
    conn.exec_driver_sql(compiled.string, list(zip(*bound, strict=True)))
    return n


def write(conn: Connection, table: Table, df: pd.DataFrame) -> int:
    """Insert df's rows into table; returns the number written."""
    return insert_columns(conn, insert(table), table, columns_of(df, table))


def clear(conn: Connection) -> None:
    """Delete every derived row (children first), inside the caller's transaction."""
    for table in reversed(schema.DERIVED_TABLES):
        conn.execute(delete(table))
