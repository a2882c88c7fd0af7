"""Issue #7: accounts, scope enforced where data is read, safe defaults, uploads, headers.

Every test attacks one protection and fails if it is removed. Runs on SQLite and, under
`make test-pg`, on PostgreSQL. The fixture warehouse has Cascas (131101) and Chachapoyas
(010101) with JASS, and Bambamarca (130302); the NGO portfolio holds Cascas and Chachapoyas.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from dashboard import create_app, ids, uploads
from dashboard.pages import SOURCES
from dashboard.server.auth import AccountError, AccountStore
from dashboard.server.config import Settings
from dashboard.server.security import StartupRefused, content_security_policy
from etl import schema as s
from tests.browser.fixture_data import CASCAS, CHACHA, fill_warehouse

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"
SECRET = "s" * 48
# Text only the server can add: names of Chachapoyas, its department and its JASS (codes the
# attacker sends may be echoed back in a link; names and data may not).
CHACHA_MARKERS = ("Chachapoyas", "Amazonas", "JASS Pucacruz", "JASS Taquia")
CHACHA_JASS = "010101-J01"
CASCAS_JASS = "131101-J01"


@pytest.fixture
def store(engine) -> AccountStore:
    fill_warehouse(engine)
    accounts = AccountStore(engine)
    accounts.add("admin", "admin", PASSWORD)
    accounts.add("cascas", "atm", PASSWORD, (CASCAS,))
    accounts.add("analista", "analista", PASSWORD)
    accounts.add("wfp", "ong", PASSWORD, ong="Water For People")
    return accounts


def _settings(db_url: str, **extra: Any) -> Settings:
    base: dict[str, Any] = {"database_url": db_url, "auth": True, "secret_key": SECRET}
    return Settings(**(base | extra))


@pytest.fixture
def app(store, db_url):
    return create_app(_settings(db_url))


def login(client, user: str, password: str = PASSWORD):
    """Log in through the form, as a browser does (CSRF token from the page)."""
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    return client.post("/login", data={"usuario": user, "clave": password, "csrf": token})


def _logged_in(app, user: str):
    client = app.server.test_client()
    assert login(client, user).status_code == 302
    return client


# ------------------------------------------------------------------ crafted callbacks --------


def _attack_value(prop: str, component: str) -> Any:
    """What an attacker puts in each callback input: Chachapoyas everywhere."""
    row = {"ubigeo": CHACHA, "codigo_oc": CHACHA_JASS, "nombre": "Chachapoyas", "codigo": CHACHA}
    values: dict[str, Any] = {
        "pathname": f"/distrito/{CHACHA}",
        "search": "?dep=01&ong=Water+For+People",
        "href": f"/distrito/{CHACHA}",
        "value": CHACHA,
        "clickData": {"points": [{"customdata": CHACHA}]},
        "cellClicked": {"colId": "nombre", "data": row},
        "n_clicks": 1,
        "virtualRowData": [row],
        "rowData": [row],
        "columnDefs": [{"field": k} for k in row],
        "csvExportParams": {"fileName": "x.csv"},
        "contents": None,
        "filename": "x.csv",
        "search_value": "chacha",
    }
    if prop == "data":
        return {"lang": "es", "dep": "01", "rows": [row], "columns": values["columnDefs"]}
    return values.get(prop, CHACHA)


def _bodies(app, client) -> list[tuple[str, dict]]:
    """One crafted request per server callback (and every page path for the router)."""
    out = []
    for dep in client.get("/_dash-dependencies").json:
        if dep.get("clientside_function"):
            continue
        inputs = [{**i, "value": _attack_value(i["property"], i["id"])} for i in dep["inputs"]]
        states = [{**st, "value": _attack_value(st["property"], st["id"])} for st in dep["state"]]
        body = {
            "output": dep["output"],
            "outputs": _outputs(dep["output"]),
            "inputs": inputs,
            "state": states,
            "changedPropIds": [f"{i['id']}.{i['property']}" for i in inputs[:1]],
        }
        out.append((dep["output"], body))
    return out


def _outputs(output: str) -> Any:
    parts = [p.rsplit(".", 1) for p in output.strip(".").split("...")]
    items = [{"id": i, "property": p.split("@")[0]} for i, p in parts]
    return items if output.startswith("..") else items[0]


PAGES = [
    f"/distrito/{CASCAS}",
    f"/distrito/{CHACHA}",
    f"/distrito/{CHACHA}/ficha",
    f"/distrito/{CHACHA}/intercambio",
    f"/jass/{CHACHA_JASS}",
    "/",
    "/?dep=01",
    "/metas",
    "/metas?dep=01",
    "/salida?ong=Water+For+People",
    "/intercambio",
    "/intercambio?dep=01&item=realiza_cloracion",
    "/datos",
]


def _router_body(client, path: str) -> dict:
    deps = client.get("/_dash-dependencies").json
    dep = next(d for d in deps if "_pages_content" in d["output"])
    pathname, _, search = path.partition("?")
    return {
        "output": dep["output"],
        "outputs": _outputs(dep["output"]),
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": pathname},
            {"id": "_pages_location", "property": "search", "value": "?" + search},
        ],
        "state": [],
        "changedPropIds": ["_pages_location.pathname"],
    }


def _walk(app, client) -> str:
    """Every callback crafted to ask for Chachapoyas, and every page: all response text."""
    texts = []
    for _, body in _bodies(app, client):
        response = client.post("/_dash-update-component", json=body)
        assert response.status_code in (200, 204, 400), (body["output"], response.status_code)
        texts.append(response.get_data(as_text=True))
    for path in PAGES:
        response = client.post("/_dash-update-component", json=_router_body(client, path))
        assert response.status_code == 200, path
        texts.append(response.get_data(as_text=True))
    for table_id in SOURCES:  # every export link, crafted to ask for Chachapoyas
        query = f"?dep=01&ong=Water+For+People&lang=es&distrito={CHACHA}"
        response = client.get(f"/exportar/{table_id}.csv{query}")
        assert response.status_code in (200, 404), (table_id, response.status_code)
        texts.append(response.get_data(as_text=True))
    return "\n".join(texts)


def test_sec001_atm_user_gets_nothing_of_another_district(app):
    """A crafted POST to every callback, every page: no row of Chachapoyas comes back."""
    text = _walk(app, _logged_in(app, "cascas"))
    leaks = [m for m in CHACHA_MARKERS if m in text]
    assert leaks == []
    assert "Cascas" in text and "JASS Huaychaca" in text  # its own district does come back
    assert "Resumen de sus distritos" in text and "Resumen nacional" not in text


def test_sec002_the_walk_can_fail(app):
    """The same walk as a national analyst does see Chachapoyas: the markers are real."""
    text = _walk(app, _logged_in(app, "analista"))
    assert all(m in text for m in CHACHA_MARKERS)


def test_sec003_ong_user_sees_its_portfolio_only(app):
    client = _logged_in(app, "wfp")
    text = client.post(
        "/_dash-update-component", json=_router_body(client, "/distrito/130302")
    ).get_data(as_text=True)
    assert "Bambamarca" not in text
    mine = client.post(
        "/_dash-update-component", json=_router_body(client, f"/distrito/{CHACHA}")
    ).get_data(as_text=True)
    assert "Chachapoyas" in mine


def test_sec004_queries_apply_the_scope(store, db_url):
    """The scope lives in the queries themselves, not only in the pages."""
    from dashboard.queries import Scope, Warehouse

    wh = Warehouse(db_url).scoped(Scope(frozenset({CASCAS}), "cascas"))
    assert wh.district(CHACHA) is None
    assert wh.organisation(CHACHA_JASS) is None
    assert wh.scores(CHACHA_JASS).empty and wh.visits(CHACHA_JASS).empty
    assert wh.organisations(CHACHA).empty and wh.coverage_cp(CHACHA, None).empty
    assert set(wh.district_summary(2026, None, None)["ubigeo"]) == {CASCAS}
    assert wh.portfolio("Water For People")["ubigeo"].tolist() == [CASCAS]
    assert wh.loads().empty  # CLI loads are not this account's
    assert not wh.scoped(Scope.nothing()).organisation(CASCAS_JASS)


def test_sec080_peer_exchange_is_scoped_by_the_learners_district(app, db_url):
    """Issue 16: suggestions and ATM pairs come for the account's own learners (JASS, at-risk
    ATMs) only; a mentor of another district is named, without its code or score; the
    exports of /intercambio are scoped like every read, whatever department they ask for."""
    from dashboard.queries import Scope, Warehouse

    wh = Warehouse(db_url).scoped(Scope(frozenset({CASCAS}), "cascas"))
    assert set(wh.peer_mentees(None, None)["ubigeo"]) == {CASCAS}
    sug = wh.peer_suggestions(None, None)
    assert set(sug["ubigeo"]) == {CASCAS} and "JASS Pucacruz" not in set(sug["nombre"])
    other = sug[sug["ubigeo_mentor"] != CASCAS]
    assert other["mentor_nombre"].tolist() == ["JASS Bambamarca Alto"]
    assert other["mentor_oc"].isna().all() and other["puntaje_mentor"].isna().all()
    assert sug[sug["ubigeo_mentor"] == CASCAS]["mentor_oc"].notna().all()  # its own: a link
    assert wh.peer_atms(None, None).empty  # the at-risk ATMs are Bambamarca's and Chachapoyas's
    client = _logged_in(app, "cascas")
    for query in ("?lang=es", "?dep=01&lang=es", "?dep=01&prov=0101&item=realiza_cloracion"):
        text = ""
        for table in (ids.IX_SUG_GRID, ids.IX_ATM_GRID):  # one at a time: a file is streamed
            answer = client.get(f"/exportar/{table}.csv{query}")
            assert answer.status_code == 200, (table, query)
            text += answer.get_data(as_text=True)
        assert [m for m in (*CHACHA_MARKERS, "JASS Tingo Alto") if m in text] == [], query
    own = client.get(f"/exportar/{ids.IX_SUG_GRID}.csv?lang=es").get_data(as_text=True)
    assert "JASS Huaychaca" in own and "JASS Bambamarca Alto" in own
    page = client.post("/_dash-update-component", json=_router_body(client, "/intercambio"))
    assert "130302-J01" not in page.get_data(as_text=True)  # no link to the other district
    # The same exports as a national analyst hold Chachapoyas: the checks above can fail.
    analyst = _logged_in(app, "analista")
    seen = analyst.get(f"/exportar/{ids.IX_SUG_GRID}.csv?dep=01&lang=es").get_data(as_text=True)
    assert "JASS Pucacruz" in seen and "JASS Tingo Alto" in seen
    atms = analyst.get(f"/exportar/{ids.IX_ATM_GRID}.csv?lang=es").get_data(as_text=True)
    assert "Chachapoyas" in atms and "Bambamarca" in atms


# ------------------------------------------------------------------ login and sessions -------


def test_sec010_anonymous_gets_the_login_page_and_401(app):
    client = app.server.test_client()
    page = client.get("/distrito/131101")
    assert page.status_code == 302 and "/login?next=/distrito/131101" in page.location
    assert client.post("/_dash-update-component", json={}).status_code == 401
    assert client.get("/_dash-layout").status_code == 401
    assert client.get("/login").status_code == 200
    assert client.get("/health").status_code == 200


def test_sec011_wrong_password_and_unknown_user_are_refused_alike(app):
    client = app.server.test_client()
    wrong = login(client, "cascas", "not the password")
    unknown = login(client, "nobody", PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    assert "Usuario o contraseña incorrectos" in wrong.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_sec012_login_needs_the_form_token(app):
    client = app.server.test_client()
    client.get("/login")
    response = client.post("/login", data={"usuario": "admin", "clave": PASSWORD, "csrf": "x"})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_sec013_login_is_rate_limited(store, db_url):
    app = create_app(_settings(db_url, login_rate="3 per minute"))
    client = app.server.test_client()
    codes = [login(client, "admin", "wrong password!").status_code for _ in range(4)]
    assert codes[:3] == [401, 401, 401] and codes[3] == 429


def test_sec014_login_never_redirects_off_site(app):
    client = app.server.test_client()
    page = client.get("/login?next=//evil.example/x").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    response = client.post(
        "/login?next=//evil.example/x",
        data={"usuario": "admin", "clave": PASSWORD, "csrf": token},
    )
    assert response.status_code == 302 and response.location == "/"


def test_sec015_disabled_account_is_logged_out(app, store):
    client = _logged_in(app, "cascas")
    assert client.get("/").status_code == 200
    store.set_active("cascas", False)
    assert client.get("/").status_code == 302


def test_sec016_passwords_are_stored_hashed(store, engine):
    with engine.connect() as conn:
        stored = conn.execute(select(s.usuario.c.clave_hash)).scalars().all()
    assert stored and all(h.startswith("scrypt:") and PASSWORD not in h for h in stored)


# ------------------------------------------------------------------ safe by default ----------


def test_sec020_production_refuses_without_secret_or_admin(engine, db_url):
    fill_warehouse(engine)
    with pytest.raises(StartupRefused, match="ATM_SECRET_KEY"):
        create_app(Settings(database_url=db_url, app_env="production", secret_key="short"))
    with pytest.raises(StartupRefused, match="admin"):
        create_app(Settings(database_url=db_url, host="0.0.0.0", secret_key=SECRET))
    AccountStore(engine).add("root", "admin", PASSWORD)
    create_app(Settings(database_url=db_url, host="0.0.0.0", secret_key=SECRET))


def test_sec021_serving_on_all_interfaces_without_setup_exits_with_a_message(tmp_path):
    env = {"HOST": "0.0.0.0", "PORT": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'w.db'}"}
    done = subprocess.run(
        [sys.executable, "app.py"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "ATM_SECRET_KEY" in done.stderr and "Traceback" not in done.stderr


def test_sec022_demo_has_no_login_and_says_it_is_a_demo(engine, db_url):
    fill_warehouse(engine)
    app = create_app(Settings(database_url=db_url))
    client = app.server.test_client()
    assert client.get("/").status_code == 200
    page = client.post("/_dash-update-component", json=_router_body(client, "/"))
    assert "DEMOSTRACIÓN" in page.get_data(as_text=True)
    assert 'name="clave"' not in client.get("/login").get_data(as_text=True)  # no login form


def test_sec023_production_cookies_are_secure(store, db_url):
    app = create_app(_settings(db_url, app_env="production"))
    client = app.server.test_client()
    page = client.get("/login", base_url="https://localhost")
    cookie = page.headers.get("Set-Cookie", "")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Strict-Transport-Security" in page.headers


def test_sec024_security_headers_on_every_response(app):
    client = _logged_in(app, "admin")
    for path in ("/", "/login", "/no-such-thing", "/health"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
        assert "'unsafe-eval'" not in csp and "'unsafe-inline'" not in csp.split("style-src")[0]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_sec025_csp_allows_configured_tiles_only():
    csp = content_security_policy([], "https://tiles.example.org/{z}/{x}/{y}.png")
    assert "img-src 'self' data: blob: https://tiles.example.org" in csp


def test_sec026_no_traceback_or_sql_in_any_response(app):
    def boom() -> str:
        raise RuntimeError("SELECT secret FROM usuario WHERE x")

    app.server.add_url_rule("/boom", "boom", boom)
    response = _logged_in(app, "admin").get("/boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "SELECT" not in body and "Traceback" not in body and "secret" not in body


# ------------------------------------------------------------------ users CLI ----------------


def _cli(db_url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dashboard", "users", *args, "--db", db_url],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_sec030_users_cli_manages_accounts(engine, db_url):
    fill_warehouse(engine)
    added = _cli(db_url, "add", "maria", "--rol", "atm", "--distritos", "131101",
                 "--password-stdin", stdin=PASSWORD + "\n")  # fmt: skip
    assert added.returncode == 0, added.stderr
    listed = _cli(db_url, "list")
    assert "maria" in listed.stdout and "131101" in listed.stdout
    assert AccountStore(engine).verify("maria", PASSWORD) is not None
    new = "another long password"
    changed = _cli(db_url, "set-password", "maria", "--password-stdin", stdin=new + "\n")
    assert changed.returncode == 0
    assert AccountStore(engine).verify("maria", PASSWORD) is None
    assert AccountStore(engine).verify("maria", new) is not None
    assert _cli(db_url, "remove", "maria").returncode == 0
    assert AccountStore(engine).get("maria") is None


def test_sec031_users_cli_never_takes_a_password_argument(engine, db_url):
    refused = _cli(db_url, "add", "pedro", "--rol", "admin", "--password", PASSWORD)
    assert refused.returncode == 2 and "unrecognized arguments" in refused.stderr
    short = _cli(db_url, "add", "pedro", "--rol", "admin", "--password-stdin", stdin="short\n")
    assert short.returncode == 2 and "10" in short.stderr and "Traceback" not in short.stderr


def test_sec032_accounts_are_validated(store):
    with pytest.raises(AccountError, match="distritos"):
        store.add("nodistrict", "atm", PASSWORD)
    with pytest.raises(AccountError, match="desconocidos"):
        store.add("baddistrict", "atm", PASSWORD, ("999999",))
    with pytest.raises(AccountError, match="--ong"):
        store.add("nong", "ong", PASSWORD)
    with pytest.raises(AccountError, match="última"):
        store.remove("admin")


# ------------------------------------------------------------------ uploads ------------------

VISITS_CSV = (
    "codigo_oc;fecha_visita;cloro_residual_mg_l;continuidad_horas\n"
    f"{CASCAS_JASS};15/10/2026;0,8;24\n"
    f"{CHACHA_JASS};16/10/2026;0,5;20\n"
)


def _upload_body(client, contents: bytes, filename: str) -> dict:
    data = "data:text/csv;base64," + base64.b64encode(contents).decode()
    deps = client.get("/_dash-dependencies").json
    dep = next(d for d in deps if d["inputs"][0]["id"] == "da-upload")
    return {
        "output": dep["output"],
        "outputs": _outputs(dep["output"]),
        "inputs": [{"id": "da-upload", "property": "contents", "value": data}],
        "state": [
            {"id": "da-upload", "property": "filename", "value": filename},
            {"id": "da-state", "property": "data", "value": {"lang": "es"}},
        ],
        "changedPropIds": ["da-upload.contents"],
    }


def _confirm_body(client, token: str | None) -> dict:
    deps = client.get("/_dash-dependencies").json
    dep = next(d for d in deps if d["inputs"][0]["id"] == "da-upload-confirm")
    return {
        "output": dep["output"],
        "outputs": _outputs(dep["output"]),
        "inputs": [{"id": "da-upload-confirm", "property": "n_clicks", "value": 1}],
        "state": [
            {"id": "da-upload-token", "property": "data", "value": token},
            {"id": "da-state", "property": "data", "value": {"lang": "es"}},
        ],
        "changedPropIds": ["da-upload-confirm.n_clicks"],
    }


def _upload(client, contents: bytes, filename: str = "visitas.csv") -> tuple[str, str | None]:
    response = client.post("/_dash-update-component", json=_upload_body(client, contents, filename))
    assert response.status_code == 200
    out = response.json["response"]
    return json.dumps(out["da-upload-report"], ensure_ascii=False), out["da-upload-token"]["data"]


def _text(response) -> str:
    """A callback response as readable text (the JSON escapes accents)."""
    return json.dumps(response.json, ensure_ascii=False)


def _visits(engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(select(s.visita.c.codigo_oc).distinct()).scalars())


def _loads(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(s.carga)).scalar_one()


def test_sec040_upload_previews_then_loads_own_district_only(app, engine, tmp_path, monkeypatch):
    monkeypatch.setenv("ATM_UPLOAD_DIR", str(tmp_path / "up"))
    monkeypatch.setenv("ATM_ARCHIVE_DIR", str(tmp_path / "archive"))
    client = _logged_in(app, "cascas")
    before_visits, before_loads = _visits(engine), _loads(engine)
    report, token = _upload(client, VISITS_CSV.encode("cp1252"))
    assert "out-of-scope" in report and "1 se cargarían, 1 se rechazarían" in report
    assert token and _loads(engine) == before_loads  # the preview wrote nothing
    done = client.post("/_dash-update-component", json=_confirm_body(client, token))
    assert "guardada" in _text(done)
    with engine.connect() as conn:
        rows = conn.execute(
            select(s.visita.c.codigo_oc, s.visita.c.fecha_visita).where(
                s.visita.c.fecha_visita >= dt.date(2026, 10, 15)
            )
        ).all()
        cuenta = conn.execute(select(s.carga.c.cuenta).order_by(s.carga.c.id.desc())).first()
    assert [r[0] for r in rows] == [CASCAS_JASS]
    assert cuenta[0] == "cascas" and _visits(engine) >= before_visits
    # The staged copy is gone: the token cannot be replayed.
    again = client.post("/_dash-update-component", json=_confirm_body(client, token))
    assert "caducó" in _text(again)


def test_sec041_upload_cannot_move_another_districts_jass(app, tmp_path, monkeypatch):
    monkeypatch.setenv("ATM_UPLOAD_DIR", str(tmp_path / "up"))
    client = _logged_in(app, "cascas")
    registro = (
        f"codigo_oc;nombre;ubigeo;fecha_registro\n{CHACHA_JASS};JASS robada;{CASCAS};01/02/2026\n"
    ).encode()
    report, token = _upload(client, registro, "registro.csv")
    assert "out-of-scope" in report and token is None


def test_sec042_upload_kinds_an_atm_may_not_load(app, tmp_path, monkeypatch):
    monkeypatch.setenv("ATM_UPLOAD_DIR", str(tmp_path / "up"))
    client = _logged_in(app, "cascas")
    mef = f"ubigeo;anio;meta;cumplio;puntaje\n{CASCAS};2017;41;si;80\n".encode()
    report, token = _upload(client, mef, "mef.csv")
    assert "not-allowed" in report and token is None


def test_sec043_read_only_roles_cannot_upload_or_confirm(app, tmp_path, monkeypatch):
    monkeypatch.setenv("ATM_UPLOAD_DIR", str(tmp_path / "up"))
    owner = _logged_in(app, "cascas")
    _, token = _upload(owner, VISITS_CSV.encode())
    for user in ("analista", "wfp"):
        client = _logged_in(app, user)
        report, refused = _upload(client, VISITS_CSV.encode())
        assert refused is None and "caducó" in report
        stolen = client.post("/_dash-update-component", json=_confirm_body(client, token))
        assert "caducó" in _text(stolen)
    admin = _logged_in(app, "admin")  # another uploader cannot confirm cascas's file either
    stolen = admin.post("/_dash-update-component", json=_confirm_body(admin, token))
    assert "caducó" in _text(stolen)


def _xlsx(sheet_xml: bytes, members: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        for name, data in (members or {}).items():
            z.writestr(name, data)
    return buffer.getvalue()


LIMIT = 20 * 1024 * 1024


def test_sec050_type_comes_from_content_not_name():
    assert uploads.sniff(b"ubigeo;anio\n131101;2026\n", LIMIT) == "csv"
    assert uploads.sniff(_xlsx(b"<worksheet/>"), LIMIT) == "xlsx"
    assert uploads.safe_name("../../etc/passwd.xlsx", "csv") == "passwd.csv"
    assert uploads.safe_name("C:\\Users\\ana\\visitas junio.xlsx", "xlsx") == "visitas junio.xlsx"


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".xls"),
        (b"%PDF-1.7\n\0\0binary", "binario"),
        (b"", "vacío"),
        (b"x" * (LIMIT + 1), "MB"),
    ],
)
def test_sec051_non_spreadsheets_are_refused(data, why):
    with pytest.raises(uploads.UploadRefused, match=re.escape(why)):
        uploads.sniff(data, LIMIT)


def test_sec052_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("readme.txt", "hola")
    with pytest.raises(uploads.UploadRefused, match="libro de Excel"):
        uploads.sniff(buffer.getvalue(), LIMIT)


def test_sec053_decompression_bomb_is_refused_by_its_declared_size():
    bomb = _xlsx(b"<worksheet>" + b"0" * (uploads.MAX_UNZIPPED + 1) + b"</worksheet>")
    assert len(bomb) < 2 * 1024 * 1024  # small on the wire
    with pytest.raises(uploads.UploadRefused, match="descomprime"):
        uploads.sniff(bomb, LIMIT)


def test_sec054_a_lying_zip_header_is_refused(monkeypatch):
    """A member that inflates to more than its header declares: zipfile's size/CRC check."""
    real = _xlsx(b"<worksheet>" + b"0" * 100_000 + b"</worksheet>")
    info_offset = real.rfind(b"xl/worksheets/sheet1.xml") - 46  # its central directory entry
    lying = bytearray(real)
    lying[info_offset + 24 : info_offset + 28] = (1000).to_bytes(4, "little")  # declared size
    with pytest.raises(uploads.UploadRefused):
        uploads.sniff(bytes(lying), LIMIT)


