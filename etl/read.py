"""Reading input files: .csv/.xlsx → raw text tables, and recognising each table's kind.

Everything is read as text so codes keep their zeros; the validator parses values. Row numbers
are the ones the user sees in Excel (or a text editor for CSV): the header's own row is k, the
first data row k + 1. Fully empty rows are dropped and not counted.
"""

from __future__ import annotations

import codecs
import io
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from etl import limits, sources, xls
from etl.normalize import header_key

HEADER_SCAN_ROWS = 10  # clerks put a few title rows above the header
SEPARATORS = (";", ",", "\t")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
SPLIT_CP_KEY = "centropobladonombre"  # DATASS "<10-digit code> - <name>"


class ReadError(Exception):
    """The file cannot be read at all (missing, empty, binary, corrupt)."""

    def __init__(self, detail_es: str, detail_en: str) -> None:
        super().__init__(detail_en)
        self.detail_es = detail_es
        self.detail_en = detail_en


class KindError(Exception):
    """The table's header matches no input kind (or misses required columns)."""

    def __init__(self, template: str, **params: str) -> None:
        super().__init__(template)
        self.template = template
        self.params = params


@dataclass
class RawTable:
    """One sheet (or CSV file) as text: header texts and data rows keyed by their row number."""

    path: Path
    sheet: str | None
    header_row: int
    frame: pd.DataFrame  # columns = header texts, index = row numbers, cells = str
    positions: tuple[int, ...] = ()  # where the frame's columns are in the file's grid


@dataclass
class Recognition:
    """Which kind a table is and which of its columns feeds each canonical field."""

    kind: sources.Kind
    columns: dict[str, str]  # canonical name -> header text in the file
    split_cp: str | None = None  # header of a DATASS "<code> - <name>" column
    extras: list[str] = field(default_factory=list)


def _kind_keys(kind: sources.Kind) -> dict[str, str]:
    """Header key -> canonical name, for a kind's names and aliases."""
    keys: dict[str, str] = {}
    for f in kind.fields:
        for name in (f.name, *f.aliases, *kind.extra_aliases.get(f.name, ())):
            keys.setdefault(header_key(name), f.name)
    return keys


KIND_KEYS = {name: _kind_keys(kind) for name, kind in sources.KINDS.items()}
KNOWN_KEYS = frozenset(k for keys in KIND_KEYS.values() for k in keys) | {SPLIT_CP_KEY}


# ------------------------------------------------------------------ files → text grids -----


def read_file(path: Path) -> list[RawTable]:
    """Every sheet of `path` that holds data, as raw text tables; ReadError if unreadable."""
    if not path.is_file():
        raise ReadError("el archivo no existe", "the file does not exist")
    data = path.read_bytes()
    if not data.strip():
        raise ReadError("el archivo está vacío", "the file is empty")
    if xls.is_ole2(data):  # legacy .xls, whatever the file is called
        grids = _xls_grids(data)
    elif path.suffix.lower() in EXCEL_SUFFIXES or data[:4] == b"PK\x03\x04":
        grids = _excel_grids(path)
    else:
        grids = {None: _csv_grid(data)}
    found = (_table(path, sheet, grid) for sheet, grid in grids.items())
    tables = [t for t in found if t is not None]
    if not tables:
        raise ReadError("no tiene filas con datos", "it has no rows with data")
    return tables


def _decode(data: bytes) -> tuple[str, str, int]:
    """UTF-8 with or without BOM, else Windows-1252 (Excel's 'CSV' in a Spanish locale): the
    text, its encoding and where it starts (after a BOM)."""
    if b"\x00" in data[:4096]:
        raise ReadError("es un archivo binario, no un CSV", "it is a binary file, not a CSV")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8", 3
    try:
        return data.decode("utf-8"), "utf-8", 0
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252", 0


def _sniff_separator(lines: list[str]) -> str:
    """The separator with the most occurrences on any of the first lines (the header line)."""
    head = lines[: HEADER_SCAN_ROWS + 2]
    return max(SEPARATORS, key=lambda sep: max((line.count(sep) for line in head), default=0))


