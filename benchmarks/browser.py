"""The browser measurement: a real server (`python app.py`) and headless Chromium.

Times are the page's own clock (performance.now(), from navigation start); bytes are what
crossed the wire, compressed (Resource Timing's transferSize, which includes headers).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from etl.db import PROJECT_ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
# Rendered: the three overview graphs drawn and no Dash callback or page spinner pending.
RENDERED_JS = """() => {
  const drawn = ['ov-map', 'ov-ranking', 'ov-grades'].every(
    id => document.querySelector(`#${id}:not([data-bench-old]) .main-svg`));
  const busy = document.querySelector('[data-dash-is-loading="true"]');
  return drawn && !busy;
}"""
TRANSFER_JS = """() => performance.getEntries()
  .filter(e => e.entryType === 'navigation' || e.entryType === 'resource')
  .reduce((sum, e) => sum + (e.transferSize || 0), 0)"""
INIT_JS = "performance.setResourceTimingBufferSize(10000);"


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    """Poll the server until it answers (or fail when it died or took too long)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"app.py exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer in {timeout} s")


@contextmanager
def server(db_url: str, log: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """`python app.py` on a free port, serving the given warehouse; stopped afterwards."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": db_url, "HOST": "127.0.0.1", "PORT": str(port)}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "app.py"], cwd=PROJECT_ROOT, env=env, stdout=out, stderr=out
        )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until_up(url + "/_dash-layout", proc)
            yield url, proc
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (from /proc, no dependency)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


PLOTLY = "/_dash-component-suites/plotly/package_data/plotly.min.js"


def _plotly_bytes(url: str) -> int:
    """The size of plotly.js as the server sends it to a browser (brotli)."""
    req = urllib.request.Request(url + PLOTLY, headers={"Accept-Encoding": "br"})
    with urllib.request.urlopen(req, timeout=30) as response:
        return len(response.read())


def warm_up(browser: Any, url: str, timeout: float = 120) -> None:
    """Open the overview once, then wait for the server's best-quality bundles (a server
    that has run for a while has them; a fresh one compresses them in the background)."""
    context = browser.new_context()
    context.new_page().goto(url + "/", wait_until="networkidle")
    context.close()
    first = _plotly_bytes(url)
    deadline = time.monotonic() + timeout
    while _plotly_bytes(url) > 0.9 * first and time.monotonic() < deadline:
        time.sleep(1)


def first_render(page: Any, url: str) -> dict[str, Any]:
    """Open the overview; time until every initial callback has rendered, and bytes."""
    page.goto(url + "/", wait_until="commit")
    page.wait_for_function(RENDERED_JS, timeout=60_000, polling=20)
    ms = page.evaluate("() => performance.now()")
    page.wait_for_load_state("networkidle")
    return {"first_render_ms": round(ms), "transfer_bytes": page.evaluate(TRANSFER_JS)}


def choose_department(page: Any, name: str) -> dict[str, Any]:
    """Pick a department in the filter; time until the page has re-rendered, and bytes."""
    page.evaluate(
        "() => { performance.clearResourceTimings();"
        " document.querySelectorAll('#ov-map, #ov-ranking, #ov-grades')"
        ".forEach(e => e.setAttribute('data-bench-old', '1')); }"
    )
    page.click("#ov-dep")
    page.keyboard.type(name)
    start = page.evaluate("() => performance.now()")
    page.keyboard.press("Enter")
    page.wait_for_function(RENDERED_JS, timeout=60_000, polling=20)
    ms = page.evaluate("() => performance.now()") - start
    page.wait_for_load_state("networkidle")
    return {"ms": round(ms), "transfer_bytes": page.evaluate(TRANSFER_JS)}


def measure_browser(db_url: str, department: str, log: Path) -> list[dict[str, Any]]:
    """Overview first render, a department choice, and the server's memory afterwards."""
    from playwright.sync_api import sync_playwright

    with server(db_url, log) as (url, proc), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            warm_up(browser, url)
            context = browser.new_context(viewport={"width": 1366, "height": 900})
            context.add_init_script(INIT_JS)
            page = context.new_page()
            overview = first_render(page, url)
            dep = choose_department(page, department)
        finally:
            browser.close()
        memory = rss_mb(proc.pid)
    return [
        {"name": "browser:overview", "scale": "national", **overview},
        {"name": "browser:department", "scale": "department", "department": department, **dep},
        {"name": "server_memory", "scale": "national", "rss_mb": round(memory, 1)},
    ]
