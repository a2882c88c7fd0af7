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
from dashboard.server.config import Settings
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
    assert len(fig.data) == 2 and sorted(fig.data[1].customdata) == ["010101", "131101"]
    assert list(fig.data[1].customdata) == ["131101", "010101"]  # big first, small on top
    assert fig.layout.yaxis.scaleanchor == "x"
    rows = figures.ranking_rows(_districts(), "cobertura_agua")
    assert list(rows["ubigeo"]) == ["131101", "010101"]  # highest first
    empty = figures.map_figure(_districts().iloc[:0], ref, "cobertura_agua", "es")
    assert empty.layout.annotations


def test_dsh008_ranking_keeps_each_district_once() -> None:
    many = pd.DataFrame(
        {"ubigeo": [f"{i:06d}" for i in range(20)], "nombre": list("abcdefghijklmnopqrst")}
    ).assign(cobertura_agua=[i / 20 for i in range(20)])
    rows = figures.ranking_rows(many, "cobertura_agua", n=8)
    assert len(rows) == 16 and rows["v"].is_monotonic_decreasing
    assert list(rows["ubigeo"][:1]) == ["000019"] and list(rows["ubigeo"][-1:]) == ["000000"]
    assert len(figures.ranking_rows(many.head(5), "cobertura_agua", n=8)) == 5


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


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+51 999", "'+51 999"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("JASS Cascas", "JASS Cascas"),
        (-3.5, -3.5),  # numbers are data, not formulas
        (None, None),
    ],
)
def test_dsh012_export_cells_neutralise_formulas(value, expected) -> None:
    from dashboard.exports import neutralise

    assert neutralise(value) == expected


def test_dsh013_export_frame_csv_and_xlsx() -> None:
    import io

    import openpyxl

    from dashboard.exports import csv_bytes, table_frame, xlsx_bytes

    columns = [
        {"field": "nombre", "headerName": "Nombre"},
        {"field": "grado", "headerName": "Grado"},
        {"field": "codigo_oc", "hide": True},
    ]
    rows = [{"nombre": "=1+1", "grado": "A", "codigo_oc": "X"}, {"nombre": "Taquia", "grado": "E"}]
    frame = table_frame(rows, columns)
    assert list(frame.columns) == ["Nombre", "Grado"]  # hidden columns are not exported
    text = csv_bytes(frame).decode("utf-8-sig")
    assert text.splitlines()[:2] == ["Nombre,Grado", "'=1+1,A"]
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(frame, "jass"))).active
    assert sheet["A2"].value == "'=1+1" and sheet["A2"].data_type == "s"
    assert table_frame(None, columns).empty


def test_dsh014_default_year_is_newest_with_data() -> None:
    from dashboard.layouts.overview import default_year

    assert default_year([2024, 2023], None) == 2024  # not the newest year of the table
    assert default_year([2024, 2023], 2019) == 2019  # a year in the URL is kept
    assert default_year([], None) is None


def test_dsh015_activity_shares_and_closed_goal_note() -> None:
    from dashboard.layouts.goals import activity_shares, deadline_note

    progress = pd.DataFrame(
        {
            "aplica": [True, True, False],
            "faltantes": [["b"], [], ["a", "b"]],
            "actividades": [
                [{"actividad": "a", "obtenido": 10}, {"actividad": "b", "obtenido": 5}],
                [{"actividad": "a", "obtenido": 10}, {"actividad": "b", "obtenido": 20}],
                [{"actividad": "a", "obtenido": 0}, {"actividad": "b", "obtenido": 0}],
            ],
        }
    )
    acts = pd.DataFrame(
        {
            "actividad": ["a", "b"],
            "descripcion_es": ["A", "B"],
            "descripcion_en": ["A", "B"],
            "tipo": ["evidencia", "metrica"],
            "puntos": [10.0, 20.0],
        }
    )
    shares = activity_shares(progress, acts).set_index("actividad")
    assert shares.loc["a", "cumplen"] == 2 and shares.loc["b", "cumplen"] == 1
    assert shares.loc["b", "pct"] == 0.5 and shares.loc["b", "con_avance"] == 2
    closed = deadline_note(dt.date(2017, 12, 31), dt.date(2026, 1, 1), "es")
    assert "Meta cerrada el 31/12/2017" in str(closed)
    assert deadline_note(dt.date(2027, 1, 1), dt.date(2026, 1, 1), "es") is None


def test_dsh016_goal_links_keep_department() -> None:
    from dashboard.callbacks.goals import goal_href

    assert goal_href("es", "2017-41", "06") == "/metas?dep=06&meta=2017-41&lang=es"
    assert goal_href("en", "2017-41", None) == "/metas?meta=2017-41&lang=en"


