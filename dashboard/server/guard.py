"""Requests to Dash's callback endpoint are checked for shape before Dash reads them.

Dash 4.4 answers a JSON body of the wrong shape (null, [], an "output" that is not text) or a
page-router call whose pathname is not text with a 500 from inside the framework. A browser
never sends those; a crafted request can. They get a 400 here instead, with one log line.
So do (issue #19) an output no callback has and inputs, state or outputs that are not the
callback's own: Dash raised KeyError or CallbackException for those, a 500 with a traceback.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask, Response, request

log = logging.getLogger(__name__)

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


def matches_callback(body: dict, callbacks: Mapping[str, Any]) -> bool:
    """True when a well-formed body names a registered callback with its own outputs,
    inputs and state, in its order (as the browser sends them)."""
    callback = callbacks.get(body["output"])
    if callback is None:
        return False
    if not _same_outputs(body["output"], body.get("outputs")):
        return False
    given = (body["inputs"], body.get("state", []))
    declared = (callback["inputs"], callback["state"])
    return all(
        len(args) == len(deps) and all(_same_dep(a, d) for a, d in zip(args, deps, strict=True))
        for args, deps in zip(given, declared, strict=True)
    )


def _same_dep(arg: dict, dep: Mapping[str, Any]) -> bool:
    if str(dep.get("id", "")).startswith("{"):  # a pattern-matching id: any dict id
        return isinstance(arg.get("id"), dict) and arg.get("property") == dep.get("property")
    return arg.get("id") == dep.get("id") and arg.get("property") == dep.get("property")


def _same_outputs(output: str, outputs: Any) -> bool:
    """`outputs` as Dash reads it: one {id, property} or, for several outputs, a list."""
    parts = [p.rsplit(".", 1)[0] for p in output.strip(".").split("...")]
    items = outputs if output.startswith("..") else [outputs]
    if not isinstance(items, list) or len(items) != len(parts):
        return False
    return all(
        isinstance(item, dict)
        and isinstance(item.get("property"), str)
        and _same_id(item.get("id"), part)
        for item, part in zip(items, parts, strict=True)
    )


def _same_id(given: Any, part: str) -> bool:
    """An output's id as sent: the callback's text id, or (a pattern-matching output, p16's
    accept buttons) a dict with the pattern's keys and its fixed values."""
    if not part.startswith("{"):
        return given == part
    try:
        pattern = json.loads(part)
    except ValueError:
        return False
    return (
        isinstance(given, dict)
        and isinstance(pattern, dict)
        and set(given) == set(pattern)
        and all(given[k] == v for k, v in pattern.items() if not isinstance(v, list))
    )


def _refuse(why: str) -> Response:
    log.warning("refused callback request: %s", why)  # one line, no traceback
    return Response("malformed callback request", status=400, mimetype="text/plain")


def checker(callbacks: Callable[[], Mapping[str, Any]] | None = None) -> Callable[[], Any]:
    """The before_request check (`callbacks`: the app's callback map, when known)."""

    def check() -> Response | None:
        if request.path != CALLBACK_PATH or request.method != "POST":
            return None
        body = request.get_json(silent=True)
        if body is None and not request.get_data():
            return None  # let Dash answer an empty body as it does
        if not well_formed(body) or not isinstance(body, dict):
            return _refuse("not the shape of a callback request")
        if callbacks is not None and not matches_callback(body, callbacks()):
            return _refuse(f"not a callback of this app ({str(body['output'])[:80]})")
        return None

    return check


def register(server: Flask, callbacks: Callable[[], Mapping[str, Any]] | None = None) -> None:
    """Install the shape check in front of Dash's callback endpoint."""
    server.before_request(checker(callbacks))
