"""`python -m benchmarks.small_load DB FILE AS_OF`: one small file loaded into a warehouse copy.

Prints {"seconds": …} on stdout: the load itself (`etl.load.load_paths`), as the data page's
upload runs it inside the serving process, without Python's start-up and imports. The parent
(`benchmarks.load.measure_small_load`) adds the process's wall time and peak memory.

`python -m benchmarks.small_load --derive DB AS_OF` is the nightly full derivation
(`python -m etl derive`) as of AS_OF: the parent passes one date to both, so a run that
crosses midnight still measures the incremental path.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

from etl import db, load
from etl.derive import incremental


def main(argv: list[str]) -> None:
    """Load FILE into DB as of AS_OF, print the seconds it took (or only derive, --derive)."""
    if argv[0] == "--derive":
        load.rederive(
            db.make_engine(f"sqlite:///{argv[1]}"), "bench", dt.date.fromisoformat(argv[2])
        )
        return
    engine = db.make_engine(f"sqlite:///{argv[0]}")
    as_of = dt.date.fromisoformat(argv[2])
    paths: list[str] = []
    real = incremental.derive_districts

    def spy(*args, **kwargs):  # which path the derivation took: the number means nothing else
        counts = real(*args, **kwargs)
        paths.append("full" if counts is None else "incremental")
        return counts

    incremental.derive_districts = spy
    start = time.perf_counter()
    result = load.load_paths(engine, [Path(argv[1])], user="bench", as_of=as_of)
    seconds = time.perf_counter() - start
    rows = sum(f.rows_loaded for f in result.files)
    print(json.dumps({"seconds": round(seconds, 3), "rows_loaded": rows, "derivation": paths}))


if __name__ == "__main__":
    main(sys.argv[1:])
