"""Incremental derivation: a load re-derives only the districts its rows can change.

A district's derived rows (the scores of its organisations, the coverage of its centros
poblados and of itself, goal progress, readiness, the summary) depend on its own raw rows and
on the rows of the organisations and centros poblados linked to them: a JASS may serve a CP of
another district (register CP lists, DATASS provider codes). So a load that touched districts T
re-derives D = T plus the districts linked to T, from the rows of D and of the districts linked
to D, and keeps only D's results; the province, department and nation coverage rows above D are
summed again from the district rows. The result equals a full derivation
(tests/integration/test_incremental.py compares every derived table).

Whatever changes every district is derived in full instead (`full_reason`): a first load,
another as-of date, catalogue or model version than the last derivation, a change in the set
of summary years, or a load touching more than `MAX_SHARE` of the districts.

A load of visits only (an ATM's monthly sheet) also keeps the summary years before its
earliest visit (`Touched.since`, `first_summary_year`): each year's summary is read as of that
year's end, and a visit changes nothing dated before it (a JASS's first visit ends its
DATASS-based assessments from that date on, not before: health.datass_assessments), with one
exception followed here: a goal may read the visits of a later year (`anio_dato`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import orjson
import pandas as pd
from sqlalchemy import Connection, delete, false, func, or_, select, union

from etl import schema, sources
from etl.catalog import Catalog
from etl.derive import coverage, frames
from etl.derive.health import Model

MAX_SHARE = 0.25  # above this share of the districts a full derivation is cheaper
CHUNK = 500  # codes per IN (...) list
MAX_RANGES = 200  # districts matched by code ranges; more by one IN over the prefix
VISITS = "monitoreo_oc"  # the one kind whose rows leave earlier summary years as they were
YEARLY = ("salida_distrito", "resumen_distrito")  # derived tables with one row per summary year
UPPER_LEVELS = ("provincia", "departamento", "nacion")
# The column that says which district a derived row belongs to.
DISTRICT_COLUMN = {
    "puntaje_oc": "ubigeo",
    "resumen_oc": "ubigeo",
    "cobertura": None,  # by level: see _keep_coverage / _delete_rows
    "avance_meta_calc": "ubigeo",
    "salida_distrito": "ubigeo",
    "resumen_distrito": "ubigeo",
}


def _prefixed(column, districts: Iterable[str]):
    """`column` (a CP code, or a cobertura code) starts with one of `districts`: as ranges
    [d, d+1), which an index on the column answers (substr() would scan the table)."""
    codes = sorted(set(districts))
    if len(codes) > MAX_RANGES:  # a big batch: one scan, not a too-deep OR (SQLite: depth 1000)
        return func.substr(column, 1, 6).in_(codes)
    ranges = [(column >= d) & (column < str(int(d) + 1).zfill(6)) for d in codes]
    return or_(*ranges) if ranges else false()


def chunks(values: Iterable[str]) -> Iterable[list[str]]:
    """The distinct values, sorted, in lists of CHUNK (one IN (...) each)."""
    items = sorted(set(values))
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


# ------------------------------------------------------------------ which districts ------------


def row_districts(conn: Connection, values: pd.DataFrame) -> set[str]:
    """The districts the rows of one checked file name: directly (ubigeo, CP codes, lists of
    CP codes) or through an organisation code the warehouse places in a district."""
    found: set[str] = set()
    if "ubigeo" in values:
        found |= {str(u)[:6] for u in values["ubigeo"].dropna()}
    if "ubigeo_cp" in values:
        for v in values["ubigeo_cp"].dropna():
            found |= {str(c)[:6] for c in v} if isinstance(v, list) else {str(v)[:6]}
    codes = {
        str(c) for col in ("codigo_oc", "codigo_ps") if col in values for c in values[col].dropna()
    }
    oc = schema.organizacion_comunal
    for part in chunks(codes):
        found |= set(conn.execute(select(oc.c.ubigeo).where(oc.c.codigo_oc.in_(part))).scalars())
    return {d for d in found if len(d) == 6 and d.isdigit()}


def linked(conn: Connection, districts: set[str]) -> set[str]:
    """Districts whose organisations serve CPs of `districts`, or whose CPs are served by
    organisations of `districts` (register CP lists and DATASS provider codes)."""
    oc, link, d = schema.organizacion_comunal, schema.oc_centro_poblado, schema.diagnostico_cp
    found: set[str] = set()
    for part in chunks(districts):
        queries = union(
            select(oc.c.ubigeo)
            .join(link, link.c.codigo_oc == oc.c.codigo_oc)
            .where(_prefixed(link.c.ubigeo_cp, part)),
            select(link.c.ubigeo_cp)
            .join(oc, link.c.codigo_oc == oc.c.codigo_oc)
            .where(oc.c.ubigeo.in_(part)),
            select(oc.c.ubigeo)
            .join(d, d.c.codigo_oc == oc.c.codigo_oc)
            .where(d.c.ubigeo.in_(part)),
            select(d.c.ubigeo)
            .join(oc, d.c.codigo_oc == oc.c.codigo_oc)
            .where(oc.c.ubigeo.in_(part)),
        )
        found |= {str(r[0])[:6] for r in conn.execute(queries)}
    return found - districts


class Touched:
    """The districts a load's rows reach, followed file by file while the load may still be
    derived incrementally. A first load, or one past `MAX_SHARE` of the districts, derives
    everything whatever it touched (`full_reason`), so it stops looking (the national load
    spent seconds linking every district to every other): `districts` is then None."""

    def __init__(self, conn: Connection, track: bool = True) -> None:
        self.conn = conn
        self.tracking = track and last_derivation(conn) is not None
        total = conn.execute(select(func.count()).select_from(schema.distrito)).scalar_one()
        self.limit = MAX_SHARE * total
        self.found: set[str] = set()
        self.siasar = False  # the load writes SIASAR rows: the SIASAR view is rewritten whole
        # The first summary year the written rows can change, while it is known; see `since`.
        self._first_year = _NO_YEAR
        self._first_year_known = True
        self._visited: set[str] = set()  # the organisations of those visits

    def before(self, values: pd.DataFrame, kind: str | None = None) -> None:
        """A file's rows before they are written, with their linked districts: a write can
        move an organisation or drop a CP link, and the old side changes too."""
        if self.tracking:
            reached = row_districts(self.conn, values)
            self._add(reached | linked(self.conn, reached))
            self._follow_years(values, kind)

    def _follow_years(self, values: pd.DataFrame, kind: str | None) -> None:
        if not self._first_year_known or values.empty or kind in sources.UNDERIVED_KINDS:
            return
        year = first_year_of_visits(values) if kind == VISITS else None
        if year is None:
            self._first_year_known = False
        else:
            self._first_year = min(self._first_year, year)
            self._visited |= {str(c) for c in values["codigo_oc"].dropna()}

    def after(self, values: pd.DataFrame, kind: str | None = None) -> None:
        """A file's rows once written (a new organisation is placed by the warehouse now)."""
        self.siasar |= bool(kind and kind.startswith("siasar_"))
        if self.tracking:
            self._add(row_districts(self.conn, values))

    def _add(self, districts: set[str]) -> None:
        self.found |= districts
        if len(self.found) > self.limit:
            self.tracking, self.found = False, set()

    @property
    def districts(self) -> set[str] | None:
        """What the derivation needs: the districts, or None for all of them."""
        return self.found if self.tracking else None

    @property
    def since(self) -> int | None:
        """The first summary year the load's rows can change: set when it wrote visits only
        (None: every year may change)."""
        return self._first_year if self._visits_only else None

    @property
    def orgs(self) -> set[str] | None:
        """The organisations whose rows the load changed: set when it wrote visits only (an
        organisation's scores read its own rows only); None: any."""
        return self._visited if self._visits_only else None

    @property
    def _visits_only(self) -> bool:
        return self.tracking and self._first_year_known and self._first_year != _NO_YEAR


