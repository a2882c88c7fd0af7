"""The dashboard: `create_app(settings)` builds a Dash app; importing this has no side effects."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import dash
import dash_bootstrap_components as dbc
from dash import Dash, dcc, html
from flask import current_app, has_app_context

from dashboard import boundaries, exports, ids, urls
from dashboard import components as c
from dashboard.i18n import t
from dashboard.page import Draw, Page, Wiring
from dashboard.pages import GRID_EXPORTS, PAGES, SOURCES
from dashboard.queries import Warehouse
from dashboard.server import (
    caching,
    firstview,
    guard,
    health,
    mapview,
    security,
    skeletons,
    speed,
)
from dashboard.server.auth import AccountStore
from dashboard.server.config import Settings
from dashboard.state import UrlState, from_params, to_search

PAGES_KEY = "ATM_PAGES"  # the app's Pages in its Flask config
ASSETS = Path(__file__).resolve().parent.parent / "assets"
# Options of the page spinner, typed loosely on purpose: Dash's generated TargetComponents
# TypedDict declares no keys, so a literal {"_pages_content": "children"} cannot type-check.
PAGE_LOADING_OPTIONS: dict[str, Any] = {
    "id": ids.PAGE_LOADING,
    "delay_show": 400,
    "overlay_style": {"visibility": "visible", "opacity": 0.6},
    "target_components": {"_pages_content": "children"},
    "type": "circle",
}


def create_app(settings: Settings | None = None, warehouse: Warehouse | None = None) -> Dash:
    """A configured Dash app reading the warehouse at settings.database_url."""
    settings = settings or Settings()
    wh = warehouse or Warehouse(settings.database_url)
    store = AccountStore(wh.engine)
    security.check_startup(settings, store)  # production: secret key and an admin, or stop
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder="",
        assets_folder=str(ASSETS),
        suppress_callback_exceptions=False,
        title=t("app.title", settings.lang),
        compress=True,  # flask-compress: the plotly bundle is 3 MB, links are slow
        update_title="",  # keep the title still while callbacks run
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    app.index_string = app.index_string.replace("<html>", f'<html lang="{settings.lang}">')
    _register_pages(app, wh, settings)
    app.layout = shell()
    wiring = Wiring(lambda: scoped(wh), settings, lambda: wh.engine)
    for page in PAGES:
        if page.register is not None:
            page.register(app, wiring)
    exports.register_links(app, GRID_EXPORTS)
    exports.register_route(app.server, lambda: scoped(wh), SOURCES)
    app.server.config["WAREHOUSE"] = wh
    security.configure(app, settings, store)
    health.register(app.server, wh.engine, lambda: security.current_account() is not None)
    guard.register(app.server, lambda: app.callback_map)
    boundaries.register(app.server)
    mapview.register(app.server, lambda: scoped(wh))  # issue 18: the overview's SVG map
    caching.register(app.server)  # issue 18: a year for fingerprinted static files
    speed.StaticBrotli().register(app)
    if settings.map_tiles:  # the tile map needs the full plotly.js (speed.full_plotly)
        speed.full_plotly(app)
    # Issue 18: the overview's page as HTML in its first answer; no grid or plotly script there.
    firstview.register(app, _overview_page, lazy_plotly=not settings.map_tiles)
    # Last: its before_request must run after the login gate and the request guard.
    speed.RouterCache(lambda: _router_key(wh)).register(app)
    # Dash's validation layout, embedded in every HTML page: built now, in nobody's scope.
    skeletons.build_validation_layout(app)
    return app


def _overview_page(params: dict[str, Any]) -> Any:
    """The overview as the router would answer it (the page cache's, this account's)."""
    return dash.page_registry["overview"]["layout"](**params)


def _router_key(wh: Warehouse) -> tuple | None:
    """What a page's answer depends on besides the request: the data and the account."""
    version = wh.data_version()
    return None if version is None else (version, security.current_scope(wh).key)


def shell() -> html.Div:
    """The frame around every page: the navigation location and the page container."""
    return html.Div(
        [
            dcc.Location(id=ids.NAV_LOCATION, refresh="callback-nav"),
            dcc.Loading(dash.page_container, **PAGE_LOADING_OPTIONS),
        ]
    )


def scoped(wh: Warehouse) -> Warehouse:
    """The warehouse as this request's account may see it (every page and callback reads
    through this: the scope is applied in the queries, whatever the browser sends)."""
    return wh.scoped(security.current_scope(wh))


@dataclass(frozen=True)
class Pages:
    """What an app's pages read from: its warehouse, its settings and its page cache."""

    wh: Warehouse
    settings: Settings
    cache: speed.PageCache


def _serving(registered: Pages) -> Pages:
    """The pages of the app answering this request.

    Dash's page registry is process-wide: a second app built in the same process (the test
    suite, the benchmark's 1x and 10x apps) registers the same page names again and replaces
    the first app's layouts. A layout must therefore read its warehouse from the app serving
    the request, not from the app that registered it last. Outside a request (Dash's id
    check) the registering app's own pages are used.
    """
    if has_app_context():
        return cast(Pages, current_app.config.get(PAGES_KEY, registered))
    return registered


def _cached(registered: Pages, name: str, render: Callable[..., Any]) -> Callable[..., Any]:
    """A page layout for this request's app and account, rendered once per URL parameters,
    data version and scope (see speed.py). `render(pages, view, **params)` draws it."""

    def layout(**params: Any) -> Any:
        pages = _serving(registered)
        view = scoped(pages.wh)
        version = pages.wh.data_version()
        if version is None:  # the warehouse cannot be read: render (and show the error)
            return render(pages, view, **params)
        key = (name, speed.params_key(params), version, view.scope.key)
        return pages.cache.get_or_render(key, lambda: render(pages, view, **params))

    return layout


def _drawn(draw: Draw) -> Callable[..., Any]:
    """A page's draw as the page cache calls it."""

    def render(pages: Pages, view: Warehouse, **params: Any) -> Any:
        return draw(view, pages.settings, params)

    return render


def _where(page: Page) -> dict[str, str]:
    """Dash's keyword for the page's path: a template when it has variables."""
    return {"path_template" if urls.variables(page.path) else "path": page.path}


def _register_pages(app: Dash, wh: Warehouse, settings: Settings) -> None:
    """Register every page of the page list explicitly (never Dash's folder loader, which
    would import whatever file lies in a folder)."""
    own = Pages(wh, settings, speed.PageCache())
    app.server.config[PAGES_KEY] = own
    title = t("app.title", settings.lang)
    for page in PAGES:
        layout = _cached(own, page.name, _drawn(page.draw))
        dash.register_page(page.name, name=page.name, title=title, layout=layout, **_where(page))
    dash.register_page(
        "not_found_404",
        path=urls.NOT_FOUND,
        title=title,
        layout=lambda **params: not_found(from_params(params, _serving(own).settings.lang)),
    )


def not_found(state: UrlState) -> Any:
    """An unknown address: say so and offer the way back."""
    body = dbc.Alert(
        [
            "404 · ",
            dcc.Link(
                t("common.back_overview", state.lang), href=urls.overview(UrlState(lang=state.lang))
            ),
        ],
        color="warning",
        className="mt-3",
    )
    return c.page(state, urls.OVERVIEW, to_search(state), [body])
