"""Issue 17 in a real browser: the district choropleth offline (issue 18: drawn by the server
as SVG on the overview), a click on a shape opens its district, the department filter zooms. (The `page` fixture fails on any console error and on
any request leaving 127.0.0.1: the boundary files and plotly's base map come from the app.)"""

from __future__ import annotations

import re

import pytest

from dashboard.i18n import t
from tests.browser.test_browser import _pick_option

pytestmark = pytest.mark.browser
SHAPES = "#ov-map svg.atm-map path[data-u]"

# Where a district's shape is on screen: a point inside the path that the mouse would hit
# (the bbox centre may fall outside a concave shape, or on a neighbour drawn above it),
# found by sampling a grid over its bounding box.
POINT_IN_SHAPE_JS = """code => {
  const path = document.querySelector(`#ov-map path.d[data-u="${code}"]`);
  if (!path) return null;
  const box = path.getBoundingClientRect();
  for (let i = 1; i < 12; i++) for (let j = 1; j < 12; j++) {
    const x = box.left + box.width * i / 12, y = box.top + box.height * j / 12;
    if (document.elementFromPoint(x, y) === path) return {x, y, w: box.width};
  }
  return {x: null, y: null, w: box.width};
}"""
DRAWN_JS = """() => {
  const paths = [...document.querySelectorAll('#ov-map path.d')];
  const borders = document.querySelector('#ov-map svg.atm-map path[stroke][pointer-events]');
  return {n: paths.length,
          drawn: paths.filter(p => (p.getAttribute('d') || '').length > 10).length,
          coloured: new Set(paths.map(p => p.getAttribute('fill'))).size,
          borders: borders ? (borders.getAttribute('d') || '').length : 0};
}"""


def _map_ready(pg) -> None:
    pg.wait_for_selector(SHAPES, state="attached", timeout=30000)
    pg.wait_for_load_state("networkidle")


def test_brw017_overview_draws_the_district_map_offline_without_plotly(page, server) -> None:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(server + "/")
    _map_ready(page)
    shapes = page.evaluate(DRAWN_JS)
    assert shapes["n"] >= 1800 and shapes["drawn"] == shapes["n"]  # Peru, every 2007 shape
    assert shapes["coloured"] >= 3  # grey (no data) and several values
    assert shapes["borders"] > 1000  # the department outlines (our base map)
    # Issue 18: the server drew it; no plotly.js, no boundary file, no grid on the overview
    assert sum("/mapa/vista.svg?" in u for u in requests) == 1
    assert not [u for u in requests if "plotly" in u or ".geojson" in u or "ag_grid" in u]
    # Another indicator: another map (its own URL), drawn anew
    _pick_option(page, "#ov-ind", t("ind.cobertura_saneamiento", "es"))
    page.wait_for_url(re.compile(r"ind=cobertura_saneamiento"), timeout=15000)
    page.wait_for_function(
        "() => (document.querySelector('#ov-map').getAttribute('data-atm-shown') || '')"
        ".includes('ind=cobertura_saneamiento')",
        timeout=15000,
    )
    _map_ready(page)
    page.wait_for_timeout(500)
    assert page.evaluate(DRAWN_JS)["drawn"] >= 1800
    # The hover text shows in the map's own tooltip
    where = page.evaluate(POINT_IN_SHAPE_JS, "010301")
    page.mouse.move(where["x"], where["y"])
    tip = page.locator(".atm-map-tip")
    tip.wait_for(state="visible", timeout=5000)
    label = page.locator('#ov-map path.d[data-u="010301"]').get_attribute("aria-label")
    assert tip.inner_text().strip() == label.strip()
    assert t("ind.cobertura_saneamiento", "es") in label


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
    # The district page's grid: dash-ag-grid loaded now, by the stand-in (00-lazy.js)
    page.wait_for_selector("#di-grid .ag-row", timeout=30000)


def test_brw019_department_filter_zooms_the_map(page, server) -> None:
    page.goto(server + "/")
    _map_ready(page)
    national = page.evaluate(POINT_IN_SHAPE_JS, "010301")
    _pick_option(page, "#ov-dep", "Amazonas")
    page.wait_for_url(re.compile(r"dep=01"), timeout=15000)
    page.wait_for_function(
        "() => document.querySelectorAll('#ov-map path.d').length < 200",
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
