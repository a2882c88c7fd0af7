"""Accepting a suggested mentor (issue 16, p16) on the tiny sample's real suggestions: the
mentee's ATM creates the partnership THROUGH THE LOADER (a `carga` row naming the account);
an ATM of another district and an analista are refused, by the accept rule and, for a row
that reached it anyway, by the loader's reach; the button is drawn only for those allowed,
and a crafted callback is answered with a refusal, never a 500. SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from sqlalchemy import func, select

from dashboard import accept, create_app, ids
from dashboard.server.auth import Account, AccountStore
from dashboard.server.config import Settings
from etl import load, sample, schema

AS_OF = sample.SAMPLE_AS_OF
PASSWORD = "una clave bastante larga"


@pytest.fixture(autouse=True)
def _dirs(tmp_path, monkeypatch):
    monkeypatch.setenv(load.ARCHIVE_ENV, str(tmp_path / "archivo"))
    monkeypatch.setenv("ATM_UPLOAD_DIR", str(tmp_path / "staged"))


@pytest.fixture
def tiny(engine, tmp_path):
    paths = sample.write_sample(tmp_path / "muestra", scale="tiny", seed=7)
    load.load_paths(engine, paths, as_of=AS_OF)
    return engine


def _first_suggestion(engine) -> dict:
    sg = schema.intercambio_sugerencia
    with engine.connect() as conn:
        row = (
            conn.execute(select(sg).where(sg.c.rango == 1).order_by(sg.c.ubigeo, sg.c.codigo_oc))
            .mappings()
            .first()
        )
    assert row is not None, "the tiny sample has suggestions"
    return dict(row)


def _other_district(engine, ubigeo: str) -> str:
    oc = schema.organizacion_comunal
    with engine.connect() as conn:
        return str(
            conn.execute(select(oc.c.ubigeo).where(oc.c.ubigeo != ubigeo).limit(1)).scalar_one()
        )


def _count(engine, table) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _partnerships(engine, mentee: str) -> list[dict]:
    al = schema.intercambio_alianza
    with engine.connect() as conn:
        return [
            dict(r) for r in conn.execute(select(al).where(al.c.codigo_oc == mentee)).mappings()
        ]


def test_p16a01_the_mentees_atm_accepts_through_the_loader(tiny):
    s = _first_suggestion(tiny)
    atm = Account("atm_mentee", "atm", (s["ubigeo"],))
    today = dt.date.today()
    outcome = accept.accept(tiny, atm, s["codigo_oc"], 1, today=today)
    assert outcome.ok and outcome.key == "ix.accept_done" and outcome.carga_id
    (row,) = _partnerships(tiny, s["codigo_oc"])
    assert row["mentor_oc"] == s["mentor_oc"] and row["estado"] == "activa"
    assert row["fecha_inicio"] == today and row["items"] == ";".join(s["items"])
    assert row["ubigeo"] == s["ubigeo"] and row["carga_id"] == outcome.carga_id
    with tiny.connect() as conn:
        carga = (
            conn.execute(select(schema.carga).where(schema.carga.c.id == outcome.carga_id))
            .mappings()
            .one()
        )
        files = conn.execute(
            select(schema.carga_archivo.c.archivo, schema.carga_archivo.c.tipo).where(
                schema.carga_archivo.c.carga_id == outcome.carga_id
            )
        ).all()
    assert carga["cuenta"] == "atm_mentee" and carga["usuario"] == "atm_mentee (tablero)"
    assert [(f, k) for f, k in files] == [("alianza_aceptada.csv", "alianza")]
    again = accept.accept(tiny, atm, s["codigo_oc"], 1, today=today)
    assert not again.ok and again.key == "ix.accept_already"
    assert len(_partnerships(tiny, s["codigo_oc"])) == 1


def test_p16a02_another_districts_atm_and_an_analista_are_refused(tiny):
    s = _first_suggestion(tiny)
    other = Account("atm_otro", "atm", (_other_district(tiny, s["ubigeo"]),))
    loads = _count(tiny, schema.carga)
    refused = accept.accept(tiny, other, s["codigo_oc"], 1)
    assert not refused.ok and refused.key == "ix.accept_refused_scope"
    analyst = accept.accept(tiny, Account("ana", "analista"), s["codigo_oc"], 1)
    assert not analyst.ok and analyst.key == "ix.accept_refused_role"
    ngo = accept.accept(tiny, Account("wfp", "ong", ong="Water For People"), s["codigo_oc"], 1)
    assert not ngo.ok and ngo.key == "ix.accept_refused_role"
    assert accept.accept(tiny, None, s["codigo_oc"], 1).key == "ix.accept_refused_role"
    for mentee, rank in ((s["codigo_oc"], 999), (s["codigo_oc"], "1"), (["x"], 1), (None, None)):
        admin = Account("root", "admin")
        assert accept.accept(tiny, admin, mentee, rank).key == "ix.accept_gone"
    assert _count(tiny, schema.carga) == loads and not _partnerships(tiny, s["codigo_oc"])
    # The loader's reach is the second line: the same row loaded for the other ATM is refused.
    row = {"codigo_oc": s["codigo_oc"], "mentor_oc": s["mentor_oc"], "items": "cloro_residual"}
    row |= {"fecha_inicio": dt.date.today().isoformat(), "estado": "activa"}
    through = accept._load(tiny, other, row)
    assert not through.ok and through.key == "ix.accept_rejected"
    assert s["codigo_oc"] in through.params["es"] and not _partnerships(tiny, s["codigo_oc"])


# ------------------------------------------------------------------ through the app ------------


@pytest.fixture
def app(tiny, db_url):
    s = _first_suggestion(tiny)
    accounts = AccountStore(tiny)
    accounts.add("atm_mentee", "atm", PASSWORD, (s["ubigeo"],))
    accounts.add("atm_otro", "atm", PASSWORD, (_other_district(tiny, s["ubigeo"]),))
    accounts.add("analista", "analista", PASSWORD)
    settings = Settings(database_url=db_url, auth=True, secret_key="p" * 40)
    return create_app(settings)


def _client(app, user: str):
    client = app.server.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    answer = client.post("/login", data={"usuario": user, "clave": PASSWORD, "csrf": token})
    assert answer.status_code == 302
    return client


def _district_page(client, ubigeo: str) -> str:
    deps = client.get("/_dash-dependencies").json
    dep = next(d for d in deps if "_pages_content" in d["output"])
    outputs = [
        {"id": part.rsplit(".", 1)[0], "property": part.rsplit(".", 1)[1]}
        for part in dep["output"].strip(".").split("...")
    ]
    body = {
        "output": dep["output"],
        "outputs": outputs,
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": f"/distrito/{ubigeo}"},
            {"id": "_pages_location", "property": "search", "value": "?lang=es"},
        ],
        "state": [],
        "changedPropIds": ["_pages_location.pathname"],
    }
    answer = client.post("/_dash-update-component", json=body)
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def _click(client, mentee: object, rank: object):
    """The accept callback as a browser (or an attacker) sends it."""
    deps = client.get("/_dash-dependencies").json
    dep = next(d for d in deps if ids.IX_ACCEPT_MSG in d["output"])
    key = {"oc": mentee, "rank": rank}
    body = {
        "output": dep["output"],
        "outputs": [
            {"id": {**key, "type": ids.IX_ACCEPT_MSG}, "property": "children"},
            {"id": {**key, "type": ids.IX_ACCEPT}, "property": "disabled"},
        ],
        "inputs": [{"id": {**key, "type": ids.IX_ACCEPT}, "property": "n_clicks", "value": 1}],
        "state": [{"id": ids.DI_STATE, "property": "data", "value": {"lang": "es"}}],
        "changedPropIds": [json.dumps({**key, "type": ids.IX_ACCEPT}) + ".n_clicks"],
    }
    return client.post("/_dash-update-component", json=body)


def test_p16a03_the_button_only_for_those_allowed_and_crafted_clicks_refused(app, tiny):
    s = _first_suggestion(tiny)
    mine, analyst, other = (_client(app, u) for u in ("atm_mentee", "analista", "atm_otro"))
    first = _district_page(mine, s["ubigeo"])
    assert ids.IX_ACCEPT in first
    found = re.search(r"Alianzas registradas \((\d+)\)", first)
    before = int(found.group(1)) if found else 0
    page = _district_page(analyst, s["ubigeo"])
    assert "Intercambio entre JASS" in page and ids.IX_ACCEPT not in page
    for client in (analyst, other):  # crafted: the button was never drawn for them
        answer = _click(client, s["codigo_oc"], 1)
        assert answer.status_code == 200
        text = answer.get_data(as_text=True)
        assert "no puede registrar alianzas" in text or "no es de su cuenta" in text
    for mentee, rank in ((s["codigo_oc"], "1"), ({"$ne": 1}, 1), ("x" * 500, 1)):
        assert _click(mine, mentee, rank).status_code in (200, 400)
    assert not _partnerships(tiny, s["codigo_oc"])
    done = _click(mine, s["codigo_oc"], 1)
    assert done.status_code == 200 and "Alianza registrada" in done.get_data(as_text=True)
    (row,) = _partnerships(tiny, s["codigo_oc"])
    assert row["estado"] == "activa"
    with tiny.connect() as conn:
        account = conn.execute(
            select(schema.carga.c.cuenta).where(schema.carga.c.id == row["carga_id"])
        ).scalar_one()
    assert account == "atm_mentee"
    after = _district_page(mine, s["ubigeo"])
    assert f"Alianzas registradas ({before + 1})" in after  # the sample's own, plus this one
    assert "Alianza registrada" in after and "Alianza activa: aprendiz" in after  # badge, map


def test_p16a04_partnerships_are_read_as_the_account_sees(tiny, tmp_path):
    """An ATM sees its districts' partnerships only; a mentor of another district by name and
    district, without its code (no link); the export is the same rows."""
    from dashboard.layouts import intercambio as ix
    from dashboard.queries import Scope, Warehouse
    from dashboard.state import UrlState

    al = schema.intercambio_alianza
    with tiny.connect() as conn:
        districts = sorted({str(u) for u in conn.execute(select(al.c.ubigeo)).scalars()})
        a, b = districts[:2]
        mentee = conn.execute(select(al.c.codigo_oc).where(al.c.ubigeo == a)).scalars().first()
        far = conn.execute(select(al.c.mentor_oc).where(al.c.ubigeo == b)).scalars().first()
    path = tmp_path / "cruzada.csv"
    path.write_text(
        "codigo_oc;mentor_oc;items;tema;fecha_inicio;fecha_fin;estado\n"
        f"{mentee};{far};cloro_residual;;01/04/2026;;activa\n",
        encoding="utf-8",
    )
    assert load.load_paths(tiny, [path], as_of=AS_OF).files[0].rows_loaded == 1
    national = Warehouse(tiny).peer_partnerships(None, None)
    assert {a, b} <= set(national["ubigeo"])
    mine = Warehouse(tiny, Scope(frozenset({a}), "atm_a")).peer_partnerships(None, None)
    assert set(mine["ubigeo"]) == {a} and len(mine) == (national["ubigeo"] == a).sum()
    cross = mine[mine["ubigeo_mentor"] == b]
    assert len(cross) == 1 and cross["mentor_oc"].isna().all()
    assert cross["mentor_nombre"].notna().all() and cross["mentor_distrito"].notna().all()
    table = ix.partnership_source(
        Warehouse(tiny, Scope(frozenset({a}), "atm_a")), UrlState(lang="es"), None
    )
    assert len(table.rows) == len(mine) and far not in json.dumps(table.rows)