def test_dsh017_map_zooms_to_a_department() -> None:
    ref = pd.DataFrame({"latitud": [-6.0, -12.0], "longitud": [-77.0, -75.0]})
    fig = figures.map_figure(_districts(), ref, "cobertura_agua", "es", zoom=True)
    assert fig.layout.xaxis.range[0] < -78.8 < -77.9 < fig.layout.xaxis.range[1]
    assert figures.map_figure(_districts(), ref, "cobertura_agua", "es").layout.xaxis.range is None


def test_dsh030_bar_colours_follow_the_map_scale_continuously() -> None:
    """A 99 % bar is nearly the 100 % green, as on the map (not the 70 % yellow of a step)."""
    from dashboard.figures import NO_DATA_COLOR, SCALE, SCALE_COLOR

    assert [SCALE_COLOR(stop) for stop, _ in SCALE] == [color.upper() for _, color in SCALE]
    assert SCALE_COLOR(0.99) == "#348D2E" and SCALE_COLOR(0.55) == "#F4B42B"
    assert SCALE_COLOR(1.5) == SCALE[-1][1] and SCALE_COLOR(-0.2) == SCALE[0][1]
    assert SCALE_COLOR(float("nan")) == NO_DATA_COLOR and SCALE_COLOR(None) == NO_DATA_COLOR


def test_dsh031_grid_rows_from_columns() -> None:
    from dashboard.exports import rows_of

    assert rows_of({"a": [1, 2], "b": ["x", None]}) == [{"a": 1, "b": "x"}, {"a": 2, "b": None}]
    assert rows_of({"a": []}) == []
    with pytest.raises(ValueError):
        rows_of({"a": [1, 2], "b": ["x"]})  # a short column is a bug, never a silent cut


def test_dsh214_register_section_reads_in_words() -> None:
    """The data source is translated and a missing resolution is one dash, not "— (—)"."""
    from dashboard.layouts import jass

    assert jass._resolution({"resolucion_reconocimiento": None}, "es") == "—"
    assert jass._resolution({"resolucion_reconocimiento": float("nan")}, "es") == "—"
    assert jass._resolution({"resolucion_reconocimiento": "RA-012-2017"}, "es") == "RA-012-2017"
    full = {"resolucion_reconocimiento": "RA-012-2017", "fecha_resolucion": "2017-05-27"}
    assert jass._resolution(full, "es") == "RA-012-2017 (27/05/2017)"
    assert jass._resolution({"fecha_resolucion": "2017-05-27"}, "en") == "2017-05-27"
    section = str(jass.register_section({"codigo_oc": "OC1", "origen": "registro"}, "en"))
    assert "Municipal register" in section and "'registro'" not in section


def test_dsh215_expired_board_term_is_marked() -> None:
    from dashboard.layouts import jass

    term = {"consejo_inicio": "2022-09-24", "consejo_fin": "2024-09-22"}
    assert jass._board_term({**term, "consejo_vigente": False}, "es").endswith("(vencido)")
    assert jass._board_term({**term, "consejo_vigente": 0.0}, "en").endswith("(expired)")
    assert jass._board_term({**term, "consejo_vigente": True}, "es") == "24/09/2022 – 22/09/2024"
    assert "(" not in jass._board_term({**term, "consejo_vigente": float("nan")}, "es")


def test_dsh230_district_kpis_state_their_basis():
    """Issue 14: the district's coverage cards say what they count ("n CP con encuesta"),
    sanitation says people, not households, and safe water says why it is not ENAPRES."""
    from dashboard.layouts import district

    row = {"cobertura_agua": 0.5, "cobertura_agua_segura": 0.1, "cobertura_saneamiento": 0.3}
    text = str(district.kpis({**row, "n_cp": 12, "n_oc": 3}, "es", 2026))
    assert text.count("12 CP con encuesta DATASS") == 3
    assert "personas, no hogares" in text and "ENAPRES" in text


def test_dsh231_priority_words_do_not_call_a_rounded_total_a_recent_visit():
    """A total stored rounded (17.151 for 17 × 1.0089) is not a rank lowered by a recent visit:
    the words said 'visita vigente' for a visit 23 months old."""
    from dashboard.layouts import district
    from etl import evidence

    w = evidence.shipped().prioridad
    pf = 1 + min(w.get("peso_poblacion", 0) * 89 / 1000, w.get("tope_poblacion", 0))
    old = {"prioridad_base": 17.0, "poblacion_servida": 89, "ultima_visita": "2024-12-17"}
    text = district.priority_words({**old, "prioridad": round(17.0 * pf, 3) - 0.0004}, "es")
    assert "vigente" not in text
    lowered = round(17.0 * pf * w["factor_visita_vigente"], 3)
    assert "vigente" in district.priority_words({**old, "prioridad": lowered}, "es")
