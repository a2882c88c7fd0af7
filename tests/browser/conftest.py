"""Browser fixtures: a tiny warehouse built by the real ETL and the app served on a free port."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def tiny_url(tmp_path_factory) -> str:
    """A SQLite warehouse loaded from the deterministic tiny sample (etl.sample + etl.load)."""
    from etl import db
    from etl.load import load_paths
    from etl.sample import write_sample

    root = tmp_path_factory.mktemp("tiny")
    paths = write_sample(root / "in", scale="tiny")
    url = f"sqlite:///{root / 'warehouse.db'}"
    engine = db.make_engine(url)
    db.init_db(engine)
    load_paths(engine, paths)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def server(tiny_url) -> Iterator[str]:
    """The dashboard served in a background thread; yields its base URL."""
    from werkzeug.serving import make_server

    from dashboard import create_app
    from dashboard.server.config import Settings

    port = _free_port()
    app = create_app(Settings(database_url=tiny_url, host="127.0.0.1", port=port))
    srv = make_server("127.0.0.1", port, app.server, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    srv.shutdown()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Debian Chromium through Playwright (never a downloaded browser)."""
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh page that records console errors and refuses any request off 127.0.0.1."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True)
    pg = context.new_page()
    pg.errors = []
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    external: list[str] = []
    pg.route(
        re.compile(r"^https?://(?!127\.0\.0\.1)"),
        lambda route: (external.append(route.request.url), route.abort()),
    )
    pg.external = external
    yield pg
    assert not pg.external, f"requests left the machine: {pg.external[:3]}"
    assert not pg.errors, pg.errors
    context.close()
