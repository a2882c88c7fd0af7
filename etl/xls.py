"""Legacy Excel 97-2003 (.xls, BIFF8 in an OLE2 container): the one repair calamine needs.

Why strings came out as "f\\x00e\\x00c\\x00h\\x00a": a BIFF8 workbook keeps every text as
UTF-16LE (or as "compressed" Latin-1) and says which with a flag on each string; the
workbook's CODEPAGE record only matters to BIFF5 and older. SIASAR's exporter writes
CODEPAGE = 1252 in its BIFF8 files, and calamine (0.9) decodes the UTF-16LE bytes of
each string with that codepage, one byte per character, so a NUL follows every letter.
Excel itself writes CODEPAGE = 1200 (UTF-16) in BIFF8, which calamine reads right.

`with_unicode_codepage` sets that record to 1200 in a copy of the bytes (BIFF8 only; a
BIFF5 file's codepage is real and stays). It is a 2-byte change at a place found by
walking the OLE2 container's sector chains; every walk is bounded by the file's size,
and any surprise leaves the bytes as they were (calamine then reads or refuses them).
Nothing in the file is executed: macros, formulas and embedded objects are never run.
"""

from __future__ import annotations

import datetime as dt
import struct

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
BOF, CODEPAGE = 0x0809, 0x0042
BIFF8 = 0x0600
UTF16_CODEPAGE = 1200
WORKBOOK_NAMES = ("Workbook", "Book")
HEAD_BYTES = 2048  # the CODEPAGE record sits within the first few hundred bytes of the stream
END_OF_CHAIN = 0xFFFFFFFE
MAX_HEADER_FAT = 109  # FAT sector numbers held in the OLE2 header itself


def is_ole2(data: bytes) -> bool:
    """Whether the bytes are an OLE2 compound file (legacy .xls, also .doc and .msg)."""
    return data[:8] == OLE2_MAGIC


class _Container:
    """Just enough of an OLE2 compound file to map stream offsets to file offsets."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
        if not (7 <= shift <= 16 and mini_shift < shift):
            raise ValueError("sector size")
        self.size = 1 << shift
        self.mini_size = 1 << mini_shift
        self.sectors = max(0, (len(data) - self.size) // self.size)
        self.mini_cutoff = struct.unpack_from("<I", data, 0x38)[0]
        self.fat = self._fat()

    def _offset(self, sector: int) -> int:
        return (sector + 1) * self.size

    def _fat(self) -> list[int]:
        """The sector allocation table, from the FAT sectors the header lists."""
        count = struct.unpack_from("<I", self.data, 0x2C)[0]
        listed = struct.unpack_from(f"<{MAX_HEADER_FAT}I", self.data, 0x4C)
        fat: list[int] = []
        for sector in listed[: min(count, MAX_HEADER_FAT)]:
            if sector >= self.sectors:
                raise ValueError("FAT sector")
            start = self._offset(sector)
            fat.extend(struct.unpack_from(f"<{self.size // 4}I", self.data, start))
        return fat

    def chain(self, start: int, table: list[int] | None = None) -> list[int]:
        """A stream's sectors, following `table` (the FAT); loops and overruns stop it."""
        table = self.fat if table is None else table
        out: list[int] = []
        seen: set[int] = set()
        sector = start
        while sector < len(table) and sector not in seen and len(out) <= len(table):
            seen.add(sector)
            out.append(sector)
            sector = table[sector]
        return out

    def read_chain(self, start: int) -> bytes:
        return b"".join(
            self.data[self._offset(s) : self._offset(s) + self.size]
            for s in self.chain(start)
            if s < self.sectors
        )

    def directory(self) -> list[tuple[str, int, int, int]]:
        """(name, type, start sector, size) of every directory entry."""
        raw = self.read_chain(struct.unpack_from("<I", self.data, 0x30)[0])
        entries = []
        for pos in range(0, len(raw) - 127, 128):
            length = struct.unpack_from("<H", raw, pos + 64)[0]
            name = raw[pos : pos + max(0, min(length, 64) - 2)].decode("utf-16-le", "replace")
            kind = raw[pos + 66]
            start, size = struct.unpack_from("<II", raw, pos + 116)
            entries.append((name, kind, start, size))
        return entries

    def file_offsets(self, start: int, size: int, root_start: int, limit: int) -> list[int]:
        """The file offset of each of the first `limit` bytes of a stream."""
        limit = min(limit, size)
        if size >= self.mini_cutoff:
            return self._byte_map(self.chain(start), self.size, self._offset, limit)
        # A small stream lives in 64-byte mini sectors inside the root entry's stream.
        mini_fat_start = struct.unpack_from("<I", self.data, 0x3C)[0]
        raw = self.read_chain(mini_fat_start)
        mini_fat = list(struct.unpack_from(f"<{len(raw) // 4}I", raw))
        root = self.chain(root_start)
        root_map = self._byte_map(root, self.size, self._offset, len(root) * self.size)
        return self._byte_map(
            self.chain(start, mini_fat),
            self.mini_size,
            lambda s: root_map[s * self.mini_size],
            limit,
        )

    @staticmethod
    def _byte_map(chain: list[int], size: int, offset, limit: int) -> list[int]:
        out: list[int] = []
        for sector in chain:
            base = offset(sector)
            out.extend(range(base, base + size))
            if len(out) >= limit:
                break
        return out[:limit]


