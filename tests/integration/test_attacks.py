"""Issue #19: the attacks that got through issue #7's protections, each replayed here.

Every test fails on the code before issue #19 (checked when it was written) and passes
after. Bounded loops only; servers started by a test listen on 127.0.0.1. The fixture
warehouse is test_security's: Cascas (131101) and Chachapoyas (010101) with JASS, Bambamarca.
"""

from __future__ import annotations

import base64
import io
import json
import logging
import os
import re
import resource
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import quote

import pytest
import requests
from sqlalchemy import func, select

from dashboard import create_app, exports, ids, uploads
from dashboard.server.auth import AccountStore
from etl import schema as s
from etl.read import ReadError, read_file
from tests.browser.fixture_data import CASCAS, CHACHA, fill_warehouse
from tests.integration.test_security import (
    CASCAS_JASS,
    CHACHA_JASS,
    LIMIT,
    PASSWORD,
    ROOT,
    SECRET,
    VISITS_CSV,
    _logged_in,
    _outputs,
    _settings,
    _upload,
)
from tests.integration.test_serving import free_port, wait_healthy

# Names of districts only the server can add to a page (the attacker sends none of them).
DISTRICT_NAMES = ("Cascas", "Chachapoyas", "Bambamarca", "Amazonas", "JASS Pucacruz")


@pytest.fixture
def store(engine) -> AccountStore:
    """test_security's accounts: admin, cascas (atm of Cascas), analista, wfp (ong)."""
    fill_warehouse(engine)
    accounts = AccountStore(engine)
    accounts.add("admin", "admin", PASSWORD)
    accounts.add("cascas", "atm", PASSWORD, (CASCAS,))
    accounts.add("analista", "analista", PASSWORD)
    accounts.add("wfp", "ong", PASSWORD, ong="Water For People")
    return accounts


@pytest.fixture
def app(store, db_url):
    return create_app(_settings(db_url))


def _as(app: Any, store: AccountStore, user: str):
    """A client whose session is `user`'s without any request having been made (so its first
    request is the app's first request: Dash sets its router up in that request)."""
    client = app.server.test_client()
    account = store.get(user)
    assert account is not None
    with client.session_transaction() as session:
        session["_user_id"] = user
        session["_fresh"] = True
        session["atm_sv"] = account.sesion  # security.SESSION_VERSION
    return client


# ------------------------------------------------------------------ 1: HTML shells -----------


@pytest.mark.parametrize("first", [f"/distrito/{CASCAS}", "/", "/datos"])
def test_sec101_anonymous_shell_holds_no_data_after_an_admins_first_request(store, db_url, first):
    served = create_app(_settings(db_url, app_env="production"))
    admin = _as(served, store, "admin")
    assert admin.get(first).status_code == 200  # the process's first request: an admin's
    anonymous = served.server.test_client()
    for path in ("/assets/", "/assets", "/assets/../", "/health", "/login", "/assets/app.css"):
        body = anonymous.get(path).get_data(as_text=True)
        assert [n for n in DISTRICT_NAMES if n in body] == [], path
    assert anonymous.get("/assets/").status_code == 404  # not the page, not the login gate
    # An ATM's own page shell: nothing of another district either (nor of its own: data
    # travels in callbacks, which apply the scope).
    atm = _logged_in(served, "cascas")
    shell = atm.get(f"/distrito/{CASCAS}").get_data(as_text=True)
    assert [n for n in DISTRICT_NAMES if n in shell] == []


