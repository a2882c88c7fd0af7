"""The loader: files → validated rows → warehouse, in ONE transaction, idempotent.

`load_paths` reads and checks each file (no database needed), then opens one transaction:
records the load (carga), syncs the goal catalogue, applies the files in `sources.LOAD_ORDER`
of their kinds (so visits may reference organisations registered in the same load), records
each file and its rejects, runs `etl.derive.derive_all`, and commits. Any exception rolls
everything back: the warehouse is exactly as before.

Memory (issue #18): a file's frames are let go once it is written (before the derivation).
Files up to `read.PIECE_BYTES` are read and checked while the load is planned (their kinds
order it) and wait for their turn; a bigger CSV is only probed for its kind from its first
lines, then read, checked and written in pieces of `read.PIECE_ROWS` rows when its turn
comes (duplicate keys followed across pieces, within a savepoint), so no big file is ever
whole in memory.

Rows are upserted on their natural key, and an existing row is only rewritten when a value
differs, so loading the same files twice changes no data row (carga_id names the load that
last changed a row).

Speed (a national load is ~0.5 M rows): writes bind values column-wise and hand plain tuples
to the driver (`etl.derive.frames.insert_columns`), SQLite gets a large page cache for the
transaction (`etl.db.bulk_pragmas`), and the cyclic garbage collector is paused meanwhile.

Fault injection (for the crash-safety test): with the environment variable
`ATM_LOAD_KILL_AT=<stage>` the process SIGKILLs itself at that point of the transaction.
Stages: `after-file-<n>` (after writing the n-th table, 1-based, in load order),
`before-derive`, `before-commit`.
"""

from __future__ import annotations

import datetime as dt
import gc
import getpass
import hashlib
import os
import shutil
import signal
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, delete, insert, select, update
from tqdm import tqdm

from etl import catalog as catalog_mod
from etl import derive, schema, siasar_load, sources, writers
from etl import read as read_mod
from etl.db import PROJECT_ROOT, bulk_pragmas
from etl.derive import incremental
from etl.derive.health import Model, load_model
from etl.problems import FILE_CODES, Notice, Problem
from etl.reach import CODE_COLUMNS, WriteReach, check_rows
from etl.read import KindError, ReadError, Recognition, read_file, recognise
from etl.validate import (
    REFERENCE_CHECKS,
    Checked,
    References,
    check_references,
    check_table,
    undated_notice,
)

KILL_ENV = "ATM_LOAD_KILL_AT"
ARCHIVE_ENV = "ATM_ARCHIVE_DIR"
CHUNK = 5000  # rows per executemany batch
SUFFIXES = (".csv", ".xlsx", ".xlsm", ".xls")
# Types a parsed cell already has as a plain Python value.
_PLAIN = {str, int, float, bool, type(None), dt.date, dt.datetime, list}


@dataclass
class FileResult:
    """What happened to one file (one sheet of a workbook)."""

    path: Path
    kind: str | None = None
    sheet: str | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)
    sha256: str = ""
    archived: str | None = None
    checked: Checked | None = field(default=None, repr=False)
    pending: bool = False  # a big CSV, read and checked when its turn comes (_plan)
    raw_rows: dict[int, dict] = field(default_factory=dict, repr=False)  # rejected rows' cells
    undated: int = 0  # DATASS rows without a survey date (said once for a file in pieces)

    @property
    def failed(self) -> bool:
        """The file failed as a whole (unreadable, unknown kind, missing columns)."""
        return any(p.code in FILE_CODES for p in self.problems)


@dataclass
class LoadResult:
    """The outcome of one load_paths call."""

    files: list[FileResult]
    carga_id: int | None = None

    @property
    def exit_code(self) -> int:
        """0 every row loaded; 1 some rows rejected; 2 a file failed whole or nothing loaded."""
        if any(f.failed for f in self.files) or not any(f.rows_loaded for f in self.files):
            return 2
        return 1 if any(f.rows_rejected for f in self.files) else 0


