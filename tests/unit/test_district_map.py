"""Issue 17: the district page's map (pure parts)."""

from __future__ import annotations

import json

import pandas as pd
import plotly.io as pio

from dashboard import district_map
from dashboard.server import speed


def _jass() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "codigo_oc": ["J1", "J1", "J2"],
            "nombre": ["JASS Uno", "JASS Uno", "JASS Dos"],
            "grado": ["B", "B", "D"],
            "cp_nombre": ["Alto", "Bajo", "Centro"],
            "latitud": [-6.0, -6.2, -6.5],
            "longitud": [-77.0, -77.2, -77.5],
        }
    )


def _cps() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ubigeo_cp": ["1", "2"],
            "nombre": ["Alto", "Bajo"],
            "latitud": [-6.0, -6.2],
            "longitud": [-77.0, -77.2],
        }
    )


def test_dmap001_outline_is_own_shape_or_2007_container() -> None:
    assert district_map.shape_of({"ubigeo": "010101", "mapa": "poligono"}) == ("010101", False)
    created = {"ubigeo": "090724", "mapa": "contenedor", "contenedor_2007": "090707"}
    assert district_map.shape_of(created) == ("090707", True)
    assert district_map.shape_of({"ubigeo": "010204", "mapa": "punto"}) == (None, False)
    assert district_map.shape_of({"ubigeo": "090708"}) == (None, False)  # old phantom code


def test_dmap002_a_jass_sits_at_the_middle_of_its_cps() -> None:
    places = district_map.jass_places(_jass()).set_index("codigo_oc")
    assert places.loc["J1", "latitud"] == -6.1 and places.loc["J1", "n_cp"] == 2
    assert places.loc["J1", "cps"] == "Alto, Bajo"
    assert places.loc["J2", "grado"] == "D"


def test_dmap003_figure_outline_cps_and_jass_by_grade() -> None:
    info = {"ubigeo": "010101", "nombre": "Chachapoyas", "mapa": "poligono"}
    fig = district_map.map_figure(info, _cps(), _jass(), "es", "/mapa/v/d.geojson")
    data = json.loads(pio.to_json(fig))["data"]
    assert {tr["type"] for tr in data} <= speed.BASIC_TRACES
    outline, cps, *jass = data
    assert outline["geojson"] == "/mapa/v/d.geojson" and outline["locations"] == ["010101"]
    assert cps["hoverinfo"] == "skip"
    assert [tr["name"] for tr in jass] == ["JASS B", "JASS D"]
    assert jass[0]["customdata"] == ["J1"] and jass[1]["customdata"] == ["J2"]
    assert "coordinates" not in json.dumps(data)


def test_dmap004_nothing_to_draw_says_so() -> None:
    empty = pd.DataFrame(
        columns=["codigo_oc", "nombre", "grado", "cp_nombre", "latitud", "longitud"]
    )
    fig = district_map.map_figure(
        {"ubigeo": "1", "mapa": "punto"}, _cps().iloc[:0], empty, "es", "/u"
    )
    assert fig.layout.annotations[0].text == "Sin límite ni coordenadas para mostrar."


def test_dmap005_click_on_a_jass_opens_it_anything_else_stays() -> None:
    click = {"points": [{"customdata": "OC010305010"}]}
    assert district_map.clicked_jass(click, "en") == "/jass/OC010305010?lang=en"
    assert district_map.clicked_jass({"points": [{"location": "010101"}]}, "es") is None
    assert district_map.clicked_jass(None, "es") is None
    assert district_map.clicked_jass({"points": "x"}, "es") is None