def test_sec055_huge_sheets_are_refused_before_reading():
    huge = _xlsx(b'<worksheet><dimension ref="A1:Z1048576"/><sheetData/></worksheet>')
    with pytest.raises(uploads.UploadRefused, match="filas"):
        uploads.sniff(huge, LIMIT)
    rows = b"a;b\n" * (uploads.MAX_ROWS + 2)
    with pytest.raises(uploads.UploadRefused, match="filas"):
        uploads.sniff(rows, LIMIT)


def test_sec056_oversized_request_body_is_refused(store, db_url):
    app = create_app(_settings(db_url, upload_max_mb=1))
    client = _logged_in(app, "cascas")
    big = _upload_body(client, b"a;b\n" * 600_000, "big.csv")  # ~2.4 MB
    response = client.post("/_dash-update-component", json=big)
    assert response.status_code == 413 and "Traceback" not in response.get_data(as_text=True)


# ------------------------------------------------------------------ exports and personal data -


def test_sec060_export_links_apply_the_scope(app):
    """Exports are links the server rebuilds from the warehouse as the account sees it: its
    own district downloads, another district's link finds nothing, anonymous goes to login."""
    client = _logged_in(app, "cascas")
    own = client.get(f"/exportar/{ids.DI_GRID}.csv?lang=es&distrito={CASCAS}")
    assert own.status_code == 200 and "JASS Huaychaca" in own.get_data(as_text=True)
    other = client.get(f"/exportar/{ids.DI_GRID}.csv?lang=es&distrito={CHACHA}")
    assert other.status_code == 404 and "JASS Pucacruz" not in other.get_data(as_text=True)
    analyst = _logged_in(app, "analista")
    seen = analyst.get(f"/exportar/{ids.DI_GRID}.csv?lang=es&distrito={CHACHA}")
    assert seen.status_code == 200 and "JASS Pucacruz" in seen.get_data(as_text=True)
    anonymous = app.server.test_client().get(f"/exportar/{ids.DI_GRID}.csv?distrito={CASCAS}")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_sec061_no_national_id_column_anywhere():
    for table in s.metadata.sorted_tables:
        assert not [c.name for c in table.columns if "dni" in c.name.lower()], table.name