def test_sec102_validation_layout_covers_every_callback_id(app):
    """Built from scope-free skeletons at start-up, it still holds every id a callback uses
    (Dash's renderer checks callbacks against it)."""
    layout = app.validation_layout
    assert layout is not None
    text = layout.to_plotly_json() if hasattr(layout, "to_plotly_json") else layout
    found = set()

    def walk(node: Any) -> None:
        if isinstance(node, list | tuple):
            for child in node:
                walk(child)
        elif hasattr(node, "_prop_names"):
            if getattr(node, "id", None) is not None:
                found.add(str(node.id))
            walk(getattr(node, "children", None))

    walk(layout)
    assert text
    wanted = set()
    for output, callback in app.callback_map.items():
        for dep in [*callback["inputs"], *callback["state"]]:
            wanted.add(dep["id"])
        wanted |= {part.rsplit(".", 1)[0] for part in output.strip(".").split("...")}
    # Dash's own page-router components live in the app's layout, not in any page.
    missing = {w for w in wanted if not w.startswith(("{", "_pages")) and w not in found}
    assert missing == set()


# ------------------------------------------------------------------ 2: upload exhaustion -----


def _sparse_workbook() -> bytes:
    """1.7 KB: a <dimension> that says A1:D2, and one cell at row 150,000, column 2,000."""
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<dimension ref="A1:D2"/><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>codigo_oc</t></is></c>'
        b'<c r="B1" t="inlineStr"><is><t>fecha_visita</t></is></c></row>'
        b'<row r="150000"><c r="BXX150000"><v>1</v></c></row>'
        b"</sheetData></worksheet>"
    )
    return _workbook({"xl/worksheets/sheet1.xml": sheet})


def _workbook(sheets: dict[str, bytes]) -> bytes:
    """A minimal .xlsx that calamine opens."""
    types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
        '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/></Types>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    )
    book = (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats'
        '.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships"><sheets><sheet name="Hoja1" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>'
    )
    book_rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr("_rels/.rels", rels)
        z.writestr("xl/workbook.xml", book)
        z.writestr("xl/_rels/workbook.xml.rels", book_rels)
        for name, data in sheets.items():
            z.writestr(name, data)
    return buffer.getvalue()


COMMA_LINE = b"codigo_oc" + b"," * 100_000 + b"\n131101-J01\n"


def _limit_memory() -> None:  # the served process of an attack test: 3 GB at most
    resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3))


@pytest.fixture
def server(store, db_url, tmp_path) -> Iterator[str]:
    """`python app.py` with accounts, on a free loopback port (3 GB address space)."""
    yield from _server(db_url, tmp_path)


def _server(db_url: str, tmp_path) -> Iterator[str]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "ATM_AUTH": "1",
        "ATM_SECRET_KEY": SECRET,
        "ATM_UPLOAD_DIR": str(tmp_path / "up"),
        "ATM_ARCHIVE_DIR": str(tmp_path / "archive"),
    }
    # The server's log goes to a file: a pipe nobody reads fills after ~64 KB of request lines
    # and then blocks the server mid-test (and the file is there to read when a test fails).
    log = (tmp_path / "server.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "app.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
        preexec_fn=_limit_memory,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, proc)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _http_login(base: str, user: str) -> requests.Session:
    web = requests.Session()
    page = web.get(base + "/login", timeout=10).text
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    data = {"usuario": user, "clave": PASSWORD, "csrf": token}
    assert (
        web.post(base + "/login", data=data, timeout=10, allow_redirects=False).status_code == 302
    )
    return web


def _http_upload(web: requests.Session, base: str, contents: bytes, name: str) -> str:
    deps = web.get(base + "/_dash-dependencies", timeout=10).json()
    dep = next(d for d in deps if d["inputs"][0]["id"] == "da-upload")
    body = {
        "output": dep["output"],
        "outputs": _outputs(dep["output"]),
        "inputs": [
            {
                "id": "da-upload",
                "property": "contents",
                "value": "data:text/csv;base64," + base64.b64encode(contents).decode(),
            }
        ],
        "state": [
            {"id": "da-upload", "property": "filename", "value": name},
            {"id": "da-state", "property": "data", "value": {"lang": "es"}},
        ],
        "changedPropIds": ["da-upload.contents"],
    }
    answer = web.post(base + "/_dash-update-component", json=body, timeout=UPLOAD_SECONDS)
    assert answer.status_code == 200
    return json.dumps(answer.json(), ensure_ascii=False)


