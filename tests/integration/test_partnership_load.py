"""The partnership register (issue 16, kind `alianza`) through the one loader: the sample's
partnerships load, every bad row is rejected with a reason a clerk can act on, and an ATM
account writes only partnerships whose learning JASS (mentee) is of its districts; the mentor
may be of any district. SQLite and, under scripts/with-postgres.sh, PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from etl import load, sample, schema
from etl.reach import WriteReach
from tests.integration import test_peers_load

AS_OF = sample.SAMPLE_AS_OF
HEADER = "JASS que aprende;JASS mentora;Ítems;Tema;Inicio;Fin;Estado\n"


# The warehouse loaded from the tiny sample, its archive in the test's folder (as the peers').
_archive = test_peers_load._archive
loaded = test_peers_load.loaded


def _jass(engine) -> dict[str, list[str]]:
    """Registered JASS codes per district (sorted)."""
    oc = schema.organizacion_comunal
    out: dict[str, list[str]] = {}
    with engine.connect() as conn:
        for code, ubigeo in conn.execute(
            select(oc.c.codigo_oc, oc.c.ubigeo).order_by(oc.c.codigo_oc)
        ):
            out.setdefault(ubigeo, []).append(code)
    return out


def _file(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def _partnerships(engine) -> list[dict]:
    with engine.connect() as conn:
        table = schema.intercambio_alianza
        return [dict(r) for r in conn.execute(select(table)).mappings()]


def test_p16l01_the_sample_partnerships_load(loaded, tmp_path):
    rows = _partnerships(loaded)
    assert len(rows) == 12
    first = next(r for r in rows if r["items"] == "cloro_residual")  # "Cloro residual" in words
    assert first["estado"] == "activa" and first["ubigeo"] == first["codigo_oc"][2:8]
    assert first["ubigeo_mentor"] and first["carga_id"]
    assert any(r["items"] is None and r["tema"] for r in rows)  # a free topic only
    assert any(r["items"] == "cobra_cuota;rinde_cuentas" for r in rows)


def test_p16l02_every_bad_row_has_its_reason(loaded, tmp_path):
    jass = _jass(loaded)
    a, b = sorted(d for d, codes in jass.items() if len(codes) >= 2)[:2]
    m, t = jass[a][0], jass[a][1]  # mentee, teacher of district a
    far = jass[b][0]
    path = _file(
        tmp_path,
        "alianzas_a_mano.csv",
        [
            f"{m};{far};Cloro residual, Cobra cuota;;01/03/2026;;Activa",  # ok: other-district mentor
            f"OC999999999;{t};cloro_residual;;01/03/2026;;activa",  # unknown mentee
            f"{m};OC888888888;cloro_residual;;01/03/2026;;activa",  # unknown mentor
            f"{m};{m};cloro_residual;;01/03/2026;;activa",  # itself
            f"{t};{m};cloro_residual;;01/03/2026;01/02/2026;activa",  # ends before it starts
            f"{t};{far};clorar bien;;01/03/2026;;activa",  # not a model item
            f"{t};{m};;;02/03/2026;;activa",  # says nothing of what is learnt
            f"{t};{m};cloro_residual;;31/02/2026;;activa",  # no such date
            f"{t};{m};cloro_residual;;03/03/2026;;en curso",  # not a state
        ],
    )
    res = load.load_paths(loaded, [path], as_of=AS_OF)
    (f,) = res.files
    assert f.kind == "alianza" and (f.rows_loaded, f.rows_rejected) == (1, 8)
    by_row = {p.row: p for p in f.problems}
    assert len(by_row) == 8
    codes = [by_row[row].code for row in sorted(by_row)]
    assert codes == [
        "unknown-reference",
        "unknown-reference",
        "inconsistent",
        "inconsistent",
        "unknown-reference",
        "required-missing",
        "type-error",
        "type-error",
    ]
    messages = [by_row[row].message_es for row in sorted(by_row)]
    assert "OC999999999" in messages[0] and "mentora OC888888888" in messages[1]
    assert "sí misma" in messages[2] and "termina (01/02/2026) antes de empezar" in messages[3]
    assert (
        "«clorar bien» no es un ítem" in messages[4]
        and "cloro_residual" in by_row[sorted(by_row)[4]].hint_es
    )
    (row,) = _partnerships(loaded) and [
        r for r in _partnerships(loaded) if r["codigo_oc"] == m and r["mentor_oc"] == far
    ]
    assert row["items"] == "cloro_residual;cobra_cuota" and row["ubigeo_mentor"] == b
    assert row["estado"] == "activa"


def test_p16l03_an_atm_writes_only_its_own_mentees(loaded, tmp_path):
    """Without the reach's check the second row (a mentee of district b) would be written."""
    jass = _jass(loaded)
    a, b = sorted(d for d, codes in jass.items() if len(codes) >= 2)[:2]
    before = _partnerships(loaded)
    path = _file(
        tmp_path,
        "alianza_atm.csv",
        [
            f"{jass[a][1]};{jass[b][0]};cloro_residual;;01/03/2026;;activa",  # mentee of a
            f"{jass[b][1]};{jass[a][0]};cloro_residual;;01/03/2026;;activa",  # mentee of b
        ],
    )
    reach = WriteReach.for_districts([a], "atm_a")
    res = load.load_paths(loaded, [path], as_of=AS_OF, reach=reach)
    (f,) = res.files
    assert (f.rows_loaded, f.rows_rejected) == (1, 1)
    (problem,) = f.problems
    assert problem.code == "out-of-scope" and problem.row is not None
    assert jass[b][1] in problem.message_es and "la mentora sí puede" in problem.hint_es
    after = _partnerships(loaded)
    assert len(after) == len(before) + 1
    assert not [
        r
        for r in after
        if r["codigo_oc"] == jass[b][1]
        and r["fecha_inicio"].day == 1
        and r["fecha_inicio"].month == 3
    ]
    with loaded.connect() as conn:
        carga = schema.carga
        account = conn.execute(select(carga.c.cuenta).where(carga.c.id == res.carga_id)).scalar()
        assert account == "atm_a"
        assert conn.execute(
            select(func.count()).select_from(schema.intercambio_alianza)
        ).scalar() == len(after)


