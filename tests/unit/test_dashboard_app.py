"""The app factory against a small fixture warehouse: pages, callback ids, no CDN."""

from __future__ import annotations

import json
import re

import plotly
import pytest
from dash.development.base_component import Component

from dashboard import create_app, ids
from dashboard.server.config import Settings
from tests.browser.fixture_data import fill_warehouse

PAGES = [
    "/",
    "/?dep=13&lang=en",
    "/distrito/131101",
    "/distrito/130302?lang=en",
    "/distrito/999999",
    "/distrito/131101/ficha",
    "/distrito/010101/ficha?lang=en",
    "/distrito/999999/ficha",
    "/jass/131101-J02",
    "/jass/010101-J02?lang=en",
    "/jass/none",
    "/metas",
    "/metas?dep=13&lang=en",
    "/salida",
    "/datos",
    "/no-such-page",
]


@pytest.fixture
def app(engine, db_url):
    fill_warehouse(engine)
    return create_app(Settings(database_url=db_url))


def _ids(component, found: set[str]) -> set[str]:
    """Every id in a component tree."""
    if isinstance(component, Component):
        if getattr(component, "id", None):
            found.add(component.id)
        _ids(getattr(component, "children", None), found)
    elif isinstance(component, list | tuple):
        for child in component:
            _ids(child, found)
    return found


def _render(client, path: str) -> str:
    """The page content as the router callback returns it."""
    response = _route(client, path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def _route(client, path: str, headers: dict | None = None):
    """The router callback's response for a page (`headers`: e.g. the browser's encodings)."""
    deps = client.get("/_dash-dependencies").json
    out = next(d["output"] for d in deps if "_pages_content" in d["output"])
    pathname, _, search = path.partition("?")
    body = {
        "output": out,
        "outputs": [
            {"id": "_pages_content", "property": "children"},
            {"id": "_pages_store", "property": "data"},
        ],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": pathname},
            {
                "id": "_pages_location",
                "property": "search",
                "value": "?" + search if search else "",
            },
        ],
        "changedPropIds": ["_pages_location.pathname"],
        "state": [],
    }
    return client.post("/_dash-update-component", json=body, headers=headers or {})


def test_dsh101_every_page_renders_without_error_alert(app) -> None:
    client = app.server.test_client()
    for path in PAGES:
        assert client.get(path.split("?")[0]).status_code == 200
        text = _render(client, path)
        assert "No se pudo mostrar" not in text and "could not be shown" not in text, path
    assert "No existe un distrito" in _render(client, "/distrito/999999")
    assert "No hay JASS registradas" in _render(client, "/distrito/130302")
    assert "Municipal register" in _render(client, "/jass/131101-J02?lang=en")


def test_dsh102_no_personal_data_on_jass_page(app) -> None:
    client = app.server.test_client()
    assert "Nombre Reservado" not in _render(client, "/jass/131101-J02")


def _pattern_declared(dep_id: str) -> bool:
    """A pattern-matching id ({"type": ..., ...}) whose type is one of dashboard/ids.py's."""
    if not dep_id.startswith("{"):
        return False
    kind = json.loads(dep_id).get("type")
    return kind in {v for k, v in vars(ids).items() if k.isupper()}


def test_dsh103_callback_ids_exist_in_layouts_and_outputs_unique(app) -> None:
    client = app.server.test_client()
    client.get("/")  # the first request builds the validation layout
    known = _ids(app.validation_layout, set())
    outputs: list[str] = []
    for cb in client.get("/_dash-dependencies").json:
        for dep in cb["inputs"] + cb["state"]:
            assert dep["id"] in known or _pattern_declared(dep["id"]), dep
        if cb["output"].startswith("..{") or cb["output"].startswith("{"):
            # pattern-matching outputs (p16's accept buttons): their type is a declared id
            parts = cb["output"].strip(".").split("...")
            assert all(_pattern_declared(p.rsplit(".", 1)[0]) for p in parts), cb["output"]
            outputs.extend(parts)
            continue
        for out in re.findall(r"([\w-]+)\.([\w@]+)", cb["output"].replace("..", " ")):
            outputs.append(".".join(out))
            assert out[0] in known or out[0].startswith("_pages"), out
    assert len(outputs) == len(set(outputs)), "duplicate callback output"


def test_dsh104_served_html_references_no_cdn(app) -> None:
    client = app.server.test_client()
    html = client.get("/").get_data(as_text=True)
    assert not re.findall(r"(?:src|href)=\"https?://", html)
    assert "00-bootstrap.min.css" in html and "app.css" in html