_NO_YEAR = 10_000  # no row followed yet: later than any summary year


# ------------------------------------------------------------------ which years ---------------


def first_year_of_visits(values: pd.DataFrame) -> int | None:
    """The first summary year a file of visits can change: its earliest visit's. A visit
    dated D changes a JASS's assessments from D on only (a first visit ends its DATASS-based
    assessments from D on, not before: health.datass_assessments). None when a visit is
    undated (the loader rejects those; nothing is assumed)."""
    dates = pd.to_datetime(values["fecha_visita"], errors="coerce")
    if dates.isna().any():
        return None
    return int(dates.dt.year.min())


def first_summary_year(since: int, catalog: Catalog) -> int:
    """The first summary year rows dated from `since` on can change: `since`, or a goal's
    year when that goal reads data of `since` or later (an activity's `anio_dato`), since a
    year's summary counts its goals."""
    earlier = [
        g.anio
        for g in catalog.goals
        if g.anio < since and any((a.anio_dato or g.anio) >= since for a in g.actividades)
    ]
    return min([since, *earlier])


# ------------------------------------------------------------------ when not to ---------------


def _years_of(conn: Connection, districts: list[str]) -> set[int]:
    """The summary years the raw rows of `districts` give (etl.derive.summary.summary_years)."""
    v, found = schema.visita, set()
    for part in chunks(districts):
        visit_years = select(func.extract("year", v.c.fecha_visita)).where(
            v.c.ubigeo.in_(part) & v.c.fecha_visita.is_not(None)
        )
        query = union(
            select(schema.diagnostico_cp.c.anio).where(schema.diagnostico_cp.c.ubigeo.in_(part)),
            select(schema.atm.c.anio).where(schema.atm.c.ubigeo.in_(part)),
            visit_years,
        )
        found |= {int(r[0]) for r in conn.execute(query) if r[0] is not None}
    return found


