"""End-to-end with accounts (issue #7): login form, scoped pages, an upload previewed then
loaded, logout; under the production security headers (a CSP violation is a console error,
and any console error fails the test)."""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from tests.browser.conftest import _free_port
from tests.browser.test_browser import _ready

pytestmark = pytest.mark.browser
PASSWORD = "a long enough password"
MINE = "010305"  # a tiny-sample district with JASS
OTHER = "010301"


@pytest.fixture(scope="module")
def own_url(tiny_url, tmp_path_factory) -> str:
    """A copy of the tiny warehouse: this module's upload must not change the others' data."""
    source = tiny_url.removeprefix("sqlite:///")
    target = tmp_path_factory.mktemp("login") / "warehouse.db"
    shutil.copyfile(source, target)
    return f"sqlite:///{target}"


@pytest.fixture(scope="module")
def login_server(own_url, tmp_path_factory) -> Iterator[str]:
    """The dashboard with login on (ATM_AUTH), an atm account for one district."""
    folder = tmp_path_factory.mktemp("uploads")
    saved = {k: os.environ.get(k) for k in ("ATM_UPLOAD_DIR", "ATM_ARCHIVE_DIR")}
    os.environ["ATM_UPLOAD_DIR"] = str(folder / "staged")
    os.environ["ATM_ARCHIVE_DIR"] = str(folder / "archive")
    from werkzeug.serving import make_server

    from dashboard import create_app
    from dashboard.server.auth import AccountStore
    from dashboard.server.config import Settings
    from etl import db

    tiny_url = own_url
    engine = db.make_engine(tiny_url)
    store = AccountStore(engine)
    if store.get("ana") is None:
        store.add("ana", "atm", PASSWORD, (MINE,))
    port = _free_port()
    settings = Settings(
        database_url=tiny_url, port=port, auth=True, secret_key="k" * 40, upload_max_mb=2
    )
    app = create_app(settings)
    srv = make_server("127.0.0.1", port, app.server, threaded=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{port}"
    srv.shutdown()
    engine.dispose()
    for key, value in saved.items():
        os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)


def _jass_of(tiny_url: str, ubigeo: str) -> str:
    from etl import db
    from etl import schema as s

    engine = db.make_engine(tiny_url)
    with engine.connect() as conn:
        oc = s.organizacion_comunal
        code = conn.execute(select(oc.c.codigo_oc).where(oc.c.ubigeo == ubigeo)).scalars().first()
    engine.dispose()
    return str(code)


def test_brw101_login_scope_upload_logout(page, login_server, own_url, tmp_path) -> None:
    tiny_url = own_url
    page.goto(login_server + "/")
    page.wait_for_url(re.compile(r"/login"), timeout=15000)
    page.fill("#usuario", "ana")
    page.fill("#clave", "wrong password here")
    page.click("button[type=submit]")
    assert page.locator(".alert-danger").count() == 1
    # The refused login answers 401, which Chromium logs as a failed resource: expected here.
    page.errors[:] = [e for e in page.errors if "status of 401" not in e]
    page.fill("#usuario", "ana")
    page.fill("#clave", PASSWORD)
    page.click("button[type=submit]")
    _ready(page, "#ov-map svg.atm-map")
    assert page.get_by_text("Cuenta: ana").count() == 1
    assert page.get_by_text("DEMOSTRACIÓN").count() == 0

    page.goto(login_server + f"/distrito/{OTHER}")  # another district: as if it did not exist
    _ready(page, "main .alert")
    assert page.locator("#di-grid .ag-row").count() == 0  # the empty skeleton only

    page.goto(login_server + "/datos")
    _ready(page, "#da-upload")
    mine, other = _jass_of(tiny_url, MINE), _jass_of(tiny_url, OTHER)
    csv_file = tmp_path / "visitas ana.csv"
    csv_file.write_text(
        "Código OC;Fecha de visita;Cloro residual (mg/l)\n"
        f"{mine};12/11/2026;0,6\n{other};13/11/2026;0,4\n",
        encoding="cp1252",
    )
    page.set_input_files("#da-upload input[type=file]", str(csv_file))
    page.get_by_text("1 se cargarían, 1 se rechazarían").wait_for(timeout=30000)
    assert page.get_by_text("no está entre los distritos de su cuenta").count() == 1
    page.click("#da-upload-confirm")
    page.get_by_text(re.compile(r"Carga \d+ guardada")).wait_for(timeout=60000)
    # The tables below were drawn before the load: the confirm draws them again, no reload.
    page.wait_for_selector("#da-rejects .ag-row", timeout=20000)
    assert "no está entre los distritos de su cuenta" in page.locator("#da-rejects").inner_text()
    page.wait_for_selector("#da-loads .ag-row", timeout=20000)
    assert "ana" in page.locator("#da-loads").inner_text()  # the account that loaded it

    page.goto(login_server + "/logout")  # the menu's link: a button that posts the logout
    page.click("#logout-confirm")
    page.wait_for_url(re.compile(r"/login"), timeout=15000)
    page.goto(login_server + "/datos")
    page.wait_for_url(re.compile(r"/login"), timeout=15000)
