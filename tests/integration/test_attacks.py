"""Issue #19: the attacks that got through issue #7's protections, each replayed here.

Every test fails on the code before issue #19 (checked when it was written) and passes
after. Bounded loops only; servers started by a test listen on 127.0.0.1. The fixture
warehouse is test_security's: Cascas (131101) and Chachapoyas (010101) with JASS, Bambamarca.
"""

from __future__ import annotations

from typing import Any

import pytest

from dashboard import create_app
from dashboard.auth import AccountStore
from tests.browser.fixture_data import CASCAS, fill_warehouse
from tests.integration.test_security import PASSWORD, _logged_in, _settings

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


def _as(app: Any, user: str):
    """A client whose session is `user`'s without any request having been made (so its first
    request is the app's first request: Dash sets its router up in that request)."""
    client = app.server.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user
        session["_fresh"] = True
    return client


# ------------------------------------------------------------------ 1: HTML shells -----------


@pytest.mark.parametrize("first", [f"/distrito/{CASCAS}", "/", "/datos"])
def test_sec101_anonymous_shell_holds_no_data_after_an_admins_first_request(store, db_url, first):
    served = create_app(_settings(db_url, app_env="production"))
    admin = _as(served, "admin")
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
