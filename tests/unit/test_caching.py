"""Issue #18: fingerprinted static files are cached for a year; nothing else is."""

from __future__ import annotations

import re

import pytest

from dashboard import create_app
from dashboard.server.caching import fingerprinted
from dashboard.server.config import Settings
from tests.browser.fixture_data import fill_warehouse


@pytest.fixture
def client(engine, db_url):
    fill_warehouse(engine)
    return create_app(Settings(database_url=db_url)).server.test_client()


def _static_urls(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="(/(?:assets|_dash-component-suites)/[^"]+)"', html)


def test_cch001_every_static_url_of_the_page_is_cached_for_a_year(client) -> None:
    urls = _static_urls(client.get("/").get_data(as_text=True))
    assert any(u.startswith("/assets/") for u in urls)
    assert any(u.startswith("/_dash-component-suites/") for u in urls)
    for url in urls:
        response = client.get(url.replace("&amp;", "&"))
        assert response.status_code == 200, url
        cache = response.cache_control
        assert cache.max_age == 365 * 24 * 3600 and cache.immutable and cache.public, url
        assert not cache.no_cache, url


def test_cch002_pages_data_and_unfingerprinted_files_are_not(client) -> None:
    page = client.get("/")
    assert not page.cache_control.immutable and not page.cache_control.max_age
    assert not client.get("/_dash-layout").cache_control.max_age
    bare = client.get("/assets/app.css")  # no ?m=: its body may change under the same URL
    assert bare.status_code == 200 and not bare.cache_control.max_age
    assert not fingerprinted("/assets/app.css", {})
    assert not fingerprinted("/_dash-component-suites/dash/dcc/dash_core_components.js", {})
    assert fingerprinted("/_dash-component-suites/dash/dcc/dcc.v2_17_1m1733.min.js", {})
    assert not fingerprinted("/_dash-layout", {"m": "1"})
