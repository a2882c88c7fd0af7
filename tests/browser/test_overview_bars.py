"""The overview's HTML ranking and grade bars in a real browser: drawn with the map, a ranked
district opens its page, both languages, and a new filter draws them anew."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_browser import _pick_option

pytestmark = pytest.mark.browser


def test_ovb101_ranking_link_opens_the_district(page, server) -> None:
    page.goto(server + "/?lang=en")
    page.wait_for_selector("#ov-map svg.atm-map path[data-u]", timeout=20000)
    rows = page.locator("#ov-ranking .hbar-row")
    assert rows.count() >= 2
    assert page.locator("#ov-grades .vbar-col").count() == 5
    assert page.locator("#ov-grades .vbar-axis-title").inner_text() == "Grade"
    first = rows.first
    name = first.locator(".hbar-name").inner_text()
    assert re.fullmatch(r".+ \(\d{6}\)", name)
    assert first.get_attribute("title").startswith(name + ": ")
    assert first.locator(".hbar-value").inner_text().endswith("%")
    code = name[-7:-1]
    first.locator(".hbar-name").click()
    page.wait_for_url(re.compile(rf"/distrito/{code}\?.*lang=en"), timeout=15000)
    page.get_by_role("heading", level=1).filter(has_text=code).wait_for(timeout=20000)


def test_ovb102_a_filter_draws_new_bars(page, server) -> None:
    """The benchmark's department measurement relies on the charts being new elements."""
    page.goto(server + "/")
    page.wait_for_selector("#ov-ranking .hbar-row", timeout=20000)
    page.wait_for_load_state("networkidle")
    page.evaluate(
        "() => document.querySelectorAll('#ov-map, #ov-ranking, #ov-grades')"
        ".forEach(e => e.setAttribute('data-bench-old', '1'))"
    )
    _pick_option(page, "#ov-dep", "Amazonas")
    page.wait_for_url(re.compile(r"dep=01"), timeout=15000)
    for chart in ("#ov-ranking", "#ov-grades", "#ov-map"):
        page.wait_for_selector(f"{chart}:not([data-bench-old])", timeout=15000)
    assert page.locator("#ov-grades .vbar-axis-title").inner_text() == "Grado"
