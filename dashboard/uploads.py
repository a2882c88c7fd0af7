"""Uploads on the Data page: check the bytes, stage them, preview with the loader, confirm.

The file's type comes from its content, never its name: an Office Open XML workbook (a zip
holding `xl/workbook.xml`), a legacy Excel 97-2003 workbook (OLE2, as SIASAR exports: opened
in a child process with a row limit, etl.xls.read_sheets) or text. Everything else is refused
before the loader sees it: PDFs and other binaries, archives that are not workbooks, and spreadsheet
"decompression bombs" (a small .xlsx that inflates to gigabytes). A workbook is inflated
once, streamed in chunks, with a cap on the total; every member must inflate to exactly its
declared size with a good CRC (zipfile checks both), so a lying header is refused too.

The preview is `etl.load.load_paths(dry_run=True)`: the same loader as the command line, run
in a transaction that is rolled back. Confirming runs it again for real on the staged copy.
Staged files live in a private folder per upload, named by a random token and tagged with the
account, and are removed after the load or after STAGE_HOURS.
"""

from __future__ import annotations

import io
import os
import re
import secrets
import shutil
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from dashboard.server.auth import Account
from etl import limits
from etl.load import LoadResult, load_paths
from etl.reach import WriteReach
from etl.xls import XlsError, read_sheets

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (and .doc)
MAX_UNZIPPED = 250 * 1024 * 1024  # a workbook may inflate to this much XML in all
MAX_MEMBERS = 5000
MAX_ROWS = limits.UPLOAD_LIMITS.rows  # per sheet, or per CSV: far above any district's data
CHUNK = 1024 * 1024
STAGE_HOURS = 2
# Uploads read and checked at once in one serving process: each may build a grid of up to
# limits.UPLOAD_LIMITS cells (~500 MB at the limit, measured), so a few at a time bound the
# process's memory whatever the number of users. Others are asked to retry (not queued: a
# queue would hold request threads).
PARALLEL_UPLOADS = 2
_SLOTS = threading.BoundedSemaphore(PARALLEL_UPLOADS)
OWNER_FILE = ".cuenta"
CLAIMED = ".en-carga-"  # a staged folder renamed by the one confirm that claimed it
MAX_STAGED = 3  # uploads one account may keep waiting for confirmation (each up to the limit)


class UploadRefused(ValueError):
    """A file refused before loading; the messages say why in words a clerk can act on."""

    def __init__(self, es: str, en: str) -> None:
        super().__init__(f"{es} / {en}")
        self.es, self.en = es, en

    def message(self, lang: str) -> str:
        return self.en if lang == "en" else self.es


@dataclass(frozen=True)
class Staged:
    """An uploaded file kept until the user confirms: its token and path."""

    token: str
    path: Path


# ------------------------------------------------------------------ what the bytes are ------


def sniff(data: bytes, limit: int) -> str:
    """The file's real type ("xlsx", "xls" or "csv"), or UploadRefused saying why not."""
    if len(data) > limit:
        mb = limit // (1024 * 1024)
        raise UploadRefused(
            f"El archivo pesa más de {mb} MB; divídalo por provincia o por año.",
            f"The file is larger than {mb} MB; split it by province or by year.",
        )
    if not data.strip():
        raise UploadRefused("El archivo está vacío.", "The file is empty.")
    if data.startswith(OLE_MAGIC):
        check_xls(data)
        return "xls"
    if data.startswith(ZIP_MAGIC):
        check_workbook(data)
        return "xlsx"
    check_text(data)
    return "csv"