def _codepage_at(head: bytes) -> int | None:
    """Stream position of the CODEPAGE value in a BIFF8 globals substream, if any."""
    pos = 0
    while pos + 4 <= len(head):
        typ, length = struct.unpack_from("<HH", head, pos)
        if pos == 0 and (typ != BOF or length < 4 or struct.unpack_from("<H", head, 4)[0] != BIFF8):
            return None  # not BIFF8 (BIFF5's codepage is real) or not a workbook
        if typ == CODEPAGE and length == 2 and pos + 6 <= len(head):
            return pos + 4
        if typ == BOF and pos > 0:
            return None  # the first sheet starts: the globals had no CODEPAGE
        pos += 4 + length
    return None


def with_unicode_codepage(data: bytes) -> bytes:
    """The bytes with a BIFF8 workbook's CODEPAGE set to 1200 (see the module docstring)."""
    try:
        ole = _Container(data)
        entries = ole.directory()
        root_start = entries[0][2] if entries else END_OF_CHAIN
        found = [e for e in entries if e[0] in WORKBOOK_NAMES and e[1] == 2]
        if not found:
            return data
        _, _, start, size = found[0]
        offsets = ole.file_offsets(start, size, root_start, HEAD_BYTES)
        if any(o >= len(data) for o in offsets):
            return data
        head = bytes(data[o] for o in offsets)
        at = _codepage_at(head)
        if at is None or struct.unpack_from("<H", head, at)[0] == UTF16_CODEPAGE:
            return data
    except (struct.error, ValueError, IndexError):
        return data
    out = bytearray(data)
    out[offsets[at]], out[offsets[at + 1]] = struct.pack("<H", UTF16_CODEPAGE)
    return bytes(out)


# ------------------------------------------------------------------ a minimal BIFF8 writer ---
# For the sample generator and the tests: one sheet of text, numbers and dates, as Excel 97
# writes it (CODEPAGE 1200, UTF-16 text), in an OLE2 container of 512-byte sectors.

SECTOR = 512
FREE, END, FAT_SECTOR, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
MIN_STREAM = 4096  # smaller streams would go to the mini stream, which this writer omits
DATE_XF = 16  # the cell XF with Excel's built-in date format 14 (d/m/yyyy)
Cell = str | int | float | dt.date | None


def _record(typ: int, payload: bytes) -> bytes:
    return struct.pack("<HH", typ, len(payload)) + payload


