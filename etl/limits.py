"""How big a table the reader will build: a sheet's or CSV's real extent, checked before reading.

The reader turns a sheet into a dense grid (rows x columns cells), so what a file costs is its
extent, not its size on disk: one cell at row 150,000, column 2,000 of a 1.7 KB workbook makes
a 300-million-cell grid (issue #19: the serving process died allocating 9.6 GB). A sheet's
`<dimension>` may lie or be missing, so the extent is measured from the sheet XML itself,
streamed in chunks (`SheetScanner`): the highest row and column any cell or row names, plus
cells and rows that name none (they take the next position). A CSV's extent is counted the way
pandas' parser splits it: lines end at `\\r\\n`, `\\r` or `\\n`, and its widest line sets the
number of columns.

`check_extent` compares an extent with `Limits` and raises `TooLarge` with a message a clerk
can act on. The reader applies `READ_LIMITS` to every file (command line included); dashboard
uploads apply the stricter `UPLOAD_LIMITS` before the file is even staged (dashboard/uploads.py).
Any other reader (the legacy .xls path, say) measures its sheet and calls `check_extent` too.
"""

from __future__ import annotations

import itertools
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

CHUNK = 1024 * 1024
MAX_TAG = 64 * 1024  # an XML tag longer than this is not a spreadsheet's
WORKSHEETS = "xl/worksheets/"
LETTERS_WIDTH = 8  # column letters are right-aligned to this width to compare them as text


@dataclass(frozen=True)
class Limits:
    """The largest table a reader may build: rows, columns and cells (rows x columns)."""

    rows: int
    columns: int
    cells: int


# Every file, command line included (a trusted operator): a grid that fits in a 24 GB server's
# memory (~100 million cells, ~6-10 GB as text). Not Excel's 1,048,576 rows: a CSV has no such
# limit, and ten years of national visits run to millions of rows (the 10x sample's visit file
# has 1.6 million; Excel's cap refused it). A sparse workbook or a 100,000-comma line still
# fails here before anything is allocated.
READ_LIMITS = Limits(rows=20_000_000, columns=16_384, cells=100_000_000)
# Dashboard uploads (our choice, README "Choices"): a district's file is far smaller; these
# keep a preview under ~1 GB and ~a minute on a small server. Bigger files: command line.
UPLOAD_LIMITS = Limits(rows=200_000, columns=1_000, cells=5_000_000)


@dataclass(frozen=True)
class Extent:
    """A table's real size: its highest row and highest column (1-based; 0 when empty)."""

    rows: int
    columns: int

    @property
    def cells(self) -> int:
        return self.rows * self.columns


class TooLarge(ValueError):
    """A table bigger than the limits; both messages say how big and what to do."""

    def __init__(self, es: str, en: str) -> None:
        super().__init__(f"{es} / {en}")
        self.es, self.en = es, en


def check_extent(extent: Extent, limits: Limits, where: str = "") -> None:
    """TooLarge when `extent` exceeds any of `limits` (`where`: the sheet's name, if any)."""
    at_es = f"La hoja «{where}»" if where else "El archivo"
    at_en = f"Sheet '{where}'" if where else "The file"
    if extent.rows > limits.rows:
        raise TooLarge(
            f"{at_es} ocupa {extent.rows:,} filas (máximo {limits.rows:,}); divídalo por "
            "provincia o por año, o pida al administrador que lo cargue.",
            f"{at_en} spans {extent.rows:,} rows (at most {limits.rows:,}); split it by "
            "province or year, or ask the administrator to load it.",
        )
    if extent.columns > limits.columns:
        raise TooLarge(
            f"{at_es} ocupa {extent.columns:,} columnas (máximo {limits.columns:,}); borre "
            "las columnas sobrantes (también las vacías con formato) y guárdelo de nuevo.",
            f"{at_en} spans {extent.columns:,} columns (at most {limits.columns:,}); delete "
            "the extra columns (empty formatted ones too) and save it again.",
        )
    if extent.cells > limits.cells:
        raise TooLarge(
            f"{at_es} ocupa {extent.rows:,} filas por {extent.columns:,} columnas, más de "
            f"{limits.cells:,} celdas; divídalo o borre filas y columnas sobrantes.",
            f"{at_en} spans {extent.rows:,} rows by {extent.columns:,} columns, more than "
            f"{limits.cells:,} cells; split it or delete extra rows and columns.",
        )


