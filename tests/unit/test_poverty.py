"""Issue 17: "brecha × pobreza", our rule for where the next sol should go."""

from __future__ import annotations

import csv
import io
import re

import pandas as pd
import pytest

from dashboard import create_app, exports, poverty, svgmap
from dashboard.server.config import Settings
from dashboard.state import INDICATORS, UrlState, from_params
from tests.browser.fixture_data import fill_warehouse


def _summary() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ubigeo": ["A", "B", "C", "D"],
            "nombre": ["Alfa", "Beta", "Gama", "Delta"],
            "provincia_nombre": ["P"] * 4,
            "departamento_nombre": ["D"] * 4,
            "poblacion_rural": [1000, 1000, 4000, 500],
            "cobertura_agua": [0.0, 0.0, 0.9, None],
            "pobreza_total_pct": [60.0, 10.0, 50.0, 80.0],
            "n_oc": [1, 1, 1, 1],
        }
    )


def test_bp001_people_without_water_times_poverty_rate() -> None:
    df = poverty.with_gap(_summary()).set_index("ubigeo")
    assert df.loc["A", "sin_agua"] == 1000 and df.loc["A", "brecha_pobreza"] == 600
    assert df.loc["B", "brecha_pobreza"] == 100  # as many without water, fewer poor
    assert df.loc["C", "sin_agua"] == 400 and df.loc["C", "brecha_pobreza"] == 200
    assert pd.isna(df.loc["D", "brecha_pobreza"])  # no coverage: no value, never zero


def test_bp002_ranking_largest_first_without_missing() -> None:
    ranked = poverty.top(poverty.with_gap(_summary()))
    assert list(ranked["ubigeo"]) == ["A", "C", "B"]


def test_bp003_indicator_is_offered_and_labelled_as_ours() -> None:
    assert poverty.INDICATOR in INDICATORS
    assert from_params({"ind": "brecha_pobreza"}).ind == "brecha_pobreza"
    from dashboard.i18n import label, t

    assert "regla propia" in label("ind", "brecha_pobreza", "es")
    assert "our rule" in label("ind", "brecha_pobreza", "en")
    assert "no oficial" in t("bp.rule", "es")


def test_bp004_map_scale_is_people_not_a_share() -> None:
    codes = ["010101", "010102", "010103", "010104"]  # shapes of the boundary file
    df = poverty.with_gap(_summary().assign(ubigeo=codes))
    ref = pd.DataFrame(
        {
            "ubigeo": codes,
            "nombre": ["Alfa", "Beta", "Gama", "Delta"],
            "mapa": ["poligono"] * 4,
            "contenedor_2007": [None] * 4,
            "latitud": [None] * 4,
            "longitud": [None] * 4,
        }
    )
    svg = svgmap.overview_map(df, ref, poverty.INDICATOR, "es")
    # The colour bar counts people (0 to the 95th percentile), not shares.
    ticks = re.findall(r"<text[^>]*>([^<]*)</text>", svg.split('class="legend"')[1])
    assert ticks[0] == "0" and "%" not in "".join(ticks)
    assert "Personas rurales sin agua: 1" in svg
    assert poverty.color(None, 10) == "#AAAAAA"
    assert poverty.color(10, 10) == poverty.COLORS[-1][1]


@pytest.fixture
def client(engine, db_url):
    fill_warehouse(engine)
    return create_app(Settings(database_url=db_url)).server.test_client()


def test_bp005_ranking_page_and_export(client, engine) -> None:
    from dashboard.layouts import overview
    from dashboard.queries import Warehouse

    state = UrlState(lang="es", ind=poverty.INDICATOR)
    page = str(overview.layout(Warehouse(engine), state))
    assert "Regla propia" in page
    url = exports.export_href(poverty.OV_BRECHA, "csv", state)
    response = client.get(url)
    assert response.status_code == 200, url
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    values = [float(r["Brecha × pobreza (regla propia)"]) for r in rows]
    assert values == sorted(values, reverse=True) and values
