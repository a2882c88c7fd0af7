"""What a page is (issue 13), and the one place where a page's sections fail softly.

Each page module (dashboard/layouts/<page>.py) declares one `Page`: its path (from
dashboard/urls.py), its navigation label, how it is drawn, its export sources, the grids whose
export links follow their filter and sort, and its callbacks' `register`. The list in
dashboard/pages.py is the only registry; the app, the navigation bar and the export route
read it.

A page is drawn in two steps: `load(warehouse, state)` reads everything into a frozen
dataclass whose sections each hold a value or the error that reading it raised (`fetch`),
and a pure `render(data, state)` draws it without touching the warehouse (`show`). A failing
section becomes an error alert in its place; the rest of the page still draws.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import dash_bootstrap_components as dbc
from dash import Dash, html
from dash.development.base_component import Component
from sqlalchemy import Engine

from dashboard.exports import Source
from dashboard.i18n import t
from dashboard.queries import Warehouse
from dashboard.server import speed
from dashboard.server.config import Settings
from dashboard.state import UrlState, from_params

LOG = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class Wiring:
    """What a page's callbacks read: the warehouse as the request's account sees it, the
    settings, and the engine (uploads load through the ETL, which takes an engine)."""

    view: Callable[[], Warehouse]
    settings: Settings
    engine: Callable[[], Engine]


# How a page is drawn for a request: the scoped warehouse, the settings and Dash's parameters
# (path variables and query string). Dash's id check calls it with no parameters.
Draw = Callable[[Warehouse, Settings, dict[str, Any]], Any]


def from_state(layout: Callable[[Warehouse, UrlState], Any]) -> Draw:
    """The draw of a page that needs nothing but its URL state (no path variables)."""

    def draw(view: Warehouse, settings: Settings, params: dict[str, Any]) -> Any:
        return layout(view, from_params(params, settings.lang))

    return draw


@dataclass(frozen=True)
class Page:
    """One page of the dashboard."""

    name: str  # Dash's page name (also the page cache's key)
    path: str  # a urls template ("/distrito/<ubigeo>")
    draw: Draw
    nav: str | None = None  # the navigation bar's label key; None: not in the bar
    exports: Mapping[str, Source] = field(default_factory=dict)  # table id → its source
    grids: tuple[str, ...] = ()  # AG Grids whose export links follow their filter and sort
    register: Callable[[Dash, Wiring], None] | None = None  # its callbacks


@dataclass(frozen=True)
class Section(Generic[T]):
    """One section's data: its value, or the error that reading it raised."""

    value: T | None = None
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def fetch(read: Callable[[], T]) -> Section[T]:
    """Read one section; a failure is kept as the section's error, not raised."""
    try:
        return Section(read())
    except Exception as exc:
        return Section(error=exc)


def show(lang: str, section: Section[T], draw: Callable[[T], Any]) -> Any:
    """Draw a section, or an error alert in its place (when reading or drawing it failed).

    The page is then never cached (speed.SECTION_FAILURES), so the next request tries again.
    """
    if section.error is not None:
        return _failed(lang, section.error)
    try:
        built = draw(section.value)  # type: ignore[arg-type]
    except Exception as exc:
        return _failed(lang, exc)
    # Dash does not render components inside a nested list: wrap a list in a Div.
    if isinstance(built, list) and any(isinstance(x, Component) for x in built):
        return html.Div(built)
    return built


def value_or(section: Section[T], default: T) -> T:
    """A section's value, or `default` where the page draws on without it (a filter without
    options): the failure is logged and the page not cached, as for a shown error."""
    if section.error is None:
        return section.value  # type: ignore[return-value]
    _record(section.error)
    return default


def _failed(lang: str, exc: BaseException) -> dbc.Alert:
    _record(exc)
    return error_alert(lang, exc)


def _record(exc: BaseException) -> None:
    """The detail (which may hold SQL) goes to the server log, for whoever runs the server."""
    speed.SECTION_FAILURES.set(speed.SECTION_FAILURES.get() + 1)
    LOG.error("section failed: %s", type(exc).__name__, exc_info=exc)


def error_alert(lang: str, exc: BaseException) -> dbc.Alert:
    """An error shown in place of a section, not a broken page: the user sees the kind of
    error only."""
    return dbc.Alert(
        [html.Strong(t("common.error", lang)), html.Br(), html.Code(type(exc).__name__)],
        color="danger",
        className="my-2",
    )
