"""The writers: one input kind's accepted rows → its warehouse tables.

Each input kind (etl/sources.py) names its tables and, when they need more than an upsert into
its first table on that table's primary key, its writer here. A writer takes the rows column by
column (`Columns`: column name → plain Python values, `carga_id` included) inside the load's one
transaction (etl/load.py).

This module imports nothing of `etl.sources` nor, at import time, of `etl.derive`: the kinds
name these writers, and `etl.derive.frames` reads the kinds, so the two helpers below import
their `etl.derive` function when first called.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import Connection, Table, bindparam, delete, insert, or_, select

from etl import schema
from etl.db import dialect_insert

# Rows handed to the writers column by column: column name → values (plain Python objects).
Columns = dict[str, list]
Writer = Callable[[Connection, Columns], None]


def _insert_columns(conn: Connection, stmt, table: Table, data: Columns) -> None:
    """etl.derive.frames.insert_columns (imported here, see the module docstring)."""
    from etl.derive.frames import insert_columns

    insert_columns(conn, stmt, table, data)


def _chunks(values: Iterable[str]) -> Iterable[list[str]]:
    """etl.derive.incremental.chunks (imported here, see the module docstring)."""
    from etl.derive.incremental import chunks

    return chunks(values)


def _length(data: Columns) -> int:
    return len(next(iter(data.values()))) if data else 0


def upsert(conn: Connection, table, data: Columns, key: tuple[str, ...], where=None) -> None:
    """Insert or update on `key`; an existing row is rewritten only when a value differs.

    Rows come column by column (`data`: column → values); the comparison stays in SQL
    (IS DISTINCT FROM in the ON CONFLICT clause), so its semantics are the database's.
    """
    if not _length(data):
        return
    cols = [c for c in data if c not in key]
    compared = [c for c in cols if c != "carga_id"]
    stmt = dialect_insert(conn)(table)
    if not compared:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(key))
    else:
        changed = or_(*(table.c[c].is_distinct_from(stmt.excluded[c]) for c in compared))
        cond = changed if where is None else (changed & where(stmt))
        stmt = stmt.on_conflict_do_update(
            index_elements=list(key), set_={c: stmt.excluded[c] for c in cols}, where=cond
        )
    _insert_columns(conn, stmt, table, data)


# ------------------------------------------------------------------ kind → tables -----------


def _take(data: Columns, rows: list[int]) -> Columns:
    """The given rows (positions) of every column."""
    return {c: list(map(values.__getitem__, rows)) for c, values in data.items()}


def _project(data: Columns, table: Table, **computed: list) -> Columns:
    """Columns reduced to the table's columns the file provided, plus computed columns."""
    if not _length(data):
        return {}
    out = {c.name: data[c.name] for c in table.columns if c.name in data and c.name not in computed}
    out.update(computed)
    return out


def _pk(table: Table) -> tuple[str, ...]:
    return tuple(c.name for c in table.primary_key.columns)


def simple(table: Table) -> Writer:
    """A writer upserting rows straight into `table` (kinds whose columns match the table)."""

    def write(conn: Connection, data: Columns) -> None:
        upsert(conn, table, _project(data, table), _pk(table))

    return write


def _latest(data: Columns, key: str) -> list[int]:
    """One row per `key` value: the one from the latest survey year (positions, in the order
    each key first appears among the rows sorted by year)."""
    if key not in data:
        return []
    keys = data[key]
    best: dict[str, int] = {}
    for i in sorted(range(len(keys)), key=data["anio"].__getitem__):
        if keys[i]:
            best[keys[i]] = i
    return list(best.values())


def _district(data: Columns) -> list:
    return [u[:6] for u in data["ubigeo_cp"]]


def write_datass(conn: Connection, data: Columns) -> None:
    """DATASS → centro_poblado, organizacion_comunal (new providers), diagnostico_cp, sistema."""
    latest_cp = _take(data, _latest(data, "ubigeo_cp"))
    write_datass_latest(conn, latest_cp, _take(data, _latest(data, "codigo_ps")))
    _write_surveys(conn, data, latest_cp)


def write_datass_piece(conn: Connection, data: Columns) -> None:
    """One piece of a DATASS file read in pieces (etl/load.py): its surveys and water systems,
    and only the CPs new to the warehouse (the surveys point at them). The CPs' and providers'
    values come from the whole file's latest surveys, in `write_datass_latest` after the last
    piece: a piece's latest survey of a CP need not be the file's."""
    latest_cp = _take(data, _latest(data, "ubigeo_cp"))
    cps = _cp_rows(latest_cp)
    if cps:
        stmt = dialect_insert(conn)(schema.centro_poblado).on_conflict_do_nothing()
        _insert_columns(conn, stmt, schema.centro_poblado, cps)
    _write_surveys(conn, data, latest_cp)


def write_datass_latest(conn: Connection, latest_cp: Columns, latest_ps: Columns) -> None:
    """The CPs of the latest surveys (`latest_cp`: one row per CP) and the providers of the
    latest surveys naming them (`latest_ps`: one row per provider code) that are new."""
    upsert(conn, schema.centro_poblado, _cp_rows(latest_cp), ("ubigeo_cp",))
    _new_providers(conn, latest_ps)


# What write_datass_latest reads of a survey row (the rest need not be kept until then).
DATASS_LATEST_COLUMNS = frozenset(
    {c.name for c in schema.centro_poblado.columns}
    | {"ubigeo_cp", "centro_poblado", "altitud", "anio", "carga_id"}
    | {"codigo_ps", "prestador_servicio", "tipo_organizacion_comunal"}
)


