"""Requests to Dash's callback endpoint are checked for shape before Dash reads them.

Dash 4.4 answers a JSON body of the wrong shape (null, [], an "output" that is not text) or a
page-router call whose pathname is not text with a 500 from inside the framework. A browser
never sends those; a crafted request can. They get a 400 here instead.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, request

CALLBACK_PATH = "/_dash-update-component"
ROUTER_INPUT = "_pages_location"


def well_formed(body: Any) -> bool:
    """True when `body` has the shape of a Dash callback request."""
    if not isinstance(body, dict) or not isinstance(body.get("output"), str):
        return False
    inputs, state = body.get("inputs"), body.get("state", [])
    if not isinstance(inputs, list) or not isinstance(state, list):
        return False
    args = [*inputs, *state]
    if not all(isinstance(a, dict) for a in args):
        return False
    return all(
        isinstance(a.get("value"), str)
        for a in args
        if a.get("id") == ROUTER_INPUT and a.get("property") == "pathname"
    )


def _check() -> Response | None:
    if request.path != CALLBACK_PATH or request.method != "POST":
        return None
    body = request.get_json(silent=True)
    if body is None and not request.get_data():
        return None  # let Dash answer an empty body as it does
    if well_formed(body):
        return None
    return Response("malformed callback request", status=400, mimetype="text/plain")


def register(server: Flask) -> None:
    """Install the shape check in front of Dash's callback endpoint."""
    server.before_request(_check)
