"""Refresh docs/screenshots/ from a real warehouse (the national sample), for the README.

    python -m etl sample --scale national --out /tmp/nat && python -m etl load --db URL /tmp/nat
    python -m tests.browser.screenshots URL

Serves the dashboard on a free local port, opens each page in headless Debian Chromium at
1366x768 (the municipal laptop; the phone view at 390x844), and fails on console errors.
"""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from tests.browser.conftest import ARGS, CHROMIUM, _free_port

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def pick(url: str) -> tuple[str, str, str]:
    """A rural district with many JASS, its department and its highest-priority JASS."""
    engine = create_engine(url)
    with engine.connect() as conn:
        ubigeo = conn.execute(
            text("SELECT ubigeo FROM resumen_oc GROUP BY ubigeo ORDER BY count(*) DESC LIMIT 1")
        ).scalar_one()
        jass = conn.execute(
            text("SELECT codigo_oc FROM resumen_oc WHERE ubigeo = :u ORDER BY prioridad DESC"),
            {"u": ubigeo},
        ).first()
    engine.dispose()
    return str(ubigeo), str(ubigeo)[:2], str(jass[0]) if jass else ""


def pages(url: str) -> list[tuple[str, str, str, int]]:
    """(file name, path, selector to wait for, viewport width) of every screenshot."""
    ubigeo, dep, jass = pick(url)
    return [
        ("overview", "/?lang=es", "#ov-map svg.atm-map", 1366),
        ("overview_department", f"/?dep={dep}&lang=es", "#ov-map svg.atm-map", 1366),
        ("district", f"/distrito/{ubigeo}?lang=es", "#di-grid .ag-row", 1366),
        ("ficha", f"/distrito/{ubigeo}/ficha?lang=es", ".ficha #fi-map .main-svg", 1366),
        ("jass", f"/jass/{jass}?lang=es", ".score-head, .empty-state", 1366),
        ("goals", f"/metas?dep={dep}&lang=es", "#go-grid", 1366),
        ("exit", "/salida?lang=es", "#ex-grid", 1366),
        ("data", "/datos?lang=es", "#da-rejects", 1366),
        ("overview_phone", "/?lang=en", "#ov-map svg.atm-map", 390),
    ]


def serve(url: str) -> tuple[str, Any]:
    """The dashboard in a background thread; returns its base URL and the server."""
    from werkzeug.serving import make_server

    from dashboard import create_app
    from dashboard.server.config import Settings

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per page, not per file
    port = _free_port()
    app = create_app(Settings(database_url=url, host="127.0.0.1", port=port))
    server = make_server("127.0.0.1", port, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{port}", server


def main(url: str) -> None:
    """Take every screenshot; exit non-zero on a console error."""
    from playwright.sync_api import sync_playwright

    base, server = serve(url)
    SHOTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        for name, path, selector, width in pages(url):
            height = 844 if width < 500 else 768
            page = browser.new_page(viewport={"width": width, "height": height})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(base + path)
            page.wait_for_selector(selector, timeout=30000)
            page.wait_for_load_state("networkidle")
            if name == "data":  # the rejected rows are what this page is for
                page.locator("#da-rejects").scroll_into_view_if_needed()
            page.wait_for_timeout(500)
            page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=name == "ficha")
            print(f"{name}: {path}")
            page.close()
        browser.close()
    server.shutdown()
    if errors:
        sys.exit(f"console errors: {errors[:3]}")


if __name__ == "__main__":
    from etl.db import database_url

    main(database_url(sys.argv[1] if len(sys.argv) > 1 else None))