def _checkpoint(stage: str) -> None:
    """Fault injection: die here, hard, when ATM_LOAD_KILL_AT names this stage."""
    if os.environ.get(KILL_ENV) == stage:
        os.kill(os.getpid(), signal.SIGKILL)


# ------------------------------------------------------------------ before the transaction --


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files as given; folders → every .csv/.xlsx inside (recursively), sorted."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = (p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES)
            out.extend(sorted(p for p in found if p.is_file() and not p.name.startswith("~$")))
        else:
            out.append(path)
    return out


def archive_dir() -> Path:
    """Where input files are copied: $ATM_ARCHIVE_DIR, default data/archivo/."""
    return Path(os.environ.get(ARCHIVE_ENV) or PROJECT_ROOT / "data" / "archivo")


def _archive(path: Path, sha: str) -> str:
    """Copy the file as <sha256[:16]>_<name> so the warehouse can be rebuilt from the archive."""
    folder = archive_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{sha[:16]}_{path.name}"
    if not target.exists():
        shutil.copyfile(path, target)
    return str(target)


def _file_problem(path: Path, template: str, sheet: str | None = None, **params) -> Problem:
    return Problem.make(template, file=path.name, sheet=sheet, **params)


def prepare_file(path: Path, today: dt.date, archive: bool = True) -> list[FileResult]:
    """Read, recognise and check one file: one FileResult per sheet (no database needed)."""
    base = FileResult(path=path)
    try:
        base.sha256, base.archived = _hash_and_archive(path, archive)
        tables = read_file(path)
    except ReadError as exc:
        base.problems.append(
            _file_problem(path, "unreadable-file", detail=exc.detail_es, detail_en=exc.detail_en)
        )
        return [base]
    except OSError as exc:
        detail = exc.strerror or type(exc).__name__
        base.problems.append(
            _file_problem(path, "unreadable-file", detail=detail, detail_en=detail)
        )
        return [base]
    results = [_prepare_table(base, table, today) for table in tables]
    return _drop_stray_sheets(results)


def _hash_and_archive(path: Path, archive: bool) -> tuple[str, str | None]:
    """The file's sha256 (streamed: the bytes are not held) and, unless not asked, its copy."""
    with path.open("rb") as fh:
        sha = hashlib.file_digest(fh, "sha256").hexdigest()
    return sha, (_archive(path, sha) if archive else None)


def _prepare_table(
    base: FileResult,
    table,
    today: dt.date,
    rec: Recognition | None = None,
    seen: dict[tuple, int] | None = None,
) -> FileResult:
    """Recognise and check one sheet. A later piece of a big CSV (read_csv_pieces) comes
    with the first piece's recognition and the keys seen so far, and says no file notices."""
    res = FileResult(path=base.path, sheet=table.sheet, sha256=base.sha256, archived=base.archived)
    res.rows_read = len(table.frame)
    later = rec is not None
    if rec is None:
        try:
            rec = recognise(list(table.frame.columns))
        except KindError as exc:
            res.problems.append(_file_problem(base.path, exc.template, table.sheet, **exc.params))
            res.rows_rejected = res.rows_read
            return res
    res.kind = rec.kind.name
    res.checked = check_table(table, rec, today=today, seen=seen)
    if res.kind in sources.SIASAR_KINDS and not _siasar_sheet(res):
        return res
    res.warnings.extend(res.checked.notices)
    if later:
        return res
    if res.rows_read == 0:  # a template saved without rows: say so rather than nothing
        res.warnings.append(
            Notice(
                "El archivo tiene encabezado pero ninguna fila de datos.",
                "The file has a header but no data rows.",
            )
        )
    if table.header_row > 1:
        res.warnings.append(
            Notice(
                f"Encabezado encontrado en la fila {table.header_row}.",
                f"Header found on row {table.header_row}.",
            )
        )
    return res