UPLOAD_SECONDS = 30


@pytest.mark.parametrize(
    ("contents", "name", "why"),
    [(_sparse_workbook(), "visitas.xlsx", "columnas"), (COMMA_LINE, "visitas.csv", "columnas")],
    ids=["sparse-workbook", "100000-commas"],
)
def test_sec110_tiny_uploads_that_build_huge_grids_are_refused_quickly(server, contents, name, why):
    assert len(contents) < 120_000
    web = _http_login(server, "cascas")
    with ThreadPoolExecutor(1) as pool:
        started = time.monotonic()
        upload = pool.submit(_http_upload, web, server, contents, name)
        health = []
        for _ in range(10):  # /health keeps answering while the upload is checked
            health.append(requests.get(server + "/health", timeout=5).status_code)
            if upload.done():
                break
            time.sleep(0.5)
        report = upload.result(timeout=UPLOAD_SECONDS)
        elapsed = time.monotonic() - started
    assert why in report and "ocupa" in report, report[:500]
    assert elapsed < 10, elapsed
    assert set(health) == {200}
    assert requests.get(server + "/health", timeout=5).status_code == 200


def test_sec111_the_reader_measures_a_sheet_not_its_dimension(tmp_path):
    """The command line reads through the same check: a ReadError, not a 9.6 GB grid."""
    path = tmp_path / "visitas.xlsx"
    path.write_bytes(_sparse_workbook())
    with pytest.raises(ReadError, match="columns"):
        read_file(path)
    csv = tmp_path / "comas.csv"
    csv.write_bytes(COMMA_LINE)
    with pytest.raises(ReadError, match="columns"):
        read_file(csv)


def test_sec112_extents_are_counted_as_the_parser_counts():
    from etl import limits  # (imported here: the module ran on the code before issue #19 too)

    assert limits.text_lines(b"a\rb\rc") == 3 and limits.text_lines(b"a\r\nb\n") == 2
    scanner = limits.SheetScanner()
    xml = b'<worksheet><sheetData><row><c/><c/><c r="C1"/><c/></row><row/><row><c/></row>'
    for i in range(0, len(xml), 5):  # chunk boundaries anywhere
        scanner.feed(xml[i : i + 5])
    assert scanner.extent() == limits.Extent(rows=3, columns=4)
    prefixed = b'<x:worksheet xmlns:x="s"><x:sheetData><x:row r="7"><x:c r="AB7"/></x:row>'
    assert limits.scan_sheet(io.BytesIO(prefixed)).extent() == limits.Extent(7, 28)
    lying_order = b'<worksheet><sheetData><row r="2"><c t="s" r="ZZ90000"/></row>'
    assert limits.scan_sheet(io.BytesIO(lying_order)).extent() == limits.Extent(90000, 702)


# ------------------------------------------------------------------ 6, 7: staged uploads -----


def _http_confirm(web: requests.Session, base: str, token: str) -> str:
    deps = web.get(base + "/_dash-dependencies", timeout=10).json()
    dep = next(d for d in deps if d["inputs"][0]["id"] == "da-upload-confirm")
    body = {
        "output": dep["output"],
        "outputs": _outputs(dep["output"]),
        "inputs": [{"id": "da-upload-confirm", "property": "n_clicks", "value": 1}],
        "state": [
            {"id": "da-upload-token", "property": "data", "value": token},
            {"id": "da-state", "property": "data", "value": {"lang": "es"}},
        ],
        "changedPropIds": ["da-upload-confirm.n_clicks"],
    }
    answer = web.post(base + "/_dash-update-component", json=body, timeout=UPLOAD_SECONDS)
    return json.dumps(answer.json(), ensure_ascii=False) if answer.status_code == 200 else ""


def _loads(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(s.carga)).scalar_one()


