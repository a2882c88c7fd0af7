"""Exit readiness: each criterion, the states, and the organisation snapshot."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from etl.derive import readiness
from etl.derive.health import load_model

CFG = load_model().salida
TS = pd.Timestamp


def _values(**over) -> pd.DataFrame:
    good = {
        "atm_operativa": 1.0,
        "presupuesto_pia": 1000.0,
        "cobertura_agua": 0.95,
        "oc_ab": 0.85,
        "oc_cloro_adecuado": 0.8,
        "oc_visitadas_12m": 0.9,
        "oc_datos_recientes": 0.9,
    }
    return pd.DataFrame([good | over], index=["010101"])


def _one(**over) -> pd.Series:
    return readiness.readiness_rows(_values(**over), 2024, CFG).iloc[0]


def test_rdy001_all_met_is_lista():
    r = _one()
    assert r["estado"] == "lista" and r["n_cumplidos"] == 7 and r["faltantes"] == []


@pytest.mark.parametrize(
    ("criterion", "value"),
    [
        ("atm_operativa", 0.0),
        ("presupuesto_pia", 0.0),
        ("cobertura_agua", 0.8999),
        ("oc_ab", 0.79),
        ("oc_cloro_adecuado", 0.5),
        ("oc_visitadas_12m", 0.7),
        ("oc_datos_recientes", 0.89),
    ],
)
def test_rdy002_each_criterion_can_fail(criterion, value):
    r = _one(**{criterion: value})
    assert r["faltantes"] == [criterion] and r["estado"] == "en_camino"
    crit = {c["criterio"]: c for c in r["criterios"]}
    assert crit[criterion]["cumple"] is False


def test_rdy003_unknown_values_fail_and_few_met_is_no_lista():
    r = _one(cobertura_agua=float("nan"), oc_ab=0.1, oc_visitadas_12m=0.0)
    assert r["estado"] == "no_lista" and r["n_cumplidos"] == 4
    assert set(r["faltantes"]) == {"cobertura_agua", "oc_ab", "oc_visitadas_12m"}


def _frames() -> dict[str, pd.DataFrame]:
    return {
        "orgs": pd.DataFrame(
            {
                "codigo_oc": ["A", "B"],
                "ubigeo": ["010101"] * 2,
                "nombre": ["a", "b"],
                "tipo_organizacion": ["JASS"] * 2,
            }
        ),
        "visitas": pd.DataFrame(
            {
                "codigo_oc": ["A", "A"],
                "fecha_visita": [TS(2023, 3, 1), TS(2024, 3, 1)],
                "cloro_residual_mg_l": [0.9, None],
                "realiza_cloracion": [True, True],
                "asociados_al_dia": [10, 15],
                "total_asociados": [20, 20],
            }
        ),
        "diagnostico": pd.DataFrame(
            {
                "codigo_oc": ["B"],
                "anio": [2022],
                "fecha_encuesta": [TS(2022, 5, 1)],
                "realiza_cloracion": [False],
            }
        ),
        "atm": pd.DataFrame(
            {
                "ubigeo": ["010101", "010102"],
                "anio": [2024, 2024],
                "responsable_designado": [True, None],
                "ordenanza_atm": [None, None],
                "presupuesto_pia": [100.0, 0.0],
            }
        ),
    }


SCORES = pd.DataFrame(
    {
        "codigo_oc": ["A", "A"],
        "fecha_evaluacion": [TS(2023, 3, 1), TS(2024, 3, 1)],
        "puntaje": [0.95, 0.75],
        "grado": ["A", "B"],
    }
)


def test_rdy004_snapshot_and_shares():
    ref = TS(2024, 6, 30)
    snap = readiness.oc_snapshot(_frames(), SCORES, ref).set_index("codigo_oc")
    assert (snap.at["A", "grado"], snap.at["A", "grado_anterior"]) == ("B", "A")
    assert snap.at["B", "grado"] == "E" and snap.at["A", "n_visitas"] == 2
    # Last reading is the 2023 one (2024 visit had none); B's chlorination from DATASS.
    assert snap.at["A", "cloro_residual_mg_l"] == 0.9
    assert bool(snap.at["B", "realiza_cloracion"]) is False
    assert snap.at["A", "tasa_cobranza"] == pytest.approx(0.75)
    shares = readiness.oc_shares(snap.reset_index(), ref, CFG).loc["010101"]
    assert shares["oc_ab"] == 0.5 and shares["oc_visitadas_12m"] == 0.5
    # A's only reading (March 2023) is 16 months old on ref: past its 12-month validity.
    assert shares["oc_cloro_adecuado"] == 0.0
    assert shares["oc_datos_recientes"] == 0.5  # B's 2022 survey is stale
    early = TS(2024, 2, 1)  # the same reading 11 months old still counts
    snap2 = readiness.oc_snapshot(_frames(), SCORES, early)
    assert readiness.oc_shares(snap2, early, CFG).loc["010101", "oc_cloro_adecuado"] == 0.5


def test_rdy005_atm_operativa_needs_this_years_evidence_and_goals():
    goals = pd.DataFrame(
        {
            "ubigeo": ["010101", "010101"],
            "anio": [2016, 2017],
            "aplica": [True, True],
            "estado": ["cumplida", "no_cumplida"],
        }
    )
    f = _frames()
    f["visitas"]["ubigeo"] = "010101"
    # Issue 14: a goal result is not carried beyond its year: the 2017 miss says nothing of 2024.
    ok = readiness.atm_operativa(f, goals, 2024, requiere_meta=True)
    assert ok["010101"]  # head designated + PIA budget in 2024, no goal catalogued for 2024
    f2 = _frames()
    f2["atm"] = f2["atm"].assign(anio=2017)
    f2["visitas"]["ubigeo"] = "010101"
    assert not readiness.atm_operativa(f2, goals, 2017, requiere_meta=True)["010101"]
    assert readiness.atm_operativa(f2, goals, 2017, requiere_meta=False)["010101"]
    assert not readiness.atm_operativa(f, goals.iloc[:0], 2024, True)["010102"]
    assert readiness.ref_of(2024, dt.date(2024, 6, 30)) == TS(2024, 6, 30)


@pytest.mark.parametrize(
    ("row", "visit_year", "expected"),
    [
        # A 2015 ordinance alone, no head: not operating in 2025.
        ({"responsable_designado": None, "ordenanza_atm": "Ord. 5-2015"}, None, False),
        # Head designated but nothing done that year.
        ({"responsable_designado": True, "presupuesto_pia": 0.0}, None, False),
        ({"responsable_designado": True, "presupuesto_pia": 0.0, "poa_aprobado": True}, None, True),
        ({"responsable_designado": True, "presupuesto_pia": 9000.0}, None, True),
        # JASS visits recorded in the year count; visits of another year do not.
        ({"responsable_designado": True, "presupuesto_pia": 0.0}, 2025, True),
        ({"responsable_designado": True, "presupuesto_pia": 0.0}, 2024, False),
    ],
)
def test_rdy010_atm_operating_needs_evidence_from_that_year(row, visit_year, expected):
    base = {"ubigeo": "010101", "anio": 2025, "ordenanza_atm": None, "presupuesto_pia": None}
    visits = pd.DataFrame(
        {
            "codigo_oc": ["A"] if visit_year else [],
            "ubigeo": ["010101"] if visit_year else [],
            "fecha_visita": pd.to_datetime([f"{visit_year}-05-01"] if visit_year else []),
        }
    )
    f = {"atm": pd.DataFrame([base | row]), "visitas": visits}
    ok = readiness.atm_operativa(f, pd.DataFrame(), 2025, requiere_meta=True)
    assert bool(ok["010101"]) is expected
