"""End-to-end: the dashboard in a real headless Chromium, offline, on the tiny sample.

Every test fails on a console error or on a request leaving 127.0.0.1. Screenshots for the
README come from the national sample with `python -m tests.browser.screenshots` (not here:
the tiny sample would make poor pictures).
"""

from __future__ import annotations

import csv
import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

pytestmark = pytest.mark.browser
DISTRICT = "/distrito/010305"


def _ready(pg, selector: str = "main") -> None:
    """Wait for Dash's first render of the page content."""
    pg.wait_for_selector(selector, timeout=20000)
    pg.wait_for_load_state("networkidle")


def _pick_option(pg, dropdown: str, name: str, tries: int = 4) -> None:
    """Open a dropdown and choose an option. A page still settling (Dash drawing the dropdown
    again under the click) can close the menu before its options show: open it again, at
    most `tries` times."""
    option = pg.get_by_role("option", name=name).first
    for attempt in range(tries):
        pg.locator(dropdown).click()
        try:
            option.click(timeout=5000)  # visible, stable and receiving the click
            return
        except PlaywrightTimeoutError:
            if attempt == tries - 1:
                raise
            pg.keyboard.press("Escape")  # close what is left of the menu, open it again


def _download(pg, button: str, target):
    """Click an export button and save what it downloads."""
    with pg.expect_download(timeout=15000) as info:
        pg.locator(button).click()
    info.value.save_as(target)
    return info.value.suggested_filename


def test_brw001_overview_filter_district_jass_language(page, server) -> None:
    """The main journey: overview → filter → district → JASS → English."""
    page.goto(server + "/")
    _ready(page, "#ov-map svg.atm-map")
    assert page.get_by_text("Cobertura de agua rural").count() >= 1
    _pick_option(page, "#ov-dep", "Amazonas")
    page.wait_for_url(re.compile(r"dep=01"), timeout=15000)
    _ready(page, "#ov-map svg.atm-map")

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


GRID_ORDER_JS = """g => { const out = [];
  dash_ag_grid.getApi(g).forEachNodeAfterFilterAndSort(n => out.push(n.data.nombre));
  return out; }"""


# The CSV link carries the grid's own filter model and sort (assets/exports.js has run).
LINK_FOLLOWS_GRID_JS = """() => {
  const api = dash_ag_grid.getApi('di-grid');
  const params = new URL(document.querySelector('#di-grid-csv').href).searchParams;
  const sorted = api.getColumnState().filter(c => c.sort).length;
  return params.get('filtro') === JSON.stringify(api.getFilterModel())
    && (params.get('orden') ? JSON.parse(params.get('orden')).length : 0) === sorted; }"""


def _exported_names(pg, link: str, target) -> list[str]:
    _download(pg, link, target)
    rows = list(csv.DictReader(target.open(encoding="utf-8-sig")))
    return [r["Nombre"] for r in rows]


def test_brw002_exports_follow_the_grid_filter_and_sort(page, server, tmp_path) -> None:
    """Each export link downloads the rows the grid shows, in its order: AG Grid's own
    filtering and sorting against the server's (dashboard/gridmodel.py)."""
    page.goto(server + DISTRICT + "?lang=es")
    _ready(page, "#di-grid .ag-row")
    shown = page.evaluate(GRID_ORDER_JS, "di-grid")
    assert _exported_names(page, "#di-grid-csv", tmp_path / "all.csv") == shown
    total = len(shown)
    grades = sorted(
        {
            g
            for g in page.evaluate(
                "() => dash_ag_grid.getApi('di-grid').getGridOption('rowData').map(r => r.grado)"
            )
            if g
        }
    )
    models = [
        {"grado": {"filterType": "text", "type": "equals", "filter": grades[0].lower()}},
        {"puntaje": {"filterType": "number", "type": "greaterThan", "filter": 0.5}},
        {
            "nombre": {
                "filterType": "text",
                "operator": "OR",
                "conditions": [
                    {"filterType": "text", "type": "contains", "filter": "jass"},
                    {"filterType": "text", "type": "blank"},
                ],
            }
        },
    ]
    sorts = [[], [{"colId": "puntaje", "sort": "desc"}], [{"colId": "nombre", "sort": "desc"}]]
    for i, (model, sort) in enumerate(zip(models, sorts, strict=True)):
        page.evaluate(
            """([m, s]) => { const api = dash_ag_grid.getApi('di-grid');
                api.setFilterModel(m);
                api.applyColumnState({state: s, defaultState: {sort: null}}); }""",
            [model, sort],
        )
        page.wait_for_function(LINK_FOLLOWS_GRID_JS, timeout=10000)
        shown = page.evaluate(GRID_ORDER_JS, "di-grid")
        names = _exported_names(page, "#di-grid-csv", tmp_path / f"f{i}.csv")
        assert names == shown and 0 < len(names) < total, (model, sort)
    page.evaluate("() => dash_ag_grid.getApi('di-grid').setFilterModel(null)")
    assert _download(page, "#di-grid-xlsx", tmp_path / "g.xlsx").startswith("jass_010305")
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
    for path, selector in (("/?lang=en", "#ov-map svg.atm-map"), (DISTRICT, "#di-grid")):
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
    _pick_option(page, "#go-dep", "Amazonas")
    page.wait_for_url(re.compile(r"dep=01"), timeout=15000)
    page.get_by_text("Cumplimiento por provincia").wait_for(timeout=15000)
    departments = page.locator("#go-grid .ag-cell[col-id='departamento']").all_inner_texts()
    assert set(departments) <= {"Amazonas"}


def test_brw007_keyboard_and_spanish_grid(page, server) -> None:
    """Tab reaches the skip link, the filters and the links with a visible focus ring; the
    grid's filter menu speaks Spanish."""
    page.goto(server + "/?lang=es")
    _ready(page, "#ov-map svg.atm-map")
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
    _ready(page, "#ov-map svg.atm-map")
    page.locator("#ov-dist").click()
    search = page.locator(".dash-dropdown-content input").first  # the open dropdown's search
    search.wait_for(timeout=15000)
    search.fill("cuisp")
    page.get_by_role("option", name=re.compile(r"^Cuispes \(")).first.click(timeout=15000)
    page.wait_for_url(re.compile(r"/distrito/010305"), timeout=15000)
