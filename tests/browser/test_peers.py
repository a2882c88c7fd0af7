"""Issue 16 in a real browser, on the tiny sample (the real matcher's rows): a district with
suggestions shows its "Intercambio entre JASS" section, an item chip narrows it to one item,
its link opens /intercambio, both tables of that page download, and the printable visit plan
lists the mentor."""

from __future__ import annotations

import csv
import json

import pytest
from sqlalchemy import create_engine, text

from tests.browser.test_browser import _download, _pick_option, _ready

pytestmark = pytest.mark.browser


def _district_with_suggestions(url: str) -> tuple[str, str, str]:
    """(district, an item one of its JASS can learn, the mentor's name), most suggestions
    first."""
    engine = create_engine(url)
    with engine.connect() as conn:
        ubigeo = conn.execute(
            text(
                "SELECT ubigeo FROM intercambio_sugerencia GROUP BY ubigeo "
                "ORDER BY count(*) DESC, ubigeo LIMIT 1"
            )
        ).scalar_one()
        row = conn.execute(
            text(
                "SELECT s.items, o.nombre FROM intercambio_sugerencia s JOIN "
                "organizacion_comunal o ON o.codigo_oc = s.mentor_oc WHERE s.ubigeo = :u "
                "ORDER BY s.codigo_oc, s.rango LIMIT 1"
            ),
            {"u": ubigeo},
        ).one()
    engine.dispose()
    items = row[0] if isinstance(row[0], list) else json.loads(row[0])
    return str(ubigeo), str(items[0]), str(row[1])


def test_ix100_district_section_item_filter_then_peer_page_exports(
    page, server, tiny_url, tmp_path
) -> None:
    ubigeo, item, mentor = _district_with_suggestions(tiny_url)
    page.goto(server + f"/distrito/{ubigeo}?lang=es")
    _ready(page, "#di-peers .ix-list")
    section = page.locator("#di-peers")
    assert "Intercambio entre JASS" in section.inner_text()
    assert "Modelo local (nuestra regla, no oficial). Calculado al" in section.inner_text()
    assert mentor in section.inner_text()  # the suggestion is there without a click
    # One click on an item: the section keeps the JASS weak on it and the mentors for it.
    section.locator(".ix-items a", has_text="(").nth(0).wait_for()
    chips = section.locator(".ix-items a")
    target = next(
        i
        for i in range(chips.count())
        if f"item={item}" in (chips.nth(i).get_attribute("href") or "")
    )
    chips.nth(target).click()
    page.wait_for_url(f"**item={item}**", timeout=15000)
    _ready(page, f"#di-peers .ix-items a.ix-chosen[href*='item={item}']")
    assert mentor in page.locator("#di-peers").inner_text()
    # The printable plan of the district for that item: who visits whom, with the evidence.
    plan = page.locator("#di-peers .ix-plan").get_attribute("href") or ""
    assert f"item={item}" in plan
    # The link to /intercambio keeps the province and the item.
    page.locator("#di-peers .ix-open").click()
    page.wait_for_url("**/intercambio?**", timeout=15000)
    _ready(page, "#ix-sug-grid .ag-row")
    assert f"item={item}" in page.url
    assert "Modelo local (nuestra regla, no oficial)" in page.locator("main").inner_text()
    name = _download(page, "#ix-sug-grid-csv", tmp_path / "s.csv")
    assert name.startswith("intercambio_jass_") and name.endswith(".csv")
    with open(tmp_path / "s.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and "Aprendiz (JASS)" in rows[0] and "Por qué ella" in rows[0]
    assert any(r["Mentora (JASS)"] == mentor for r in rows)
    assert _download(page, "#ix-atm-grid-xlsx", tmp_path / "a.xlsx").endswith(".xlsx")
    page.goto(server + plan)
    _ready(page, ".ficha table")
    sheet = page.locator(".ficha").inner_text()
    assert "Plan de visitas de intercambio" in sheet and mentor in sheet


def test_ix101_peer_page_in_the_navigation_filters_by_department(page, server) -> None:
    page.goto(server + "/?lang=en")
    _ready(page, "#ov-dep")  # the live page (the first view before it has no ids)
    page.get_by_role("link", name="Peer exchange").click()
    page.wait_for_url("**/intercambio?**", timeout=15000)
    # The grids drawn first: arriving from the overview (no grid script), their script loads
    # now, and a menu opened meanwhile could close under the click (CI, twice)
    _ready(page, "#ix-atm-grid .ag-root-wrapper")
    assert "Local model (our own rule, not official)" in page.locator("main").inner_text()
    _pick_option(page, "#ix-dep", "Amazonas")
    page.wait_for_url("**dep=01**", timeout=15000)
    _ready(page, "#ix-atm-grid .ag-row")
    assert "Amazonas" in page.locator("#ix-atm-grid").inner_text()  # its at-risk ATMs
