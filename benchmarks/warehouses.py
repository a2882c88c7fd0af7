"""Sample files and warehouses for the benchmark, built under a work folder and reused.

Sample files depend only on (scale, seed, multiplier). A warehouse also depends on the code
that builds it, so its file name carries a hash of the ETL sources: a schema or derive change
rebuilds it, a dashboard change does not.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from benchmarks.load import timed_child
from etl.db import PROJECT_ROOT

ETL_DIR = PROJECT_ROOT / "etl"


@dataclass(frozen=True)
class Sample:
    """One sample data set: its scale, seed and multiplier."""

    scale: str
    seed: int = 2026
    multiplier: int = 1

    @property
    def tag(self) -> str:
        """A short name for folders and file names."""
        return f"{self.scale}-s{self.seed}-x{self.multiplier}"


# The sources that decide what a warehouse holds (not the CLI, backups or migrations).
CONTENT_SOURCES = (
    "schema.py",
    "sources.py",
    "read.py",
    "normalize.py",
    "validate.py",
    "load.py",
    "writers.py",
    "catalog.py",
    "reference.py",
    "derive/*.py",
)


def etl_hash() -> str:
    """A hash of the ETL sources that shape the warehouse: a new schema or derivation means
    a new warehouse."""
    digest = hashlib.sha256()
    for pattern in CONTENT_SOURCES:
        for path in sorted(ETL_DIR.glob(pattern)):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def run_etl(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`python -m etl ARGS` in a subprocess; exit codes 0 and 1 (some rejects) are fine."""
    proc = subprocess.run(
        [sys.executable, "-m", "etl", *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"python -m etl {' '.join(args)} failed:\n{proc.stderr[-2000:]}")
    return proc


def sample_dir(work: Path, sample: Sample) -> Path:
    """The sample's input files, generated once per work folder."""
    out = work / f"sample-{sample.tag}"
    done = out / ".complete"
    if not done.exists():
        args = ["sample", "--scale", sample.scale, "--seed", str(sample.seed)]
        if sample.multiplier != 1:
            args += ["--multiplier", str(sample.multiplier)]
        run_etl([*args, "--out", str(out)])
        done.touch()
    return out


def warehouse(work: Path, sample: Sample) -> Path:
    """A loaded SQLite warehouse of the sample (rebuilt when the ETL code changed).

    The load that built it is timed: its seconds and peak memory are kept in the `.complete`
    file beside it (`build_cost`), so the 10× load's peak is measured once per ETL version."""
    db = work / f"warehouse-{sample.tag}-{etl_hash()}.db"
    done = db.with_suffix(".complete")
    if not done.exists():
        for stale in work.glob(f"warehouse-{sample.tag}-*"):
            stale.unlink()
        archive = {"ATM_ARCHIVE_DIR": str(work / "archivo")}
        files = str(sample_dir(work, sample))
        seconds, rss = timed_child(["-m", "etl", "load", "--db", f"sqlite:///{db}", files], archive)
        cost = {"seconds": round(seconds, 2), "peak_rss_mb": round(rss, 1)}
        done.write_text(json.dumps(cost))
    return db


def build_cost(db: Path) -> dict[str, float]:
    """Seconds and peak RSS (MB) of the load that built warehouse `db` ({} if not recorded)."""
    text = db.with_suffix(".complete").read_text() if db.with_suffix(".complete").exists() else ""
    return json.loads(text) if text.strip() else {}