def _siasar_sheet(res: FileResult) -> bool:
    """A SIASAR sheet's country and places (issue 15); False when the file fails whole."""
    assert res.checked is not None
    problem = siasar_load.check_sheet(res.checked)
    if problem is not None:
        res.problems.append(problem)
        res.rows_rejected, res.checked = res.rows_read, None
        return False
    matched, total = siasar_load.match_rate(res.checked)
    share = f"{matched / total:.0%}" if total else "-"
    res.warnings.append(
        Notice(
            f"Lugares (divisiones): {matched} de {total} filas con distrito encontrado ({share}).",
            f"Places (divisiones): {matched} of {total} rows matched to a district ({share}).",
        )
    )
    return True


def _drop_stray_sheets(results: list[FileResult]) -> list[FileResult]:
    """In a workbook with a recognised sheet, an unrecognised one (notes, lists) is a warning."""
    good = [r for r in results if r.kind is not None]
    if not good or len(results) == 1:
        return results
    for r in results:
        if r.kind is None:
            good[0].warnings.append(
                Notice(
                    f"Hoja «{r.sheet}» ignorada: no se reconoce su contenido.",
                    f"Sheet '{r.sheet}' ignored: its content is not recognised.",
                )
            )
    return good


# ------------------------------------------------------------------ the transaction ---------


def load_paths(
    engine: Engine,
    paths: list[Path],
    *,
    user: str | None = None,
    progress: bool = False,
    as_of: dt.date | None = None,
    reach: WriteReach | None = None,
    dry_run: bool = False,
) -> LoadResult:
    """Load files and folders into the warehouse in one transaction; see the module docstring.

    `reach` limits the districts and kinds the load may write (dashboard uploads); `dry_run`
    checks everything against the warehouse, then rolls back: the problem report a user sees
    before confirming an upload (nothing archived, nothing derived, nothing written).
    """
    with _gc_paused():
        return _load(engine, paths, user, progress, as_of, reach or WriteReach(), dry_run)


def _load(
    engine: Engine,
    paths: list[Path],
    user,
    progress: bool,
    as_of,
    reach: WriteReach,
    dry_run: bool,
) -> LoadResult:
    """load_paths' work: plan the files, then the one transaction, where each file is read
    and checked just before it is written and let go after (issue #18: the 10× load held
    every file's text and values at once, ~6 GB). Small files and workbooks are read while
    planning (their kind orders the load); a big CSV is only probed for its kind and read
    in pieces of rows when its turn comes."""
    today = dt.date.today()
    as_of = as_of or today
    model = load_model()
    files = [r for p in expand_paths(paths) for r in _plan(p, today, not dry_run)]
    for res in files:
        if not res.pending:  # a big CSV's kind is checked once it is read
            _check_kind(res, reach)
    result = LoadResult(files=files)
    order = {name: i for i, name in enumerate(sources.LOAD_ORDER)}
    to_apply = sorted(
        (f for f in files if f.checked or f.pending),
        key=lambda f: order.get(f.kind or "", len(order)),
    )
    with engine.connect() as conn, bulk_pragmas(conn), conn.begin() as transaction:
        result.carga_id = _start_carga(conn, user, reach.account)
        cat = catalog_mod.sync_catalog(conn)
        bar = tqdm(total=len(to_apply), disable=not progress, file=sys.stderr, unit="archivo")
        touched = incremental.Touched(conn, track=not dry_run)
        writing = _Writing(conn, cat, result.carga_id, reach, touched, keep_raw=not dry_run)
        for n, res in enumerate(to_apply, start=1):
            bar.set_description(f"{res.path.name} ({res.kind})")
            if res.pending:
                _apply_pieces(writing, res, today)
            else:
                _apply_file(writing, res)
            _checkpoint(f"after-file-{n}")
            bar.update()
        bar.close()
        if dry_run:  # the report is complete: write nothing
            transaction.rollback()
            result.carga_id = None
            return result
        _record_files(conn, files, result.carga_id)
        for res in files:  # written: the rejected rows' cells need not last the derivation
            res.raw_rows = {}
        _checkpoint("before-derive")
        kept = _kept_derivation(conn, to_apply, cat, model)
        if kept is None:
            derive.derive_all(
                conn,
                as_of,
                cat,
                model,
                touched.districts,
                touched.siasar,
                touched.since,
                touched.orgs,
            )
            kept = (as_of, cat.version, model.version)
        _finish_carga(conn, result, versions=(kept[1], kept[2]), as_of=kept[0])
        _checkpoint("before-commit")
    return result


