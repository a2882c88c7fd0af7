"""End-to-end: the dashboard in a real headless Chromium, offline, on the tiny sample.

Screenshots go to docs/screenshots/ (1366x768, the municipal laptop) for the README.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def page(browser, server):
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
    context.close()


def _ready(pg, selector: str = "main") -> None:
    """Wait for Dash's first render of the page content."""
    pg.wait_for_selector(selector, timeout=20000)
    pg.wait_for_load_state("networkidle")


def _shot(pg, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def test_brw001_overview_filter_district_jass_language(page, server) -> None:
    """The main journey: overview → filter → district → JASS → English, with no errors."""
    page.goto(server + "/")
    _ready(page, "#ov-map .plot-container")
    assert page.get_by_text("Cobertura de agua rural").count() >= 1
    _shot(page, "overview")

    page.locator("#ov-dep").click()
    page.get_by_role("option", name="Amazonas").first.click()
    page.wait_for_url(re.compile(r"dep=01"), timeout=15000)
    _ready(page, "#ov-map .plot-container")
    assert not page.errors, page.errors

    page.goto(server + "/distrito/010305?lang=es")
    _ready(page, "#di-grid .ag-row")
    assert page.get_by_text("A quién visitar primero").count() == 1
    _shot(page, "district")

    page.locator(".priority-list a").first.click()
    page.wait_for_url(re.compile(r"/jass/"), timeout=15000)
    _ready(page, ".score-head, .empty-state")
    _shot(page, "jass")

    page.get_by_role("link", name="EN", exact=True).click()
    page.wait_for_url(re.compile(r"lang=en"), timeout=15000)
    page.get_by_role("heading", name="Municipal register").wait_for(timeout=15000)
    assert page.get_by_text("Overview").count() >= 1
    assert not page.errors, page.errors


def test_brw002_exports_have_rows(page, server, tmp_path) -> None:
    """The JASS table's CSV export downloads a file with rows."""
    page.goto(server + "/distrito/010305?lang=es")
    _ready(page, "#di-grid .ag-row")
    with page.expect_download(timeout=15000) as info:
        page.locator("#di-csv").click()
    target = tmp_path / "jass.csv"
    info.value.save_as(target)
    rows = list(csv.reader(target.open(encoding="utf-8-sig")))
    assert len(rows) >= 2 and "Nombre" in rows[0][0]
    with page.expect_download(timeout=15000) as info:
        page.locator("#di-xlsx").click()
    assert info.value.suggested_filename.endswith(".xlsx")
    assert not page.errors, page.errors


@pytest.mark.parametrize(
    ("path", "text", "shot"),
    [
        ("/metas?lang=es", "Cumplimiento por departamento", "goals"),
        ("/salida?lang=es", "Criterios y umbrales de salida", "exit"),
        ("/datos?lang=es", "Cargas", "data"),
        ("/distrito/999999?lang=es", "No existe un distrito", None),
    ],
)
def test_brw003_other_pages_render_without_errors(page, server, path, text, shot) -> None:
    """Goals, exit, data and an unknown district render, with no console error."""
    page.goto(server + path)
    _ready(page)
    page.get_by_text(text).first.wait_for(timeout=15000)
    if shot:
        _shot(page, shot)
    assert not page.errors, page.errors


def test_brw004_phone_width(page, server) -> None:
    """At phone width the overview still renders its KPIs."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server + "/?lang=en")
    _ready(page, "#ov-map .plot-container")
    assert page.get_by_text("Rural water coverage").count() >= 1
    _shot(page, "overview_phone")
    assert not page.errors, page.errors