def derived_years(conn: Connection) -> list[int]:
    """The summary years of the last derivation."""
    r = schema.resumen_distrito
    return sorted(int(y) for y in conn.execute(select(r.c.anio).distinct()).scalars())


def last_derivation(conn: Connection) -> tuple | None:
    """(as-of date, catalogue version, model version) of the last finished load, if any."""
    c = schema.carga
    last = conn.execute(
        select(c.c.fecha_corte, c.c.version_catalogo, c.c.version_modelo)
        .where(c.c.terminada.is_not(None))
        .order_by(c.c.id.desc())
        .limit(1)
    ).first()
    return None if last is None else tuple(last)


def full_reason(
    conn: Connection, districts: set[str], as_of: dt.date, catalog: Catalog, model: Model
) -> str | None:
    """Why this load must derive every district (None: the touched ones are enough)."""
    last = last_derivation(conn)
    if last is None:
        return "first load"
    if tuple(last) != (as_of, catalog.version, model.version):
        return "another as-of date, catalogue or model than the last derivation"
    total = conn.execute(select(func.count()).select_from(schema.distrito)).scalar_one()
    if len(districts) > MAX_SHARE * total:
        return "the load touches many districts"
    # No write removes a year (a year is part of every raw key that carries one), so the
    # summary years stay those of the last derivation unless the touched districts add one.
    years = derived_years(conn)
    if not years or not {y for y in _years_of(conn, sorted(districts)) if y <= as_of.year} <= set(
        years
    ):
        return "the load adds a summary year"
    return None


# ------------------------------------------------------------------ the derivation ------------


def _filters(districts: list[str]) -> dict:
    """Row filters of the raw tables for the frames of `districts` (see the module docstring)."""
    s = schema
    orgs = select(s.organizacion_comunal.c.codigo_oc).where(
        s.organizacion_comunal.c.ubigeo.in_(districts)
    )
    link = s.oc_centro_poblado.c
    return {
        "distrito": s.distrito.c.ubigeo.in_(districts),
        "centro_poblado": s.centro_poblado.c.ubigeo.in_(districts),
        "diagnostico": s.diagnostico_cp.c.ubigeo.in_(districts),
        "orgs": s.organizacion_comunal.c.ubigeo.in_(districts),
        "registro": s.registro_oc.c.codigo_oc.in_(orgs),
        "oc_cp": or_(link.codigo_oc.in_(orgs), _prefixed(link.ubigeo_cp, districts)),
        "visitas": or_(s.visita.c.ubigeo.in_(districts), s.visita.c.codigo_oc.in_(orgs)),
        "atm": s.atm.c.ubigeo.in_(districts),
        "clasificacion": s.clasificacion_municipal.c.ubigeo.in_(districts),
        "avance": s.avance_meta.c.ubigeo.in_(districts),
        "mef": s.resultado_mef.c.ubigeo.in_(districts),
    }