def test_sec160_five_concurrent_confirms_of_one_upload_load_it_once(server, engine):
    web = _http_login(server, "cascas")
    report = _http_upload(web, server, VISITS_CSV.encode(), "visitas.csv")
    token = json.loads(report)["response"]["da-upload-token"]["data"]
    before = _loads(engine)
    with ThreadPoolExecutor(5) as pool:
        answers = list(pool.map(lambda _: _http_confirm(web, server, token), range(5)))
    assert _loads(engine) == before + 1
    assert sum("guardada" in a for a in answers) == 1
    assert sum("caducó" in a or "otras cargas" in a for a in answers) == 4


def test_sec171_the_row_cap_counts_lines_as_the_parser_does():
    cr_rows = b"a;b\r" * (uploads.MAX_ROWS + 2)  # \r-separated: one "line" for a \n counter
    with pytest.raises(uploads.UploadRefused, match="filas"):
        uploads.sniff(cr_rows, LIMIT)


def test_sec170_an_account_keeps_few_uploads_waiting(app, tmp_path, monkeypatch):
    monkeypatch.setenv("ATM_UPLOAD_DIR", str(tmp_path / "up"))
    client = _logged_in(app, "cascas")
    tokens = [_upload(client, VISITS_CSV.encode())[1] for _ in range(3)]  # uploads.MAX_STAGED
    assert all(tokens)
    report, token = _upload(client, VISITS_CSV.encode())
    assert token is None and "esperando confirmación" in report
    admin = _logged_in(app, "admin")  # another account is not held back by cascas's
    assert _upload(admin, VISITS_CSV.encode())[1]


# ------------------------------------------------------------------ 3: cross-district rows ---

DATASS_HEADER = (
    "ubigeo_cp;centro_poblado;viviendas_habitadas;total_poblacion;sistema_agua;"
    "poblacion_servicio_agua;codigo_ps;fecha_encuesta\n"
)


def test_sec120_an_atm_cannot_name_another_districts_jass_as_provider(app, tmp_path, monkeypatch):
    """Own centro poblado, another district's JASS as provider (codigo_ps): the preview
    rejects it (it changed that JASS's grade in the other district)."""
    monkeypatch.setenv("ATM_UPLOAD_DIR", str(tmp_path / "up"))
    client = _logged_in(app, "cascas")
    datass = (
        DATASS_HEADER
        + f"{CASCAS}0001;Cascas;40;160;no;0;{CHACHA_JASS};15/10/2026\n"
        + f"{CASCAS}0002;Huaychaca;30;120;si;100;{CASCAS_JASS};15/10/2026\n"
    )
    report, token = _upload(client, datass.encode(), "datass.csv")
    assert "out-of-scope" in report and CHACHA_JASS in report and CHACHA in report
    assert "1 se cargarían, 1 se rechazarían" in report and token


def test_sec121_a_register_row_cannot_list_another_districts_centros_poblados(
    app, tmp_path, monkeypatch
):
    monkeypatch.setenv("ATM_UPLOAD_DIR", str(tmp_path / "up"))
    client = _logged_in(app, "cascas")
    registro = (
        "codigo_oc;nombre;ubigeo;ubigeo_cp\n"
        f"{CASCAS_JASS};JASS Cascas Centro;{CASCAS};{CASCAS}0001 | {CHACHA}0001\n"
        f"131101-J77;JASS Nueva;{CASCAS};{CASCAS}0002\n"
    )
    report, token = _upload(client, registro.encode(), "registro.csv")
    assert "out-of-scope" in report and f"{CHACHA}0001" in report
    assert "1 se cargarían, 1 se rechazarían" in report and token


def test_sec122_every_kind_declares_its_references():
    """The mechanism is generic: each kind's place and organisation columns are references
    (a kind added later is covered by its field types)."""
    from etl import reach, sources

    refs = {name: {r.column for r in reach.references(k)} for name, k in sources.KINDS.items()}
    assert refs["datass"] >= {"ubigeo_cp", "codigo_ps"}
    assert refs["registro_oc"] >= {"ubigeo", "ubigeo_cp", "codigo_oc"}
    assert refs["monitoreo_oc"] >= {"codigo_oc", "ubigeo"}
    for name in reach.ATM_KINDS:
        assert refs[name], name  # every kind an ATM may load names its place somehow