# Line breaks of str.splitlines that pandas' parser does not break at (limits.LINE_BREAK).
OTHER_BREAKS = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


def _csv_grid(data: bytes) -> pd.DataFrame:
    """A CSV as a grid of text, one grid row per line."""
    text, encoding, start = _decode(data)
    lines = text.splitlines()
    sep = _sniff_separator(lines)
    # The widest line (title rows are narrower); map keeps the per-line count at C speed.
    width = max(map(str.count, lines, itertools.repeat(sep)), default=0) + 1
    # The parser's extent is these lines unless the text holds a break only splitlines knows
    # (then it is measured again the parser's way): the same check without a second split.
    if lines and not any(ch in text for ch in OTHER_BREAKS):
        extent = limits.Extent(rows=len(lines), columns=width)
    else:
        extent = limits.csv_extent(text, sep)
    within_limits(lambda: limits.check_extent(extent, limits.READ_LIMITS))
    del text, lines
    try:
        # The bytes, not the text: io.StringIO holds 4 bytes per character (a 500 MB CSV
        # took 2 GB more), and pandas would encode the text to UTF-8 again for its parser.
        grid = pd.read_csv(
            io.BytesIO(data[start:] if start else data), **_csv_options(encoding, sep, width)
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise ReadError(f"CSV mal formado ({exc})", f"malformed CSV ({exc})") from None
    return grid


def _csv_options(encoding: str, sep: str, width: int) -> dict:
    """pandas' reading of a CSV as a grid of text: every cell a str, one grid row per line."""
    return {
        "encoding": encoding,
        "encoding_errors": "replace",
        "sep": sep,
        "header": None,
        "names": range(width),
        "dtype": str,
        "keep_default_na": False,
        "skip_blank_lines": False,
        "quotechar": '"',
    }


def _excel_grids(path: Path) -> dict[str | None, pd.DataFrame]:
    """Every sheet of a workbook as a grid of text."""
    within_limits(lambda: limits.check_workbook(path, limits.READ_LIMITS))
    try:
        sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=object, engine="calamine")
    except Exception as exc:  # calamine raises its own error types for corrupt files
        msg = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        es, en = f"no es un libro Excel válido ({msg})", f"not a valid workbook ({msg})"
        raise ReadError(es, en) from None
    return {name: sheet.apply(_cells_as_text) for name, sheet in sheets.items()}


def within_limits(check: Callable[[], None]) -> None:
    """Run an extent check of etl/limits.py; a table too big to build is a ReadError."""
    try:
        check()
    except limits.TooLarge as exc:
        raise ReadError(exc.es, exc.en) from None


def _cells_as_text(col: pd.Series) -> pd.Series:
    """Excel cells → text: 10101.0 → '10101', dates → ISO, blanks → ''."""
    inferred = pd.api.types.infer_dtype(col, skipna=True)
    if inferred in ("floating", "integer", "mixed-integer-float"):
        num = pd.to_numeric(col, errors="coerce")
        whole = num.notna() & (num == np.floor(num))
        text = num.astype(str).where(~whole, num.fillna(0).astype("int64").astype(str))
        return text.where(num.notna(), "")
    if inferred == "string":
        return col.fillna("").astype(str)
    return col.map(_cell_text)


def _cell_text(value: object) -> str:
    """One Excel cell of a mixed column as text."""
    # The common cells first, by exact type (a subclass, e.g. numpy's float64, goes on below).
    if type(value) is str:
        return value
    if type(value) is int:
        return str(value)
    if type(value) is float:
        if value != value:  # NaN
            return ""
        return str(int(value)) if value.is_integer() else str(value)
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp):
        return value.isoformat(sep=" ")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


# ------------------------------------------------------------------ legacy .xls -------------

NUL = "\x00"
XLS_MAX_CELLS = 5_000_000  # a SIASAR national sheet has ~0.4 M; BIFF8 allows 16 M


