"""Issue 17: the overview's district choropleth (pure figure) and the boundary files' route."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pandas as pd
import pytest
from plotly.io.json import to_json_plotly

from dashboard import boundaries, create_app, svgmap
from dashboard.figures import NO_DATA_COLOR, SCALE_COLOR
from dashboard.queries import Warehouse
from dashboard.server.config import Settings
from tests.browser.fixture_data import CASCAS, CHACHA, fill_warehouse

SVG = "{http://www.w3.org/2000/svg}"


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


def _svg(summary: pd.DataFrame | None = None, indicator: str = "cobertura_agua") -> ET.Element:
    text = svgmap.overview_map(
        _summary() if summary is None else summary, _reference(), indicator, "es"
    )
    return ET.fromstring(text)


def _drawn(root: ET.Element) -> dict[str, tuple[str, str, str]]:
    """Per drawn district code: (kind: d shape / p marker, fill, hover text)."""
    out = {}
    for el in root.iter(f"{SVG}path"):
        if el.get("data-u"):
            title = el.find(f"{SVG}title")
            out[el.get("data-u")] = (
                el.get("class"),
                el.get("fill"),
                title.text if title is not None else "",
            )
    return out


def test_map001_the_map_is_svg_drawn_by_the_server_without_plotly() -> None:
    root = _svg()
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.get("aria-label") == "Mapa de distritos"
    paths = [el.get("d") for el in root.iter(f"{SVG}path")]
    assert all(d and d.startswith("M") for d in paths)
    # the department borders (the base map's "rivers") above the shapes, not clickable
    borders = [el for el in root.iter(f"{SVG}path") if el.get("stroke") == svgmap.BORDER]
    assert len(borders) == 1 and borders[0].get("pointer-events") == "none"
    assert root.find(f".//{SVG}linearGradient") is not None  # the colour bar


def test_map002_each_district_is_a_shape_a_container_or_a_point() -> None:
    drawn = _drawn(_svg())
    # No value: grey, still clickable to its page (Chachapoyas, Huachocolpa with no summary
    # row, and El Porvenir's shape standing for Alto Trujillo: its container is out of view)
    for code in (CHACHA, "090707", "130112"):
        assert drawn[code][:2] == ("d", NO_DATA_COLOR)
    assert drawn[CASCAS][0] == "d" and drawn[CASCAS][1] == SCALE_COLOR(0.8)
    assert drawn["010204"][0] == "p"  # El Parco: no shape in the source, a point
    assert "Sin límite en la fuente" in drawn["010204"][2]
    assert "<b>" not in drawn[CASCAS][2] and drawn[CASCAS][2].startswith("Cascas (Gran Chimú")


def test_map003_container_hover_names_the_created_districts() -> None:
    drawn = _drawn(_svg())
    assert "Lambras: 40" in drawn["090707"][2]
    assert "creados después de 2007" in drawn["090707"][2]
    assert drawn["130112"][2].startswith("Alto T.")  # drawn through El Porvenir's shape


def test_map004_changing_the_indicator_changes_colours_not_shapes() -> None:
    a = _svg()
    summary = _summary().assign(cobertura_agua_segura=[0.1, 0.2, 0.3, 0.4])
    b = _svg(summary, "cobertura_agua_segura")
    shapes = [el.get("d") for el in a.iter(f"{SVG}path")]
    assert shapes == [el.get("d") for el in b.iter(f"{SVG}path")]
    assert _drawn(a)[CHACHA][1] != _drawn(b)[CHACHA][1]


def test_map007_frame_fits_the_view_and_coordinates_stay_in_it() -> None:
    frame = svgmap.Frame.fit([svgmap.mercator(-80, -5), svgmap.mercator(-70, -15)])
    for lon, lat in ((-80, -5), (-70, -15), (-75, -10)):
        x, y = frame.point(*svgmap.mercator(lon, lat))
        assert 0 <= x <= svgmap.WIDTH * svgmap.UNIT and 0 <= y <= svgmap.HEIGHT * svgmap.UNIT
    west, _ = frame.point(*svgmap.mercator(-80, -10))
    east, _ = frame.point(*svgmap.mercator(-70, -10))
    assert west < east  # east is right, and north is up:
    assert frame.point(*svgmap.mercator(-75, -5))[1] < frame.point(*svgmap.mercator(-75, -15))[1]
    ring = [svgmap.mercator(x, y) for x, y in ((-80, -5), (-80, -5), (-70, -15), (-70, -5))]
    drawn = svgmap.path(frame, [ring])
    assert drawn.startswith("M") and drawn.endswith("z")
    assert (
        len(drawn[1:-1].split("l")[1].replace("-", " -").split()) == 4
    )  # 2 moves: the repeat dropped
    assert svgmap.path(frame, [ring[:2]]) == ""  # a ring with no area is not drawn


def test_map008_empty_view_says_so() -> None:
    empty = pd.DataFrame(columns=["ubigeo", "nombre", "mapa", "contenedor_2007"])
    text = svgmap.overview_map(_summary(), empty, "cobertura_agua", "en")
    assert "No districts" in text or "no districts" in text.lower()


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


def test_map006_overview_page_names_its_map_url(client, engine) -> None:
    from dashboard.layouts import overview
    from dashboard.state import UrlState

    with client.application.test_request_context("/"):
        page = overview.layout(Warehouse(engine), UrlState(lang="es"))
    text = to_json_plotly(page).replace("\\u002f", "/")
    assert '"data-atm-map":"/mapa/vista.svg?' in text
    assert "choropleth" not in text and "geojson" not in text  # no figure in the page