# ------------------------------------------------------------------ 4: exports ---------------

REJECT_ROWS = 8_000


def _many_rejects(engine, tmp_path, monkeypatch, rows: int = REJECT_ROWS) -> None:
    """A load by cascas of `rows` visits that are all rejected (a wrong date each)."""
    from etl.load import load_paths
    from etl.reach import WriteReach

    monkeypatch.setenv("ATM_ARCHIVE_DIR", str(tmp_path / "archive"))
    path = tmp_path / "visitas_malas.csv"
    lines = [f"{CASCAS_JASS};99/99/2026;0,5;24" for _ in range(rows)]
    path.write_text(
        "codigo_oc;fecha_visita;cloro_residual_mg_l;continuidad_horas\n" + "\n".join(lines)
    )
    reach = WriteReach.for_districts([CASCAS], "cascas")
    result = load_paths(engine, [path], user="cascas (tablero)", reach=reach)
    assert result.files[0].rows_rejected == rows


@pytest.fixture
def rejects_server(store, engine, db_url, tmp_path, monkeypatch) -> Iterator[str]:
    """The served app after cascas loaded REJECT_ROWS rejected rows."""
    _many_rejects(engine, tmp_path, monkeypatch)
    yield from _server(db_url, tmp_path)


def test_sec130_twenty_concurrent_exports_leave_the_server_answering(rejects_server):
    base = rejects_server
    web = _http_login(base, "cascas")
    link = base + f"/exportar/{ids.DA_REJECTS_ALL}.xlsx?lang=es"

    def export(_: int) -> tuple[int, float]:
        started = time.monotonic()
        answer = web.get(link, timeout=120)
        return answer.status_code, time.monotonic() - started

    with ThreadPoolExecutor(20) as pool:
        running = [pool.submit(export, i) for i in range(20)]
        health = []
        for _ in range(20):  # /health answers within 2 s throughout
            began = time.monotonic()
            health.append(requests.get(base + "/health", timeout=10).status_code)
            assert time.monotonic() - began < 2
            if all(r.done() for r in running):
                break
            time.sleep(0.25)
        answers = [r.result() for r in running]
    assert set(health) == {200}
    statuses = [status for status, _ in answers]
    assert statuses.count(200) <= 3 and statuses.count(429) >= 17, statuses
    assert max(seconds for status, seconds in answers if status == 429) < 2
    assert requests.get(base + "/health", timeout=5).json()["status"] == "ok"


def test_sec131_an_export_holds_at_most_max_rows(app, engine, tmp_path, monkeypatch):
    _many_rejects(engine, tmp_path, monkeypatch, rows=1200)
    monkeypatch.setattr(exports, "MAX_ROWS", 1000)
    client = _logged_in(app, "cascas")
    too_many = client.get(f"/exportar/{ids.DA_REJECTS_ALL}.csv?lang=es")
    assert too_many.status_code == 413 and "filtre" in too_many.get_data(as_text=True)
    shown = client.get(f"/exportar/{ids.DA_REJECTS}.csv?lang=es")
    assert shown.status_code == 200  # the grid's first 500: within the cap, streamed
    assert shown.is_streamed and len(shown.get_data(as_text=True).splitlines()) == 501


# ------------------------------------------------------------------ 5: sessions --------------

COOKIE = "atm_session"


def _replay(app, cookie: str):
    """A client holding a copy of a session cookie taken earlier (a stolen or kept cookie)."""
    client = app.server.test_client()
    client.set_cookie(COOKIE, cookie)
    return client


def _authenticated(client) -> bool:
    return client.get("/_dash-layout").status_code == 200


def _logout(client):
    page = client.get("/logout").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    return client.post("/logout", data={"csrf": token})