def _keep(name: str, df: pd.DataFrame, districts: set[str]) -> pd.DataFrame:
    """The rows of one derived table that belong to `districts`."""
    if name == "cobertura":
        prefix = df["codigo"].astype(str).str[:6]
        mine = df["nivel"].isin(["cp", "distrito"]) & prefix.isin(districts)
        return df[mine]
    return df[df[DISTRICT_COLUMN[name]].isin(districts)]


def _delete_rows(
    conn: Connection,
    name: str,
    table,
    districts: list[str],
    first_year: int | None = None,
    orgs: set[str] | None = None,
) -> None:
    """Delete the derived rows of `districts` (of a yearly table: from `first_year` on; of
    the scores, with `orgs`: only theirs)."""
    if name == "puntaje_oc" and orgs is not None:
        for part in chunks(orgs):
            conn.execute(delete(table).where(table.c.codigo_oc.in_(part)))
        return
    for part in chunks(districts):
        if name == "cobertura":
            c = table.c
            cond = ((c.nivel == "cp") & _prefixed(c.codigo, part)) | (
                (c.nivel == "distrito") & c.codigo.in_(part)
            )
        else:
            cond = table.c[DISTRICT_COLUMN[name]].in_(part)
        if first_year is not None and name in YEARLY:
            cond = cond & (table.c.anio >= first_year)
        elif first_year is not None and name == "cobertura":  # survey years, and 0: the latest
            cond = cond & ((table.c.anio >= first_year) | (table.c.anio == coverage.LATEST))
        conn.execute(delete(table).where(cond))


def _upper_sums(conn: Connection, nivel: str, codes: list[str]) -> pd.DataFrame:
    """SUMS of the district coverage rows per (code of `nivel`, year), for `codes`."""
    t = schema.cobertura
    sums = [func.sum(t.c[s]).label(s) for s in coverage.SUMS]
    where = t.c.nivel == "distrito"
    if nivel == "nacion":
        query = select(t.c.anio, *sums).where(where).group_by(t.c.anio)
        df = pd.DataFrame(conn.execute(query).all(), columns=["anio", *coverage.SUMS])
        df.insert(0, "codigo", "PE")
    else:
        code = func.substr(t.c.codigo, 1, 4 if nivel == "provincia" else 2)
        where &= or_(false(), *(t.c.codigo.startswith(c, autoescape=True) for c in codes))
        query = select(code, t.c.anio, *sums).where(where).group_by(code, t.c.anio)
        df = pd.DataFrame(conn.execute(query).all(), columns=["codigo", "anio", *coverage.SUMS])
    return df.astype(dict.fromkeys(coverage.SUMS, "int64"))


def resum_upper_levels(conn: Connection, districts: set[str]) -> int:
    """Province, department and nation coverage rows above `districts`, summed again from the
    district rows (the same sums a full derivation makes from the CP rows)."""
    t = schema.cobertura
    wanted = {
        "provincia": sorted({d[:4] for d in districts}),
        "departamento": sorted({d[:2] for d in districts}),
        "nacion": ["PE"],
    }
    written = 0
    for nivel in UPPER_LEVELS:
        conn.execute(delete(t).where((t.c.nivel == nivel) & t.c.codigo.in_(wanted[nivel])))
        sums = _upper_sums(conn, nivel, wanted[nivel])
        written += frames.write(conn, t, coverage.with_rates(sums).assign(nivel=nivel))
    return written


def derive_batch(
    conn: Connection,
    target: set[str],
    as_of: dt.date,
    catalog: Catalog,
    model: Model,
    years: list[int],
    first_year: int | None = None,
    rescore: set[str] | None = None,
) -> dict[str, int]:
    """Derive and write the rows of the districts `target` (their old rows already deleted),
    from the raw rows of `target` and of the districts linked to it: one batch of a full
    derivation, or the districts a load touched (of the years from `first_year` on, when
    given; of the organisations `rescore` alone, when given, the others' stored scores kept).
    Coverage above the district level is left to `resum_upper_levels`."""
    from etl.derive import TABLES, compute_all  # the package imports this module

    read = sorted(target | linked(conn, target))
    f = frames.read_all(conn, _filters(read))
    kept = None if rescore is None else stored_scores(conn, set(f["orgs"]["codigo_oc"]) - rescore)
    derived = compute_all(f, as_of, catalog, model, years, first_year, kept)
    del f  # a batch's raw frames go before its rows are written (peak memory)
    return {
        name: frames.write(conn, TABLES[name], _keep(name, derived.pop(name), target))
        for name in TABLES
    }


