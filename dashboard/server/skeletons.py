"""The HTML shell carries no data: Dash's validation layout is built at start-up, in nobody's scope.

Dash (with pages) builds its validation layout once per process, at the first request, by
calling every page layout with no arguments *in that request*, and embeds it in every HTML
page it serves. Before issue #19 the first visitor's scope decided what it held: after an
admin's first request, every anonymous visitor of `/assets/` got every district's ranking.

`build_validation_layout` runs Dash's router set-up at start-up instead, in a request of
nobody (`Scope.nothing()`: every query answers empty), so each page's layout is its empty
skeleton: the same component ids and types, no rows, no names. The data props are then
emptied as well (speed.slim_validation_layout) and Dash never rebuilds it (its set-up runs
once per process). tests/integration/test_attacks.py checks both: no district name in any
shell, and every callback id still present.
"""

from __future__ import annotations

from dash import Dash
from flask import g

from dashboard.queries import Scope
from dashboard.server import speed

SETUP_FLAG = "pages"  # Dash's own "router set up" flag (dash.Dash._got_first_request)


def build_validation_layout(app: Dash) -> None:
    """Set Dash's page router up now, with no account, and keep only ids and types."""
    with app.server.test_request_context("/", method="GET"):
        g.atm_scope = Scope.nothing()  # security.current_scope reads it: nobody's data
        # Runs Dash's router set-up (the first of the before_request hooks); the login gate
        # then answers this request of nobody with a redirect, which is dropped.
        app.server.preprocess_request()
    if not app._got_first_request.get(SETUP_FLAG):  # Dash changed: fail loudly
        raise RuntimeError("Dash's page router was not set up at start-up")
    speed.slim_validation_layout(app)