def test_dsh105_layouts_serialise(app) -> None:
    import dash

    for name, page in dash.page_registry.items():
        layout = page["layout"]() if callable(page["layout"]) else page["layout"]
        json.dumps(layout, cls=plotly.utils.PlotlyJSONEncoder), name


def test_dsh106_printable_sheet_has_its_parts(app) -> None:
    client = app.server.test_client()
    text = _render(client, "/distrito/131101/ficha")
    for part in ("Ficha distrital", "Cascas", "JASS Huaychaca", "Imprimir", "fi-map"):
        assert part in text, part
    assert "navbar" not in text  # the sheet prints without the navigation bar
    district = _render(client, "/distrito/131101").replace("\\u002f", "/")
    assert "Imprimir / Print" in district and "/distrito/131101/ficha" in district


def test_dsh107_overview_opens_on_newest_year_with_data(app, engine) -> None:
    from sqlalchemy import insert, select

    from etl import schema as s

    # An empty future year in resumen_distrito (a row per district, nothing in it) ...
    with engine.begin() as conn:
        rows = conn.execute(select(s.resumen_distrito).where(s.resumen_distrito.c.anio == 2026))
        empty = [
            {
                **dict(r._mapping),
                "anio": 2030,
                "n_cp": 0,
                "cobertura_agua": None,
                "metas_aplicables": 0,
                "metas_cumplidas": 0,
                "cobertura_agua_segura": None,
                "cobertura_saneamiento": None,
                "continuidad": None,
            }
            for r in rows
        ]
        conn.execute(insert(s.resumen_distrito), empty)
    wh = app.server.config["WAREHOUSE"]
    assert 2030 not in wh.data_years() and wh.data_years()[0] == 2026
    text = _render(app.server.test_client(), "/")
    assert '"anio_shown": 2026' in text or '"anio_shown":2026' in text


def test_dsh108_goal_table_scoped_to_department(app) -> None:
    wh = app.server.config["WAREHOUSE"]
    goal = wh.goals().iloc[0]
    every = wh.goal_progress(int(goal["anio"]), int(goal["numero"]))
    one = wh.goal_progress(int(goal["anio"]), int(goal["numero"]), "13")
    assert set(one["departamento"]) == {"13"} and len(one) < len(every)


def test_dsh109_district_search_ignores_accents_and_keeps_scope(app, db_url) -> None:
    """Nationally the district picker searches as the user types (no 1,900 options shipped)."""
    from dashboard.callbacks.overview import matching_districts
    from dashboard.queries import Scope, Warehouse

    wh = Warehouse(db_url)
    found = matching_districts(wh, "CASCÁS", {})
    assert found == [{"label": "Cascas (Gran Chimú)", "value": "131101"}]
    assert matching_districts(wh, "c", {}) is None  # one letter: keep the options as they are
    assert matching_districts(wh, "chacha", {"dep": "13"}) == []  # outside the department
    scoped = wh.scoped(Scope(frozenset({"131101"}), "x"))
    assert matching_districts(scoped, "chacha", {}) == []  # outside the account's scope
    page = _render(app.server.test_client(), "/")
    assert "Escriba el nombre del distrito" in page and '"label":"Chachapoyas (' not in page


def test_dsh110_router_answers_cached_until_the_next_load(app, engine, monkeypatch) -> None:
    """A page seen before is answered from the router cache (the page is not even looked up
    in the page cache); a new load invalidates it."""
    import datetime as dt

    from sqlalchemy import insert

    from dashboard.server import speed
    from etl import schema as s

    calls = {"n": 0}
    real = speed.PageCache.get_or_render

    def counting(self, key, render):
        calls["n"] += 1
        return real(self, key, render)

    monkeypatch.setattr(speed.PageCache, "get_or_render", counting)
    client = app.server.test_client()
    first = _render(client, "/distrito/131101?anio=2025")  # also Dash's first-request set-up
    seen = calls["n"]
    assert _render(client, "/distrito/131101?anio=2025") == first
    assert calls["n"] == seen
    with engine.begin() as conn:  # a new load: the data version changes
        now = dt.datetime.now()
        conn.execute(
            insert(s.carga).values(
                iniciada=now, terminada=now, estado="ok", filas_leidas=0, filas_cargadas=0,
                filas_rechazadas=0,
            )
        )  # fmt: skip
    _render(client, "/distrito/131101?anio=2025")
    assert calls["n"] == seen + 1