def _kept_derivation(
    conn: Connection, applied: list[FileResult], cat: catalog_mod.Catalog, model: Model
) -> tuple[dt.date, str, str] | None:
    """The last derivation's (as-of date, catalogue, model) when this load writes only kinds
    no derivation reads (a partnership accepted on the district page, an NGO portfolio) and
    the catalogue and model are still that derivation's: nothing derived can change, so the
    load skips the derivation (a full one on the first load of a day: tens of seconds on a
    national warehouse) and records that derivation's date, which the figures still carry.
    None: derive."""
    if not applied or any(f.kind not in sources.UNDERIVED_KINDS for f in applied):
        return None
    last = incremental.last_derivation(conn)
    if last is None or (last[1], last[2]) != (cat.version, model.version):
        return None
    return (last[0], last[1], last[2])


def _plan(path: Path, today: dt.date, archive: bool) -> list[FileResult]:
    """A file prepared now, or (a big CSV) its result to be filled when its turn comes:
    hashed and archived now, its kind probed from its first lines (see read.probe_kind)."""
    if not read_mod.is_big_csv(path):
        return prepare_file(path, today, archive)
    res = FileResult(path=path, pending=True)
    try:
        res.sha256, res.archived = _hash_and_archive(path, archive)
    except OSError as exc:
        detail = exc.strerror or type(exc).__name__
        res.problems.append(_file_problem(path, "unreadable-file", detail=detail, detail_en=detail))
        res.pending = False
        return [res]
    res.kind = read_mod.probe_kind(path)
    return [res]


@dataclass
class _Writing:
    """What writing a file needs: the load's connection, catalogue, carga id and reach, the
    districts it touches, and whether rejected rows' cells are kept (not in a dry run)."""

    conn: Connection
    cat: catalog_mod.Catalog
    carga_id: int
    reach: WriteReach
    touched: incremental.Touched
    keep_raw: bool


def _apply_file(w: _Writing, res: FileResult, latest: _LatestSurveys | None = None) -> None:
    """Write one checked file (or piece of a file), follow its districts, let its frames go
    (a dry run keeps nothing of them: its report needs no rejected row's cells). `latest`:
    a DATASS file in pieces, whose latest surveys are written after its last piece."""
    w.touched.before(_accepted(res), res.kind)
    if latest is None:
        _apply(w.conn, res, w.cat, w.carga_id, w.reach)
    else:
        latest.add(_apply(w.conn, res, w.cat, w.carga_id, w.reach, writers.write_datass_piece))
    w.touched.after(_accepted(res), res.kind)
    if w.keep_raw:
        _keep_raw_rows(res)
    res.undated = res.checked.undated if res.checked is not None else 0
    res.checked = None


def _apply_pieces(w: _Writing, res: FileResult, today: dt.date) -> None:
    """A big CSV read, checked and written piece by piece. The reader refuses a malformed
    file before its first piece (read.read_csv_pieces), so a file that fails whole writes
    nothing, as a whole read."""
    latest = None
    try:
        for piece in _pieces(res, today, w.reach):
            if piece.checked is not None:
                if latest is None and piece.kind == "datass":  # every piece has the first's kind
                    latest = _LatestSurveys()
                _apply_file(w, piece, latest)
            _merge(piece, res, today)
    except ReadError as exc:
        if res.rows_read:  # cannot happen (the reader checks first); never leave half a file
            raise
        res.kind, res.rows_loaded, res.rows_rejected, res.warnings = None, 0, 0, []
        res.problems = [
            _file_problem(
                res.path, "unreadable-file", detail=exc.detail_es, detail_en=exc.detail_en
            )
        ]
        return
    if latest is not None:
        writers.write_datass_latest(w.conn, *latest.columns())
    if res.undated:
        res.warnings.append(undated_notice(res.undated, today.year))


