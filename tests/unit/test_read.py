"""Reading files and recognising kinds: encodings, separators, title rows, sheets, headers."""

from __future__ import annotations

import pandas as pd
import pytest

from etl import read

REG = "codigo_oc;nombre;ubigeo\nJ1;Comité Ñaupa;010101\n"


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "data",
    [
        REG.encode("utf-8"),
        b"\xef\xbb\xbf" + REG.encode("utf-8"),
        REG.encode("cp1252"),
    ],
    ids=["utf8", "utf8-bom", "cp1252"],
)
def test_read001_encodings(tmp_path, data):
    (table,) = read.read_file(write(tmp_path, "r.csv", data))
    assert list(table.frame.columns) == ["codigo_oc", "nombre", "ubigeo"]
    assert table.frame.iloc[0]["nombre"] == "Comité Ñaupa"


@pytest.mark.parametrize("sep", [";", ",", "\t"])
def test_read002_separators(tmp_path, sep):
    text = f"codigo_oc{sep}fecha_visita{sep}cloro_residual_mg_l\nJ1{sep}01/02/2024{sep}0.5\n"
    (table,) = read.read_file(write(tmp_path, "v.csv", text.encode()))
    assert table.frame.iloc[0].tolist() == ["J1", "01/02/2024", "0.5"]


def test_read002_decimal_comma_in_semicolon_file(tmp_path):
    text = "codigo_oc;fecha_visita;cloro_residual_mg_l\nJ1;01/02/2024;0,5\n"
    (table,) = read.read_file(write(tmp_path, "v.csv", text.encode()))
    assert table.frame.iloc[0]["cloro_residual_mg_l"] == "0,5"


def test_read003_title_rows_and_row_numbers(tmp_path):
    text = "LIBRO DE REGISTRO 2024\nMunicipalidad X\n\ncodigo_oc;nombre;ubigeo\nJ1;A;010101\n;;\nJ2;B;010101\n"
    (table,) = read.read_file(write(tmp_path, "r.csv", text.encode()))
    assert table.header_row == 4
    assert table.frame.index.tolist() == [5, 7]  # the empty row 6 is skipped, not renumbered


def test_read004_codes_keep_zeros(tmp_path):
    (table,) = read.read_file(write(tmp_path, "r.csv", REG.encode()))
    assert table.frame.iloc[0]["ubigeo"] == "010101"


def test_read005_multisheet_xlsx(tmp_path):
    path = tmp_path / "libro.xlsx"
    with pd.ExcelWriter(path, engine="xlsxwriter") as xl:
        pd.DataFrame({"Notas": ["hola"]}).to_excel(xl, sheet_name="Notas", index=False)
        pd.DataFrame({"x": []}).to_excel(xl, sheet_name="Vacia", index=False, header=False)
        frame = pd.DataFrame(
            {"UBIGEO": [10101, 10102], "Año": [2024.0, 2024.0], "Categoría": ["c", "D"]}
        )
        frame.to_excel(xl, sheet_name="Clasif", index=False, startrow=2)
    tables = {t.sheet: t for t in read.read_file(path)}
    assert set(tables) == {"Notas", "Clasif"}
    clasif = tables["Clasif"]
    assert clasif.header_row == 3
    assert clasif.frame.index.tolist() == [4, 5]
    assert clasif.frame.iloc[0].tolist() == ["10101", "2024", "c"]


def test_read005_xlsx_dates_as_iso(tmp_path):
    path = tmp_path / "v.xlsx"
    frame = pd.DataFrame({"codigo_oc": ["J1"], "fecha_visita": [pd.Timestamp("2024-03-15")]})
    frame.to_excel(path, index=False)
    (table,) = read.read_file(path)
    assert table.frame.iloc[0]["fecha_visita"].startswith("2024-03-15")


@pytest.mark.parametrize(
    ("data", "name"),
    [(b"", "e.csv"), (b"\x00\x01\x02garbage\x00", "b.csv"), (b"PK\x03\x04broken", "x.xlsx")],
    ids=["empty", "binary", "corrupt-xlsx"],
)
def test_read006_unreadable(tmp_path, data, name):
    with pytest.raises(read.ReadError):
        read.read_file(write(tmp_path, name, data))


def test_read006_missing_file(tmp_path):
    with pytest.raises(read.ReadError):
        read.read_file(tmp_path / "nope.csv")


@pytest.mark.parametrize(
    ("headers", "kind"),
    [
        (["Código OC", "Nombre", "UBIGEO"], "registro_oc"),
        (["CODIGO_OC", "Fecha Visita", "Cloro residual"], "monitoreo_oc"),
        (["ubigeo", "anio", "categoria"], "clasificacion_municipal"),
        (["ubigeo", "Año", "ordenanza_atm"], "atm"),
        (["ubigeo", "anio", "meta", "actividad", "estado"], "avance_metas"),
        (["ubigeo", "anio", "meta", "cumplio"], "resultado_mef"),
        (["ubigeo", "ONG"], "cartera_ong"),
    ],
)
def test_read007_recognise_kind(headers, kind):
    assert read.recognise(headers).kind.name == kind


def test_read007_datass_extract_split_column():
    headers = [
        "CentroPoblado_Nombre",
        "p100_TotalPoblacion",
        "p100_ViviendasHabitadas",
        "p105_TieneSistemaAgua",
        "p105c_NumeroPoblacionConAccesoServicio",
    ]
    rec = read.recognise(headers)
    assert rec.kind.name == "datass"
    assert rec.split_cp == "CentroPoblado_Nombre"


def test_read007_extras_listed():
    rec = read.recognise(["codigo_oc", "nombre", "ubigeo", "Notas"])
    assert rec.extras == ["Notas"]


def test_read008_missing_column():
    with pytest.raises(read.KindError) as err:
        read.recognise(["ubigeo", "anio", "viviendas_urbanas"])
    assert err.value.template == "missing-column"
    assert "categoria" in err.value.params["missing"]


def test_read008_unknown_kind():
    with pytest.raises(read.KindError) as err:
        read.recognise(["foo", "bar"])
    assert err.value.template == "unknown-kind"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("abc", "abc"),
        (12, "12"),
        (12.0, "12"),
        (12.5, "12.5"),
        (float("nan"), ""),
        (float("inf"), "inf"),
        (None, ""),
        (pd.NaT, ""),
        (pd.Timestamp("2024-01-02 03:04"), "2024-01-02 03:04:00"),
        (True, "True"),
    ],
)
def test_cell_text_short_path(value, text):
    """Cells of a mixed Excel column as text (str/int/float take a short path, #18 l18)."""
    assert read._cell_text(value) == text
