"""The partial plotly.js bundle: vendored at the right version, enough for every figure, served
instead of the full bundle (compressed), and the full one back when the tile map needs it."""

from __future__ import annotations

import re
import time
from pathlib import Path

import brotli
import pandas as pd
import pytest
from plotly.offline import get_plotlyjs_version

from dashboard import create_app, figures
from dashboard.server import speed
from dashboard.server.config import Settings
from tests.browser.fixture_data import fill_warehouse
from tests.unit.test_dashboard_pure import _districts

BUNDLE = Path(__file__).resolve().parents[2] / "assets" / speed.PLOTLY_BASIC


def _every_figure() -> dict[str, object]:
    """One of each figure the dashboard draws (without tiles)."""
    ref = pd.DataFrame({"latitud": [-6.0, -12.0], "longitud": [-77.0, -75.0]})
    history = pd.DataFrame(
        {
            "anio": [2023, 2024],
            "cobertura_agua": [0.5, 0.6],
            "cobertura_agua_segura": [0.2, 0.3],
            "cobertura_saneamiento": [0.4, 0.4],
            "pct_oc_clorando": [0.1, 0.5],
        }
    )
    scores = pd.DataFrame(
        {
            "fecha_evaluacion": ["2024-01-01", "2025-01-01"],
            "puntaje": [0.5, 0.7],
            "grado": ["B", "A"],
        }
    )
    visits = pd.DataFrame({"fecha_visita": ["2024-06-01"], "cloro_residual_mg_l": [0.4]})
    goals = pd.DataFrame(
        {"departamento": ["Lima"], "pct": [0.5], "cumplidas": [1], "aplicables": [2]}
    )
    return {
        "map": figures.map_figure(_districts(), ref, "cobertura_agua", "es"),
        "map_zoom": figures.map_figure(_districts(), ref, "cobertura_agua", "es", zoom=True),
        "trend": figures.trend_figure(history, "es"),
        "history": figures.score_history_figure(scores, visits, "es"),
        "compliance": figures.compliance_figure(goals, "departamento", "es"),
        "location": figures.location_figure(ref, -6.2, -77.9, "Chachapoyas"),
        "empty": figures.empty_figure("nada"),
    }


def test_spd001_vendored_bundle_is_the_installed_plotlyjs_version() -> None:
    head = BUNDLE.read_text(encoding="utf-8")[:200]
    version = re.search(r"plotly\.js \(basic \+ choropleth, scattergeo - minified\) v(\S+)", head)
    assert version and version.group(1) == get_plotlyjs_version()
    assert f"plotly-atm-{get_plotlyjs_version()}.min.js" == speed.PLOTLY_BASIC
    assert (BUNDLE.parent / "PLOTLY-LICENSE.txt").read_text().count("MIT License") == 1


def test_spd002_every_figure_fits_the_partial_bundle() -> None:
    for name, fig in _every_figure().items():
        used = {trace.type for trace in fig.data}  # type: ignore[attr-defined]
        assert used <= speed.BASIC_TRACES, (name, used)
    # The tile map is the one exception: with tiles the app serves the full bundle.
    tiles = figures.map_figure(
        _districts(), pd.DataFrame(), "cobertura_agua", tiles="http://t/{z}/{x}/{y}.png"
    )
    assert {trace.type for trace in tiles.data} == {"scattermap"}


@pytest.fixture
def app(engine, db_url):
    fill_warehouse(engine)
    return create_app(Settings(database_url=db_url))


def test_spd003_pages_name_the_partial_bundle_never_the_full(app) -> None:
    # Issue #18: no page loads plotly.js with it (the overview's map is the server's SVG);
    # dcc.Graph loads it when a graph first needs it, from the URL in the meta tag
    # (assets/00-lazy.js), and pages other than the overview preload it.
    client = app.server.test_client()
    overview, goals = (
        client.get("/").get_data(as_text=True),
        client.get("/metas").get_data(as_text=True),
    )
    meta = f'<meta name="atm-plotly" content="/assets/{speed.PLOTLY_BASIC}?m='
    assert meta in overview and meta in goals
    assert f'<script src="/assets/{speed.PLOTLY_BASIC}' not in overview + goals
    assert f'rel="preload" as="script" href="/assets/{speed.PLOTLY_BASIC}' in goals
    assert "preload" not in overview
    assert "plotly.min.js" not in overview + goals  # neither a script nor a preload of the full


def test_spd004_full_bundle_when_tiles_are_configured(engine, db_url) -> None:
    fill_warehouse(engine)
    tiles = "http://127.0.0.1:1/{z}/{x}/{y}.png"
    app = create_app(Settings(database_url=db_url, map_tiles=tiles))
    html = app.server.test_client().get("/").get_data(as_text=True)
    assert speed.PLOTLY_BASIC not in html and "atm-plotly" not in html
    assert html.count(speed.PRELOAD_FULL_PLOTLY) == 1


def test_spd005_assets_served_precompressed(app, tmp_path) -> None:
    static = speed.StaticBrotli(folder=tmp_path)
    static.register(app)  # runs before the app's own (after_request runs last-in first)
    client = app.server.test_client()
    url = f"/assets/{speed.PLOTLY_BASIC}"
    raw = client.get(url).get_data()
    assert raw == BUNDLE.read_bytes()
    client.get(url, headers={"Accept-Encoding": "br"})  # starts the background compression
    deadline = time.monotonic() + 60
    while not static.ready and time.monotonic() < deadline:
        time.sleep(0.2)
    response = client.get(url, headers={"Accept-Encoding": "br"})
    assert response.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert response.get_data() == next(iter(static.ready.values()))
    assert brotli.decompress(response.get_data()) == raw
    assert len(response.get_data()) < 0.3 * len(raw)