# ------------------------------------------------------------------ CSV ---------------------

LINE_BREAK = re.compile(r"\r\n|\r|\n")  # what pandas' C parser ends a line at


def csv_extent(text: str, sep: str) -> Extent:
    """Lines (as the parser splits them, without a final empty one) by the widest line."""
    lines = LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    width = max(map(str.count, lines, itertools.repeat(sep)), default=-1) + 1
    return Extent(rows=len(lines), columns=width)


def csv_bytes_extent(data: bytes, separators: Iterable[str] = (";", ",", "\t")) -> Extent:
    """A CSV's extent before it is decoded or its separator known: the widest count over
    every candidate separator (an upper bound). Latin-1 maps bytes one to one, and the
    separators and line breaks are ASCII, which no UTF-8 or cp1252 character contains."""
    text = data.decode("latin-1")
    extents = [csv_extent(text, sep) for sep in separators]
    return Extent(max(e.rows for e in extents), max(e.columns for e in extents))


def text_lines(data: bytes) -> int:
    """Lines of a text file as the parser counts them (`\\r\\n`, `\\r` or `\\n` end one)."""
    breaks = data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")
    ends_open = bool(data) and not data.endswith((b"\n", b"\r"))
    return breaks + int(ends_open)


# ------------------------------------------------------------------ workbooks ---------------

# Excel and the common writers use no namespace prefix and put `r` first: literal-prefix
# patterns (fast). A sheet with prefixed tags, or a row whose cells do not all match the fast
# pattern, is read with the general ones.
FAST_ROW_START = re.compile(rb"<row(?=[\s/>])")
FAST_CELL_REF = re.compile(rb'<c r="([A-Z]+)(\d+)"')
PREFIXED_ROOT = re.compile(rb"<[\w.-]+:worksheet[\s>]")
ROW_START = re.compile(rb"<(?:[\w.-]+:)?row(?=[\s/>])")
ROW_NUMBER = re.compile(rb"""[^>]*?\sr\s*=\s*["'](\d+)["']""")
CELL_TAG = re.compile(rb"<(?:[\w.-]+:)?c(?=[\s/>])")
CELL_REF = re.compile(rb"""<(?:[\w.-]+:)?c\s[^>]*?(?<![\w:])r\s*=\s*["']\$?([A-Z]+)\$?(\d+)["']""")
DIMENSION = re.compile(rb"""<(?:[\w.-]+:)?dimension\s[^>]*?ref\s*=\s*["']([A-Z$\d:]+)["']""")


def column_number(letters: bytes) -> int:
    """'A' -> 1, 'Z' -> 26, 'AA' -> 27 (letters longer than any sheet count as huge)."""
    letters = letters.strip()
    if len(letters) > LETTERS_WIDTH - 1:
        return 26**LETTERS_WIDTH
    number = 0
    for ch in letters:
        number = number * 26 + (ch - 64)
    return number


