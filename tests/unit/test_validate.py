"""Validation: every row-level problem code, with file, row, column and value."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from etl import read, validate

TODAY = dt.date(2025, 6, 30)


def check(tmp_path, text: str, refs: validate.References | None = None) -> validate.Checked:
    path = tmp_path / "f.csv"
    path.write_text(text, encoding="utf-8")
    (table,) = read.read_file(path)
    checked = validate.check_table(table, read.recognise(list(table.frame.columns)), today=TODAY)
    if refs is not None:
        validate.check_references(checked, refs)
    return checked


def codes(checked) -> list[tuple[str, int, str]]:
    return [(p.code, p.row, p.column) for p in checked.problems]


def test_val001_type_error_names_row_column_value(tmp_path):
    checked = check(tmp_path, "codigo_oc;nombre;ubigeo;fecha_registro\nJ1;A;010101;31/02/2024\n")
    (p,) = checked.problems
    assert (p.code, p.file, p.row, p.column, p.value) == (
        "type-error",
        "f.csv",
        2,
        "fecha_registro",
        "31/02/2024",
    )
    assert "31/02/2024" in p.message_es and "31/02/2024" in p.message_en
    assert p.hint_es and p.hint_en
    assert checked.rejected.tolist() == [True]


def test_val002_required_missing(tmp_path):
    checked = check(tmp_path, "codigo_oc;nombre;ubigeo\nJ1;;010101\nJ2;B;010101\n")
    assert codes(checked) == [("required-missing", 2, "nombre")]
    assert checked.rejected.tolist() == [True, False]


def test_val003_out_of_range_number_and_dates(tmp_path):
    text = "codigo_oc;fecha_visita;cloro_residual_mg_l\nJ1;01/02/2024;12\nJ1;01/02/1985;1\nJ1;01/02/2026;1\n"
    checked = check(tmp_path, text)
    assert codes(checked) == [
        ("out-of-range", 2, "cloro_residual_mg_l"),
        ("out-of-range", 3, "fecha_visita"),
        ("out-of-range", 4, "fecha_visita"),
    ]


def test_val003_planned_dates_may_be_future(tmp_path):
    checked = check(tmp_path, "ubigeo;organizacion;fecha_salida_prevista\n010101;ONG;01/01/2029\n")
    assert checked.problems == []


def test_val004_unknown_ubigeo(tmp_path):
    checked = check(
        tmp_path, "codigo_oc;nombre;ubigeo;ubigeo_cp\nJ1;A;999999;\nJ2;B;010101;9999990001\n"
    )
    assert codes(checked) == [("unknown-ubigeo", 2, "ubigeo"), ("unknown-ubigeo", 3, "ubigeo_cp")]
    assert "999999" in checked.problems[0].message_es


def test_val005_duplicate_key_names_first_row(tmp_path):
    checked = check(tmp_path, "codigo_oc;nombre;ubigeo\nJ1;A;010101\nJ2;B;010101\nJ1;C;010101\n")
    (p,) = checked.problems
    assert (p.code, p.row) == ("duplicate-key", 4)
    assert "fila 2" in p.message_es and "row 2" in p.message_en
    assert checked.rejected.tolist() == [False, False, True]


def test_val006_inconsistent_datass(tmp_path):
    text = (
        "ubigeo_cp;centro_poblado;viviendas_habitadas;total_poblacion;sistema_agua;"
        "poblacion_servicio_agua;fecha_encuesta\n"
        "0101010001;A;10;50;Sí;80;01/03/2024\n0101010002;B;10;50;Sí;40;01/03/2024\n"
    )
    checked = check(tmp_path, text)
    assert codes(checked) == [("inconsistent", 2, "poblacion_servicio_agua")]
    assert "80" in checked.problems[0].message_es


def test_val006_inconsistent_board_term(tmp_path):
    text = "codigo_oc;nombre;ubigeo;consejo_inicio;consejo_fin\nJ1;A;010101;01/01/2024;01/01/2023\n"
    assert codes(check(tmp_path, text)) == [("inconsistent", 2, "consejo_fin")]


def test_val007_datass_split_and_year(tmp_path):
    text = (
        "CentroPoblado_Nombre;p100_TotalPoblacion;p100_ViviendasHabitadas;p105_TieneSistemaAgua;"
        "p105c_NumeroPoblacionConAccesoServicio;FechaModificacion_Encuesta\n"
        "101010001 - Ñaupa Alta;120;30;SI;100;2023-05-04\n"
    )
    checked = check(tmp_path, text)
    row = checked.values.iloc[0]
    # FechaModificacion is when the record was edited, not a survey date (issue 14): the row
    # is "sin fecha", stored under the load year, and the load says so once.
    assert (row["ubigeo_cp"], row["centro_poblado"], row["anio"]) == (
        "0101010001",
        "Ñaupa Alta",
        TODAY.year,
    )
    assert pd.isna(row.get("fecha_encuesta"))
    assert checked.problems == []
    assert sum("sin fecha" in n.es for n in checked.notices) == 1
    dated = text.replace("FechaModificacion_Encuesta", "fecha_encuesta")
    assert check(tmp_path, dated).values.iloc[0]["anio"] == 2023


def test_val007_datass_without_date_uses_load_year_with_warning(tmp_path):
    text = (
        "ubigeo_cp;centro_poblado;viviendas_habitadas;total_poblacion;sistema_agua;"
        "poblacion_servicio_agua\n0101010001;A;10;50;Sí;40\n"
    )
    text += "0101010002;B;10;50;Sí;40\n"
    checked = check(tmp_path, text)
    assert checked.values.iloc[0]["anio"] == TODAY.year
    # One warning per file, with the count.
    notices = [n.es for n in checked.notices if "sin fecha" in n.es]
    assert len(notices) == 1 and notices[0].startswith("2 filas") and str(TODAY.year) in notices[0]


def test_val008_unknown_reference_and_visit_district(tmp_path):
    refs = validate.References({"J1": "010101"}, {(2024, 1, "rof")}, {(2024, 1)})
    text = "codigo_oc;fecha_visita;ubigeo\nJ1;01/02/2024;\nJ9;01/02/2024;\nJ1;02/02/2024;010102\n"
    checked = check(tmp_path, text, refs)
    assert codes(checked) == [("unknown-reference", 3, "codigo_oc"), ("inconsistent", 4, "ubigeo")]
    assert checked.values.iloc[0]["ubigeo"] == "010101"  # filled from the organisation


def test_val008_unknown_activity_and_goal(tmp_path):
    refs = validate.References({}, {(2024, 1, "rof")}, {(2024, 1)})
    text = "ubigeo;anio;meta;actividad;estado\n010101;2024;1;ROF;cumplida\n010101;2024;1;xyz;cumplida\n"
    checked = check(tmp_path, text, refs)
    assert codes(checked) == [("unknown-reference", 3, "actividad")]
    assert checked.values.iloc[0]["actividad"] == "rof"  # canonical spelling stored
    mef = check(tmp_path, "ubigeo;anio;meta;cumplio\n010101;2024;1;Sí\n010101;2024;7;No\n", refs)
    assert codes(mef) == [("unknown-reference", 3, "meta")]


def test_val009_personal_value_masked(tmp_path):
    text = "codigo_oc;nombre;ubigeo;presidente\nJ1;A;010101;Juan\nJ1;A;010101;Ana\n"
    checked = check(tmp_path, text)
    assert all(
        "Juan" not in (p.value or "") and "Ana" not in p.message_es for p in checked.problems
    )


def test_val002_totals_row_rejected_once_as_what_it_is(tmp_path):
    """The "TOTAL" row clerks add under a table: one problem naming it, not one per blank; a
    row with a blank that is not a totals row keeps the usual message; names like Totora are
    not totals."""
    text = (
        "codigo_oc;nombre;ubigeo;total_asociados\n"
        "J1;Totora;010101;40\n"
        "J2;;010101;20\n"
        "TOTAL;;;60\n"
        ";Sub Totales;;60\n"
    )
    checked = check(tmp_path, text)
    assert codes(checked) == [
        ("required-missing", 3, "nombre"),
        ("required-missing", 4, None),
        ("required-missing", 5, None),
    ]
    total = checked.problems[1]
    assert total.value == "TOTAL" and "totales" in total.message_es and "totals" in total.message_en
    assert checked.problems[2].value == "Sub Totales"
    assert checked.rejected.tolist() == [False, True, True, True]
