"""The overview's map as a cacheable GET (issue #18): `/mapa/vista.svg?<filters>&v=&k=`.

The overview page no longer carries its map (55 KB of figure in the router answer, and
plotly.js to draw it): it names this URL, and `assets/atm-map.js` fetches the SVG that
dashboard/svgmap.py draws. The URL carries
- `v`, a short hash of the data version (`Warehouse.data_version`): a load gives every map a
  new URL, so an answer whose `v` is current may be kept by the browser for a year
  (`private, immutable`): a repeat visit fetches only headers of nothing (it is not asked);
- `k`, a keyed hash (HMAC with the app's secret key) of the account's scope: the browser's
  cache is keyed by URL, so two accounts on one browser never share a cached map, and an
  account cannot name another's (the key is secret). The server answers only the `k` of the
  asking account's own scope (404 otherwise), and draws from the warehouse as that account
  sees it, whatever the URL says (a scoped account never gets a national answer).
Never `public`: no shared proxy keeps a map.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable
from typing import Any

import brotli
from flask import Flask, Response, abort, current_app, has_app_context, request
from sqlalchemy.exc import SQLAlchemyError

from dashboard import poverty, svgmap, urls
from dashboard.queries import Warehouse
from dashboard.server import caching, speed
from dashboard.state import UrlState, from_params, to_search

LOG = logging.getLogger(__name__)
PATH = f"{urls.MAPS}vista.svg"
# (filters, data version, scope) -> the SVG, brotli-compressed (a national map is ~450 KB
# raw, ~80 KB compressed; the few browsers without brotli get it decompressed).
_ANSWERS = speed.Lru(32)


def version_tag(version: Any) -> str:
    """A short, stable hash of a data version (the `v` of the URL)."""
    return hashlib.sha256(repr(version).encode()).hexdigest()[:12]


def scope_tag(scope_key: Any, secret: str | bytes | None = None) -> str:
    """The `k` of the URL: the scope's key under the app's secret (unguessable)."""
    if secret is None:
        secret = current_app.secret_key if has_app_context() else None
    if not secret:
        return ""
    key = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(key, repr(scope_key).encode(), hashlib.sha256).hexdigest()[:16]


def map_url(wh: Warehouse, state: UrlState) -> str:
    """The map of the state's filters, year and indicator, as this account sees it now."""
    search = to_search(state)
    sep = "&" if search else "?"
    tags = f"v={version_tag(wh.data_version())}&k={scope_tag(wh.scope.key)}"
    return f"{PATH}{search}{sep}{tags}"


def render(wh: Warehouse, state: UrlState) -> str:
    """The SVG for the filters (the overview's summary and map reference, in `wh`'s scope)."""
    anio = state.anio
    if anio is None:
        years = wh.data_years(state.dep, state.prov)
        anio = years[0] if years else None
    if anio is None:
        return svgmap.overview_map(_empty(), _empty(), state.ind, state.lang)
    df = poverty.with_gap(wh.district_summary(anio, state.dep, state.prov))
    reference = wh.map_reference(state.dep, state.prov) if not df.empty else _empty()
    return svgmap.overview_map(df, reference, state.ind, state.lang)


def _empty() -> Any:
    import pandas as pd

    return pd.DataFrame(columns=["ubigeo", "nombre", "mapa", "contenedor_2007"])


def register(server: Flask, view: Callable[[], Warehouse]) -> None:
    """GET /mapa/vista.svg (behind the login gate like every data URL)."""

    def vista() -> Response:
        wh = view()
        if request.args.get("k", "") != scope_tag(wh.scope.key):
            abort(404)
        params = {k: v for k, v in request.args.items() if k not in ("v", "k")}
        state = from_params(params)  # codes and names checked; unknown ones dropped
        version = wh.data_version()
        key = (speed.params_key(params), version, wh.scope.key)
        answer = _ANSWERS.get(key) if version is not None else None
        if answer is None:
            try:
                answer = brotli.compress(render(wh, state).encode(), quality=9)
            except SQLAlchemyError:
                LOG.exception("overview map not drawn")
                return _unavailable()
            if version is not None:
                _ANSWERS.put(key, answer)
        response = _encoded(answer)
        if version is not None and request.args.get("v") == version_tag(version):
            caching.forever(response)
            response.cache_control.public = False
            response.cache_control.private = True
        else:  # a page drawn before the last load: this answer is not that URL's for good
            response.cache_control.no_cache = True
        return response

    server.add_url_rule(PATH, endpoint="overview_map", view_func=vista, methods=["GET"])


def _encoded(compressed: bytes) -> Response:
    """The SVG as kept (brotli) when the browser takes it, else decompressed."""
    if "br" in request.headers.get("Accept-Encoding", ""):
        response = Response(compressed, mimetype="image/svg+xml")
        response.headers["Content-Encoding"] = "br"
    else:
        response = Response(brotli.decompress(compressed), mimetype="image/svg+xml")
    response.vary.add("Accept-Encoding")
    return response


def _unavailable() -> Response:
    """The warehouse cannot be read now: say so, keep nothing (atm-map.js shows its note)."""
    response = Response("No disponible / unavailable", status=503, mimetype="text/plain")
    response.cache_control.no_store = True
    return response
