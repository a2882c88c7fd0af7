"""Pure dashboard functions: URL state, formatting, i18n completeness, figures, callbacks."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest

from dashboard import figures, i18n, ids
from dashboard.callbacks import overview as ov_cb
from dashboard.callbacks.district import jass_href
from dashboard.config import Settings
from dashboard.state import UrlState, parse_search, split_meta, to_search

ROOT = Path(__file__).resolve().parents[2] / "dashboard"


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("", UrlState()),
        ("?dep=1&lang=en", UrlState(lang="en", dep="01")),
        ("?prov=0101&anio=2026", UrlState(dep="01", prov="0101", anio=2026)),
        ("?dep=13&prov=0101", UrlState(dep="13")),  # province outside the department: dropped
        ("?anio=abc&lang=xx&ind=nope", UrlState()),
        ("?meta=2017-41&ong=Water+For+People", UrlState(meta="2017-41", ong="Water For People")),
    ],
)
def test_dsh001_parse_search(search: str, expected: UrlState) -> None:
    assert parse_search(search) == expected


def test_dsh002_search_round_trip_keeps_language() -> None:
    state = UrlState(lang="en", dep="01", prov="0101", anio=2026, ind="cobertura_saneamiento")
    text = to_search(state)
    assert text.startswith("?") and "lang=en" in text
    assert parse_search(text) == state
    assert to_search(UrlState()) == "?lang=es"
    assert split_meta("2017-41") == (2017, 41) and split_meta(None) is None


@pytest.mark.parametrize(
    ("func", "value", "es", "en"),
    [
        (i18n.fmt_pct, 0.785, "78,5\u00a0%", "78.5%"),
        (i18n.fmt_num, 12345.6, "12\u00a0346", "12,346"),
        (i18n.fmt_date, dt.date(2017, 12, 31), "31/12/2017", "2017-12-31"),
        (i18n.fmt_pct, None, "—", "—"),
        (i18n.fmt_bool, True, "Sí", "Yes"),
    ],
)
def test_dsh003_formatting(func, value, es: str, en: str) -> None:
    assert func(value, "es") == es
    assert func(value, "en") == en


def test_dsh004_every_text_has_both_languages() -> None:
    for key, pair in {**i18n.TEXTS, **i18n.CODES}.items():
        assert len(pair) == 2 and all(p.strip() for p in pair), key


def test_dsh005_every_key_used_in_code_exists() -> None:
    used: set[str] = set()
    for path in ROOT.rglob("*.py"):
        used |= set(re.findall(r"\bt\(\s*\"([a-z_]+\.[a-z0-9_.]+)\"", path.read_text()))
    assert used, "no t() calls found: the scan is broken"
    assert sorted(used - set(i18n.TEXTS)) == []


def test_dsh006_unknown_code_reads_as_words() -> None:
    assert i18n.label("razon", "sin_cloracion", "es") == "No clora el agua"
    assert i18n.label("razon", "algo_nuevo", "en") == "Algo nuevo"


def test_dsh007_etl_codes_have_labels() -> None:
    from etl.derive.priority import REASONS
    from etl.derive.readiness import CRITERIA

    for code in REASONS:
        assert f"razon.{code}" in i18n.CODES, code
    for code in CRITERIA:
        assert f"criterio.{code}" in i18n.CODES, code


def _districts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ubigeo": ["010101", "131101"],
            "nombre": ["Chachapoyas", "Cascas"],
            "provincia_nombre": ["Chachapoyas", "Gran Chimú"],
            "departamento_nombre": ["Amazonas", "La Libertad"],
            "latitud": [-6.2, -7.5],
            "longitud": [-77.9, -78.8],
            "poblacion_rural": [1000, 2000],
            "n_oc": [3, 4],
            "cobertura_agua": [0.6, 0.9],
        }
    )


def test_dsh008_map_and_ranking_figures() -> None:
    ref = pd.DataFrame({"latitud": [-6.0, -12.0], "longitud": [-77.0, -75.0]})
    fig = figures.map_figure(_districts(), ref, "cobertura_agua", "es")
    assert len(fig.data) == 2 and list(fig.data[1].customdata) == ["010101", "131101"]
    assert fig.layout.yaxis.scaleanchor == "x"
    bars = figures.ranking_figure(_districts(), "cobertura_agua", "en")
    assert list(bars.data[0].customdata) == ["010101", "131101"]
    empty = figures.map_figure(_districts().iloc[:0], ref, "cobertura_agua", "es")
    assert empty.layout.annotations


def test_dsh009_grades_figure_uses_siasar_colours() -> None:
    fig = figures.grades_figure({"A": 1, "B": 2, "C": 0, "D": 3, "E": 0}, "es")
    assert list(fig.data[0].marker.color) == ["#54BA46", "#FFFF39", "#FF9326", "#C92429", "#AAAAAA"]


def test_dsh010_overview_navigation() -> None:
    store = {"lang": "en", "dep": "13", "prov": "1311", "anio": 2026}
    assert ov_cb.navigate(store, ids.OV_DEP, {ids.OV_DEP: "01"}) == "/?dep=01&anio=2026&lang=en"
    click = {"points": [{"customdata": "131101"}]}
    assert ov_cb.navigate(store, ids.OV_MAP, {ids.OV_MAP: click}) == (
        "/distrito/131101?anio=2026&lang=en"
    )
    assert ov_cb.navigate(store, ids.OV_DIST, {ids.OV_DIST: None}) is None
    assert jass_href({"colId": "nombre", "data": {"codigo_oc": "X1"}}, "es") == "/jass/X1?lang=es"
    assert jass_href({"colId": "grado", "data": {"codigo_oc": "X1"}}, "es") is None


def test_dsh011_settings_priority(monkeypatch) -> None:
    monkeypatch.setenv("PORT", "9000")
    monkeypatch.setenv("ATM_LANG", "en")
    assert Settings().port == 9000 and Settings().lang == "en"
    assert Settings(port=8123, lang="xx").port == 8123
    assert Settings(lang="xx").lang == "es"
