"""Big CSVs read in pieces (#18): a load that reads every CSV a few rows at a time, each file
just before it is written, gives the warehouse, the rejects and the report of a whole read."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from etl import db, load, read, sample, schema
from tests.conftest import ON_POSTGRES, _postgres_schema_url

AS_OF = sample.SAMPLE_AS_OF


@pytest.fixture(autouse=True)
def _archive(tmp_path, monkeypatch):
    monkeypatch.setenv("ATM_ARCHIVE_DIR", str(tmp_path / "archivo"))


@pytest.fixture
def other_engine(tmp_path):
    """A second empty warehouse on the engine under test."""
    urls = _postgres_schema_url() if ON_POSTGRES else iter([f"sqlite:///{tmp_path / 'b.db'}"])
    eng = db.make_engine(next(urls))
    db.init_db(eng)
    yield eng
    eng.dispose()
    next(urls, None)  # drops the PostgreSQL schema


def _dirty_inputs(folder: Path) -> list[Path]:
    """The tiny sample, its visit and DATASS files with problems spread over the file: keys
    repeated far from their first row, a bad date, an unknown organisation, undated rows."""
    paths = sample.write_sample(folder, scale="tiny", seed=7)
    visits = folder / "monitoreo_oc.csv"
    lines = visits.read_text(encoding="utf-8").splitlines()
    head, body = lines[0], lines[1:]
    extra = [
        body[0],  # the first row again, hundreds of rows later
        body[3].replace(body[3].split(",")[1], "31/02/2024", 1),
        "OC999999999" + body[5][body[5].index(",") :],
    ]
    visits.write_text("\n".join([head, *body[:400], *extra, *body[400:]]) + "\n", "utf-8")
    datass = folder / "datass_consolidado.csv"
    lines = datass.read_text(encoding="utf-8-sig").splitlines()
    head, body = lines[0], lines[1:]
    undated = [";".join([*row.split(";")[:-1], ""]) for row in body[10:14]]
    # Newest surveys first, each naming its CP and provider with its own date: a CP's latest
    # survey comes in an earlier piece than its older ones, and which one names it matters.
    cols = head.split(";")
    named = [cols.index(c) for c in ("centro_poblado", "prestador_servicio")]
    dated = []
    for row in body:
        cells = row.split(";")
        for j in named:
            cells[j] = f"{cells[j]} {cells[-1]}"
        dated.append(";".join(cells))
    rows = [*dated[::-1], body[2], *undated]
    datass.write_text("\n".join([head, *rows]) + "\n", encoding="utf-8-sig")
    return paths


def _report(result: load.LoadResult) -> list[tuple]:
    return [
        (
            f.path.name,
            f.kind,
            f.sheet,
            f.rows_read,
            f.rows_loaded,
            f.rows_rejected,
            [(p.code, p.row, p.column, p.value, p.message_es) for p in f.problems],
            sorted(w.es for w in f.warnings),
        )
        for f in result.files
    ]


def _contents(engine) -> dict[str, list[tuple]]:
    """Every table but the load's own row (its clock) and the rejects' file ids."""
    skip = {schema.carga.name}
    with engine.connect() as conn:
        return {
            t.name: sorted(map(tuple, conn.execute(select(t)).all()), key=repr)
            for t in schema.metadata.sorted_tables
            if t.name not in skip
        }


def test_pie001_pieces_load_what_a_whole_read_loads(engine, other_engine, tmp_path, monkeypatch):
    paths = _dirty_inputs(tmp_path / "in")
    whole = load.load_paths(engine, paths, as_of=AS_OF)
    monkeypatch.setattr(read, "PIECE_BYTES", 0)  # every CSV is big now
    monkeypatch.setattr(read, "PIECE_ROWS", 37)
    pieces = load.load_paths(other_engine, paths, as_of=AS_OF)
    assert _report(pieces) == _report(whole)
    codes = {p.code for f in whole.files for p in f.problems}
    assert {"duplicate-key", "unknown-reference", "out-of-range"} <= codes  # the test has teeth
    assert any("sin fecha_encuesta" in w.es for f in whole.files for w in f.warnings)
    assert _contents(other_engine) == _contents(engine)


def test_pie002_a_file_malformed_half_way_writes_nothing(engine, tmp_path, monkeypatch):
    """A line the parser refuses after the first pieces were written: the file's rows go
    (savepoint), the file is reported unreadable, the other files load."""
    monkeypatch.setattr(read, "PIECE_BYTES", 0)
    monkeypatch.setattr(read, "PIECE_ROWS", 5)
    reg = tmp_path / "registro.csv"
    rows = [f"OC0101010{i:02d};JASS {i};010101;JASS;15/03/2023" for i in range(30)]
    reg.write_text(
        "codigo_oc;nombre;ubigeo;tipo_organizacion;fecha_registro\n"
        + "\n".join(rows[:20])
        + '\nOC010101099;"JASS sin cierre;010101;JASS;15/03/2023\n'
        + "\n".join(rows[20:])
        + "\n",
        encoding="utf-8",
    )
    result = load.load_paths(engine, [reg], as_of=AS_OF)
    (f,) = result.files
    assert [p.code for p in f.problems] == ["unreadable-file"]
    assert (f.kind, f.rows_read, f.rows_loaded) == (None, 0, 0)
    with engine.connect() as conn:
        assert conn.execute(select(schema.organizacion_comunal)).all() == []