def test_sec062_a_dni_column_in_an_input_is_never_stored_or_reported(engine, tmp_path):
    """A clerk's register with a DNI column: loaded and rejected rows alike keep no DNI."""
    from etl.load import load_paths

    dni = "45678912"
    path = tmp_path / "registro.csv"
    path.write_text(
        "codigo_oc;nombre;ubigeo;presidente;DNI presidente\n"
        f"J-1;JASS Uno;{CASCAS};Juana Pérez;{dni}\n"
        f"J-2;JASS Dos;99999;Presidenta Rechazada Quispe;{dni}\n",
        encoding="utf-8",
    )
    result = load_paths(engine, [path], user="test")
    report = json.dumps([p.to_dict() for f in result.files for p in f.problems])
    assert result.files[0].rows_rejected == 1 and dni not in report
    with engine.connect() as conn:
        for table in s.metadata.sorted_tables:
            for row in conn.execute(select(table)).all():
                assert dni not in repr(tuple(row)), table.name
                assert "Presidenta Rechazada Quispe" not in repr(tuple(row)), table.name


def test_sec070_cached_page_answers_are_per_account(app):
    """A page answer cached for a national account is never served to a scoped one."""
    analyst = _logged_in(app, "analista")
    body = _router_body(analyst, f"/distrito/{CHACHA}")
    first = analyst.post("/_dash-update-component", json=body).get_data(as_text=True)
    again = analyst.post("/_dash-update-component", json=body).get_data(as_text=True)
    assert "JASS Pucacruz" in first and again == first  # the second came from the cache
    scoped = _logged_in(app, "cascas")
    text = scoped.post("/_dash-update-component", json=body).get_data(as_text=True)
    assert "JASS Pucacruz" not in text
    anonymous = app.server.test_client().post("/_dash-update-component", json=body)
    assert anonymous.status_code == 401


def test_sec044_a_header_only_file_says_it_has_no_rows(app, tmp_path, monkeypatch):
    monkeypatch.setenv("ATM_UPLOAD_DIR", str(tmp_path / "up"))
    client = _logged_in(app, "cascas")
    report, token = _upload(client, b"codigo_oc;fecha_visita\n", "plantilla.csv")
    assert "ninguna fila de datos" in report and token is None
