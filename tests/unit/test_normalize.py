"""Value normalisation: every spelling clerks and Excel produce (docs/INPUTS.md)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from etl import normalize


def one(parser, text, *args):
    values, bad = parser(pd.Series([text]), *args)
    return values.iloc[0], bool(bad.iloc[0])


@pytest.mark.parametrize(
    "text", ["Sí", "Si", "SI", "sí", "S", "1", "TRUE", "Verdadero", "X", "x", "Yes"]
)
def test_norm001_yes_spellings(text):
    assert one(normalize.to_bool, text) == (True, False)


@pytest.mark.parametrize("text", ["No", "no", "N", "0", "FALSE", "Falso"])
def test_norm001_no_spellings(text):
    assert one(normalize.to_bool, text) == (False, False)


def test_norm001_bool_blank_is_null_and_garbage_is_bad():
    assert one(normalize.to_bool, "") == (None, False)
    assert one(normalize.to_bool, "quizá") == (None, True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3,5", 3.5),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        (" 12 ", 12.0),
        ("1 200", 1200.0),
        ("0.25", 0.25),
        ("S/ 5,50", 5.5),
    ],
)
def test_norm002_numbers(text, expected):
    assert one(normalize.to_float, text) == (pytest.approx(expected), False)


def test_norm002_number_garbage_is_bad():
    assert one(normalize.to_float, "doce") == (None, True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("32,000", 32000.0),  # a budget typed with Peru's thousands comma
        ("S/ 1,250,000", 1250000.0),
        ("3,450", 3450.0),  # an altitude in metres
        ("-1,200", -1200.0),
        ("32,000.50", 32000.5),
        ("32.000,50", 32000.5),
        ("12,50", 12.5),  # two digits after the comma: cents
        ("0,500", 0.5),  # no thousands group starts with 0
        ("1,5", 1.5),
    ],
)
def test_norm002_amounts_read_a_comma_and_three_digits_as_thousands(text, expected):
    assert one(normalize.to_amount, text) == (pytest.approx(expected), False)
    if text in ("32,000", "3,450"):  # where a plain number reads a decimal comma
        assert one(normalize.to_float, text)[0] == pytest.approx(expected / 1000)


def test_norm002_amount_garbage_is_bad():
    assert one(normalize.to_amount, "mil") == (None, True)
    assert one(normalize.to_amount, "") == (None, False)


def test_norm002_int_thousands_and_fraction():
    assert one(normalize.to_int, "1.234") == (1234, False)
    assert one(normalize.to_int, "12.0") == (12, False)
    assert one(normalize.to_int, "1,5") == (None, True)


@pytest.mark.parametrize("text", ["1e27", "74e195", "-9e18"])
def test_norm002_int_beyond_any_count_is_a_type_error_not_a_crash(text):
    assert one(normalize.to_int, text) == (None, True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15/03/2024", dt.date(2024, 3, 15)),
        ("5/3/24", dt.date(2024, 3, 5)),
        ("2024-03-15", dt.date(2024, 3, 15)),
        ("2024-03-15 10:22:00", dt.date(2024, 3, 15)),
        ("2024-03-15T10:22:00", dt.date(2024, 3, 15)),
        ("45366", dt.date(2024, 3, 15)),  # Excel serial
        ("45366.0", dt.date(2024, 3, 15)),
        ("15-03-2024", dt.date(2024, 3, 15)),
    ],
)
def test_norm003_dates(text, expected):
    assert one(normalize.to_date, text) == (expected, False)


@pytest.mark.parametrize("text", ["31/02/2024", "13/13/2024", "ayer"])
def test_norm003_bad_dates(text):
    assert one(normalize.to_date, text) == (None, True)


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        ("10101", 6, "010101"),
        ("010101", 6, "010101"),
        ("10101.0", 6, "010101"),
        ("101010001", 10, "0101010001"),
        ("1501010001", 10, "1501010001"),
    ],
)
def test_norm004_codes_regain_lost_zero(text, width, expected):
    assert one(normalize.to_ubigeo, text, width) == (expected, False)


def test_norm004_bad_code():
    assert one(normalize.to_ubigeo, "1234", 6) == (None, True)


def test_norm004_cp_list():
    values, bad = normalize.to_cp_list(pd.Series(["101010001; 0101010002", "12"]))
    assert values.iloc[0] == ["0101010001", "0101010002"]
    assert bad.tolist() == [False, True]


def test_norm005_grade_and_choice():
    assert one(normalize.to_grade, "b") == ("B", False)
    assert one(normalize.to_grade, "E") == (None, True)
    choices = ("JASS", "comite", "en_proceso")
    assert one(normalize.to_choice, "Comité", choices) == ("comite", False)
    assert one(normalize.to_choice, "jass", choices) == ("JASS", False)
    assert one(normalize.to_choice, "En proceso", choices) == ("en_proceso", False)


@pytest.mark.parametrize("text", ["Fecha Visita", "fecha_visita", "FECHA_VISITA", "Fécha  visita"])
def test_norm006_header_key(text):
    assert normalize.header_key(text) == "fechavisita"


def test_norm007_blank_spellings():
    assert normalize.clean(pd.Series(["-", " N/A ", "s/d", "x"])).tolist() == ["", "", "", "x"]


@pytest.mark.parametrize(
    ("header", "canonical"),
    [
        ("Fecha de Visita", "fecha_visita"),
        ("Asociados al día", "asociados_al_dia"),
        ("¿Realiza cloración?", "realiza_cloracion"),
        ("Cloro Residual (mg/L)", "cloro_residual_mg_l"),
        ("NOMBRE DEL PRESTADOR", "nombre_prestador"),
    ],
)
def test_norm040_headers_match_with_little_words(header, canonical):
    assert normalize.header_key(header) == normalize.header_key(canonical)


def test_norm041_little_words_never_merge_two_fields_of_a_kind():
    from etl import sources

    for kind in sources.KINDS.values():
        owners: dict[str, str] = {}
        for f in kind.fields:
            for name in (f.name, *f.aliases):
                key = normalize.header_key(name)
                assert owners.setdefault(key, f.name) == f.name, (kind.name, name)


def _reference_clean(cells: pd.Series) -> pd.Series:
    """clean as written with pandas' string methods (before #18's plain loop)."""
    text = cells.fillna("").astype(str).str.strip()
    return text.where(~text.str.lower().isin(normalize.BLANKS), "")


def test_clean_code_and_ubigeo_loops_match_the_string_methods():
    """The plain-str loops (#18, l18) give the values, dtype and name pandas' methods gave."""
    cells = pd.Series(
        [" 10101.0 ", "0101", "10101", "N/A", "", " s/d ", "1.50", "١٢٣٤٥", "x\t", "2.000", "—"],
        dtype=object,
        name="col",
    )
    got, want = normalize.clean(cells), _reference_clean(cells)
    pd.testing.assert_series_equal(got, want)
    codes, _ = normalize.to_code(cells)
    ref = want.str.replace(r"^(\d+)\.0+$", r"\1", regex=True)
    assert codes.tolist() == [None if t == "" else t for t in ref.tolist()]
    assert codes.name == "col"
    ubigeo, bad = normalize.to_ubigeo(cells)
    assert ubigeo.tolist()[:3] == ["010101", None, "010101"]
    assert bad.tolist()[:4] == [False, True, False, False]
    assert ubigeo.name == bad.name == "col"
    # Not all text (numbers, None): the pandas path, same answer as before.
    mixed = pd.Series([1, None, 2.5, " x "], dtype=object)
    pd.testing.assert_series_equal(normalize.clean(mixed), _reference_clean(mixed))
