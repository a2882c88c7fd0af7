"""Did the partnership work? (issue 16, p16) on hand-made score histories: the verdict per
item, the baseline on or before the start, and when the evidence is too thin to be firm."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.queries import partnership_results
from etl import partnership
from etl.derive import partnerships as p

START = dt.date(2026, 3, 1)


def _a(day: str, provisional: bool = False, **items: float | None) -> p.Assessment:
    return p.Assessment(dt.date.fromisoformat(day), items, provisional)


def test_p16u01_verdicts_per_item():
    assert p.verdict(0.0, 1.0) == "mejoro"
    assert p.verdict(1.0, 0.0) == "empeoro"
    assert p.verdict(0.5, 0.55) == "igual"  # under MIN_CHANGE
    assert p.verdict(0.5, 0.5 + p.MIN_CHANGE) == "mejoro"
    assert p.verdict(None, 1.0) == "sin_dato" and p.verdict(0.2, float("nan")) == "sin_dato"


def test_p16u02_baseline_is_the_assessment_on_or_before_the_start():
    history = [
        _a("2025-06-01", cloro_residual=1.0),
        _a("2026-02-20", cloro_residual=0.0, cobra_cuota=1.0),
        _a("2026-03-01", cloro_residual=0.0),  # on the start day: still "before"
        _a("2026-09-10", cloro_residual=1.0, cobra_cuota=0.0),
    ]
    r = p.evaluate(["cloro_residual", "cobra_cuota"], START, history)
    assert r.inicio is not None and r.inicio.fecha == START
    assert r.ahora is not None and r.ahora.fecha == dt.date(2026, 9, 10)
    assert [(i.item, i.veredicto) for i in r.items] == [
        ("cloro_residual", "mejoro"),
        ("cobra_cuota", "sin_dato"),  # no value at the start's assessment
    ]
    assert not r.provisional and p.summary(r) == "mejoro"


def test_p16u03_thin_evidence_is_provisional_and_says_why():
    none_before = p.evaluate(["cloro_residual"], START, [_a("2026-05-01", cloro_residual=1.0)])
    assert none_before.motivos == ("sin_linea_base",) and p.summary(none_before) == "sin_dato"
    nothing_new = p.evaluate(["cloro_residual"], START, [_a("2026-01-01", cloro_residual=0.0)])
    assert nothing_new.motivos == ("sin_evaluacion_nueva",)
    assert p.summary(nothing_new) == "igual"  # the same assessment at both ends
    shaky = p.evaluate(
        ["cloro_residual"],
        START,
        [_a("2026-01-01", cloro_residual=0.0), _a("2026-06-01", True, cloro_residual=1.0)],
    )
    assert shaky.motivos == ("grado_provisional",) and shaky.provisional
    assert p.evaluate([], START, []).motivos == ("sin_linea_base", "sin_evaluacion_nueva")


def test_p16u04_mixed_when_items_disagree():
    history = [
        _a("2026-01-01", cloro_residual=0.0, cobra_cuota=1.0),
        _a("2026-06-01", cloro_residual=1.0, cobra_cuota=0.0),
    ]
    assert p.summary(p.evaluate(["cloro_residual", "cobra_cuota"], START, history)) == "mixto"


def test_p16u05_items_as_clerks_write_them():
    known = ("cloro_residual", "cobra_cuota", "rinde_cuentas")
    parts = partnership.split_items("Cloro residual; COBRA-CUOTA | cloro_residual ,, x")
    assert parts == ["Cloro residual", "COBRA-CUOTA", "cloro_residual", "x"]
    found, unknown = partnership.canonical_items(parts, known)
    assert found == ["cloro_residual", "cobra_cuota"] and unknown == ["x"]
    assert partnership.join_items(found) == "cloro_residual;cobra_cuota"
    assert partnership.join_items([]) is None and partnership.split_items(None) == []


def test_p16u06_the_page_frame_gets_its_verdict_columns():
    frame = pd.DataFrame(
        {"codigo_oc": ["A", "B"], "items": ["cloro_residual", None], "fecha_inicio": [START, START]}
    )
    history = {"A": [_a("2026-01-01", cloro_residual=0.0), _a("2026-06-01", cloro_residual=1.0)]}
    out = partnership_results(frame, history)
    assert out["veredicto"].tolist() == ["mejoro", "sin_dato"]
    assert out["lista_items"].tolist() == [["cloro_residual"], []]
    assert out["fecha_linea_base"].tolist() == [dt.date(2026, 1, 1), None]
    assert out["detalle"][0] == [
        {"item": "cloro_residual", "antes": 0.0, "ahora": 1.0, "veredicto": "mejoro"}
    ]


def test_p16u07_active_partnerships_drawn_apart_from_suggestions():
    from dashboard import district_map
    from dashboard.layouts import intercambio as ix
    from dashboard.page import Section

    partners = pd.DataFrame(
        {
            "codigo_oc": ["A-1", "A-2", "A-3"],
            "mentor_oc": ["A-9", "A-9", None],  # the third's mentor is not seen: no line
            "estado": ["activa", "concluida", "activa"],
        }
    )
    empty = pd.DataFrame()
    d = ix.District(empty, empty, None, partners, can_accept=False)
    assert ix.partner_links(Section(d)) == [("A-1", "A-9")]
    assert ix.partner_links(Section()) == []
    jass = pd.DataFrame(
        {
            "codigo_oc": ["A-1", "A-9"],
            "nombre": ["JASS Huaychaca", "JASS Santa Rosa"],
            "grado": ["D", "A"],
            "cp_nombre": ["Huaychaca", "Santa Rosa"],
            "latitud": [-7.5, -7.4],
            "longitud": [-78.8, -78.7],
        }
    )
    info = {"ubigeo": "131101"}
    fig = district_map.map_figure(
        info, empty, jass, "es", "/x.json", links=[("A-1", "A-9")], partners=[("A-1", "A-9")]
    )
    lines = {tr.name: tr for tr in fig.data if tr.mode == "lines"}
    assert len(lines) == 2
    partner = lines["Alianza activa: aprendiz — mentora (mismo distrito)"]
    assert (
        partner.line.color != lines["Intercambio: aprendiz — mentora (mismo distrito)"].line.color
    )
