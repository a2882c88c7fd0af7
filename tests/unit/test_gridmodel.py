"""The grid's filter and sort applied on the server (dashboard/gridmodel.py).

The browser test `test_brw002` checks the same rules against AG Grid itself; these pin each
rule down, including the edges where AG Grid differs from the obvious (empty cells, ranges
that exclude their ends, JavaScript's number text).
"""

from __future__ import annotations

import json

import pytest

from dashboard.gridmodel import (
    ModelError,
    filter_rows,
    js_text,
    parse_filter,
    parse_order,
    sort_rows,
)

ROWS = [
    {"nombre": "JASS Taquia", "grado": "C", "puntaje": 0.55, "n": 3},
    {"nombre": "jass pucacruz", "grado": "A", "puntaje": 0.9, "n": 12},
    {"nombre": "Comité Quinuapata", "grado": None, "puntaje": None, "n": 7},
    {"nombre": "JASS Huaychaca", "grado": "C", "puntaje": 12.0, "n": None},
    {"nombre": "  ", "grado": "E", "puntaje": 0.1, "n": 0},
]


def names(rows):
    return [r["nombre"] for r in rows]


def text(kind, value=None):
    return {"filterType": "text", "type": kind, "filter": value}


def number(kind, value=None, to=None):
    return {"filterType": "number", "type": kind, "filter": value, "filterTo": to}


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ({"nombre": text("contains", "JASS")}, ["JASS Taquia", "jass pucacruz", "JASS Huaychaca"]),
        ({"nombre": text("startsWith", "comi")}, ["Comité Quinuapata"]),
        ({"nombre": text("endsWith", "CRUZ")}, ["jass pucacruz"]),
        ({"grado": text("equals", "c")}, ["JASS Taquia", "JASS Huaychaca"]),
        # An empty cell passes "not equal" and "not contains", as in AG Grid.
        ({"grado": text("notEqual", "C")}, ["jass pucacruz", "Comité Quinuapata", "  "]),
        ({"grado": text("notContains", "a")}, [n for n in names(ROWS) if n != "jass pucacruz"]),
        ({"grado": text("blank")}, ["Comité Quinuapata"]),
        ({"nombre": text("blank")}, ["  "]),  # whitespace only is blank
        ({"nombre": text("notBlank")}, names(ROWS)[:4]),
        # A number under a text filter is matched as JavaScript writes it: 12.0 is "12".
        ({"puntaje": text("equals", "12")}, ["JASS Huaychaca"]),
        ({"puntaje": text("startsWith", "0.")}, ["JASS Taquia", "jass pucacruz", "  "]),
        ({"n": number("greaterThan", 3)}, ["jass pucacruz", "Comité Quinuapata"]),
        (
            {"n": number("greaterThanOrEqual", 3)},
            ["JASS Taquia", "jass pucacruz", "Comité Quinuapata"],
        ),
        ({"n": number("lessThanOrEqual", 3)}, ["JASS Taquia", "  "]),
        ({"n": number("inRange", 3, 12)}, ["Comité Quinuapata"]),  # ends excluded
        # An empty cell passes only "blank" in a number filter, even "not equal".
        ({"n": number("notEqual", 3)}, ["jass pucacruz", "Comité Quinuapata", "  "]),
        ({"n": number("blank")}, ["JASS Huaychaca"]),
        ({"n": number("equals", 0)}, ["  "]),
        # Columns join by AND.
        ({"grado": text("equals", "C"), "n": number("lessThan", 5)}, ["JASS Taquia"]),
    ],
)
def test_grd001_filters_match_the_grid(model, expected) -> None:
    assert names(filter_rows(ROWS, model)) == expected


def test_grd002_conditions_join_by_their_operator() -> None:
    either = {
        "filterType": "text",
        "operator": "OR",
        "conditions": [text("equals", "A"), text("equals", "E")],
    }
    both = {
        **either,
        "operator": "AND",
        "conditions": [text("contains", "jass"), text("endsWith", "a")],
    }
    assert names(filter_rows(ROWS, {"grado": either})) == ["jass pucacruz", "  "]
    assert names(filter_rows(ROWS, {"nombre": both})) == ["JASS Taquia", "JASS Huaychaca"]
    assert filter_rows(ROWS, {}) == ROWS and filter_rows(ROWS, None) == ROWS


def test_grd003_sort_puts_blanks_first_and_keeps_ties_in_order() -> None:
    up = sort_rows(ROWS, [("puntaje", "asc")])
    assert [r["puntaje"] for r in up] == [None, 0.1, 0.55, 0.9, 12.0]
    down = sort_rows(ROWS, [("grado", "desc")])
    assert [r["grado"] for r in down] == ["E", "C", "C", "A", None]
    assert names(down)[1:3] == ["JASS Taquia", "JASS Huaychaca"]  # the ties keep their order
    multi = sort_rows(ROWS, [("grado", "asc"), ("n", "desc")])
    assert [(r["grado"], r["n"]) for r in multi][:3] == [(None, 7), ("A", 12), ("C", 3)]
    assert names(sort_rows(ROWS, [("nombre", "asc")]))[:2] == ["  ", "Comité Quinuapata"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(12.0, "12"), (0.5, "0.5"), (True, "true"), (3, "3"), (1e21, "1e+21"), ("x", "x")],
)
def test_grd004_numbers_read_as_javascript_writes_them(value, expected) -> None:
    assert js_text(value) == expected


@pytest.mark.parametrize(
    "bad",
    [
        "{not json",
        json.dumps({"otra": text("equals", "x")}),  # a column the table does not have
        json.dumps({"grado": {"filterType": "set", "values": ["A"]}}),  # Enterprise only
        json.dumps({"grado": text("matches", "x")}),
        json.dumps({"grado": {"filterType": "text", "operator": "OR", "conditions": []}}),
        json.dumps(["grado"]),
        "x" * 9000,
    ],
)
def test_grd005_a_filter_no_grid_makes_is_refused(bad) -> None:
    with pytest.raises(ModelError):
        parse_filter(bad, ["nombre", "grado", "puntaje", "n"])


def test_grd006_order_parameter() -> None:
    fields = ["nombre", "grado"]
    assert parse_order(json.dumps([["grado", "desc"], ["nombre", "asc"]]), fields) == [
        ("grado", "desc"),
        ("nombre", "asc"),
    ]
    assert parse_order(None, fields) == [] and parse_filter("", fields) == {}
    for bad in ('[["otra","asc"]]', '[["grado","up"]]', '{"grado":"asc"}', "[1]"):
        with pytest.raises(ModelError):
            parse_order(bad, fields)
