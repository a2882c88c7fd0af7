"""Issue #18, the overview on a rural link: its first HTML carries the page, its map is a
GET cached per data version and per account, and neither leaks across accounts.

The fixtures are the security tests' (accounts on the fixture warehouse: `analista` sees the
country, `cascas` only Cascas)."""

from __future__ import annotations

import html
import re

import pytest

from dashboard import create_app
from dashboard.server import firstview, mapview
from dashboard.server.auth import AccountStore
from tests.browser.fixture_data import CASCAS, CHACHA, fill_warehouse
from tests.integration.test_security import CHACHA_MARKERS, PASSWORD, _logged_in, _settings


@pytest.fixture
def app(engine, db_url):
    fill_warehouse(engine)
    accounts = AccountStore(engine)
    accounts.add("analista", "analista", PASSWORD)
    accounts.add("cascas", "atm", PASSWORD, (CASCAS,))
    return create_app(_settings(db_url))


def _map_url(index: str) -> str:
    found = re.search(r'data-atm-map="([^"]+)"', index)
    assert found, "the first view names its map"
    return html.unescape(found.group(1))


def _prerender(index: str) -> str:
    start = index.index(f'<div id="{firstview.PRERENDER_ID}"')
    return index[start : index.index('<div id="react-entry-point"')]


def test_fv001_first_html_carries_the_key_figures(app):
    analyst = _logged_in(app, "analista")
    index = analyst.get("/?lang=en").get_data(as_text=True)
    first = _prerender(index)
    values = re.findall(r'<div class="kpi-value"[^>]*>([^<]+)</div>', first)
    assert len(values) >= 4 and all(v.strip() for v in values)
    assert "National overview" in first and "Chachapoyas" in first  # the ranking, too
    assert ' id="' not in first.replace(f'id="{firstview.PRERENDER_ID}"', "")  # no twin ids
    # No grid on the overview: dash-ag-grid is named for later, not loaded
    assert 'name="atm-lazy-grid"' in index
    assert not firstview.GRID_BUNDLE.search(index)
    # plotly.js is not loaded by the overview at all; dcc.Graph takes it from the meta tag
    assert 'name="atm-plotly"' in index and '<script src="/assets/plotly-atm' not in index


def test_fv002_other_pages_keep_their_scripts_and_no_first_view(app):
    analyst = _logged_in(app, "analista")
    index = analyst.get(f"/distrito/{CHACHA}").get_data(as_text=True)
    assert firstview.GRID_BUNDLE.search(index)  # the grid's page loads it with the page
    assert firstview.PRERENDER_ID not in index
    assert '<link rel="preload" as="script" href="/assets/plotly-atm' in index


def test_fv003_a_scoped_accounts_first_view_is_its_own(app):
    index = _logged_in(app, "cascas").get("/").get_data(as_text=True)
    first = _prerender(index)
    assert "Resumen de sus distritos" in first
    assert not [m for m in CHACHA_MARKERS if m in first]


def test_fv004_text_is_escaped():
    from dash import dcc
    from dash import html as dhtml

    page = dhtml.Div(
        [dhtml.B("<script>alert(1)</script>"), dcc.Link("a&b", href='/x?"y"')],
        title='"t"',
        style={"marginTop": "1px"},
        **{"data-x": "<y>"},
    )
    text = firstview.to_html(page)
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert 'href="/x?&quot;y&quot;"' in text and 'data-x="&lt;y&gt;"' in text
    assert 'style="margin-top:1px"' in text


def test_sec090_the_map_is_cached_per_account_and_never_crosses_scopes(app):
    analyst = _logged_in(app, "analista")
    url = _map_url(analyst.get("/").get_data(as_text=True))
    answer = analyst.get(url)
    assert answer.status_code == 200 and answer.mimetype == "image/svg+xml"
    assert f'data-u="{CHACHA}"' in answer.get_data(as_text=True)
    cache = {d.strip() for d in answer.headers["Cache-Control"].split(",")}
    assert {"private", "immutable", "max-age=31536000"} <= cache and "public" not in cache

    scoped = _logged_in(app, "cascas")
    # The national map's URL is not the scoped account's: refused, never drawn for it
    assert scoped.get(url).status_code == 404
    own = _map_url(scoped.get("/").get_data(as_text=True))
    assert own != url
    text = scoped.get(own).get_data(as_text=True)
    assert f'data-u="{CASCAS}"' in text and CHACHA not in text
    assert not [m for m in CHACHA_MARKERS if m in text]
    # The URL's filters cannot widen the scope either
    wider = own.replace("?", f"?dep={CHACHA[:2]}&", 1)
    assert CHACHA not in scoped.get(wider).get_data(as_text=True)

    anonymous = app.server.test_client().get(url)
    assert anonymous.status_code in (302, 401)


def test_sec091_a_stale_map_url_is_not_kept(app):
    analyst = _logged_in(app, "analista")
    url = _map_url(analyst.get("/").get_data(as_text=True))
    stale = re.sub(r"v=[0-9a-f]+", "v=000000000000", url)
    answer = analyst.get(stale)
    assert answer.status_code == 200
    assert "no-cache" in answer.headers["Cache-Control"]
    assert "immutable" not in answer.headers["Cache-Control"]
    assert mapview.version_tag((1, None)) != mapview.version_tag((2, None))


def test_sec092_crafted_map_requests_never_fail(app):
    analyst = _logged_in(app, "analista")
    url = _map_url(analyst.get("/").get_data(as_text=True))
    tags = url[url.index("v=") :]
    for query in (
        "anio=abc&ind=<script>&lang=xx",
        "dep=99&prov=9999",
        "dep=%00&anio=-1",
        "ind=brecha_pobreza&anio=1900",
    ):
        answer = analyst.get(f"{mapview.PATH}?{query}&{tags}")
        assert answer.status_code == 200, query
        assert "<script>" not in answer.get_data(as_text=True)
    plain = analyst.get(url, headers={"Accept-Encoding": "identity"})
    assert plain.get_data(as_text=True).startswith("<svg")