def check_workbook(data: bytes) -> None:
    """An .xlsx that is really a workbook and inflates to a bounded size."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
            if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
                raise not_a_workbook()
            if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNZIPPED:
                raise _bomb()
            inflated = 0
            for member in members:
                inflated += _inflate(archive, member, MAX_UNZIPPED - inflated)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError) as exc:
        raise not_a_workbook() from exc


def _inflate(archive: zipfile.ZipFile, member: zipfile.ZipInfo, budget: int) -> int:
    """Inflate one member in chunks (zipfile checks size and CRC); a sheet's real extent
    (etl/limits.py: its highest row and column, whatever its <dimension> says) is measured
    on the way, so a sparse sheet that would build a huge grid is refused before reading."""
    total = 0
    sheet = limits.SheetScanner() if member.filename.startswith(limits.WORKSHEETS) else None
    with archive.open(member) as stream:
        while chunk := stream.read(CHUNK):
            total += len(chunk)
            if total > budget:
                raise _bomb()
            if sheet is not None:
                _within_limits(lambda: sheet.feed(chunk))
    if sheet is not None:
        where = Path(member.filename).stem
        _within_limits(lambda: limits.check_scanned(sheet, limits.UPLOAD_LIMITS, where))
    return total


def _within_limits(check: Callable[[], None]) -> None:
    try:
        check()
    except limits.TooLarge as exc:
        raise UploadRefused(exc.es, exc.en) from None


def check_text(data: bytes) -> None:
    """A CSV: text (UTF-8 or Windows Latin-1) without NUL bytes, whose lines (counted as the
    parser counts them: a lone \r ends one too) and widest line are within the limits."""
    if b"\x00" in data[:65536]:
        raise UploadRefused(
            "No es un CSV ni un Excel (.xlsx): el contenido es binario.",
            "It is neither a CSV nor an Excel (.xlsx) file: the content is binary.",
        )
    rows = limits.text_lines(data)
    if rows > MAX_ROWS:
        raise _too_many_rows(rows)
    _within_limits(lambda: limits.check_extent(limits.csv_bytes_extent(data), limits.UPLOAD_LIMITS))


def check_xls(data: bytes) -> None:
    """A legacy .xls (issue 15) that can be opened, with a bounded row count per sheet; opened
    in a child process (etl.xls.read_sheets: a damaged file may abort its reader)."""
    try:
        heights = [rows[0][0] for rows in read_sheets(data, 0, only_heights=True).values()]
    except XlsError as exc:
        raise UploadRefused(
            "El archivo no es un libro de Excel 97-2003 (.xls) válido; ábralo en Excel y "
            "guárdelo de nuevo.",
            "The file is not a valid Excel 97-2003 workbook (.xls); open it in Excel and save "
            "it again.",
        ) from exc
    if heights and max(int(str(h)) for h in heights) > MAX_ROWS:
        raise _too_many_rows(max(int(str(h)) for h in heights))


def not_a_workbook() -> UploadRefused:
    return UploadRefused(
        "El archivo no es un libro de Excel (.xlsx) válido; ábralo en Excel y guárdelo de nuevo.",
        "The file is not a valid Excel workbook (.xlsx); open it in Excel and save it again.",
    )


def _bomb() -> UploadRefused:
    mb = MAX_UNZIPPED // (1024 * 1024)
    return UploadRefused(
        f"El libro se descomprime a más de {mb} MB; no se procesa. Guarde solo las hojas "
        "necesarias.",
        f"The workbook inflates to more than {mb} MB; it is not processed. Keep only the "
        "sheets you need.",
    )


def _too_many_rows(rows: int) -> UploadRefused:
    return UploadRefused(
        f"El archivo tiene {rows:,} filas (máximo {MAX_ROWS:,} por carga desde el tablero); "
        "divídalo o pida al administrador que lo cargue.",
        f"The file has {rows:,} rows (at most {MAX_ROWS:,} per dashboard upload); split it or "
        "ask the administrator to load it.",
    )


def safe_name(filename: str | None, ext: str) -> str:
    """The user's file name without folders or odd characters, with the sniffed extension."""
    stem = Path(str(filename or "archivo").replace("\\", "/")).name
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    stem = re.sub(r"[^\w .-]", "_", stem).strip(" .") or "archivo"
    return f"{stem[:80]}.{ext}"


# ------------------------------------------------------------------ staging -----------------


def stage_root() -> Path:
    """$ATM_UPLOAD_DIR, default a private folder in the system temp directory."""
    root = Path(os.environ.get("ATM_UPLOAD_DIR") or Path(tempfile.gettempdir()) / "atm-uploads")
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    return root