def derive_districts(
    conn: Connection,
    touched: set[str],
    as_of: dt.date,
    catalog: Catalog,
    model: Model,
    since: int | None = None,
    orgs: set[str] | None = None,
) -> dict[str, int] | None:
    """Derive again what `touched` can change; None when a full derivation is needed.

    `since` and `orgs` (a load of visits only: `Touched.since`, `Touched.orgs`): the summary
    years before the one `first_summary_year` gives are kept as they are, and the scores of
    organisations other than `orgs`."""
    from etl.derive import TABLES  # the package imports this module

    target = touched | linked(conn, touched)
    if full_reason(conn, target, as_of, catalog, model) is not None:
        return None
    years = derived_years(conn)
    first = None if since is None else first_summary_year(min(since, as_of.year), catalog)
    if first is not None:
        years = [y for y in years if y >= first]
    districts = sorted(target)
    for name in reversed([t.name for t in schema.DERIVED_TABLES]):
        _delete_rows(conn, name, TABLES[name], districts, first, orgs)
    counts = derive_batch(conn, target, as_of, catalog, model, years, first, orgs)
    counts["cobertura"] += resum_upper_levels(conn, target)
    return counts


def stored_scores(conn: Connection, codes: set[str]) -> pd.DataFrame:
    """The stored scores of `codes` in the columns the snapshots read (derive.SCORE_COLUMNS),
    typed as health.score_assessments gives them. Driver rows (frames.fetch): a 10x
    district's ~10k scores through SQLAlchemy's Row and JSON processing took most of this."""
    from etl.derive import SCORE_COLUMNS  # the package imports this module

    t = schema.puntaje_oc
    rows: list[tuple] = []
    for part in chunks(codes):
        query = select(*(t.c[c] for c in SCORE_COLUMNS)).where(t.c.codigo_oc.in_(part))
        rows += frames.fetch(conn, query)  # the codes are the warehouse's own organisations
    df = pd.DataFrame(rows, columns=list(SCORE_COLUMNS))
    df["fecha_evaluacion"] = pd.to_datetime(df["fecha_evaluacion"])
    df["puntaje"] = pd.to_numeric(df["puntaje"]).astype(float)
    df["grado_provisional"] = frames.bools(df["grado_provisional"])
    df["motivo_provisional"] = [
        orjson.loads(v) if isinstance(v, (str, bytes)) else v for v in df["motivo_provisional"]
    ]
    return df


# ------------------------------------------------------------------ full, in batches ----------


def batches(conn: Connection, max_orgs: int) -> list[set[str]]:
    """Every district, in batches of consecutive codes (so a province's and a department's
    districts mostly stay together, and so do most linked ones) holding up to `max_orgs`
    organisations (a bigger district is a batch of its own): a full derivation holds one
    batch's frames at a time, so its memory follows a batch, not the country."""
    d, oc = schema.distrito, schema.organizacion_comunal
    query = select(oc.c.ubigeo, func.count()).group_by(oc.c.ubigeo)
    per_district = {str(u): int(n) for u, n in conn.execute(query)}
    out: list[set[str]] = []
    size = 0
    for ubigeo in sorted(str(u) for u in conn.execute(select(d.c.ubigeo)).scalars()):
        orgs = per_district.get(ubigeo, 0)
        if not out or (orgs and size + orgs > max_orgs):
            out.append(set())
            size = 0
        out[-1].add(ubigeo)
        size += orgs
    return out


def warehouse_years(conn: Connection, as_of: dt.date) -> list[int]:
    """The summary years of the whole warehouse (etl.derive.summary.summary_years in SQL):
    every batch of a full derivation summarises the same years."""
    s, v = schema, schema.visita
    query = union(
        select(s.diagnostico_cp.c.anio),
        select(s.atm.c.anio),
        select(func.extract("year", v.c.fecha_visita)).where(v.c.fecha_visita.is_not(None)),
    )
    found = {int(r[0]) for r in conn.execute(query) if r[0] is not None} | {as_of.year}
    return sorted(y for y in found if y <= as_of.year)