def _xls_grids(data: bytes) -> dict[str | None, pd.DataFrame]:
    """Every sheet of a legacy .xls as a grid of text (see etl/xls.py: the codepage repair, and
    why calamine runs in a child process here)."""
    try:
        rows = xls.read_sheets(data, XLS_MAX_CELLS)
    except xls.XlsError as exc:
        if exc.too_big is not None:
            raise ReadError(
                f"la hoja «{exc.too_big}» tiene más de {XLS_MAX_CELLS:,} celdas; divídala",
                f"sheet '{exc.too_big}' has more than {XLS_MAX_CELLS:,} cells; split it",
            ) from None
        es, en = (
            f"no es un libro Excel válido ({exc.detail})",
            f"not a valid workbook ({exc.detail})",
        )
        raise ReadError(es, en) from None
    grids: dict[str | None, pd.DataFrame] = {}
    for name, cells in rows.items():
        grid = pd.DataFrame(cells, dtype=object)
        grids[name] = grid.apply(_cells_as_text) if len(grid.columns) else grid
    return grids


def without_nul(grid: pd.DataFrame) -> pd.DataFrame:
    """The grid without NUL characters: the one place every file's text passes through on
    its way to the warehouse (PostgreSQL refuses NUL in text; in SQLite it cuts strings)."""
    dirty = [c for c in grid.columns if NUL in "\x01".join(grid[c].tolist())]
    for c in dirty:
        grid[c] = grid[c].str.replace(NUL, "", regex=False)
    return grid


# ------------------------------------------------------------------ grid → table -----------


def _header_index(grid: pd.DataFrame) -> int | None:
    """Position of the header: among the first rows, the one naming most known columns."""
    best, best_score = None, 0
    for i in range(min(HEADER_SCAN_ROWS, len(grid))):
        cells = [c for c in grid.iloc[i].tolist() if str(c).strip()]
        score = sum(header_key(c) in KNOWN_KEYS for c in cells)
        if best is None and cells:
            best = i  # no known name anywhere: the first non-empty row
        if score > best_score:
            best, best_score = i, score
    return best


def _unique_headers(cells: list[str]) -> list[str]:
    """Header texts, blanks named by position, repeats suffixed so every column has a name."""
    out: list[str] = []
    for j, cell in enumerate(cells):
        name = re.sub(r"\s+", " ", str(cell)).strip() or f"columna_{j + 1}"
        while name in out:
            name += "_2"
        out.append(name)
    return out


def _table(path: Path, sheet: str | None, grid: pd.DataFrame) -> RawTable | None:
    """The data rows under the detected header, or None when the grid holds nothing."""
    grid = without_nul(grid.fillna("").astype(str))
    pos = _header_index(grid)
    if pos is None:
        return None
    header = grid.iloc[pos].tolist()
    body = grid.iloc[pos + 1 :].copy()
    body.columns = _unique_headers(header)
    body.index = pd.RangeIndex(pos + 2, pos + 2 + len(body))  # Excel row numbers
    # One numpy compare over the plain str objects (stripping 5M cells here costs seconds).
    filled = body.to_numpy(dtype=object) != ""
    # A column with neither a header nor data is Excel's leftover formatting, not a column.
    kept = [bool(h.strip()) for h in header] | filled.any(axis=0)
    body = body.loc[:, kept]
    body = body[filled.any(axis=1)]
    return RawTable(
        path=path,
        sheet=sheet and sheet.replace(NUL, ""),
        header_row=pos + 1,
        frame=body,
        positions=tuple(np.flatnonzero(kept).tolist()),
    )


# ------------------------------------------------------------------ kind recognition -------