class SheetScanner:
    """A worksheet's extent from its XML, fed in chunks of any size (memory: one chunk).

    Per row: the row's number (its `r`, else the previous row + 1), the highest column a cell
    names, plus the cells that name none (each takes the next column: an upper bound). The
    rows and columns of cell references count too, so a `<row r>` that lies does not hide a
    far cell. Runs at regex speed per row, not per cell.
    """

    def __init__(self) -> None:
        self.rows = 0
        self.columns = 0
        self.declared: Extent | None = None  # what <dimension> says, if it says
        self._row = 0  # the current row's number
        self._row_cells = 0  # the current row's highest column so far (upper bound)
        self._tail = b""
        self._prefixed: bool | None = None  # tags like <x:row>: the general patterns

    def feed(self, chunk: bytes) -> None:
        data = self._tail + chunk
        cut = data.rfind(b">") + 1
        self._tail = data[cut:]
        if len(self._tail) > MAX_TAG:
            raise TooLarge(
                "La hoja no es XML de Excel válido.", "The sheet is not valid Excel XML."
            )
        self._scan(data[:cut])

    def extent(self) -> Extent:
        self._close_row()
        return Extent(self.rows, self.columns)

    def _scan(self, data: bytes) -> None:
        if self._prefixed is None:
            self._prefixed = bool(PREFIXED_ROOT.search(data))
        if self.declared is None and self.rows == 0:
            self._dimension(data)
        if not self._prefixed and self._all_named(data):
            return
        parts = (ROW_START if self._prefixed else FAST_ROW_START).split(data)
        self._cells(parts[0])  # continues the row open at the end of the previous chunk
        for part in parts[1:]:
            self._close_row()
            found = ROW_NUMBER.match(part)
            self._row = int(found.group(1)) if found else self._row + 1
            self._row_cells = 0
            self._cells(part)

    def _all_named(self, data: bytes) -> bool:
        """The usual case, whole chunk at once: every cell and the last row name their place."""
        refs = FAST_CELL_REF.findall(data)
        if len(refs) != data.count(b"<c ") + data.count(b"<c>") + data.count(b"<c/"):
            return False
        last = data.rfind(b"<row")
        found = ROW_NUMBER.match(data, last + 4) if last >= 0 else None
        if last >= 0 and found is None:
            return False  # a row without a number: counted row by row
        named = self._named(refs)
        if found is not None:
            self._close_row()
            self._row = int(found.group(1))
        # An upper bound for the row left open (its cells are within the chunk's columns).
        self._row_cells = max(self._row_cells, named)
        return True

    def _named(self, refs: list[tuple[bytes, bytes]]) -> int:
        """The highest column the references name; their highest row goes to self.rows."""
        if not refs:
            return 0
        letters, digits = (set(x) for x in zip(*refs, strict=True))
        self.rows = max(self.rows, max(map(int, digits)))
        return column_number(max(map(bytes.rjust, letters, itertools.repeat(LETTERS_WIDTH))))

    def _cells(self, part: bytes) -> None:
        if self._prefixed:
            tags = len(CELL_TAG.findall(part))
            refs = CELL_REF.findall(part)
        else:
            tags = part.count(b"<c ") + part.count(b"<c>") + part.count(b"<c/")
            refs = FAST_CELL_REF.findall(part)
            if len(refs) != tags:  # some cell is written otherwise: read the row exactly
                refs = CELL_REF.findall(part)
        if not tags:
            return
        named = self._named(refs)
        # Cells without a reference take the next column: at most this many more.
        self._row_cells = max(self._row_cells, named) + (tags - len(refs))

    def _close_row(self) -> None:
        """A row with cells counts (an empty `<row>`, Excel's formatting, builds nothing)."""
        if self._row_cells:
            self.rows = max(self.rows, self._row)
            self.columns = max(self.columns, self._row_cells)
        self._row_cells = 0

    def _dimension(self, data: bytes) -> None:
        found = DIMENSION.search(data)
        if not found:
            return
        last = found.group(1).split(b":")[-1].replace(b"$", b"")
        split = re.fullmatch(rb"([A-Z]+)(\d+)", last)
        if split:
            self.declared = Extent(int(split.group(2)), column_number(split.group(1)))


def scan_sheet(stream: IO[bytes]) -> SheetScanner:
    """Feed a worksheet's XML stream through a scanner, chunk by chunk."""
    scanner = SheetScanner()
    while chunk := stream.read(CHUNK):
        scanner.feed(chunk)
    scanner.extent()
    return scanner


def worksheet_members(archive: zipfile.ZipFile) -> Iterable[zipfile.ZipInfo]:
    return [m for m in archive.infolist() if m.filename.startswith(WORKSHEETS)]


def check_scanned(scanner: SheetScanner, limits: Limits, where: str = "") -> None:
    """The sheet's real extent and what its <dimension> declares, both within `limits`."""
    check_extent(scanner.extent(), limits, where)
    if scanner.declared is not None:
        check_extent(scanner.declared, limits, where)


def check_workbook(path: Path | IO[bytes], limits: Limits = READ_LIMITS) -> None:
    """Every worksheet of an .xlsx within `limits`, measured from its XML (TooLarge if not).

    Streams each sheet; nothing the size of the grid is allocated. A file that is not a zip
    is left to the reader (which says it is not a workbook)."""
    try:
        with zipfile.ZipFile(path) as archive:
            for member in worksheet_members(archive):
                with archive.open(member) as stream:
                    name = Path(member.filename).stem
                    check_scanned(scan_sheet(stream), limits, name)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError):
        return
