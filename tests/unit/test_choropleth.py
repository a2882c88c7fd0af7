"""Issue 17: the overview's district choropleth (pure figure) and the boundary files' route."""

from __future__ import annotations

import json

import pandas as pd
import plotly.io as pio
import pytest
from plotly.io.json import to_json_plotly

from dashboard import boundaries, choropleth, create_app
from dashboard.queries import Warehouse
from dashboard.server import speed
from dashboard.server.config import Settings
from tests.browser.fixture_data import CASCAS, CHACHA, fill_warehouse


def _summary() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ubigeo": [CASCAS, CHACHA, "090724", "010204"],
            "nombre": ["Cascas", "Chachapoyas", "Lambras", "El Parco"],
            "provincia_nombre": ["Gran Chimú", "Chachapoyas", "Tayacaja", "Bagua"],
            "departamento_nombre": ["La Libertad", "Amazonas", "Huancavelica", "Amazonas"],
            "cobertura_agua": [0.8, None, 0.4, 0.6],
            "poblacion_rural": [1000, 500, 300, 200],
            "n_oc": [4, 2, 1, 1],
        }
    )


def _reference() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ubigeo": [CASCAS, CHACHA, "090707", "090724", "010204", "130112"],
            "nombre": ["Cascas", "Chachapoyas", "Huachocolpa", "Lambras", "El Parco", "Alto T."],
            "mapa": ["poligono", "poligono", "poligono", "contenedor", "punto", "contenedor"],
            "contenedor_2007": [None, None, None, "090707", None, "130102"],
            "latitud": [-7.48, -6.23, -12.05, None, -5.625, None],
            "longitud": [-78.82, -77.87, -74.7, None, -78.475, None],
        }
    )


def _figure() -> dict:
    fig = choropleth.overview_map(_summary(), _reference(), "cobertura_agua", "es", "/mapa/x/d")
    return json.loads(pio.to_json(fig))


def test_map001_shapes_are_fetched_by_url_never_embedded() -> None:
    fig = _figure()
    shapes = [tr for tr in fig["data"] if tr["type"] == "choropleth"]
    assert shapes and all(tr["geojson"] == "/mapa/x/d" for tr in shapes)
    assert "coordinates" not in json.dumps(fig)  # no geometry travels with the values
    assert {tr["type"] for tr in fig["data"]} <= speed.BASIC_TRACES
    geo = fig["layout"]["geo"]
    assert geo["scope"] == "south america" and geo["fitbounds"] == "locations"
    assert geo["showrivers"] is True  # the department borders (our base map)


def test_map002_each_district_is_a_shape_a_container_or_a_point() -> None:
    fig = _figure()
    grey, coloured = (tr for tr in fig["data"] if tr["type"] == "choropleth")
    # No value: grey, still clickable to its page (Chachapoyas, Huachocolpa with no summary
    # row, and El Porvenir's shape standing for Alto Trujillo: its container is out of view)
    assert grey["customdata"] == [CHACHA, "090707", "130112"]
    assert grey["locations"] == [CHACHA, "090707", "130102"]
    assert coloured["customdata"] == [CASCAS]
    points = next(tr for tr in fig["data"] if tr["type"] == "scattergeo")
    assert points["customdata"] == ["010204"]  # El Parco: no shape in the source, a point
    assert "Sin límite en la fuente" in points["hovertext"][0]


def test_map003_container_hover_names_the_created_districts() -> None:
    fig = _figure()
    every = {}
    for tr in fig["data"]:
        if tr["type"] == "choropleth":
            every |= dict(zip(tr["locations"], tr["hovertext"], strict=True))
    assert "Lambras: 40" in every["090707"]
    assert "creados después de 2007" in every["090707"]
    assert "130102" in every  # Alto Trujillo drawn through El Porvenir's shape
    assert every["130102"].startswith("<b>Alto T.</b>")


def test_map004_changing_the_indicator_changes_values_only() -> None:
    a = choropleth.overview_map(_summary(), _reference(), "cobertura_agua", "es", "/u")
    summary = _summary().assign(cobertura_agua_segura=[0.1, 0.2, 0.3, 0.4])
    b = choropleth.overview_map(summary, _reference(), "cobertura_agua_segura", "es", "/u")
    assert a.layout.geo == b.layout.geo
    assert [t.geojson for t in a.data if t.type == "choropleth"] == ["/u", "/u"]
    assert [t.geojson for t in b.data if t.type == "choropleth"] == ["/u", "/u"]


@pytest.fixture
def client(engine, db_url):
    fill_warehouse(engine)
    return create_app(Settings(database_url=db_url)).server.test_client()


def test_map005_boundary_files_are_served_for_a_year(client) -> None:
    response = client.get(boundaries.districts_url())
    assert response.status_code == 200
    assert response.headers["Cache-Control"].replace(" ", "").split(",") == [
        "public",
        "max-age=31536000",
        "immutable",
    ] or {"public", "immutable", "max-age=31536000"} <= set(
        response.headers["Cache-Control"].replace(" ", "").split(",")
    )
    ids = {f["id"] for f in json.loads(response.get_data())["features"]}
    assert len(ids) == 1826
    base = client.get(boundaries.folder_url() + "south-america_110m.json")
    assert json.loads(base.get_data())["type"] == "Topology"
    assert client.get("/mapa/000000000000/distritos.geojson").status_code == 404
    escape = client.get(boundaries.folder_url() + "..%2F..%2Fapp.py")  # Dash's page, not a file
    assert escape.status_code == 404 or escape.mimetype == "text/html"
    assert client.get(boundaries.folder_url() + "LICENSE").status_code == 404


def test_map006_overview_page_draws_the_choropleth(client, engine) -> None:
    from dashboard.layouts import overview
    from dashboard.state import UrlState

    page = overview.layout(Warehouse(engine), UrlState(lang="es"))
    text = to_json_plotly(page).replace("\\u002f", "/")
    assert f'"geojson":"{boundaries.districts_url()}"' in text
    assert f'"topojsonURL":"{boundaries.folder_url()}"' in text