def _match(kind_name: str, headers: list[str]) -> Recognition:
    """Map a header onto one kind's canonical names (first matching column wins)."""
    kind = sources.KINDS[kind_name]
    keys = KIND_KEYS[kind_name]
    rec = Recognition(kind=kind, columns={})
    for h in headers:
        canon = keys.get(header_key(h))
        if canon and canon not in rec.columns:
            rec.columns[canon] = h
        elif header_key(h) == SPLIT_CP_KEY and kind_name == "datass" and not rec.split_cp:
            rec.split_cp = h
        else:
            rec.extras.append(h)
    return rec


def _provided(rec: Recognition) -> set[str]:
    """Canonical fields the table provides (a split DATASS column provides two)."""
    got = set(rec.columns)
    return got | {"ubigeo_cp", "centro_poblado"} if rec.split_cp else got


def recognise(headers: list[str]) -> Recognition:
    """The kind whose required columns are all present and which matches most columns."""
    recs = [_match(name, headers) for name in sources.LOAD_ORDER]
    scored = sorted(recs, key=lambda r: -len(_provided(r)))
    best = scored[0]
    eligible = [r for r in scored if set(r.kind.required) <= _provided(r)]
    found = ", ".join(headers[:30])
    if eligible and len(_provided(eligible[0])) >= len(_provided(best)):
        return eligible[0]
    if best.kind.required and set(best.kind.required) & _provided(best):
        missing = [c for c in best.kind.required if c not in _provided(best)]
        raise KindError(
            "missing-column", kind=best.kind.name, missing=", ".join(missing), found=found
        )
    raise KindError("unknown-kind", found=found, kinds=", ".join(sources.LOAD_ORDER))


# ------------------------------------------------------------------ big CSVs, in pieces ----

# A CSV above PIECE_BYTES is read PIECE_ROWS grid rows at a time (issue #18: the 10× DATASS
# file, 519 MB, held ~2.7 GB as text and lines before pandas even parsed it, and its grid of
# 100 M text cells several more). Smaller files are read whole, as always.
PIECE_BYTES = 64 * 1024 * 1024
PIECE_ROWS = 25_000
_BLOCK = 8 * 1024 * 1024  # bytes decoded at a time while measuring a big CSV
_HEAD = 1024 * 1024  # bytes a kind probe reads


def is_big_csv(path: Path) -> bool:
    """A text file (no workbook by name or by signature) big enough to be read in pieces."""
    try:
        if not path.is_file() or path.stat().st_size <= PIECE_BYTES:
            return False
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError:
        return False
    workbook = path.suffix.lower() in EXCEL_SUFFIXES or head[:4] == b"PK\x03\x04"
    return not (workbook or xls.is_ole2(head))


def probe_kind(path: Path) -> str | None:
    """The kind of a big CSV from its first lines (the header is among the first
    HEADER_SCAN_ROWS rows), or None when they say nothing; the loader orders files by kind
    before reading them. The full read recognises the kind again from the same rows."""
    try:
        with path.open("rb") as fh:
            head = fh.read(_HEAD)
        cut = head.rfind(b"\n")
        grid = _csv_grid(head[: cut + 1] if cut > 0 else head)
        table = _table(path, None, grid)
        return recognise(list(table.frame.columns)).kind.name if table is not None else None
    except (OSError, ReadError, KindError):
        return None


def _measure(path: Path) -> tuple[str, str, int, limits.Extent]:
    """One streamed pass over a big CSV: its encoding (UTF-8 unless a byte says otherwise,
    as `_decode`), separator, where the text starts (after a BOM) and the parser's extent."""
    with path.open("rb") as fh:
        head = fh.read(_HEAD)
    if b"\x00" in head[:4096]:
        raise ReadError("es un archivo binario, no un CSV", "it is a binary file, not a CSV")
    start = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    sep = _sniff_separator(head[start:].decode("utf-8", errors="replace").splitlines())
    for encoding in ("utf-8", "cp1252"):
        try:
            return encoding, sep, start, _stream_extent(path, start, encoding, sep)
        except UnicodeDecodeError:
            continue  # not UTF-8: Windows-1252, as _decode
    raise ReadError("codificación desconocida", "unknown encoding")  # cp1252 maps every byte


