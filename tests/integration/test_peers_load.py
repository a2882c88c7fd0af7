"""Peer exchange (issue 16) in a loaded warehouse: the intercambio tables after loading the
tiny sample keep the rule, and a small (incremental) load leaves them as the last full
derivation wrote them. SQLite and, under make test-pg, PostgreSQL."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from sqlalchemy import String, select

from etl import derive, load, sample, schema
from etl.derive import peer_words, peers
from tests.integration import test_incremental

AS_OF = sample.SAMPLE_AS_OF
RULES = peers.load_rules()
paths_taken = test_incremental.paths_taken  # the fixture: which path each derivation took


@pytest.fixture(autouse=True)
def _archive(tmp_path, monkeypatch):
    monkeypatch.setenv(load.ARCHIVE_ENV, str(tmp_path / "archivo"))


@pytest.fixture
def loaded(engine, tmp_path):
    paths = sample.write_sample(tmp_path / "muestra", scale="tiny", seed=7)
    load.load_paths(engine, paths, as_of=AS_OF)
    return engine


def rows(conn, table) -> list[dict]:
    return [dict(r) for r in conn.execute(select(table)).mappings()]


def _rounded(row: dict) -> tuple:
    return tuple(
        (k, round(v, 9) if isinstance(v, float) and not math.isnan(v) else v)
        for k, v in sorted(row.items())
    )


def peer_snapshot(conn) -> dict[str, list]:
    return {
        t.name: sorted((_rounded(r) for r in rows(conn, t)), key=repr) for t in schema.PEER_TABLES
    }


def test_peer100_tables_after_the_tiny_sample_keep_the_rule(loaded):
    with loaded.connect() as conn:
        latest = {r["codigo_oc"]: r for r in rows(conn, schema.puntaje_oc) if r["es_ultima"]}
        mentees = rows(conn, schema.intercambio_jass)
        suggestions = rows(conn, schema.intercambio_sugerencia)
        risk = rows(conn, schema.intercambio_atm)
        pairs = rows(conn, schema.intercambio_atm_par)
        summaries = rows(conn, schema.resumen_distrito)
        year = max(r["anio"] for r in summaries)
        summary = {r["ubigeo"]: r for r in summaries if r["anio"] == year}
        districts = {r["ubigeo"]: r for r in rows(conn, schema.distrito)}
    assert mentees and suggestions, "the tiny sample has weak JASS with mentors"
    load_of: dict[str, int] = {}
    for s in suggestions:
        mentor = latest[s["mentor_oc"]]
        assert mentor["grado"] in "AB" and mentor["grado_provisional"] is False
        assert all(mentor["items"][i] >= 1.0 for i in s["items"])
        assert s["mismo_distrito"] or s["distancia_km"] <= RULES.radio_km
        assert peer_words.suggestion_text(s["razones"], "es")  # renders
        load_of[s["mentor_oc"]] = load_of.get(s["mentor_oc"], 0) + 1
    assert max(load_of.values()) <= RULES.capacidad_mentor
    by_mentee: dict[str, set[str]] = {}
    for s in suggestions:
        by_mentee.setdefault(s["codigo_oc"], set()).update(s["items"])
    for m in mentees:
        uncovered = {e["item"] for e in m["sin_mentor"] or []}
        assert by_mentee.get(m["codigo_oc"], set()) | uncovered == set(m["items_debiles"])
        assert m["version_reglas"] == RULES.version
    for r in risk:
        assert r["motivos"] and (r["n_pares"] > 0) != (r["sin_par"] is not None)
    for p in pairs:
        assert summary[p["ubigeo_par"]]["atm_operativa"] is True
        a, b = districts[p["ubigeo"]], districts[p["ubigeo_par"]]
        level = "provincia" if a["provincia"] == b["provincia"] else "departamento"
        assert p["nivel"] == level and a["departamento"] == b["departamento"]


def test_peer101_a_small_load_keeps_the_suggestions_until_the_next_full_derivation(
    loaded, tmp_path, paths_taken
):
    """Readings that make a mentor's chlorine fail. The matcher spans the country and runs with
    full derivations only (etl/derive/__init__.py): the incremental load leaves the peer tables
    exactly as the last full derivation wrote them, dated; the next full derivation (the nightly
    `python -m etl derive`) matches again, and the failing mentor no longer teaches it."""
    with loaded.connect() as conn:
        before = peer_snapshot(conn)
        mentor = (
            conn.execute(
                select(schema.intercambio_sugerencia.c.mentor_oc).where(
                    schema.intercambio_sugerencia.c["items"].cast(String).like("%cloro%")
                )
            ).scalar()
            or conn.execute(select(schema.intercambio_sugerencia.c.mentor_oc)).scalar()
        )
        dated = set(conn.execute(select(schema.intercambio_jass.c.calculado)).scalars())
    assert mentor and dated == {AS_OF}
    day = (AS_OF - dt.timedelta(days=2)).strftime("%d/%m/%Y")
    path = tmp_path / "visita.csv"
    path.write_text(
        "codigo_oc,fecha_visita,cloro_residual_mg_l,realiza_cloracion,tiene_operador\n"
        f"{mentor},{day},0.1,No,No\n",
        encoding="utf-8",
    )
    result = load.load_paths(loaded, [path], as_of=AS_OF)
    assert result.files[0].rows_loaded == 1 and paths_taken == ["incremental"]
    with loaded.connect() as conn:
        assert peer_snapshot(conn) == before
    later = AS_OF + dt.timedelta(days=1)
    with loaded.begin() as conn:
        derive.derive_all(conn, later)
    with loaded.connect() as conn:
        assert set(conn.execute(select(schema.intercambio_jass.c.calculado)).scalars()) == {later}
        still = conn.execute(
            select(schema.intercambio_sugerencia.c["items"]).where(
                schema.intercambio_sugerencia.c.mentor_oc == mentor
            )
        ).scalars()
        assert not any("realiza_cloracion" in items for items in still)


def test_peer102_written_chunk_by_chunk_as_matched_in_one_piece(loaded, monkeypatch):
    """`refresh` writes each chunk of mentees as it is matched and reads each mentor's
    evidence once, a few mentors at a time (issue 18: memory at 10×): the tables hold what
    one match of every JASS, with one read of every suggested mentor's evidence, gives."""
    ev = peers.shipped()
    with loaded.connect() as conn:
        transaction = conn.begin()
        mentees, suggestions = peers.match(peers._jass_frame(conn), RULES)
        mentors = sorted(set(suggestions["mentor_oc"]))
        suggestions = peers.with_evidence(
            suggestions,
            peers.streaks(peers._history(conn, mentors), RULES),
            peers.chlorine_runs(peers._readings(conn, mentors), ev.cloro_min, ev.cloro_max),
        )
        monkeypatch.setattr(peers, "MATCH_CHUNK", 7)
        monkeypatch.setattr(peers, "HISTORY_CHUNK", 2)
        counts = peers.refresh(conn, AS_OF, RULES, ev)
        written = {t.name: rows(conn, t) for t in schema.PEER_TABLES[:2]}
        transaction.rollback()
    assert len(mentees) > 7 * 3 and len(mentors) > 2 * 3  # several chunks of each
    assert counts["intercambio_jass"] == len(mentees)
    assert counts["intercambio_sugerencia"] == len(suggestions)
    expected = {
        "intercambio_jass": mentees.assign(version_reglas=RULES.version, calculado=AS_OF),
        "intercambio_sugerencia": suggestions,
    }
    for name, frame in expected.items():
        table = schema.metadata.tables[name]
        mine = [{c.name: r.get(c.name) for c in table.columns} for r in written[name]]
        theirs = [
            {c.name: _plain(r.get(c.name)) for c in table.columns} for r in frame.to_dict("records")
        ]
        assert sorted(map(_rounded, mine), key=repr) == sorted(map(_rounded, theirs), key=repr)


def _plain(value):
    """A frame's value as the warehouse gives it back (NaN as None)."""
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