def stage(data: bytes, filename: str | None, account: Account, limit: int) -> Staged:
    """Check the bytes and keep them until confirmed (UploadRefused when they are refused)."""
    ext = sniff(data, limit)
    _sweep(stage_root())
    waiting = _staged_by(stage_root(), account)
    if waiting >= MAX_STAGED:
        raise UploadRefused(
            f"Tiene {waiting} archivos esperando confirmación; confírmelos o espere a que "
            f"caduquen ({STAGE_HOURS} h).",
            f"You have {waiting} files waiting for confirmation; confirm them or let them "
            f"expire ({STAGE_HOURS} h).",
        )
    token = secrets.token_urlsafe(18)
    folder = stage_root() / token
    folder.mkdir(mode=0o700)
    (folder / OWNER_FILE).write_text(account.usuario, encoding="utf-8")
    path = folder / safe_name(filename, ext)
    path.write_bytes(data)
    return Staged(token, path)


def _staged_by(root: Path, account: Account) -> int:
    """How many uploads of `account` wait for confirmation (claimed ones are loading)."""
    count = 0
    for folder in root.iterdir():
        if CLAIMED in folder.name:
            continue
        try:
            count += (folder / OWNER_FILE).read_text(encoding="utf-8") == account.usuario
        except (FileNotFoundError, NotADirectoryError):  # claimed or swept meanwhile
            continue
    return count


def staged(token: str | None, account: Account) -> Staged | None:
    """The staged upload of `token` if it exists and belongs to `account`."""
    if not token or not re.fullmatch(r"[A-Za-z0-9_-]{16,64}", str(token)):
        return None
    folder = stage_root() / str(token)
    try:
        if (folder / OWNER_FILE).read_text(encoding="utf-8") != account.usuario:
            return None
        files = [p for p in folder.iterdir() if p.name != OWNER_FILE]
    except (FileNotFoundError, NotADirectoryError):
        # Not staged, or claimed (renamed) by a concurrent confirm between two reads: a race
        # the atomic rename in `claim` settles, so this request simply finds nothing.
        return None
    return Staged(str(token), files[0]) if files else None


def claim(token: str | None, account: Account) -> Staged | None:
    """Take the staged upload for loading, atomically: of several confirms of one token (two
    clicks, two tabs, a replay) exactly one gets it; the others find nothing. The folder is
    renamed (atomic on one file system) to a name `staged` no longer finds."""
    item = staged(token, account)
    if item is None:
        return None
    claimed = item.path.parent.with_name(item.token + CLAIMED + secrets.token_hex(4))
    try:
        item.path.parent.rename(claimed)
    except OSError:  # another request renamed it first
        return None
    return Staged(item.token, claimed / item.path.name)


def discard(item: Staged) -> None:
    shutil.rmtree(item.path.parent, ignore_errors=True)


def _sweep(root: Path) -> None:
    """Remove staged uploads nobody confirmed."""
    cutoff = time.time() - STAGE_HOURS * 3600
    for folder in root.iterdir():
        try:
            old = folder.is_dir() and folder.stat().st_mtime < cutoff
        except FileNotFoundError:  # claimed (renamed) by a confirm meanwhile
            continue
        if old:
            shutil.rmtree(folder, ignore_errors=True)


# ------------------------------------------------------------------ the loader --------------


class Busy(RuntimeError):
    """PARALLEL_UPLOADS uploads are being read in this process already."""


@contextmanager
def slot() -> Iterator[None]:
    """One of the process's few upload slots for a preview or a load (Busy when none)."""
    if not _SLOTS.acquire(blocking=False):
        raise Busy
    try:
        yield
    finally:
        _SLOTS.release()


def write_reach(account: Account) -> WriteReach:
    """What an account's uploads may write: an ATM its districts and kinds, an admin all."""
    if account.rol == "atm":
        return WriteReach.for_districts(account.distritos, account.usuario)
    return WriteReach(account=account.usuario)


def preview(engine: Engine, item: Staged, account: Account) -> LoadResult:
    """The loader's full report, nothing written."""
    return load_paths(engine, [item.path], reach=write_reach(account), dry_run=True)


def confirm(engine: Engine, item: Staged, account: Account) -> LoadResult:
    """Load the staged file for real (one transaction), then forget it."""
    try:
        return load_paths(
            engine, [item.path], user=f"{account.usuario} (tablero)", reach=write_reach(account)
        )
    finally:
        discard(item)