class _LatestSurveys:
    """A DATASS file read in pieces: for each CP and each provider code, the row of its latest
    survey so far (a later row of the same year wins, as in `writers._latest`), so that the
    CPs' and new providers' values are the whole file's latest, whatever the rows' order."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.best: dict[str, dict[str, tuple[int, tuple]]] = {"ubigeo_cp": {}, "codigo_ps": {}}

    def add(self, data: writers.Columns) -> None:
        self.names = [c for c in data if c in writers.DATASS_LATEST_COLUMNS]
        rows = list(zip(*(data[c] for c in self.names), strict=True))
        for key, best in self.best.items():
            if key not in data:
                continue
            for code, anio, row in zip(data[key], data["anio"], rows, strict=True):
                if code and (code not in best or anio >= best[code][0]):
                    best[code] = (anio, row)

    def columns(self) -> tuple[writers.Columns, writers.Columns]:
        """(one row per CP, one row per provider code), column by column."""
        out = []
        for best in self.best.values():
            rows = [row for _, row in best.values()]
            out.append({c: [r[j] for r in rows] for j, c in enumerate(self.names)} if rows else {})
        return out[0], out[1]


def _pieces(res: FileResult, today: dt.date, reach: WriteReach) -> Iterator[FileResult]:
    """A big CSV's pieces, each checked as a file (the kind recognised once, on the first;
    duplicate keys followed across pieces). Stops after a first piece that is not loaded
    (unknown kind, missing columns, a kind the reach does not allow)."""
    res.pending, res.kind = False, None
    seen: dict[tuple, int] = {}
    base = FileResult(path=res.path, sha256=res.sha256, archived=res.archived)
    rec = None
    tables = read_mod.read_csv_pieces(res.path)
    for table in tables:
        piece = _prepare_table(base, table, today, rec=rec, seen=seen)
        if rec is None:
            res.kind = piece.kind
            _check_kind(piece, reach)
            if piece.checked is None:  # the whole file is rejected: count its rows
                for rest in tables:
                    piece.rows_read += len(rest.frame)
                piece.rows_rejected = piece.rows_read
                yield piece
                return
            rec = piece.checked.rec
        else:  # the columns notice: said once for the file, by the first piece
            piece.warnings = [w for w in piece.warnings if w not in res.warnings]
        yield piece


def _merge(piece: FileResult, into: FileResult, today: dt.date) -> None:
    """Add a piece's counts, problems and notices to its file's result (its undated rows
    are said once, for the whole file)."""
    into.rows_read += piece.rows_read
    into.rows_loaded += piece.rows_loaded
    into.rows_rejected += piece.rows_rejected
    into.problems.extend(piece.problems)
    into.raw_rows.update(piece.raw_rows)
    into.undated += piece.undated
    notice = undated_notice(piece.undated, today.year) if piece.undated else None
    into.warnings.extend(w for w in piece.warnings if w != notice)


def _keep_raw_rows(res: FileResult) -> None:
    """The rejected rows as typed (for `rechazo.datos`), kept before the file's frames go."""
    checked = res.checked
    if checked is None:
        return
    for p in res.problems:
        if p.row and p.row not in res.raw_rows:
            res.raw_rows[p.row] = _raw_row(checked, p.row)


def _accepted(res: FileResult) -> pd.DataFrame:
    checked = res.checked
    assert checked is not None
    return checked.values[~checked.rejected]