def test_sec140_an_old_cookie_is_refused_after_logout(app):
    client = _logged_in(app, "cascas")
    kept = client.get_cookie(COOKIE).value
    assert _authenticated(_replay(app, kept))
    assert _logout(client).status_code == 302
    assert not _authenticated(client) and not _authenticated(_replay(app, kept))


def test_sec141_an_old_cookie_is_refused_after_a_password_change(app, store):
    kept = _logged_in(app, "cascas").get_cookie(COOKIE).value
    store.set_password("cascas", PASSWORD + " nueva")
    assert not _authenticated(_replay(app, kept))


def test_sec142_an_old_cookie_is_refused_after_disable_and_enable(app, store):
    kept = _logged_in(app, "cascas").get_cookie(COOKIE).value
    store.set_active("cascas", False)
    store.set_active("cascas", True)
    assert not _authenticated(_replay(app, kept))


def test_sec143_a_recreated_account_does_not_accept_the_old_cookie(app, store):
    kept = _logged_in(app, "cascas").get_cookie(COOKIE).value
    store.remove("cascas")
    store.add("cascas", "atm", PASSWORD, (CASCAS,))
    assert not _authenticated(_replay(app, kept))
    assert _authenticated(_logged_in(app, "cascas"))  # a new login works


def test_sec144_logout_needs_a_post_with_the_form_token(app):
    """A link or an image pointing at /logout (logout CSRF) logs nobody out."""
    client = _logged_in(app, "cascas")
    page = client.get("/logout")
    assert page.status_code == 200 and 'method="post"' in page.get_data(as_text=True)
    assert client.post("/logout", data={"csrf": "forged"}).status_code == 400
    assert _authenticated(client)
    assert _logout(client).status_code == 302 and not _authenticated(client)


# ------------------------------------------------------------------ 8: crafted input ---------


def _read(response):
    """The response read to its end (a streamed export frees its slot when it is sent)."""
    response.get_data()
    return response


def _crafted_requests(client) -> list[tuple[str, Any]]:
    """(name, response) for each crafted request of the issue."""
    grid = f"/exportar/{ids.DI_GRID}.csv?lang=es&distrito={CASCAS}"
    deep = "[" * 1000 + "]" * 1000
    huge = "9" * 400
    number = {"filterType": "number", "type": "greaterThan", "filter": f"@{huge}@"}
    filtro = json.dumps({"puntaje": number}).replace(f'"@{huge}@"', huge)
    deps = client.get("/_dash-dependencies").json
    dep = next(d for d in deps if not d.get("clientside_function") and len(d["inputs"]) > 1)
    good = {
        "output": dep["output"],
        "outputs": _outputs(dep["output"]),
        "inputs": [{**i, "value": None} for i in dep["inputs"]],
        "state": [{**st, "value": None} for st in dep["state"]],
        "changedPropIds": [],
    }
    unknown = {**good, "output": "nada.children", "outputs": {"id": "nada", "property": "x"}}
    swapped = {**good, "inputs": list(reversed(good["inputs"]))}
    fewer = {**good, "inputs": good["inputs"][:1]}
    bad_outputs = {**good, "outputs": {"id": "otro", "property": "children"}}
    post = "/_dash-update-component"
    bad_type = json.dumps({"nombre": {"filterType": [1]}})
    return [
        ("deep filtro", _read(client.get(f"{grid}&filtro={quote(deep)}"))),
        ("deep orden", _read(client.get(f"{grid}&orden={quote(deep)}"))),
        ("400 digits", _read(client.get(f"{grid}&filtro={quote(filtro)}"))),
        ("orden shape", _read(client.get(f"{grid}&orden={quote(json.dumps([[['x'], 'asc']]))}"))),
        ("orden object", _read(client.get(f"{grid}&orden={quote(json.dumps({'a': 1}))}"))),
        ("filterType list", _read(client.get(f"{grid}&filtro={quote(bad_type)}"))),
        ("unknown output", _read(client.post(post, json=unknown))),
        ("swapped inputs", _read(client.post(post, json=swapped))),
        ("fewer inputs", _read(client.post(post, json=fewer))),
        ("other outputs", _read(client.post(post, json=bad_outputs))),
        ("suite traversal", _read(client.get("/_dash-component-suites/dash/../../../etc/passwd"))),
        ("suite encoded", _read(client.get("/_dash-component-suites/dash/%2e%2e/dash.py"))),
        ("suite unknown", _read(client.get("/_dash-component-suites/nada/x.js"))),
    ]


