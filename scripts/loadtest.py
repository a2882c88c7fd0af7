"""A small load test for the dashboard: N simulated users browsing, on loopback only.

Each user loops: overview → department → district → JASS → a filter switch (year and
language), as a browser does it: `GET /` for the page shell, then the Dash router callback
(`POST /_dash-update-component` with the new pathname and search) that renders the page on
the server. District and JASS codes are taken from the links the pages themselves render.

    python scripts/loadtest.py --url http://127.0.0.1:8050 --users 50 --duration 120

Prints a JSON report (requests, errors and p50/p95 milliseconds per page) and exits 1 when any
request failed. Bounded: stops at --duration seconds or --max-requests, whichever is first.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urlsplit

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
ROUTER = {
    "output": ".._pages_content.children..._pages_store.data..",
    "outputs": [
        {"id": "_pages_content", "property": "children"},
        {"id": "_pages_store", "property": "data"},
    ],
    "changedPropIds": ["_pages_location.pathname"],
}
# Districts: the map's and ranking's customdata (ubigeo strings); JASS: the grid's rows.
DISTRICT_RE = re.compile(r'"(\d{6})"')
JASS_RE = re.compile(r'"codigo_oc":\s*"([^"/?#]+)"')
DEPARTMENTS = [f"{n:02d}" for n in range(1, 26)]


def router_payload(pathname: str, search: str = "") -> dict:
    """The body the browser posts when the address changes (Dash pages' routing callback)."""
    inputs = [
        {"id": "_pages_location", "property": "pathname", "value": pathname},
        {"id": "_pages_location", "property": "search", "value": search},
    ]
    return {**ROUTER, "inputs": inputs}


@dataclass
class Stats:
    """Latencies and errors per page, shared by the user threads."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    samples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, page: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latencies.setdefault(page, []).append(seconds)
            if error:
                self.errors[page] = self.errors.get(page, 0) + 1
                if len(self.samples) < 10:
                    self.samples.append(f"{page}: {error}")

    def report(self, elapsed: float) -> dict:
        """requests, errors, p50 and p95 in ms per page, and totals."""
        pages = {
            page: {
                "requests": len(values),
                "errors": self.errors.get(page, 0),
                "p50_ms": round(percentile(values, 50) * 1000, 1),
                "p95_ms": round(percentile(values, 95) * 1000, 1),
            }
            for page, values in sorted(self.latencies.items())
        }
        total = sum(p["requests"] for p in pages.values())
        errors = sum(p["errors"] for p in pages.values())
        return {
            "requests": total,
            "errors": errors,
            "seconds": round(elapsed, 1),
            "requests_per_s": round(total / elapsed, 1) if elapsed else 0.0,
            "pages": pages,
            "error_samples": self.samples,
        }


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) of the values; 0 when empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


class User:
    """One simulated person clicking through the dashboard."""

    def __init__(self, base: str, stats: Stats, rng: random.Random, deadline: float) -> None:
        self.base, self.stats, self.rng, self.deadline = base, stats, rng, deadline
        self.districts: list[str] = []
        self.jass: list[str] = []

    def request(self, page: str, path: str, body: dict | None = None) -> str:
        """One request, timed and recorded; returns the body text ("" on error)."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method="POST" if data else "GET")
        req.add_header("Content-Type", "application/json")
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                text = resp.read().decode("utf-8", "replace")
                error = None if resp.status == 200 else f"HTTP {resp.status}"
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            text, error = "", f"{type(exc).__name__}: {exc}"
        self.stats.record(page, time.perf_counter() - start, error)
        return text

    def visit(self, page: str, pathname: str, search: str = "") -> str:
        """Navigate like the browser: the router callback renders the page."""
        return self.request(page, "/_dash-update-component", router_payload(pathname, search))

    def session(self) -> None:
        """One round: overview, a department, a district, a JASS, a filter switch."""
        self.request("shell", "/")
        self.learn(self.visit("overview", "/"))
        dep = self.rng.choice(DEPARTMENTS)
        self.learn(self.visit("department", "/", f"?dep={dep}"))
        if self.districts:
            self.learn(self.visit("district", f"/distrito/{self.rng.choice(self.districts)}"))
        if self.jass:
            self.visit("jass", f"/jass/{self.rng.choice(self.jass)}")
        lang = self.rng.choice(["es", "en"])
        self.visit("filters", "/", f"?dep={dep}&anio={self.rng.choice([2023, 2024])}&lang={lang}")

    def learn(self, text: str) -> None:
        """Remember district and JASS codes the rendered page links to."""
        self.districts = sorted(set(self.districts) | set(DISTRICT_RE.findall(text)))[:200]
        self.jass = sorted(set(self.jass) | set(JASS_RE.findall(text)))[:200]

    def run(self, max_requests: int) -> None:
        while time.monotonic() < self.deadline and self.total() < max_requests:
            self.session()

    def total(self) -> int:
        with self.stats.lock:
            return sum(len(v) for v in self.stats.latencies.values())


def run(base: str, users: int, duration: float, max_requests: int, seed: int) -> dict:
    """Run the simulated users against `base` and return the report."""
    host = urlsplit(base).hostname or ""
    if host not in LOOPBACK:
        raise SystemExit(f"loopback only: {host!r} is not 127.0.0.1/localhost")
    stats, start = Stats(), time.monotonic()
    deadline = start + duration
    threads = [
        threading.Thread(
            target=User(base.rstrip("/"), stats, random.Random(seed + i), deadline).run,
            args=(max_requests,),
            daemon=True,
        )
        for i in range(users)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=duration + 120)
    return stats.report(time.monotonic() - start)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8050")
    parser.add_argument("--users", type=int, default=5)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds")
    parser.add_argument("--max-requests", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    report = run(args.url, args.users, args.duration, args.max_requests, args.seed)
    print(json.dumps(report, indent=2))
    return 1 if report["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
