"""The map's boundary files (data/limites/, MPL-2.0), served once and cached by the browser.

Figures never embed the shapes: a choropleth's `geojson` is this server's URL, which plotly.js
fetches once per page and the browser keeps for a year (the URL carries the files' hash, so a
new file is a new URL). Changing the indicator or the year sends only values.

Plotly's `geo` subplot also fetches a base map (`<topojsonURL>/south-america_110m.json`)
whenever a trace has a `locationmode`, even one drawn from our GeoJSON; by default from a CDN.
The graph's `topojsonURL` points here instead, at our own base map of Peru's departments
(scripts/build_boundaries.py), so the map makes no request outside this server.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from flask import Flask, Response, abort, send_file

from dashboard import urls
from dashboard.server import caching

FOLDER = Path(__file__).resolve().parent.parent / "data" / "limites"
DISTRICTS = "distritos.geojson"
BASE_MAP = "south-america_110m.json"  # the name plotly asks for (geo scope and resolution)
FILES = {DISTRICTS: FOLDER / DISTRICTS, BASE_MAP: FOLDER / "peru_110m.json"}
PREFIX = urls.MAPS


@cache
def version() -> str:
    """A short hash of the files: part of every URL, so a rebuilt file is fetched anew."""
    digest = hashlib.sha256()
    for path in FILES.values():
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def folder_url() -> str:
    """The graph config's `topojsonURL`: plotly appends the base map's name."""
    return f"{PREFIX}{version()}/"


def districts_url() -> str:
    """The choropleth's `geojson`."""
    return f"{folder_url()}{DISTRICTS}"


def register(server: Flask) -> None:
    """GET /mapa/<version>/<file>: the two files, cacheable for a year (immutable)."""

    def boundary(tag: str, name: str) -> Response:
        if tag != version() or name not in FILES:
            abort(404)
        return caching.forever(send_file(FILES[name], mimetype="application/json"))

    server.add_url_rule(
        f"{PREFIX}<tag>/<name>", endpoint="boundaries", view_func=boundary, methods=["GET"]
    )


def geo_style(landcolor: str) -> dict:
    """The geo layout both maps share: our base map (scope and resolution name the file we
    serve), its "rivers" as the department borders, nothing else drawn."""
    return {
        "scope": "south america",  # plotly asks for south-america_110m.json
        "resolution": 110,
        "projection_type": "mercator",
        "fitbounds": "locations",
        "showland": True,
        "landcolor": landcolor,
        "showrivers": True,  # our base map's "rivers" are the department borders
        "rivercolor": "#3b4650",
        "riverwidth": 1.1,
        "showcountries": False,
        "showcoastlines": False,
        "showocean": False,
        "showlakes": False,
        "showframe": False,
        "bgcolor": "rgba(0,0,0,0)",
    }
