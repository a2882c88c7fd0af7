"""SIASAR sheets end to end (issue 15), on SQLite and (make test-pg) PostgreSQL."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from sqlalchemy import JSON, String, Text, func, select

from etl import load, schema
from etl.reach import WriteReach
from tests.unit.test_xls import DISTRIBUTION, STORAGE, needs_shared

SYSTEM_HEADER = (
    "fecha_encuesta;nombre;ID;pais;divisiones;comunidades;PSE;pob_servida;{cid};{state}\n"
)


@pytest.fixture(autouse=True)
def _archive(tmp_path, monkeypatch):
    monkeypatch.setenv(load.ARCHIVE_ENV, str(tmp_path / "archivo"))


def _no_nul_anywhere(engine) -> None:
    """Not one NUL character in any text column of any table of the warehouse (read back in
    Python: SQLite's LIKE stops a pattern at NUL, PostgreSQL refuses NUL on insert)."""
    with engine.connect() as conn:
        for table in schema.metadata.sorted_tables:
            texts = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
            for row in conn.execute(select(*texts)) if texts else ():
                assert not any("\x00" in str(v) for v in row), table.name


@needs_shared
def test_si001_the_shared_sheets_load_whole(engine):
    result = load.load_paths(engine, [DISTRIBUTION, STORAGE])
    by_kind = {f.kind: f for f in result.files}
    assert set(by_kind) == {"siasar_distribucion", "siasar_almacenamiento"}
    for f in result.files:
        assert f.rows_read == 391
        assert f.rows_read == f.rows_loaded + f.rows_rejected
        assert any("391 de 391" in w.es for w in f.warnings)  # the match rate
    with engine.connect() as conn:
        comp = schema.siasar_componente
        states = dict(
            conn.execute(
                select(comp.c.estado, func.count())
                .where(comp.c.tipo == "almacenamiento")
                .group_by(comp.c.estado)
            ).all()
        )
        assert states == {"A": 50, "B": 4, "C": 8, "D": 329}
        states = dict(
            conn.execute(
                select(comp.c.estado, func.count())
                .where(comp.c.tipo == "distribucion")
                .group_by(comp.c.estado)
            ).all()
        )
        assert states == {"A": 277, "B": 29, "C": 46, "D": 39}
        s = schema.siasar_sistema
        assert conn.execute(select(func.count()).select_from(s)).scalar_one() == 391
        first = conn.execute(select(s).where(s.c.id == "147405")).mappings().one()
        assert first["nombre"] == "Sistema de CHIARA CCOLLPA"
        assert first["ubigeo"] == "080603"  # CUSCO, CANCHIS, COMBAPATA
        assert first["fecha_encuesta"] == dt.date(2015, 7, 20)
        assert first["pais"] == "Perú"
    _no_nul_anywhere(engine)


@needs_shared
def test_si002_loading_again_changes_nothing(engine):
    load.load_paths(engine, [DISTRIBUTION])
    again = load.load_paths(engine, [DISTRIBUTION])
    assert again.files[0].rows_loaded == 391
    with engine.connect() as conn:
        comp = schema.siasar_componente
        assert conn.execute(select(func.count()).select_from(comp)).scalar_one() == 391


@needs_shared
def test_si003_an_atm_loads_only_its_districts_rows(engine, tmp_path):
    copy = tmp_path / "system_distribution.PE.xls"
    shutil.copyfile(DISTRIBUTION, copy)
    reach = WriteReach.for_districts(["080603"], "combapata")
    result = load.load_paths(engine, [copy], reach=reach)
    (f,) = result.files
    assert f.rows_loaded == 8  # the 8 systems of CUSCO,CANCHIS,COMBAPATA
    assert f.rows_rejected == 391 - 8
    assert {p.code for p in f.problems} == {"out-of-scope"}
    with engine.connect() as conn:
        ubigeos = conn.execute(select(schema.siasar_sistema.c.ubigeo).distinct()).scalars()
        assert set(ubigeos) == {"080603"}


def _sheet(tmp_path, rows: list[str], name="s.csv", cid="dist_ID", state="dist_estado"):
    path = tmp_path / name
    path.write_text(SYSTEM_HEADER.format(cid=cid, state=state) + "".join(rows), encoding="utf-8")
    return path


ROW = "20/07/2015;Sistema X;{id};{pais};{place};X;jass x;100;{comp};{state}\n"


def _row(id="1", pais="Perú", place="CUSCO,CANCHIS,COMBAPATA", comp="11", state="A - BUENO"):
    return ROW.format(id=id, pais=pais, place=place, comp=comp, state=state)


def test_si004_bad_rows_are_rejected_with_a_reason(engine, tmp_path):
    rows = [
        _row(),
        _row(id="2", comp="12", state="E - PERDIDO"),  # state outside A-D
        _row(comp="11"),  # the same component twice
        _row(id="3", comp="13", place="CUSCO,CANCHIS,COMBAPATTA"),  # unknown place
        _row(id="4", comp="14", place="Cusco_Canchis"),  # incomplete
    ]
    result = load.load_paths(engine, [_sheet(tmp_path, rows)])
    (f,) = result.files
    assert f.kind == "siasar_distribucion"
    assert (f.rows_read, f.rows_loaded, f.rows_rejected) == (5, 1, 4)
    by_row = {p.row: p for p in f.problems}
    assert by_row[3].code == "type-error"
    assert by_row[4].code == "duplicate-key"
    assert by_row[5].code == "unknown-ubigeo"
    assert "COMBAPATA (080603)" in by_row[5].hint_es  # the closest district named
    assert by_row[6].code == "unknown-ubigeo"


def test_si005_another_country_or_no_system_id_fails_the_file(engine, tmp_path):
    honduras = _sheet(tmp_path, [_row(pais="Honduras")], name="hn.csv")
    result = load.load_paths(engine, [honduras])
    assert result.files[0].failed
    assert "Honduras" in result.files[0].problems[0].message_es
    assert "Perú" in result.files[0].problems[0].hint_es
    no_id = tmp_path / "noid.csv"
    no_id.write_text(
        "nombre;pais;divisiones;dist_ID;dist_estado\nX;Perú;CUSCO,CANCHIS,COMBAPATA;1;A\n",
        encoding="utf-8",
    )
    result = load.load_paths(engine, [no_id])
    (f,) = result.files
    assert f.failed and f.problems[0].code == "missing-column"
    assert "id" in f.problems[0].message_es


def test_si006_a_corrupt_xls_is_an_unreadable_file(engine, tmp_path):
    path = tmp_path / "roto.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 700)
    result = load.load_paths(engine, [path])
    assert result.files[0].problems[0].code == "unreadable-file"
    assert result.exit_code == 2


def _register(tmp_path, rows: str, name="registro.csv"):
    path = tmp_path / name
    path.write_text("codigo_oc;nombre;ubigeo\n" + rows, encoding="utf-8")
    return path


@needs_shared
def test_si007_links_by_name_disagreements_and_confirmations(engine, tmp_path):
    """Combapata (080603): 'JASS Ccollpa' links by name; two 'Huantura' JASS leave system
    147406 to a person, who confirms it with a link file; a visit contradicts SIASAR."""
    register = _register(
        tmp_path,
        "OC-CC;JASS Ccollpa;080603\nOC-H1;JASS Huantura;080603\nOC-H2;Comite Huantura;080603\n"
        "OC-LIMA;JASS Ccollpa;150101\n",
    )
    visits = tmp_path / "visitas.csv"
    visits.write_text(
        "codigo_oc;fecha_visita;estado_almacenamiento;estado_distribucion;realiza_cloracion\n"
        "OC-CC;10/01/2020;B;A;Sí\nOC-CC;10/01/2024;A;B;No\n",
        encoding="utf-8",
    )
    load.load_paths(engine, [register, visits, DISTRIBUTION, STORAGE])
    calc = schema.siasar_calc
    with engine.connect() as conn:
        rows = {r.sistema_id: r for r in conn.execute(select(calc))}
        assert (rows["147405"].codigo_oc, rows["147405"].vinculo) == ("OC-CC", "nombre")
        assert rows["147406"].codigo_oc is None
        assert {c["codigo_oc"] for c in rows["147406"].candidatos} == {"OC-H1", "OC-H2"}
        assert rows["147405"].grado == "D"  # storage D - CAIDO: INF 0
        disc = conn.execute(select(schema.siasar_discrepancia)).mappings().all()
        # SIASAR: storage D (2015); our latest visit (2024): storage A. Distribution B vs B.
        assert [(d["aspecto"], d["siasar"], d["visita"]) for d in disc] == [
            ("almacenamiento", "D", "A")
        ]
        assert disc[0]["fecha_visita"] == dt.date(2024, 1, 10)
    link = tmp_path / "vinculos.csv"
    link.write_text("siasar_id;codigo_oc\n147406;OC-H2\n147407;OC-LIMA\n", encoding="utf-8")
    reach = WriteReach.for_districts(["080603"], "combapata")
    (f,) = load.load_paths(engine, [link], reach=reach).files
    assert f.rows_loaded == 1
    assert [p.code for p in f.problems] == ["inconsistent"]  # a JASS of another district
    with engine.connect() as conn:
        row = conn.execute(select(calc).where(calc.c.sistema_id == "147406")).one()
        assert (row.codigo_oc, row.vinculo) == ("OC-H2", "confirmado")
    _no_nul_anywhere(engine)


def _text_of(component) -> str:
    """All text of a Dash component tree (titles included), for assertions."""
    if component is None:
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(_text_of(c) for c in component)
    title = getattr(component, "title", None) or ""
    return f"{title} {_text_of(getattr(component, 'children', None))}"


@needs_shared
def test_si008_pages_show_siasar_and_respect_the_scope(engine, tmp_path):
    from dashboard.layouts import siasar as page
    from dashboard.queries import Scope, Warehouse
    from dashboard.state import UrlState

    register = _register(tmp_path, "OC-CC;JASS Ccollpa;080603\n")
    visits = tmp_path / "visitas.csv"
    visits.write_text(
        "codigo_oc;fecha_visita;estado_almacenamiento\nOC-CC;10/01/2024;A\n", encoding="utf-8"
    )
    load.load_paths(engine, [register, visits, DISTRIBUTION, STORAGE])
    wh, state = Warehouse(engine), UrlState(lang="es")
    district = _text_of(page.district_sections(wh, "080603", state))
    assert "Sistema de CHIARA CCOLLPA" in district and "20/07/2015" in district
    assert "D - caído" in district  # the storage state, in the cell's title
    assert "Almacenamiento: SIASAR dice D - caído (encuesta 20/07/2015)" in district
    jass = _text_of(page.jass_section(wh, "OC-CC", state, {"grado": "B"}))
    assert "Grado SIASAR" in jass and "encuesta del 20/07/2015" in jass
    unlinked = _text_of(page.unlinked_section(wh, state))
    assert "Sistemas SIASAR sin JASS vinculada (390)" in unlinked
    other = wh.scoped(Scope(frozenset({"150101"})))
    assert page.district_sections(other, "080603", state) == []
    assert page.jass_section(other, "OC-CC", state, None) is None
    assert page.unlinked_section(other, state) is None