def test_dsh111_cached_answers_are_compressed_once(app, monkeypatch) -> None:
    """A router answer seen before is sent with the brotli bytes kept beside it (issue 18:
    flask-compress compressed a cached 2.3 MB district page again on every request); a
    browser without brotli still gets a readable answer, the same one."""
    import gzip

    import brotli

    from dashboard.server import speed

    compressed = {"n": 0}
    real = speed.brotli.compress

    def counting(data, **kw):
        compressed["n"] += 1
        return real(data, **kw)

    monkeypatch.setattr(speed.brotli, "compress", counting)
    client = app.server.test_client()
    page = "/distrito/131101?anio=2024"
    plain = _render(client, page)  # no Accept-Encoding: JSON as it is
    assert compressed["n"] == 0
    answers = [_route(client, page, {"Accept-Encoding": "gzip, br"}) for _ in range(3)]
    assert compressed["n"] == 1  # the first browser taking brotli; the others reuse it
    for answer in answers:
        assert answer.status_code == 200 and answer.headers["Content-Encoding"] == "br"
        assert "Accept-Encoding" in answer.headers["Vary"]
        assert brotli.decompress(answer.get_data()).decode() == plain
    gzip_only = _route(client, page, {"Accept-Encoding": "gzip"})
    assert gzip_only.headers.get("Content-Encoding") != "br"
    body = gzip_only.get_data()
    text = gzip.decompress(body).decode() if gzip_only.headers.get("Content-Encoding") else body
    assert text == plain


def test_dsh112_each_app_serves_its_own_warehouse(app, tmp_path) -> None:
    """Dash's page registry is process-wide; a second app built later (as in the test suite
    and the benchmark) must not take over the first app's pages."""
    from etl import db

    other_url = f"sqlite:///{tmp_path / 'other.db'}"
    other_engine = db.make_engine(other_url)
    db.init_db(other_engine)  # the districts, no JASS
    other = create_app(Settings(database_url=other_url))
    assert "JASS Huaychaca" in _render(app.server.test_client(), "/distrito/131101")
    assert "JASS Huaychaca" not in _render(other.server.test_client(), "/distrito/131101")
    assert "JASS Huaychaca" in _render(app.server.test_client(), "/distrito/131101/ficha")
    other_engine.dispose()


def test_dsh113_data_page_reads_as_a_clerk_reads(app) -> None:
    """The audit grids: translated headers and results, each reject's problem and fix in the
    page's language only, no internal columns; the downloaded file has the same columns."""
    client = app.server.test_client()
    es = _render(client, "/datos").replace("\\u002f", "/")
    for part in ("Cómo corregirlo", "Use dd/mm/aaaa", "Fecha inválida", "Con filas rechazadas",
                 "Filas rechazadas", "Archivo n.º", "Catálogo de metas"):  # fmt: skip
        assert part in es, part
    for internal in ("Invalid date", "mensaje_es", "sugerencia_en", '"headerName":"sha256"'):
        assert internal not in es, internal
    assert "2 filas rechazadas o problemas de archivo" in es  # all shown: no "first 2 of 2"
    en = _render(client, "/datos?lang=en")
    assert "How to fix it" in en and "Invalid date" in en and "Fecha inválida" not in en
    assert "Some rows rejected" in en
    csv = client.get("/exportar/da-rejects-all.csv?lang=en").get_data(as_text=True)
    header = csv.lstrip("\ufeff").splitlines()[0]
    assert header.startswith("File,Row,Column,Value,Problem,How to fix it,Sheet"), header
    assert "Invalid date" in csv and "Fecha inválida" not in csv


def test_dsh114_newest_files_rejects_come_first(app, engine) -> None:
    """The grid shows the first few hundred rejects: the file just loaded must be among them."""
    import datetime as dt

    from sqlalchemy import insert

    from etl import schema as s

    now = dt.datetime(2026, 11, 22, 9, 30)
    with engine.begin() as conn:
        conn.execute(insert(s.carga).values(id=2, iniciada=now, estado="con_rechazos"))
        conn.execute(
            insert(s.carga_archivo).values(
                id=2, carga_id=2, archivo="nuevo.csv", sha256="b" * 64,
                filas_leidas=1, filas_cargadas=0, filas_rechazadas=1,
            )
        )  # fmt: skip
        conn.execute(
            insert(s.rechazo).values(
                carga_archivo_id=2, sha256="b" * 64, archivo="nuevo.csv", fila=2,
                codigo="type-error", mensaje_es="Archivo nuevo", mensaje_en="New file",
            )
        )  # fmt: skip
    text = _render(app.server.test_client(), "/datos")
    assert text.index("Archivo nuevo") < text.index("Fecha inválida")
