"""`python -m benchmarks.small_load DB FILE`: one small file loaded into a warehouse copy.

Prints {"seconds": …} on stdout: the load itself (`etl.load.load_paths`), as the data page's
upload runs it inside the serving process, without Python's start-up and imports. The parent
(`benchmarks.load.measure_small_load`) adds the process's wall time and peak memory.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from etl import db, load


def main(argv: list[str]) -> None:
    """Load FILE into DB, print the seconds it took."""
    engine = db.make_engine(f"sqlite:///{argv[0]}")
    start = time.perf_counter()
    result = load.load_paths(engine, [Path(argv[1])], user="bench")
    seconds = time.perf_counter() - start
    rows = sum(f.rows_loaded for f in result.files)
    print(json.dumps({"seconds": round(seconds, 3), "rows_loaded": rows}))


if __name__ == "__main__":
    main(sys.argv[1:])
