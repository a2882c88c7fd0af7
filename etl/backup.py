"""Backups of the warehouse: a consistent copy while the dashboard keeps reading.

SQLite: the `sqlite3` online backup API (a page-by-page copy of one committed state, safe
while readers and even a load are running: the copy restarts when a write lands).
PostgreSQL: `pg_dump -Fc` and `pg_restore --clean --if-exists`, with the host, port, user,
password and database from the warehouse URL (and `-n SCHEMA` when the URL sets a
search_path, as the test suite does).

Restoring refuses to overwrite a warehouse that holds loads unless `force=True`.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from urllib.parse import unquote

from sqlalchemy import URL, func, inspect, select
from sqlalchemy.engine import make_url

from etl import db, schema


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says what to do."""


def backup(url: str | None, out: Path) -> Path:
    """Write a copy of the warehouse at `url` to `out`; returns `out`."""
    resolved = make_url(db.database_url(url))
    out.parent.mkdir(parents=True, exist_ok=True)
    if resolved.get_backend_name() == "sqlite":
        _sqlite_copy(_sqlite_path(resolved, must_exist=True), out)
    else:
        dump = [_pg_tool("pg_dump"), "-Fc", "--no-owner", "-f", str(out), *_pg_args(resolved)]
        _run(dump, resolved.password)
    return out


def restore(url: str | None, src: Path, *, force: bool = False) -> None:
    """Replace the warehouse at `url` with the backup `src`, then bring it to the schema."""
    if not src.is_file():
        raise BackupError(f"No existe la copia / backup not found: {src}")
    target = db.database_url(url)
    resolved = make_url(target)
    if not force and _has_loads(target):
        raise BackupError(
            "El almacén ya tiene cargas; use --force para reemplazarlo. / The warehouse holds "
            "loads: pass --force to overwrite it."
        )
    if resolved.get_backend_name() == "sqlite":
        _check_sqlite_backup(src)
        _sqlite_copy(src, _sqlite_path(resolved, must_exist=False))
    else:
        tool = _pg_tool("pg_restore")
        _run(
            [tool, "--clean", "--if-exists", "--no-owner", *_pg_args(resolved), str(src)],
            resolved.password,
        )
    engine = db.make_engine(target)
    db.init_db(engine)  # a backup made by an older version is upgraded here
    engine.dispose()


# ------------------------------------------------------------------ SQLite ------------------


def _sqlite_path(url: URL, *, must_exist: bool) -> Path:
    """The file of a SQLite URL (in-memory databases cannot be backed up)."""
    if not url.database or url.database == ":memory:":
        raise BackupError("Una base en memoria no se puede respaldar. / In-memory database.")
    path = Path(url.database)
    if must_exist and not path.is_file():
        raise BackupError(f"No existe el almacén / warehouse not found: {path}")
    return path


def _sqlite_copy(src: Path, dst: Path) -> None:
    """Copy one consistent state of `src` onto `dst` with SQLite's online backup API."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    target = sqlite3.connect(dst)
    try:
        target.execute("PRAGMA busy_timeout=30000")
        source.backup(target)
    finally:
        target.close()
        source.close()


def _check_sqlite_backup(src: Path) -> None:
    """Refuse a file that is not a SQLite database holding a warehouse."""
    try:
        conn = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
        try:
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"No es una copia de SQLite / not a SQLite backup: {src}") from exc
    if "carga" not in names:
        raise BackupError(f"La copia no contiene un almacén / not a warehouse backup: {src}")


def _has_loads(url: str) -> bool:
    """Whether the warehouse exists and has recorded at least one load."""
    resolved = make_url(url)
    if resolved.get_backend_name() == "sqlite" and not (
        resolved.database and Path(resolved.database).is_file()
    ):
        return False
    engine = db.make_engine(url)
    try:
        if "carga" not in inspect(engine).get_table_names():
            return False
        with engine.connect() as conn:
            return bool(conn.execute(select(func.count()).select_from(schema.carga)).scalar())
    finally:
        engine.dispose()


# ------------------------------------------------------------------ PostgreSQL --------------


def _pg_tool(name: str) -> str:
    """pg_dump / pg_restore: on PATH, else the newest Debian install; a clear error if none."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_version_key)
    if candidates:
        return candidates[-1]
    raise BackupError(
        f"No se encontró {name}: instale el cliente de PostgreSQL (apt-get install "
        f"postgresql-client). / {name} not found: install the PostgreSQL client tools."
    )


def _version_key(path: str) -> tuple[int, ...]:
    """Sort /usr/lib/postgresql/<major>/bin paths by major version."""
    major = Path(path).parent.parent.name
    return (int(major),) if major.isdigit() else (0,)


def _pg_args(url: URL) -> list[str]:
    """Connection options for the PostgreSQL tools, from the SQLAlchemy URL."""
    args = ["-h", url.host or "localhost", "-p", str(url.port or 5432), "-d", url.database or ""]
    if url.username:
        args += ["-U", url.username]
    search_path = _search_path(url)
    if search_path:
        args += ["-n", search_path]
    return args


def _search_path(url: URL) -> str | None:
    """The schema named by `options=-csearch_path=X` in the URL, if any."""
    options = url.query.get("options")
    text = unquote(options if isinstance(options, str) else " ".join(options or ()))
    for part in text.split():
        if part.startswith("-csearch_path="):
            return part.split("=", 1)[1].split(",")[0].strip('"')
    return None


def _run(cmd: list[str], password: str | None = None) -> None:
    """Run a PostgreSQL tool; its error output becomes a BackupError."""
    env = {**os.environ, **({"PGPASSWORD": password} if password else {})}
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        raise BackupError(f"{Path(cmd[0]).name} falló / failed: {detail[0] if detail else ''}")
