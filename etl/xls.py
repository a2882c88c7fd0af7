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
