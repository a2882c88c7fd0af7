"""Issue 14 in a real browser, on the tiny sample: the grade says it is our local model, a
provisional grade looks provisional, and /metas shows computed and official side by side."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

pytestmark = pytest.mark.browser


def _ready(pg, selector: str) -> None:
    pg.wait_for_selector(selector, timeout=20000)
    pg.wait_for_load_state("networkidle")


def test_hon001_overview_grade_card_and_badges_say_local_model(page, server) -> None:
    page.goto(server + "/?lang=es")
    _ready(page, "#ov-grades .vbar-col")
    heading = page.get_by_text("JASS por grado de salud · modelo local, escala SIASAR")
    assert heading.count() >= 1
    badge = page.locator(".kpi-card .grade-badge").first
    assert "modelo local, escala SIASAR" in (badge.get_attribute("title") or "")
    # "SIASAR" alone would claim SIASAR's own formula: no badge says just that.
    titles = page.locator(".grade-badge").evaluate_all("els => els.map(e => e.title)")
    assert all("modelo local" in t for t in titles), titles


def test_hon002_a_provisional_grade_looks_provisional(page, server, tiny_url) -> None:
    engine = create_engine(tiny_url)
    with engine.connect() as conn:
        code = conn.execute(
            text(
                "SELECT codigo_oc FROM resumen_oc WHERE grado_provisional AND grado IN ('A','B',"
                "'C','D') ORDER BY codigo_oc LIMIT 1"
            )
        ).scalar_one()
    engine.dispose()
    page.goto(server + f"/jass/{code}?lang=es")
    _ready(page, ".score-head")
    badge = page.locator(".score-head .grade-badge")
    assert "provisional" in badge.inner_text()
    assert "grade-provisional" in (badge.get_attribute("class") or "")
    assert "provisional" in (badge.get_attribute("title") or "")
    style = badge.evaluate("e => getComputedStyle(e).borderTopStyle")
    assert style == "dashed"  # looks different from a firm grade's solid border


def test_hon003_goals_show_computed_and_official_side_by_side(page, server) -> None:
    page.goto(server + "/metas?lang=es&meta=2017-41")
    _ready(page, "#go-dep")
    page.get_by_text("Aplica a la categoría municipal D").wait_for(timeout=15000)
    assert page.locator(".go-rule").get_by_text("Everyone Forever").count() >= 1
    legend = page.locator(".js-plotly-plot .legend").first
    legend.wait_for(timeout=15000)
    names = legend.text_content() or ""
    assert "Calculado" in names and "Oficial MEF" in names
    assert page.get_by_text("Discrepancias: calculado frente al resultado oficial del MEF").count()
