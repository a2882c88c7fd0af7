"""Browser (issue 15): an ATM uploads the real SIASAR .xls of its district's region and sees its
district's systems on the district page; rows of other districts are refused."""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator

import pytest

from tests.browser.conftest import _free_port
from tests.browser.test_browser import _ready
from tests.unit.test_xls import DISTRIBUTION, needs_shared

pytestmark = [pytest.mark.browser, needs_shared]
PASSWORD = "a long enough password"
COMBAPATA = "080603"


@pytest.fixture(scope="module")
def siasar_server(tiny_url, tmp_path_factory) -> Iterator[str]:
    """A copy of the tiny warehouse served with login on, an atm account for Combapata."""
    folder = tmp_path_factory.mktemp("siasar")
    target = folder / "warehouse.db"
    shutil.copyfile(tiny_url.removeprefix("sqlite:///"), target)
    url = f"sqlite:///{target}"
    saved = {k: os.environ.get(k) for k in ("ATM_UPLOAD_DIR", "ATM_ARCHIVE_DIR")}
    os.environ["ATM_UPLOAD_DIR"] = str(folder / "staged")
    os.environ["ATM_ARCHIVE_DIR"] = str(folder / "archive")
    from werkzeug.serving import make_server

    from dashboard import create_app
    from dashboard.server.auth import AccountStore
    from dashboard.server.config import Settings
    from etl import db

    engine = db.make_engine(url)
    AccountStore(engine).add("combapata", "atm", PASSWORD, (COMBAPATA,))
    port = _free_port()
    settings = Settings(database_url=url, port=port, auth=True, secret_key="k" * 40)
    srv = make_server("127.0.0.1", port, create_app(settings).server, threaded=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{port}"
    srv.shutdown()
    engine.dispose()
    for key, value in saved.items():
        os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)


def test_brw151_atm_uploads_siasar_xls_and_sees_its_systems(page, siasar_server, tmp_path):
    page.goto(siasar_server + "/login")
    page.fill("#usuario", "combapata")
    page.fill("#clave", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url, timeout=15000)
    page.goto(siasar_server + "/datos")
    _ready(page, "#da-upload")
    upload = tmp_path / "system_distribution.PE.xls"
    shutil.copyfile(DISTRIBUTION, upload)
    page.set_input_files("#da-upload input[type=file]", str(upload))
    page.get_by_text("8 se cargarían, 383 se rechazarían").wait_for(timeout=60000)
    page.click("#da-upload-confirm")
    page.get_by_text(re.compile(r"Carga \d+ guardada")).wait_for(timeout=60000)
    page.goto(siasar_server + f"/distrito/{COMBAPATA}")
    _ready(page, ".siasar-systems")
    table = page.locator(".siasar-systems").inner_text()
    assert "Sistema de CHIARA CCOLLPA" in table
    row = page.locator(".siasar-systems tbody tr", has_text="CHIARA CCOLLPA")
    # Only the distribution sheet was uploaded: its state B, in a cell titled with the words
    assert row.locator("td[title='B - regular']").count() == 1
    assert "1 de 4 componentes" in row.inner_text()
    assert "20/07/2015" in table
    assert page.locator(".siasar-systems tbody tr").count() == 8
