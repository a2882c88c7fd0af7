"""The load/status/rejects commands end to end: exit codes 0/1/2, the JSON report, the clerk file."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from etl import cli, derive

REG = "codigo_oc;nombre;ubigeo\nJ1;JASS Uno;010101\nJ2;JASS Dos;010102\n"


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("ATM_ARCHIVE_DIR", str(tmp_path / "archivo"))
    monkeypatch.setattr(derive, "derive_all", lambda conn, *args, **kwargs: None)


def run_load(db_url, tmp_path, *paths, lang="es"):
    report = tmp_path / "report.json"
    argv = ["load", "--db", db_url, "--report", str(report), "--lang", lang, *map(str, paths)]
    code = cli.main(argv)
    return code, json.loads(report.read_text(encoding="utf-8"))


def test_cli001_exit_0_all_loaded(db_url, tmp_path, capsys):
    path = tmp_path / "r.csv"
    path.write_text(REG, encoding="utf-8")
    code, report = run_load(db_url, tmp_path, path)
    assert code == 0 == report["exit_code"]
    (f,) = report["files"]
    assert (f["kind"], f["rows_read"], f["rows_loaded"], f["rows_rejected"]) == (
        "registro_oc",
        2,
        2,
        0,
    )
    assert "2 cargadas" in capsys.readouterr().out


def test_cli002_exit_1_some_rejected_report_shape(db_url, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(REG + "J3;Tres;999999\n", encoding="utf-8")
    code, report = run_load(db_url, tmp_path, path, lang="en")
    assert code == 1
    (problem,) = report["files"][0]["problems"]
    assert set(problem) == {"code", "file", "sheet", "row", "column", "value", "message", "hint"}
    assert (problem["code"], problem["row"], problem["value"]) == ("unknown-ubigeo", 4, "999999")
    assert "INEI" in problem["message"]  # English text


@pytest.mark.parametrize(
    ("content", "code"),
    [
        ("foo;bar\n1;2\n", "unknown-kind"),
        ("codigo_oc;ubigeo\nJ1;010101\n", "missing-column"),
    ],
)
def test_cli003_exit_2_file_level(db_url, tmp_path, content, code):
    path = tmp_path / "x.csv"
    path.write_text(content, encoding="utf-8")
    exit_code, report = run_load(db_url, tmp_path, path)
    assert exit_code == 2
    assert [p["code"] for p in report["files"][0]["problems"]] == [code]


def test_cli003_exit_2_unreadable_no_traceback(db_url, tmp_path, capsys):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"\x00\x01binary junk")
    exit_code, report = run_load(db_url, tmp_path, path)
    assert exit_code == 2
    assert report["files"][0]["problems"][0]["code"] == "unreadable-file"
    assert "Traceback" not in capsys.readouterr().err


def test_cli004_clerk_register(db_url, tmp_path, capsys):
    """A hand-kept register as a clerk saves it: title row, cp1252, ';', lost zeros, bad date."""
    text = (
        "LIBRO DE REGISTRO MUNICIPAL DE ORGANIZACIONES COMUNALES - 2024\n"
        ";;;;;;;\n"
        "Código OC;Nombre;UBIGEO;Centros Poblados;Tipo Organización;Fecha Registro;"
        "Estatuto aprobado;Reglamento aprobado;Presidente\n"
        "101;Comité Ñaupa;10101;101010001;Comité;15/03/2023;Sí;no;Juan Pérez\n"
        "102;JASS Santa Rosa;10102;101020001;JASS;31/02/2024;X;No;Ana Quispe\n"
    )
    path = tmp_path / "registro.csv"
    path.write_bytes(text.encode("cp1252"))
    code, report = run_load(db_url, tmp_path, path)
    assert code == 1
    (problem,) = report["files"][0]["problems"]
    assert (problem["row"], problem["column"], problem["value"]) == (
        5,
        "Fecha Registro",
        "31/02/2024",
    )
    cli.main(["rejects", "--db", db_url, "--out", str(tmp_path / "rej.csv")])
    rejects = pd.read_csv(tmp_path / "rej.csv", encoding="utf-8-sig")
    assert rejects["codigo"].tolist() == ["type-error"]
    assert "Ana Quispe" not in (tmp_path / "rej.csv").read_text(encoding="utf-8-sig")
    capsys.readouterr()
    assert cli.main(["status", "--db", db_url, "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["tablas"]["organizacion_comunal"] == 1
    assert status["ultima_carga"]["estado"] == "con_rechazos"


def test_cli020_derive_records_a_full_derivation_as_of_today(db_url, tmp_path, monkeypatch, capsys):
    """`etl derive` derives in full (no districts given) and records the as-of date it used."""
    import datetime as dt

    from sqlalchemy import select

    from etl import db, schema

    seen: list[tuple] = []
    monkeypatch.setattr(derive, "derive_all", lambda conn, *args: seen.append(args))
    path = tmp_path / "r.csv"
    path.write_text(REG, encoding="utf-8")
    run_load(db_url, tmp_path, path)
    assert cli.main(["derive", "--db", db_url]) == 0
    assert len(seen[-1]) == 3  # as_of, catalogue, model: no touched districts, a full derivation
    with db.make_engine(db_url).connect() as conn:
        last = conn.execute(select(schema.carga).order_by(schema.carga.c.id.desc())).first()
    assert last is not None
    assert (last.fecha_corte, last.filas_leidas, last.usuario) == (dt.date.today(), 0, "derive")
    assert "carga #2" in capsys.readouterr().out