def _text(value: str, length_bytes: int = 2) -> bytes:
    """An XLUnicodeString: character count, flags (1: UTF-16), the UTF-16LE characters."""
    data = value.encode("utf-16-le")
    count = struct.pack("<H" if length_bytes == 2 else "<B", len(data) // 2)
    return count + b"\x01" + data


def _xf(font: int, fmt: int, style: bool) -> bytes:
    flags = 0xFFF5 if style else 0x0001  # style XF / cell XF, locked
    return _record(0x00E0, struct.pack("<HHH", font, fmt, flags) + b"\x20\x00" + b"\x00" * 12)


def _globals(sheet_name: str, sheet_offset: int, codepage: int = UTF16_CODEPAGE) -> bytes:
    font = _record(
        0x0031, struct.pack("<HHHHHBBBB", 200, 0, 0x7FFF, 400, 0, 0, 0, 0, 0) + _text("Arial", 1)
    )
    parts = [
        _record(BOF, struct.pack("<HHHHII", BIFF8, 0x0005, 0x0DBB, 0x07CC, 0, 0x06)),
        _record(CODEPAGE, struct.pack("<H", codepage)),
        _record(0x0022, b"\x00\x00"),  # DATEMODE: the 1900 date system
        font * 5,  # Excel skips font 4; five make every font index valid
        *(_xf(0, 0, True) for _ in range(16)),
        _xf(0, 14, False),  # DATE_XF
        _xf(0, 0, False),  # 17: general cells
    ]
    head = b"".join(parts)
    sheet = _record(0x0085, struct.pack("<IBB", sheet_offset, 0, 0) + _text(sheet_name, 1))
    return head + sheet + _record(0x000A, b"")


def _cell(row: int, col: int, value: Cell) -> bytes:
    if value is None or value == "":
        return b""
    if isinstance(value, dt.date):
        serial = (value - dt.date(1899, 12, 30)).days
        return _record(0x0203, struct.pack("<HHHd", row, col, DATE_XF, float(serial)))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _record(0x0203, struct.pack("<HHHd", row, col, DATE_XF + 1, float(value)))
    return _record(0x0204, struct.pack("<HHH", row, col, DATE_XF + 1) + _text(str(value)[:8000]))


def _sheet(rows: list[list[Cell]]) -> bytes:
    width = max((len(r) for r in rows), default=0)
    dims = _record(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, width, 0))
    cells = b"".join(_cell(i, j, v) for i, row in enumerate(rows) for j, v in enumerate(row))
    return (
        _record(BOF, struct.pack("<HHHHII", BIFF8, 0x0010, 0x0DBB, 0x07CC, 0, 0x06))
        + dims
        + cells
        + _record(0x000A, b"")
    )


def workbook_stream(
    sheet_name: str, rows: list[list[Cell]], codepage: int = UTF16_CODEPAGE
) -> bytes:
    """The BIFF8 Workbook stream of one sheet, padded to a regular (non-mini) stream."""
    offset = len(_globals(sheet_name, 0, codepage))
    stream = _globals(sheet_name, offset, codepage) + _sheet(rows)
    if len(stream) < MIN_STREAM:  # padding after the last EOF: readers stop at it
        stream += b"\x00" * (MIN_STREAM - len(stream))
    return stream


def _dir_entry(name: str, kind: int, start: int, size: int, child: int = NO_STREAM) -> bytes:
    encoded = (name + "\x00").encode("utf-16-le") if name else b""
    head = encoded.ljust(64, b"\x00") + struct.pack("<HBB", len(encoded), kind, 1)
    links = struct.pack("<III", NO_STREAM, NO_STREAM, child)
    return head + links + b"\x00" * 36 + struct.pack("<III", start, size, 0)


