"""The load measurement: the real ETL end to end against the naive baseline, same files."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from etl.db import PROJECT_ROOT


def timed_child(
    args: list[str],
    env: dict[str, str] | None = None,
    ok: tuple[int, ...] = (0, 1),
    capture: list[str] | None = None,
) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of a child Python process, from its own rusage (os.wait4).

    With `capture`, the child's standard output (small) is appended to it."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL if capture is None else subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    if capture is not None and proc.stdout:
        capture.append(proc.stdout.read().decode(errors="replace"))
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code
    if code not in ok:  # the loader exits 1: the sample has deliberate rejects
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        raise RuntimeError(f"{' '.join(args)} exited {code}:\n{err[-2000:]}")
    if proc.stderr:
        proc.stderr.close()
    return seconds, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def measure_load(work: Path, files: Path) -> dict[str, Any]:
    """Load the files into an empty SQLite file, then the baseline into another; compare."""
    real, naive = work / "load-real.db", work / "load-baseline.db"
    for db in (real, naive):
        for path in db.parent.glob(db.name + "*"):
            path.unlink()
    env = {"ATM_ARCHIVE_DIR": str(work / "archivo")}
    seconds, rss = timed_child(["-m", "etl", "load", "--db", f"sqlite:///{real}", str(files)], env)
    base = ["-m", "benchmarks.baseline", str(naive), str(files)]
    base_seconds, base_rss = timed_child(base, ok=(0,))  # a failed baseline is no baseline
    return {
        "name": "load",
        "scale": files.name.removeprefix("sample-"),
        "seconds": round(seconds, 2),
        "baseline_seconds": round(base_seconds, 2),
        "ratio": round(seconds / base_seconds, 2),
        "peak_rss_mb": round(rss, 1),
        "baseline_peak_rss_mb": round(base_rss, 1),
    }


SMALL_ROWS = 20  # one ATM's monthly visit sheet


def small_visit_file(db: Path, out: Path, as_of: dt.date, rows: int = SMALL_ROWS) -> str:
    """A visit file of `rows` rows for the JASS of one district (the district with the most
    JASS, visited on the `rows` days before `as_of`), as an ATM uploads it monthly; returns the
    district."""
    with sqlite3.connect(db) as conn:
        ubigeo = conn.execute(
            "SELECT ubigeo FROM organizacion_comunal GROUP BY ubigeo ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]
        codes = [
            r[0]
            for r in conn.execute(
                "SELECT codigo_oc FROM organizacion_comunal WHERE ubigeo = ? ORDER BY codigo_oc",
                (ubigeo,),
            )
        ]
    with out.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["codigo_oc", "fecha_visita", "cloro_residual_mg_l", "realiza_cloracion"])
        for i in range(rows):
            w.writerow([codes[i % len(codes)], as_of - dt.timedelta(days=i + 1), "0.6", "Sí"])
    return ubigeo


def measure_small_load(work: Path, db: Path, scale: str) -> dict[str, Any]:
    """A 20-row visit file of one district loaded into a copy of the warehouse `db`.

    The copy is first derived as of today (the nightly `python -m etl derive` of a real
    deployment, not timed), then loaded as of the same date, fixed once: a load derives only
    the districts it touches when the last derivation is of the same day, and a run crossing
    midnight must not turn the measured load into a full derivation."""
    copy = work / f"small-load-{scale}.db"
    for path in work.glob(copy.name + "*"):
        path.unlink()
    with sqlite3.connect(db) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    env = {"ATM_ARCHIVE_DIR": str(work / "archivo")}
    as_of = dt.date.today().isoformat()
    timed_child(["-m", "benchmarks.small_load", "--derive", str(copy), as_of], env, ok=(0,))
    ubigeo = small_visit_file(copy, work / "visitas-pequeno.csv", dt.date.fromisoformat(as_of))
    out: list[str] = []
    args = ["-m", "benchmarks.small_load", str(copy), str(work / "visitas-pequeno.csv"), as_of]
    process_seconds, rss = timed_child(args, env, ok=(0,), capture=out)
    inner = json.loads(out[0].strip().splitlines()[-1])
    copy.unlink()
    return {
        "name": "load:small",
        "scale": scale,
        "seconds": inner["seconds"],
        "process_seconds": round(process_seconds, 2),
        "peak_rss_mb": round(rss, 1),
        "rows": inner["rows_loaded"],
        "district": ubigeo,
        "as_of": as_of,
        "derivation": "+".join(inner["derivation"]),
    }


def small_load_ratio(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The small load's time on the 10× warehouse over its time on the 1× warehouse."""
    by_scale = {r["scale"]: r for r in results if r["name"] == "load:small"}
    one, ten = by_scale.get("national"), by_scale.get("national×10")
    ratio = round(ten["seconds"] / one["seconds"], 2) if one and ten else None
    return {"name": "load:small_ratio", "scale": "national×10", "ratio": ratio}