def _stream_extent(path: Path, start: int, encoding: str, sep: str) -> limits.Extent:
    """Lines as the parser splits them (limits.csv_extent) and the widest, block by block."""
    # UTF-8 strictly (a bad byte means Windows-1252, as `_decode`), except after a BOM.
    strict = encoding == "utf-8" and start == 0
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict" if strict else "replace")
    rows, widest, carry = 0, -1, ""
    with path.open("rb") as fh:
        fh.seek(start)
        while True:
            block = fh.read(_BLOCK)
            text = carry + decoder.decode(block, final=not block)
            lines = limits.LINE_BREAK.split(text)
            # The last piece may be a line cut by the block (or a '\r' whose '\n' follows).
            if block:
                carry = lines.pop()
                if text.endswith("\r"):  # its '\n' may open the next block: one break
                    carry = lines.pop() + "\r"
            elif lines and lines[-1] == "":  # the text ends with a break: no line after it
                lines.pop()
            rows += len(lines)
            widest = max(widest, max(map(str.count, lines, itertools.repeat(sep)), default=-1))
            if not block:
                break
    return limits.Extent(rows=rows, columns=widest + 1)


def read_csv_pieces(path: Path, rows: int | None = None) -> Iterator[RawTable]:
    """A big CSV as raw tables of up to `rows` grid rows each, with the header, columns and
    row numbers a whole read gives (`_table` on the first piece finds the header; the others
    take its columns). ReadError as `read_file`."""
    encoding, sep, start, extent = _measure(path)
    within_limits(lambda: limits.check_extent(extent, limits.READ_LIMITS))
    width = max(extent.columns, 1)
    _parses(path, start, _csv_options(encoding, sep, width), rows or PIECE_ROWS)
    first: RawTable | None = None
    done = 0  # grid rows before this piece
    with path.open("rb") as fh:
        fh.seek(start)
        try:
            reader = pd.read_csv(
                fh, **_csv_options(encoding, sep, width), chunksize=rows or PIECE_ROWS
            )
            for grid in reader:
                if first is None:
                    first = _table(path, None, grid)
                    if first is None:
                        raise ReadError("no tiene filas con datos", "it has no rows with data")
                    yield first
                else:
                    yield _next_piece(first, grid, done)
                done += len(grid)
        except (pd.errors.ParserError, ValueError) as exc:
            raise ReadError(f"CSV mal formado ({exc})", f"malformed CSV ({exc})") from None
    if first is None:
        raise ReadError("no tiene filas con datos", "it has no rows with data")


def _parses(path: Path, start: int, options: dict, rows: int) -> None:
    """ReadError now if the parser would refuse the file anywhere (an unterminated quote):
    one parsing pass holding one piece at a time (not `usecols`: pandas then refuses a row
    narrower than the widest line), so that the loader never
    has to undo the pieces it wrote (a savepoint would make SQLite copy every page the file
    changes into its sub-journal, in memory)."""
    with path.open("rb") as fh:
        fh.seek(start)
        try:
            for _ in pd.read_csv(fh, **options, chunksize=rows):
                pass
        except (pd.errors.ParserError, ValueError) as exc:
            raise ReadError(f"CSV mal formado ({exc})", f"malformed CSV ({exc})") from None


def _next_piece(first: RawTable, grid: pd.DataFrame, done: int) -> RawTable:
    """A later piece of a big CSV: the first piece's columns (a column without a header
    whose data starts after the first piece is not read), rows numbered on from it."""
    grid = without_nul(grid.fillna("").astype(str))
    body = grid.iloc[:, list(first.positions)]
    body.columns = first.frame.columns
    body.index = pd.RangeIndex(done + 1, done + 1 + len(body))  # Excel row numbers
    filled = body.to_numpy(dtype=object) != ""
    return RawTable(path=first.path, sheet=None, header_row=first.header_row,
                    frame=body[filled.any(axis=1)])  # fmt: skip