def write_workbook(
    path, sheet_name: str, rows: list[list[Cell]], codepage: int = UTF16_CODEPAGE
) -> None:
    """Write `rows` (the first one the header) as a legacy .xls file with one sheet; tests
    pass codepage=1252 to write what SIASAR's exporter writes."""
    stream = workbook_stream(sheet_name, rows, codepage)
    n = -(-len(stream) // SECTOR)
    fat_sectors = 1
    while n + 1 + fat_sectors > fat_sectors * (SECTOR // 4):
        fat_sectors += 1
    if fat_sectors > MAX_HEADER_FAT:
        raise ValueError("sheet too large for this writer")
    fat = [*range(1, n), END, END] + [FAT_SECTOR] * fat_sectors
    fat += [FREE] * (fat_sectors * SECTOR // 4 - len(fat))
    directory = (
        _dir_entry("Root Entry", 5, END, 0, child=1)
        + _dir_entry("Workbook", 2, 0, len(stream))
        + _dir_entry("", 0, FREE, 0) * 2
    )
    difat = [n + 1 + i for i in range(fat_sectors)] + [FREE] * (MAX_HEADER_FAT - fat_sectors)
    header = (
        OLE2_MAGIC
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<IIIIIIIII", 0, fat_sectors, n, 0, MIN_STREAM, END, 0, END, 0)
        + struct.pack(f"<{MAX_HEADER_FAT}I", *difat)
    )
    body = stream.ljust(n * SECTOR, b"\x00") + directory
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    with open(path, "wb") as fh:
        fh.write(header + body + fat_bytes)


# ------------------------------------------------------------------ reading, isolated -------
# calamine is Rust: on some damaged .xls files it aborts the whole process (a failed
# allocation, seen with a fuzzed SIASAR sheet: SIGABRT), which no `except` can catch. An
# upload must never take the dashboard down, so the parse runs in a forked child with a
# time and memory limit; the parent gets plain rows back, or a reason.

PARSE_SECONDS = 60
PARSE_MEMORY = 1536 * 1024 * 1024  # bytes of address space the child may add
Rows = dict[str, list[list[object]]]


class XlsError(Exception):
    """The .xls could not be read: `too_big` names a sheet over the cell limit."""

    def __init__(self, detail: str, too_big: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.too_big = too_big


def _parse(data: bytes, max_cells: int, only_heights: bool) -> tuple[str, object]:
    """The calamine work (in the child): ("ok", rows or heights) or ("error"/"too-big", why)."""
    import io

    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [book.get_sheet_by_index(i) for i in range(len(book.sheet_names))]
        if only_heights:
            return "ok", {s.name: [[s.total_height]] for s in sheets}
        for s in sheets:
            if s.total_height * s.total_width > max_cells:
                return "too-big", s.name
        return "ok", {s.name: s.to_python(skip_empty_area=False) for s in sheets}
    except BaseException as exc:  # calamine's errors and pyo3's PanicException
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return "error", text[:200].replace("\x00", "")


def _child(conn, data: bytes, max_cells: int, only_heights: bool) -> None:
    import faulthandler
    import resource

    faulthandler.disable()  # an abort here is expected and handled: no stack dump on stderr

    try:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        with open("/proc/self/statm", encoding="ascii") as fh:
            used = int(fh.read().split()[0]) * resource.getpagesize()
        limit = used + PARSE_MEMORY
        if hard == resource.RLIM_INFINITY or limit < hard:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (OSError, ValueError):
        pass  # no /proc or no rlimit: the time limit still holds
    conn.send(_parse(data, max_cells, only_heights))
    conn.close()


def read_sheets(data: bytes, max_cells: int, only_heights: bool = False) -> Rows:
    """Every sheet's rows (the repaired bytes parsed in a child process); XlsError if not."""
    import multiprocessing

    try:
        ctx = multiprocessing.get_context("fork")
    except ValueError:  # no fork (not Linux): parse here, as before
        status, value = _parse(with_unicode_codepage(data), max_cells, only_heights)
        return _result(status, value)
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(
        target=_child, args=(child, with_unicode_codepage(data), max_cells, only_heights)
    )
    proc.start()
    child.close()
    try:
        if not parent.poll(PARSE_SECONDS):
            raise XlsError("el archivo tardó demasiado en leerse / the file took too long to read")
        status, value = parent.recv()
    except (EOFError, OSError):
        raise XlsError("el archivo está dañado / the file is damaged") from None
    finally:
        parent.close()
        proc.join(1)
        if proc.is_alive():
            proc.kill()
            proc.join()
    return _result(status, value)


def _result(status: str, value: object) -> Rows:
    if status == "too-big":
        raise XlsError("too many cells", too_big=str(value))
    if status != "ok":
        raise XlsError(str(value))
    return value  # type: ignore[return-value]