def _cp_rows(latest_cp: Columns) -> Columns:
    if not _length(latest_cp):
        return {}
    cps = _project(
        latest_cp,
        schema.centro_poblado,
        ubigeo=_district(latest_cp),
        nombre=latest_cp["centro_poblado"],
    )
    if "altitud" in latest_cp:
        cps["altitud_m"] = latest_cp["altitud"]
    return cps


def _write_surveys(conn: Connection, data: Columns, latest_cp: Columns) -> None:
    diag = _project(data, schema.diagnostico_cp, ubigeo=_district(data)) if _length(data) else {}
    if "codigo_ps" in data and diag:
        diag["codigo_oc"] = data["codigo_ps"]
    upsert(conn, schema.diagnostico_cp, diag, ("ubigeo_cp", "anio"))
    _water_systems(conn, latest_cp)


def _new_providers(conn: Connection, data: Columns) -> None:
    """Providers DATASS names that the warehouse lacks; never touches an existing row."""
    n = _length(data)
    if not n:
        return
    codes = data["codigo_ps"]
    names = data.get("prestador_servicio", [None] * n)
    orgs = {
        "codigo_oc": codes,
        "nombre": [name or code for name, code in zip(names, codes, strict=True)],
        "ubigeo": _district(data),
        "tipo_organizacion": data.get("tipo_organizacion_comunal", [None] * n),
        "origen": ["datass"] * n,
        "carga_id": data["carga_id"],
    }
    stmt = dialect_insert(conn)(schema.organizacion_comunal).on_conflict_do_nothing()
    _insert_columns(conn, stmt, schema.organizacion_comunal, orgs)


def _water_systems(conn: Connection, latest_cp: Columns) -> None:
    """Each CP's water system from its latest survey (never replaced by an older survey)."""
    t = schema.sistema_agua
    n = _length(latest_cp)
    if not n:
        return
    computed = {"anio_dato": latest_cp["anio"], "codigo_oc": latest_cp.get("codigo_ps", [None] * n)}
    upsert(
        conn,
        t,
        _project(latest_cp, t, **computed),
        ("ubigeo_cp",),
        where=lambda stmt: t.c.anio_dato <= stmt.excluded.anio_dato,
    )


def write_registro(conn: Connection, data: Columns) -> None:
    """Register → organizacion_comunal (origen registro), registro_oc, its list of CPs."""
    n = _length(data)
    if not n:
        return
    orgs = _project(data, schema.organizacion_comunal, origen=["registro"] * n)
    upsert(conn, schema.organizacion_comunal, orgs, ("codigo_oc",))
    upsert(conn, schema.registro_oc, _project(data, schema.registro_oc), ("codigo_oc",))
    if "ubigeo_cp" in data:
        lists = zip(data["codigo_oc"], data["ubigeo_cp"], data["carga_id"], strict=True)
        _replace_cp_lists(conn, {oc: (cps or [], carga) for oc, cps, carga in lists})


def _replace_cp_lists(conn: Connection, lists: dict[str, tuple[list[str], int]]) -> None:
    """Each organisation's CPs become exactly the listed ones (unchanged pairs stay untouched)."""
    t = schema.oc_centro_poblado
    existing: set[tuple[str, str]] = set()
    for part in _chunks(lists):
        query = select(t.c.codigo_oc, t.c.ubigeo_cp).where(t.c.codigo_oc.in_(part))
        existing |= {(str(oc), str(cp)) for oc, cp in conn.execute(query)}
    wanted = {(oc, cp) for oc, (cps, _) in lists.items() for cp in cps}
    stale = [{"c": oc, "u": cp} for oc, cp in existing if oc in lists and (oc, cp) not in wanted]
    if stale:
        cond = (t.c.codigo_oc == bindparam("c")) & (t.c.ubigeo_cp == bindparam("u"))
        conn.execute(delete(t).where(cond), stale)
    new = sorted(wanted - existing)
    if new:
        columns: Columns = {
            "codigo_oc": [oc for oc, _ in new],
            "ubigeo_cp": [cp for _, cp in new],
            "carga_id": [lists[oc][1] for oc, _ in new],
        }
        _insert_columns(conn, insert(t), t, columns)


# ------------------------------------------------------------------ SIASAR sheets (issue 15) --

SYSTEM_COLUMNS = [c.name for c in schema.siasar_sistema.columns]
COMPONENT_RENAMES = {"id": "sistema_id", "tipo": "tipo_tratamiento"}


def _systems(data: Columns) -> Columns:
    """One row per system id (its last row in the file): the system columns a sheet has."""
    last = {sid: i for i, sid in enumerate(data["id"])}
    rows = list(last.values())
    return {c: [data[c][i] for i in rows] for c in SYSTEM_COLUMNS if c in data}


def write_siasar_systems(conn: Connection, data: Columns) -> None:
    if data.get("id"):
        upsert(conn, schema.siasar_sistema, _systems(data), ("id",))


def component_writer(tipo: str) -> Writer:
    """The writer of one component sheet (`tipo`: distribucion, almacenamiento, ...): its
    systems, then its components."""
    table = schema.siasar_componente
    wanted = {c.name for c in table.columns}

    def write(conn: Connection, data: Columns) -> None:
        n = len(data.get("id", []))
        if not n:
            return
        write_siasar_systems(conn, data)
        rows: Columns = {"tipo": [tipo] * n}
        for name, values in data.items():
            target = COMPONENT_RENAMES.get(name, name)
            if target in wanted and target != "tipo":
                rows[target] = values
        upsert(conn, table, rows, ("sistema_id", "tipo", "componente_id"))

    return write


def write_links(conn: Connection, data: Columns) -> None:
    n = len(data.get("siasar_id", []))
    if n:
        rows = {"sistema_id": data["siasar_id"], "codigo_oc": data["codigo_oc"]}
        rows["carga_id"] = data["carga_id"]
        upsert(conn, schema.siasar_vinculo, rows, ("sistema_id",))