def rederive(engine: Engine, user: str | None = None, as_of: dt.date | None = None) -> int:
    """Derive every table again as of `as_of` (today), recorded as a load without files."""
    as_of = as_of or dt.date.today()
    result = LoadResult(files=[])
    with _gc_paused(), engine.connect() as conn, bulk_pragmas(conn), conn.begin():
        carga_id = result.carga_id = _start_carga(conn, user)
        cat = catalog_mod.sync_catalog(conn)
        model = load_model()
        derive.derive_all(conn, as_of, cat, model)
        _finish_carga(conn, result, versions=(cat.version, model.version), as_of=as_of)
    return carga_id


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the load, then restore it.

    A national load holds millions of container objects; the collector's repeated passes over
    them cost about a second and free nothing (the load's memory goes by reference counting).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _check_kind(res: FileResult, reach: WriteReach) -> None:
    """A kind the reach does not allow fails its file (nothing of it is written)."""
    if res.kind is None or reach.allows_kind(res.kind):
        return
    kinds = ", ".join(sorted(reach.kinds or ()))
    res.problems.append(
        _file_problem(res.path, "not-allowed", res.sheet, kind=res.kind, kinds=kinds)
    )
    res.rows_rejected, res.rows_loaded, res.checked = res.rows_read, 0, None


def _start_carga(conn: Connection, user: str | None, account: str | None = None) -> int:
    """Open the carga row (finished in _finish_carga within the same transaction)."""
    row = {
        "iniciada": dt.datetime.now(),
        "usuario": user or _whoami(),
        "cuenta": account,
        "equipo": socket.gethostname(),
        "estado": "sin_datos",
        "filas_leidas": 0,
        "filas_cargadas": 0,
        "filas_rechazadas": 0,
    }
    return conn.execute(insert(schema.carga).returning(schema.carga.c.id), row).scalar_one()


def _whoami() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        return "desconocido"


def _finish_carga(
    conn: Connection, result: LoadResult, versions: tuple[str, str], as_of: dt.date
) -> None:
    """Counts, state, end time, catalogue and model versions and as-of date of the load."""
    read = sum(f.rows_read for f in result.files)
    loaded = sum(f.rows_loaded for f in result.files)
    rejected = sum(f.rows_rejected for f in result.files)
    estado = "sin_datos" if loaded == 0 else ("ok" if result.exit_code == 0 else "con_rechazos")
    conn.execute(
        update(schema.carga)
        .where(schema.carga.c.id == result.carga_id)
        .values(
            terminada=dt.datetime.now(),
            estado=estado,
            filas_leidas=read,
            filas_cargadas=loaded,
            filas_rechazadas=rejected,
            version_catalogo=versions[0],
            version_modelo=versions[1],
            fecha_corte=as_of,
        )
    )


def _references(conn: Connection, cat: catalog_mod.Catalog, checked: Checked) -> References:
    """What the warehouse knows now (including this load's rows written so far) of the
    organisations the file names: a small file reads a few rows, not every organisation."""
    oc = schema.organizacion_comunal
    values = checked.values
    codes = {c for col in CODE_COLUMNS if col in values for c in values[col].dropna()}
    districts: dict[str, str] = {}
    for part in incremental.chunks(str(c) for c in codes):
        query = select(oc.c.codigo_oc, oc.c.ubigeo).where(oc.c.codigo_oc.in_(part))
        districts.update((str(code), str(ubigeo)) for code, ubigeo in conn.execute(query))
    activities = {(g.anio, g.numero, a.id) for g in cat.goals for a in g.actividades}
    return References(districts, activities, {g.key for g in cat.goals})


def _apply(
    conn: Connection,
    res: FileResult,
    cat: catalog_mod.Catalog,
    carga_id: int,
    reach: WriteReach | None = None,
    writer: writers.Writer | None = None,
) -> writers.Columns:
    """Check references (and the uploader's districts), then write the accepted rows (with
    the kind's writer unless another is given); returns them as written."""
    checked = res.checked
    assert checked is not None
    refs = None
    if checked.kind in REFERENCE_CHECKS:
        refs = _references(conn, cat, checked)
        check_references(checked, refs)
    if checked.kind == "siasar_vinculo":
        refs = refs or _references(conn, cat, checked)
        siasar_load.check_links(conn, checked, refs.oc_district)
    if reach is not None and reach.districts is not None:
        refs = refs or _references(conn, cat, checked)
        check_rows(checked, reach, refs.oc_district)
    res.rows_rejected = int(checked.rejected.sum())
    res.rows_loaded = res.rows_read - res.rows_rejected
    res.problems.extend(checked.problems)
    accepted = checked.values[~checked.rejected]
    data = {c: _natives(accepted[c]) for c in accepted.columns}
    data["carga_id"] = [carga_id] * len(accepted)
    (writer or WRITERS[checked.kind])(conn, data)
    return data


def _native(value: object) -> object:
    """A numpy scalar or pd.NA as the plain value DataFrame.to_dict('records') would give."""
    if value is pd.NA:
        return None
    if isinstance(value, np.datetime64):
        return pd.Timestamp(value)
    return value.item() if isinstance(value, np.generic) else value


def _natives(s: pd.Series) -> list:
    """One column as plain Python values (parsed columns hold Python objects already)."""
    values = s.tolist()
    if s.dtype != object or set(map(type, values)) <= _PLAIN:  # the set: one C-speed pass
        return values
    return [v if type(v) in _PLAIN else _native(v) for v in values]


# ------------------------------------------------------------------ audit rows --------------


def _record_files(conn: Connection, files: list[FileResult], carga_id: int) -> None:
    """One carga_archivo row per file/sheet; its problems replace earlier rejects of that file."""
    shas = {f.sha256 for f in files if f.sha256}
    if shas:
        conn.execute(delete(schema.rechazo).where(schema.rechazo.c.sha256.in_(shas)))
    for f in files:
        archivo_id = conn.execute(
            insert(schema.carga_archivo).returning(schema.carga_archivo.c.id),
            {
                "carga_id": carga_id,
                "archivo": f.path.name,
                "sha256": f.sha256 or "-",
                "tipo": f.kind,
                "hoja": f.sheet,
                "filas_leidas": f.rows_read,
                "filas_cargadas": f.rows_loaded,
                "filas_rechazadas": f.rows_rejected,
                "archivado_en": f.archived,
            },
        ).scalar_one()
        rows = [_rechazo_row(f, p, archivo_id) for p in f.problems]
        for start in range(0, len(rows), CHUNK):
            conn.execute(insert(schema.rechazo), rows[start : start + CHUNK])


def _rechazo_row(f: FileResult, p: Problem, archivo_id: int) -> dict:
    return {
        "carga_archivo_id": archivo_id,
        "sha256": f.sha256 or "-",
        "archivo": f.path.name,
        "tipo": f.kind,
        "hoja": p.sheet,
        "fila": p.row,
        "columna": p.column,
        "valor": p.value,
        "codigo": p.code,
        "mensaje_es": p.message_es,
        "mensaje_en": p.message_en,
        "sugerencia_es": p.hint_es,
        "sugerencia_en": p.hint_en,
        "datos": f.raw_rows.get(p.row) if p.row else None,
    }


def _raw_row(checked: Checked, row: int) -> dict:
    """The row as the user typed it, known columns only, personal fields removed (Ley 29733)."""
    personal = {f.name for f in checked.rec.kind.fields if f.personal}
    headers = [h for c, h in checked.rec.columns.items() if c not in personal]
    if checked.rec.split_cp:
        headers.append(checked.rec.split_cp)
    cells = checked.table.frame.loc[row, headers]
    return {h: str(v) for h, v in cells.items()}


# Each kind's writer (etl/writers.py); a kind without one upserts into its first table.
WRITERS: dict[str, writers.Writer] = {
    k.name: k.writer or writers.simple(k.tables[0]) for k in sources.KINDS.values()
}
