"""The load measurement: the real ETL end to end against the naive baseline, same files."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from etl.db import PROJECT_ROOT


def timed_child(
    args: list[str], env: dict[str, str] | None = None, ok: tuple[int, ...] = (0, 1)
) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of a child Python process, from its own rusage (os.wait4)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(proc.pid, 0)
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
