"""What the overview's first HTML carries and what it leaves out (issue #18, the rural link).

Under Lighthouse's mobile profile (1.6 Mbps, 150 ms round trips, a CPU 4x slower) the
overview took ~8 s to show its numbers: every script of every page came first (1.2 MB),
then the page's layout, its dependencies and the router's answer. Now:

- `prerender`: the overview's HTML answer carries the page itself, drawn from the same
  component tree the router answers with (the page cache's own), as static HTML: the key
  figures show as soon as the HTML arrives. `assets/atm-first.js` removes it the moment Dash
  has drawn the live page (no frame without numbers). Element ids are left out (the live
  page has them); links work as plain links meanwhile.
- dash-ag-grid (284 KB on the wire) is not loaded by the overview, which has no grid: its
  script tag is replaced by the URL in a meta tag, and `assets/00-lazy.js` defines a stand-in
  `dash_ag_grid.AgGrid` that loads the real bundle when a grid is first drawn (after moving
  from the overview to a page with one). Other pages load it with the page, as before.
- plotly.js (the partial bundle, 419 KB) is no longer an asset loaded by every page: the
  overview's map is the server's SVG. dcc.Graph loads plotly itself when a graph first needs
  it, from `window._dashPlotlyJSURL`, which `00-lazy.js` points at the partial bundle
  (`speed.full_plotly` keeps the full bundle instead); pages other than the overview preload
  it, so their charts do not wait for it.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from html import escape
from typing import Any

from dash import Dash
from dash.development.base_component import Component
from flask import has_request_context, request

from dashboard import urls
from dashboard.server import speed

LOG = logging.getLogger(__name__)
GRID_BUNDLE = re.compile(r'<script src="[^"]*/dash_ag_grid/dash_ag_grid\.[^"]*\.js"></script>\s*')
PRERENDER_ID = "atm-prerender"


def asset_url(app: Dash, name: str) -> str:
    """An asset's fingerprinted URL (caching.py keeps `?m=` URLs for a year)."""
    path = os.path.join(app.config.assets_folder, name)
    return f"{app.get_asset_url(name)}?m={int(os.path.getmtime(path))}"


def register(app: Dash, overview: Callable[[dict[str, Any]], Any], lazy_plotly: bool) -> None:
    """Wrap the app's index: `overview(params)` is the overview page for this request's
    account and URL parameters (the page cache's)."""
    if lazy_plotly:
        skip = re.escape(speed.PLOTLY_BASIC)
        current = app.config.assets_ignore
        app.config.assets_ignore = f"{current}|{skip}" if current else skip
    original = app.interpolate_index

    def interpolate_index(**kwargs: Any) -> str:
        on_overview = has_request_context() and request.path == urls.OVERVIEW
        metas, scripts = kwargs.get("metas", ""), kwargs.get("scripts", "")
        grid = GRID_BUNDLE.search(scripts)
        if on_overview and grid:
            src = re.search(r'src="([^"]+)"', grid.group(0))
            metas += f'\n<meta name="atm-lazy-grid" content="{src.group(1) if src else ""}">'
            scripts = GRID_BUNDLE.sub("", scripts)
        if lazy_plotly:
            plotly = asset_url(app, speed.PLOTLY_BASIC)
            metas += f'\n<meta name="atm-plotly" content="{plotly}">'
            if not on_overview:
                metas += f'\n<link rel="preload" as="script" href="{plotly}">'
        entry = kwargs.get("app_entry", "")
        if on_overview:
            entry = prerender(lambda: overview(dict(request.args))) + entry
        return original(**{**kwargs, "metas": metas, "scripts": scripts, "app_entry": entry})

    app.interpolate_index = interpolate_index  # type: ignore[method-assign,assignment]


def prerender(page: Callable[[], Any]) -> str:
    """The page as static HTML in its own box; nothing when it cannot be drawn (the live
    page still comes: the first view is a head start, never a reason to fail the index)."""
    try:
        body = to_html(page())
    except Exception:
        LOG.exception("overview first view not drawn")
        return ""
    return f'<div id="{PRERENDER_ID}">{body}</div>'


# ---------------------------------------------------------------- components as HTML -------

# dash-bootstrap-components: tag and the classes the React component adds.
_DBC: dict[str, tuple[str, str]] = {
    "Row": ("div", "row"),
    "Card": ("div", "card"),
    "CardBody": ("div", "card-body"),
    "CardHeader": ("div", "card-header"),
    "Label": ("label", "form-label"),
    "NavItem": ("li", "nav-item"),
    "NavLink": ("a", "nav-link"),
    "NavbarBrand": ("a", "navbar-brand"),
}
_SKIP = {"Store", "Location", "Tooltip", "Interval", "Download"}
_VOID = {"br", "hr", "img", "input", "meta", "link"}
_TAGS = {"ObjectEl": "object", "Main": "main"}
_ATTRS = {"className": "class", "tabIndex": "tabindex", "htmlFor": "for", "html_for": "for"}


