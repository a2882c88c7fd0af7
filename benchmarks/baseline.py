"""The naive loader the real one is compared with: pandas read, sqlite3 executemany, no checks.

`python -m benchmarks.baseline DB FOLDER` reads every .csv/.xlsx under FOLDER as text
(dtype=str), creates one TEXT table per file and sheet in the empty SQLite file DB and
inserts the rows in one transaction. It is what "loading the files" costs with nothing else.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd


def frames(folder: Path) -> Iterator[tuple[str, pd.DataFrame]]:
    """(table name, frame) for every CSV and every sheet of every workbook in the folder."""
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() == ".csv":
            yield path.stem, read_csv(path)
        elif path.suffix.lower() in (".xlsx", ".xlsm"):
            sheets = pd.read_excel(path, sheet_name=None, dtype=str, header=None, engine="openpyxl")
            for sheet, frame in sheets.items():
                yield f"{path.stem}_{sheet}", frame


def read_csv(path: Path) -> pd.DataFrame:
    """A CSV as text with pandas' C parser: UTF-8, or Windows-1252 (what Excel on Windows
    writes) when it is not; the separator the file uses most (';' from Spanish Excel). Lines
    with a wrong number of cells are skipped: the baseline checks nothing."""
    raw = path.read_bytes()
    encoding = "utf-8-sig"
    try:
        raw.decode(encoding)
    except UnicodeDecodeError:
        encoding = "cp1252"
    head = raw[:4096].decode(encoding, errors="replace")
    sep = max((";", ",", "\t"), key=head.count)
    return pd.read_csv(
        path, dtype=str, keep_default_na=False, encoding=encoding, sep=sep, on_bad_lines="skip"
    )


def insert(conn: sqlite3.Connection, name: str, frame: pd.DataFrame) -> int:
    """Create a TEXT table for the frame and insert its rows with executemany."""
    columns = [f"c{i}" for i in range(frame.shape[1])]
    table = "".join(ch if ch.isalnum() else "_" for ch in name)
    conn.execute(f"CREATE TABLE {table} ({', '.join(f'{c} TEXT' for c in columns)})")
    marks = ", ".join("?" for _ in columns)
    rows = frame.astype(object).where(frame.notna(), None).itertuples(index=False, name=None)
    conn.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
    return len(frame)


def load(db: Path, folder: Path) -> int:
    """Every file of the folder into the empty database, in one transaction; rows inserted."""
    conn = sqlite3.connect(db)
    try:
        with conn:
            return sum(insert(conn, name, frame) for name, frame in frames(folder))
    finally:
        conn.close()


if __name__ == "__main__":
    print(load(Path(sys.argv[1]), Path(sys.argv[2])))