def test_sec150_crafted_input_gets_a_4xx_and_one_log_line(app, caplog):
    client = _logged_in(app, "admin")
    caplog.set_level(logging.INFO)
    for name, response in _crafted_requests(client):
        # A 400-digit number is read as a number too big for any cell: no row passes.
        allowed = (200, 400) if name == "400 digits" else (400, 404)
        assert response.status_code in allowed, (name, response.status_code)
        assert "Traceback" not in response.get_data(as_text=True), name
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    logged = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(logged) <= 13 and all("\n" not in line for line in logged), logged


def test_sec151_crlf_in_next_is_not_a_header(app):
    client = app.server.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    form = {"usuario": "admin", "clave": PASSWORD, "csrf": token}
    answer = client.post("/login?next=/x%0d%0aSet-Cookie:%20a=b", data=form)
    assert answer.status_code == 302 and answer.headers["Location"] == "/"
    assert "a=b" not in str(answer.headers)


# ------------------------------------------------------------------ 9: small leaks -----------


def test_sec180_python_app_py_refuses_production_and_says_make_serve(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "APP_ENV": "production",
        "PORT": "1",
        "ATM_SECRET_KEY": SECRET,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'w.db'}",
    }
    done = subprocess.run(
        [sys.executable, "app.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2 and "make serve" in done.stderr
    assert "Traceback" not in done.stderr


def test_sec181_no_server_version_and_anonymous_health_says_only_ok(server):
    answer = requests.get(server + "/health", timeout=5)
    assert answer.json() == {"status": "ok"}
    assert "Werkzeug" not in answer.headers.get("Server", "")
    assert "Python" not in answer.headers.get("Server", "")
    web = _http_login(server, "admin")  # an account sees the load the server serves
    assert "carga" in web.get(server + "/health", timeout=5).json()


def test_sec182_anonymous_health_hides_the_database_when_it_is_down():
    from flask import Flask
    from sqlalchemy import create_engine

    from dashboard.server import health

    dead = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"
    probe = Flask("probe")
    health.register(probe, create_engine(dead), lambda: False)  # an anonymous caller
    answer = probe.test_client().get("/health")
    assert answer.status_code == 503 and answer.get_json() == {"status": "degraded"}


def test_sec183_the_data_page_shows_no_host_or_os_user_but_to_admins(app):
    from tests.integration.test_security import _router_body

    host = "pc-atm"  # the fixture's load ran on this machine
    for user, shown in (("cascas", False), ("analista", False), ("admin", True)):
        client = _logged_in(app, user)
        text = client.post("/_dash-update-component", json=_router_body(client, "/datos"))
        body = text.get_data(as_text=True)
        assert ('"equipo"' in body) is shown, user
        if not shown:
            assert host not in body, user


def test_sec113_command_line_reads_a_national_visit_history():
    """The command line's limits are memory's, not Excel's: ten years of national visits (the
    10x sample's 1.6 million rows × 24 columns) load; uploads keep their own, smaller cap."""
    from etl import limits

    history = limits.Extent(rows=1_600_000, columns=24)
    limits.check_extent(history, limits.READ_LIMITS)  # raises TooLarge if refused
    with pytest.raises(limits.TooLarge):
        limits.check_extent(history, limits.UPLOAD_LIMITS)
    with pytest.raises(limits.TooLarge):  # the sparse workbook of finding 2
        limits.check_extent(limits.Extent(rows=150_000, columns=2_000), limits.READ_LIMITS)