def to_html(node: Any) -> str:
    """A Dash component tree as static HTML: html.* as their tags, the dbc and dcc components
    the overview uses as the markup they render (dropdowns as their closed box)."""
    if node is None or node is False:
        return ""
    if isinstance(node, list | tuple):
        return "".join(to_html(child) for child in node)
    if not isinstance(node, Component):
        return escape(str(node))
    kind, namespace = node._type, node._namespace
    children = getattr(node, "children", None)
    if kind in _SKIP:
        return ""
    if namespace == "dash_core_components":
        return _dcc(node, kind, children)
    if namespace == "dash_bootstrap_components":
        return _dbc(node, kind, children)
    if namespace == "dash_html_components":
        tag = _TAGS.get(kind, kind.lower())
        return _element(tag, _attrs(node), children)
    return _element("div", {"class": getattr(node, "className", None)}, children)


def _attrs(node: Component) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in node._prop_names:
        value = getattr(node, name, None)
        if value is None or name in ("children", "id", "n_clicks", "n_clicks_timestamp"):
            continue
        if name == "style" and isinstance(value, dict):
            value = ";".join(f"{_css_name(k)}:{v}" for k, v in value.items())
        elif name == "hidden":
            value = "" if value else None
        out[_ATTRS.get(name, name)] = value
    for name, value in node.__dict__.items():  # data-* and aria-* wildcards
        if name.startswith(("data-", "aria-")) and value is not None:
            out[name] = value
    return out


def _css_name(key: str) -> str:
    return re.sub(r"[A-Z]", lambda m: "-" + m.group(0).lower(), key)


def _element(tag: str, attrs: dict[str, Any], children: Any) -> str:
    text = "".join(
        f' {name}="{escape(str(value))}"' if value != "" else f" {name}"
        for name, value in attrs.items()
        if value is not None
    )
    if tag in _VOID:
        return f"<{tag}{text}>"
    return f"<{tag}{text}>{to_html(children)}</{tag}>"


def _classes(*parts: Any) -> str | None:
    return " ".join(str(p) for p in parts if p) or None


def _dcc(node: Component, kind: str, children: Any) -> str:
    get = node.__dict__.get
    if kind == "Link":
        return _element(
            "a", {"href": get("href"), "class": get("className"), "title": get("title")}, children
        )
    if kind == "Loading":
        return to_html(children)
    if kind == "Dropdown":
        chosen = [
            o
            for o in get("options") or []
            if isinstance(o, dict) and o.get("value") == get("value")
        ]
        shown = chosen[0]["label"] if chosen else get("placeholder") or ""
        cls = "atm-pre-select" + (" is-placeholder" if not chosen else "")
        return _element(
            "div", {"class": _classes(cls, "disabled" if get("disabled") else "")}, str(shown)
        )
    return _element("div", {"class": get("className")}, None)


def _dbc(node: Component, kind: str, children: Any) -> str:
    get = node.__dict__.get
    extra = get("className")
    if kind == "Col":
        sizes = [
            f"col-{w}" if bp == "xs" else f"col-{bp}-{w}"
            for bp in ("xs", "sm", "md", "lg", "xl")
            if (w := get(bp))
        ]
        return _element("div", {"class": _classes(*(sizes or ["col"]), extra)}, children)
    if kind == "Container":
        return _element(
            "div",
            {"class": _classes("container-fluid" if get("fluid") else "container", extra)},
            children,
        )
    if kind == "Navbar":
        cls = _classes(
            "navbar navbar-expand-md",
            "navbar-dark" if get("dark") else "navbar-light",
            f"bg-{get('color')}" if get("color") else "",
            extra,
        )
        return _element("nav", {"class": cls}, children)
    if kind == "Nav":
        return _element(
            "ul", {"class": _classes("nav", "navbar-nav" if get("navbar") else "", extra)}, children
        )
    if kind == "Alert":
        return _element(
            "div",
            {
                "class": _classes("alert", f"alert-{get('color') or 'success'}", extra),
                "role": "alert",
            },
            children,
        )
    if kind == "Badge":
        return _element(
            "span", {"class": _classes("badge", f"bg-{get('color') or 'primary'}", extra)}, children
        )
    if kind == "NavLink":
        return _element(
            "a",
            {
                "href": get("href"),
                "class": _classes("nav-link", "active" if get("active") else "", extra),
            },
            children,
        )
    tag, base = _DBC.get(kind, ("div", ""))
    attrs: dict[str, Any] = {"class": _classes(base, extra)}
    if get("href"):
        attrs["href"] = get("href")
    if get("title"):
        attrs["title"] = get("title")
    return _element(tag, attrs, children)
