"""Issue 16 (p16) in a real browser, logged in as the ATM of a district with suggestions: open
the district, accept a suggested mentor, find the partnership on /intercambio with its
did-it-work columns, download that table, and open the printable visit plan. On a copy of the
tiny warehouse (the accept writes through the loader)."""

from __future__ import annotations

import csv
import os
import shutil
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from tests.browser.conftest import _free_port
from tests.browser.test_browser import _download, _ready

pytestmark = pytest.mark.browser
PASSWORD = "otra clave bastante larga"


@pytest.fixture(scope="module")
def own_url(tiny_url, tmp_path_factory) -> str:
    target = tmp_path_factory.mktemp("alianza") / "warehouse.db"
    shutil.copyfile(tiny_url.removeprefix("sqlite:///"), target)
    return f"sqlite:///{target}"


def _suggestion(url: str) -> dict:
    """The first suggestion (rank 1) of the district with most, with its names."""
    from etl import db
    from etl import schema as s

    engine = db.make_engine(url)
    sg, oc = s.intercambio_sugerencia, s.organizacion_comunal
    mentor = oc.alias("m")
    with engine.connect() as conn:
        row = (
            conn.execute(
                select(sg.c.codigo_oc, sg.c.ubigeo, oc.c.nombre, mentor.c.nombre.label("mentor"))
                .join(oc, oc.c.codigo_oc == sg.c.codigo_oc)
                .join(mentor, mentor.c.codigo_oc == sg.c.mentor_oc)
                .where(sg.c.rango == 1, sg.c.mismo_distrito.is_(True))
                .order_by(sg.c.ubigeo, oc.c.nombre, sg.c.codigo_oc)
            )
            .mappings()
            .first()
        )
    engine.dispose()
    assert row is not None
    return dict(row)


@pytest.fixture(scope="module")
def atm_server(own_url, tmp_path_factory) -> Iterator[tuple[str, dict]]:
    """The dashboard with login on and an ATM account of the suggestion's district."""
    folder = tmp_path_factory.mktemp("alianza_dirs")
    saved = {k: os.environ.get(k) for k in ("ATM_UPLOAD_DIR", "ATM_ARCHIVE_DIR")}
    os.environ["ATM_UPLOAD_DIR"] = str(folder / "staged")
    os.environ["ATM_ARCHIVE_DIR"] = str(folder / "archive")
    from werkzeug.serving import make_server

    from dashboard import create_app
    from dashboard.server.auth import AccountStore
    from dashboard.server.config import Settings
    from etl import db

    found = _suggestion(own_url)
    engine = db.make_engine(own_url)
    AccountStore(engine).add("atm_alianza", "atm", PASSWORD, (found["ubigeo"],))
    port = _free_port()
    settings = Settings(database_url=own_url, port=port, auth=True, secret_key="a" * 40)
    srv = make_server("127.0.0.1", port, create_app(settings).server, threaded=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{port}", found
    srv.shutdown()
    engine.dispose()
    for key, value in saved.items():
        os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)


def test_p16b01_accept_then_find_it_on_the_peer_page_and_export(page, atm_server, tmp_path):
    server, found = atm_server
    page.goto(server + "/login?lang=es")
    page.fill("#usuario", "atm_alianza")
    page.fill("#clave", PASSWORD)
    page.click("button[type=submit]")
    _ready(page, "nav")
    page.goto(server + f"/distrito/{found['ubigeo']}?lang=es")
    _ready(page, "#di-peers .ix-list")
    mentee = page.locator("#di-peers .ix-mentee", has_text=found["nombre"]).first
    mentee.locator("summary").click()
    line = mentee.locator(".ix-mentors li", has_text=found["mentor"]).first
    line.locator(".ix-accept").click()
    answer = line.locator(".ix-accept-msg")
    answer.locator("span").wait_for(timeout=60000)  # a load: the loader derives again
    assert "Alianza registrada (carga" in answer.inner_text()
    assert line.locator(".ix-accept").is_disabled()
    answer.get_by_role("link", name="Ver en Intercambio").click()
    page.wait_for_url("**/intercambio?**", timeout=15000)
    _ready(page, "#ix-ali-grid .ag-row")
    grid = page.locator("#ix-ali-grid").inner_text()
    assert found["nombre"] in grid and found["mentor"] in grid and "Activa" in grid
    name = _download(page, "#ix-ali-grid-csv", tmp_path / "a.csv")
    assert name.startswith("intercambio_alianzas") and name.endswith(".csv")
    with open(tmp_path / "a.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    (row,) = [
        r
        for r in rows
        if r["Aprendiz (JASS)"] == found["nombre"]
        and r["Estado"] == "Activa"
        and r["Mentora (JASS)"] == found["mentor"]
    ]
    # Accepted today: the latest assessment is older than the start, so it says so.
    assert "provisional: sin evaluación desde el inicio" in row["¿Funcionó? (modelo local)"]
    assert "→" in row["Ítems: inicio → ahora"]
    assert _download(page, "#ix-ali-grid-xlsx", tmp_path / "a.xlsx").endswith(".xlsx")
    # The printable visit plan of the district still lists the mentor.
    page.goto(server + f"/distrito/{found['ubigeo']}/intercambio?lang=es")
    _ready(page, ".ficha table")
    assert found["mentor"] in page.locator(".ficha").inner_text()
    page.goto(server + f"/distrito/{found['ubigeo']}?lang=es")
    _ready(page, "#di-peers .ix-partnerships")
    assert found["mentor"] in page.locator("#di-peers .ix-partnerships").inner_text()
