"""End-to-end: the dashboard in a real headless Chromium, offline, on the tiny sample.

Every test fails on a console error or on a request leaving 127.0.0.1. Screenshots for the
README come from the national sample with `python -m tests.browser.screenshots` (not here:
the tiny sample would make poor pictures).
"""

from __future__ import annotations

import csv
import re

import pytest

pytestmark = pytest.mark.browser
DISTRICT = "/distrito/010305"


def _ready(pg, selector: str = "main") -> None:
    """Wait for Dash's first render of the page content."""
    pg.wait_for_selector(selector, timeout=20000)
    pg.wait_for_load_state("networkidle")


def _download(pg, button: str, target):
    """Click an export button and save what it downloads."""
    with pg.expect_download(timeout=15000) as info:
        pg.locator(button).click()
    info.value.save_as(target)
    return info.value.suggested_filename


def test_brw001_overview_filter_district_jass_language(page, server) -> None:
    """The main journey: overview → filter → district → JASS → English."""
    page.goto(server + "/")
    _ready(page, "#ov-map .plot-container")
    assert page.get_by_text("Cobertura de agua rural").count() >= 1
    page.locator("#ov-dep").click()
    page.get_by_role("option", name="Amazonas").first.click()
    page.wait_for_url(re.compile(r"dep=01"), timeout=15000)
    _ready(page, "#ov-map .plot-container")

    page.goto(server + DISTRICT + "?lang=es")
    _ready(page, "#di-grid .ag-row")
    assert page.get_by_text("A quién visitar primero").count() == 1
    page.locator(".priority-list a").first.click()
    page.wait_for_url(re.compile(r"/jass/"), timeout=15000)
    _ready(page, ".score-head, .empty-state")
    page.get_by_role("link", name="EN", exact=True).click()
    page.wait_for_url(re.compile(r"lang=en"), timeout=15000)
    page.get_by_role("heading", name="Municipal register").wait_for(timeout=15000)
    assert page.get_by_text("Overview").count() >= 1


def test_brw002_exports_follow_the_grid_filter(page, server, tmp_path) -> None:
    """The JASS export holds the rows the grid shows (filtered), as CSV and Excel."""
    page.goto(server + DISTRICT + "?lang=es")
    _ready(page, "#di-grid .ag-row")
    everything = tmp_path / "all.csv"
    _download(page, "#di-grid-csv", everything)
    all_rows = list(csv.reader(everything.open(encoding="utf-8-sig")))
    assert all_rows[0][:2] == ["Nombre", "Grado"] and len(all_rows) >= 3
    grade = all_rows[1][1]
    page.evaluate(
        """g => dash_ag_grid.getApi('di-grid').setFilterModel(
            {grado: {filterType: 'text', type: 'equals', filter: g}})""",
        grade,
    )
    page.wait_for_timeout(400)  # virtualRowData follows the filter
    filtered = tmp_path / "filtered.csv"
    name = _download(page, "#di-grid-csv", filtered)
    rows = list(csv.reader(filtered.open(encoding="utf-8-sig")))[1:]
    assert name.startswith("jass_010305") and rows and {r[1] for r in rows} == {grade}
    assert len(rows) < len(all_rows) - 1 or len({r[1] for r in all_rows[1:]}) == 1
    assert _download(page, "#di-priority-xlsx", tmp_path / "p.xlsx").endswith(".xlsx")
    assert _download(page, "#di-cp-grid-xlsx", tmp_path / "cp.xlsx").endswith(".xlsx")


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("/metas?lang=es", "Cumplimiento por departamento"),
        ("/salida?lang=es", "Criterios y umbrales de salida"),
        ("/datos?lang=es", "Cargas"),
        ("/distrito/999999?lang=es", "No existe un distrito"),
    ],
)
def test_brw003_other_pages_render(page, server, path, text) -> None:
    """Goals, exit, data and an unknown district render."""
    page.goto(server + path)
    _ready(page)
    page.get_by_text(text).first.wait_for(timeout=15000)


def test_brw004_phone_width(page, server) -> None:
    """At 390 px the overview and a district render without horizontal scrolling."""
    page.set_viewport_size({"width": 390, "height": 844})
    for path, selector in (("/?lang=en", "#ov-map .plot-container"), (DISTRICT, "#di-grid")):
        page.goto(server + path)
        _ready(page, selector)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 392, (path, width)
    assert page.get_by_text("A quién visitar primero").count() == 1


def test_brw005_district_sheet_prints_on_one_a4_page(page, server, tmp_path) -> None:
    """The district page's print button opens the sheet; the sheet is one A4 page as PDF."""
    page.goto(server + DISTRICT + "?lang=es")
    _ready(page, "#di-print")
    with page.context.expect_page(timeout=15000) as info:
        page.locator("#di-print").click()
    sheet = info.value
    sheet.wait_for_selector(".ficha #fi-map .main-svg", timeout=20000)
    sheet.wait_for_load_state("networkidle")
    assert sheet.get_by_text("Ficha distrital").count() == 1
    assert sheet.locator(".navbar").count() == 0
    sheet.emulate_media(media="print")
    pdf = sheet.pdf(format="A4", print_background=True)
    (tmp_path / "ficha.pdf").write_bytes(pdf)
    pages = re.findall(rb"/Type\s*/Page(?![s\w])", pdf)
    assert len(pages) == 1, len(pages)
    sheet.close()


def test_brw006_goals_filter_by_department_and_closed_note(page, server) -> None:
    """The department filter goes into the URL and scopes the table; a closed goal says so."""
    page.goto(server + "/metas?lang=es")
    _ready(page, "#go-dep")
    assert page.get_by_text("Meta cerrada el").count() == 1
    page.locator("#go-dep").click()
    page.get_by_role("option", name="Amazonas").first.click()
    page.wait_for_url(re.compile(r"dep=01"), timeout=15000)
    page.get_by_text("Cumplimiento por provincia").wait_for(timeout=15000)
    departments = page.locator("#go-grid .ag-cell[col-id='departamento']").all_inner_texts()
    assert set(departments) <= {"Amazonas"}


def test_brw007_keyboard_and_spanish_grid(page, server) -> None:
    """Tab reaches the skip link, the filters and the links with a visible focus ring; the
    grid's filter menu speaks Spanish."""
    page.goto(server + "/?lang=es")
    _ready(page, "#ov-map .plot-container")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className").startswith("skip-link")
    reached: set[str] = set()
    for _ in range(14):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("document.activeElement.closest('[id]')?.id || ''"))
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        tag = page.evaluate("document.activeElement.tagName")
        if tag == "A":
            assert outline != "none", "a focused link must show a focus ring"
    assert "ov-dep" in reached, reached
    page.goto(server + DISTRICT + "?lang=es")
    _ready(page, "#di-grid .ag-row")
    page.locator("#di-grid .ag-header-cell[col-id='nombre'] .ag-header-cell-filter-button").click()
    page.get_by_text("Contiene").first.wait_for(timeout=5000)


def test_brw012_district_search_as_you_type(page, server) -> None:
    """Nationally the district picker searches the server as the user types, then opens it."""
    page.goto(server + "/")
    _ready(page, "#ov-map .plot-container")
    page.locator("#ov-dist").click()
    search = page.locator(".dash-dropdown-content input").first  # the open dropdown's search
    search.wait_for(timeout=15000)
    search.fill("cuisp")
    page.get_by_role("option", name=re.compile(r"^Cuispes \(")).first.click(timeout=15000)
    page.wait_for_url(re.compile(r"/distrito/010305"), timeout=15000)