def test_p16l04_a_partnership_load_keeps_the_last_derivation(loaded, tmp_path, monkeypatch):
    """Accepting a suggestion loads one partnership row: no derivation reads partnerships, so
    the load must not derive (on the first load of a day that was a full national derivation,
    tens of seconds) and records the last derivation's date, which the figures still carry.
    Fails without `load._kept_derivation`: the patched derivation raises."""
    jass = _jass(loaded)
    a = sorted(d for d, codes in jass.items() if len(codes) >= 2)[0]

    def refuse(*args, **kwargs):
        raise AssertionError("a partnership load derived again")

    monkeypatch.setattr(load.derive, "derive_all", refuse)
    path = _file(
        tmp_path,
        "una_alianza.csv",
        [f"{jass[a][0]};{jass[a][1]};cloro_residual;;01/03/2026;;activa"],
    )
    later = AS_OF.replace(day=AS_OF.day + 1) if AS_OF.day < 28 else AS_OF.replace(day=1)
    res = load.load_paths(loaded, [path], as_of=later)
    assert res.files[0].rows_loaded == 1
    with loaded.connect() as conn:
        carga = schema.carga
        corte = conn.execute(select(carga.c.fecha_corte).where(carga.c.id == res.carga_id)).scalar()
    assert corte == AS_OF  # the derivation the figures carry, not the load's own date


def test_p16l05_other_kinds_still_derive(loaded, tmp_path, monkeypatch):
    """The shortcut is for kinds no derivation reads only: a partnership file together with a
    visit file derives as before."""
    jass = _jass(loaded)
    a = sorted(d for d, codes in jass.items() if len(codes) >= 2)[0]
    calls: list[int] = []
    real = load.derive.derive_all
    monkeypatch.setattr(load.derive, "derive_all", lambda *a, **k: calls.append(1) or real(*a, **k))
    pair = _file(
        tmp_path, "alianza2.csv", [f"{jass[a][1]};{jass[a][0]};cloro_residual;;02/03/2026;;activa"]
    )
    visits = tmp_path / "visitas.csv"
    visits.write_text(f"codigo_oc,fecha_visita,cloro_residual_mg_l\n{jass[a][0]},2026-03-02,0.6\n")
    load.load_paths(loaded, [pair, visits], as_of=AS_OF)
    assert calls == [1]
