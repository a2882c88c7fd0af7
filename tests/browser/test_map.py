"""Issue 17 in a real browser: the district choropleth offline, a click on a shape opens its
district, the department filter zooms. (The `page` fixture fails on any console error and on
any request leaving 127.0.0.1: the boundary files and plotly's base map come from the app.)"""

from __future__ import annotations

import re

import pytest

from dashboard.i18n import t

pytestmark = pytest.mark.browser
SHAPES = "#ov-map .choroplethlocation"

# Where a district's shape is on screen: a point inside the path (the bbox centre may fall
# outside a concave shape), found by sampling a grid over its bounding box. (Plotly's geo
# paths take no pointer events themselves: the subplot finds the shape under the mouse.)
POINT_IN_SHAPE_JS = """code => {
  const path = [...document.querySelectorAll('#ov-map .choroplethlocation')]
    .find(p => p.__data__ && p.__data__.loc === code);
  if (!path) return null;
  const box = path.getBoundingClientRect();
  for (let i = 1; i < 12; i++) for (let j = 1; j < 12; j++) {
    const x = box.left + box.width * i / 12, y = box.top + box.height * j / 12;
    const inner = new DOMPoint(x, y).matrixTransform(path.getScreenCTM().inverse());
    if (path.isPointInFill(inner)) return {x, y, w: box.width};
  }
  return {x: null, y: null, w: box.width};
}"""
DRAWN_JS = """() => {
  const paths = [...document.querySelectorAll('#ov-map .choroplethlocation')];
  const borders = document.querySelector('#ov-map .layer.rivers path');
  return {n: paths.length,
          drawn: paths.filter(p => (p.getAttribute('d') || '').length > 10).length,
          coloured: new Set(paths.map(p => p.style.fill || p.getAttribute('fill'))).size,
          borders: borders ? (borders.getAttribute('d') || '').length : 0};
}"""


def _map_ready(pg) -> None:
    pg.wait_for_selector(SHAPES, state="attached", timeout=30000)
    pg.wait_for_load_state("networkidle")


def test_brw017_overview_draws_the_district_choropleth_offline(page, server) -> None:
    boundary_requests: list[str] = []
    page.on("request", lambda r: boundary_requests.append(r.url) if "/mapa/" in r.url else None)
    page.goto(server + "/")
    _map_ready(page)
    shapes = page.evaluate(DRAWN_JS)
    assert shapes["n"] >= 1800 and shapes["drawn"] == shapes["n"]  # Peru, every 2007 shape
    assert shapes["coloured"] >= 3  # grey (no data) and several values
    assert shapes["borders"] > 1000  # the department outlines (our base map)
    assert any(u.endswith("/distritos.geojson") for u in boundary_requests)
    assert any(u.endswith("/south-america_110m.json") for u in boundary_requests)
    # Another indicator: a new page of values; the shapes are not asked for again
    before = len(boundary_requests)
    page.locator("#ov-ind").click()
    page.get_by_role("option", name=t("ind.cobertura_saneamiento", "es")).click()
    page.wait_for_url(re.compile(r"ind=cobertura_saneamiento"), timeout=15000)
    _map_ready(page)
    page.wait_for_timeout(500)
    assert page.evaluate(DRAWN_JS)["drawn"] >= 1800
    assert len(boundary_requests) == before


def test_brw018_click_on_a_district_shape_opens_its_page(page, server) -> None:
    page.goto(server + "/?dep=01&prov=0103")
    _map_ready(page)
    # The KPI cards above it can push the map below the fold: a click needs it on screen.
    page.locator("#ov-map").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    where = page.evaluate(POINT_IN_SHAPE_JS, "010305")
    assert where and where["x"] is not None, where
    page.mouse.move(where["x"], where["y"])
    page.mouse.click(where["x"], where["y"])
    page.wait_for_url(re.compile(r"/distrito/010305"), timeout=15000)
    page.wait_for_selector("#di-grid", timeout=20000)


def test_brw019_department_filter_zooms_the_map(page, server) -> None:
    page.goto(server + "/")
    _map_ready(page)
    national = page.evaluate(POINT_IN_SHAPE_JS, "010301")
    page.locator("#ov-dep").click()
    page.get_by_role("option", name="Amazonas").first.click()
    page.wait_for_url(re.compile(r"dep=01"), timeout=15000)
    page.wait_for_function(
        "() => document.querySelectorAll('#ov-map .choroplethlocation').length < 200",
        timeout=20000,
    )
    _map_ready(page)
    zoomed = page.evaluate(POINT_IN_SHAPE_JS, "010301")
    assert page.evaluate(DRAWN_JS)["n"] == 82  # Amazonas: 84 districts, 2 without a shape
    assert zoomed["w"] > 4 * national["w"]  # framed on the department


# The JASS markers on screen: the points of the scattergeo traces that carry JASS codes.
JASS_MARKERS_JS = """() => {
  const gd = document.querySelector('#di-map .js-plotly-plot');
  const geo = gd._fullData.filter(t => t.type === 'scattergeo');
  const layers = [...gd.querySelectorAll('.scatterlayer .trace')];
  const out = [];
  geo.forEach((trace, k) => {
    if (!trace.customdata) return;
    layers[k].querySelectorAll('.point').forEach(p => {
      const b = p.getBoundingClientRect();
      out.push({x: b.left + b.width / 2, y: b.top + b.height / 2});
    });
  });
  return out;
}"""


def test_brw020_district_page_shows_its_jass_on_the_outline(page, server) -> None:
    page.goto(server + "/distrito/010305")
    page.wait_for_selector("#di-map .choroplethlocation", state="attached", timeout=30000)
    page.wait_for_load_state("networkidle")
    outline = page.evaluate(
        "() => document.querySelector('#di-map .choroplethlocation').getAttribute('d') || ''"
    )
    assert len(outline) > 50  # the district's own 2007 boundary
    page.locator("#di-map").scroll_into_view_if_needed()
    markers = page.evaluate(JASS_MARKERS_JS)
    assert len(markers) >= 1
    page.mouse.move(markers[0]["x"], markers[0]["y"])
    page.mouse.click(markers[0]["x"], markers[0]["y"])
    page.wait_for_url(re.compile(r"/jass/OC010305"), timeout=15000)
    page.wait_for_selector(".score-head, .empty-state", timeout=20000)
