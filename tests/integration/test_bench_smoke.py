"""bench001: `python -m benchmarks --quick` runs end to end and writes every measurement.

No timing assertions: the figures depend on the machine. `make bench` is the real run.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.browser import CHROMIUM

ROOT = Path(__file__).resolve().parents[2]
KEYS = {
    "load": {"seconds", "baseline_seconds", "ratio", "peak_rss_mb"},
    "scaling": {"ratio"},
    "browser:overview": {"first_render_ms", "transfer_bytes"},
    "browser:department": {"ms", "transfer_bytes"},
    "browser:overview_rural": {
        "first_render_ms",
        "transfer_bytes",
        "repeat_render_ms",
        "repeat_transfer_bytes",
    },
    "load:small": {"seconds", "peak_rss_mb", "rows", "as_of", "derivation"},
    "server_memory": {"rss_mb"},
}
CALLBACK_KEYS = {"scale", "p50_ms", "p95_ms", "bytes"}


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")
def test_bench001_quick_run_writes_every_key(tmp_path):
    out = tmp_path / "results.json"
    args = ["--quick", "--calls", "2", "--work", str(tmp_path / "work"), "--out", str(out)]
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    doc = json.loads(out.read_text())
    assert {"cpu_count", "machine", "measurements"} <= set(doc)
    by_name = {m["name"]: m for m in doc["measurements"]}
    for name, keys in KEYS.items():
        assert keys <= set(by_name[name]), name
    callbacks = [m for m in doc["measurements"] if m["name"].startswith("callback:")]
    assert {m["scale"] for m in callbacks} == {"national", "department", "district"}
    assert all(set(m) >= CALLBACK_KEYS for m in callbacks)
    assert "callback:_pages_content" in by_name  # the page router is among them
    downloads = [m for m in doc["measurements"] if m["name"].startswith("download:")]
    assert {"download:di-grid-csv", "download:go-grid-xlsx"} <= {m["name"] for m in downloads}
    assert all(set(m) >= {*CALLBACK_KEYS, "rows"} for m in downloads)
    assert not [m for m in callbacks if "download" in m["name"]]  # exports are not callbacks
    assert "targets:" in proc.stdout
