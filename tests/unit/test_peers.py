"""Peer exchange (issue 16): the matcher and the ATM pairs on hand-made cases."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from etl.derive import health, peer_words, peers

RULES = peers.load_rules()
DIST = "010101"
OTHER = "010102"
# Two items enough for every case: chlorine and the operator.
FULL = {"cloro_residual": 1.0, "tiene_operador": 1.0}


def jass(
    code: str,
    grado: str,
    items: dict,
    *,
    ubigeo: str = DIST,
    prov: bool = False,
    lat: float = -12.0,
    lon: float = -77.0,
    puntaje: float | None = None,
    org: str | None = "jass",
    sistema: str | None = "gravedad_sin_tratamiento",
    bajos: list[str] | None = None,
) -> dict:
    default = {"A": 0.95, "B": 0.8, "C": 0.5, "D": 0.2}.get(grado)
    return {
        "codigo_oc": code,
        "ubigeo": ubigeo,
        "grado": grado,
        "grado_provisional": prov,
        "puntaje": default if puntaje is None else puntaje,
        "items": items,
        "items_bajos": bajos or [],
        "latitud": lat,
        "longitud": lon,
        "tipo_organizacion": org,
        "tipo_sistema": sistema,
    }


def run(rows: list[dict], **rules) -> tuple[pd.DataFrame, pd.DataFrame]:
    return peers.match(pd.DataFrame(rows), dataclasses.replace(RULES, **rules))


def mentors_of(suggestions: pd.DataFrame, code: str) -> list[str]:
    s = suggestions[suggestions["codigo_oc"] == code].sort_values("rango")
    return s["mentor_oc"].tolist()


def why_not(mentees: pd.DataFrame, code: str) -> dict[str, str]:
    row = mentees.set_index("codigo_oc").loc[code]
    return {e["item"]: e["motivo"] for e in row["sin_mentor"] or []}


def km_east(km: float) -> float:
    """Longitude of a point `km` east of (-12, -77)."""
    return -77.0 + km / (111.32 * 0.97815)  # cos(12°)


# ------------------------------------------------------------------ who is a mentee ----------


def test_peer001_weak_items_are_zeros_else_the_low_items_of_a_c_or_d():
    assert peers.weak_items({"a": 0.0, "b": 0.5, "c": None}, "B", ["b"], RULES) == ["a"]
    assert peers.weak_items({"a": 0.3, "b": 0.5}, "C", ["b", "a"], RULES) == ["b", "a"]
    assert peers.weak_items({"a": 0.3, "b": 0.5}, "B", ["b", "a"], RULES) == []
    assert peers.weak_items({"a": None}, "E", [], RULES) == []  # not measured is not weak


def test_peer013_no_weak_jass_or_no_jass_at_all_gives_empty_tables():
    """An empty warehouse (no scores) or one where nobody is weak: empty tables, no error
    (a boolean list of length 0 must not be read as a list of column names)."""
    columns = list(jass("X", "A", {"a": 1.0}))
    for rows in ([], [jass("A1", "A", {"a": 1.0, "b": 1.0})]):
        mentees, suggestions = peers.match(pd.DataFrame(rows, columns=columns), RULES)
        assert mentees.empty and suggestions.empty


def test_peer002_item_specific_strength_beats_overall_grade():
    """An A that fails chlorination is no chlorine mentor; a B at full marks on it is."""
    rows = [
        jass("M", "C", {"cloro_residual": 0.0, "tiene_operador": 1.0}),
        jass("A1", "A", {"cloro_residual": 0.0, "tiene_operador": 1.0}, puntaje=0.99),
        jass("B1", "B", FULL, lat=-12.2),
    ]
    mentees, suggestions = run(rows)
    assert mentors_of(suggestions, "M") == ["B1"]
    row = suggestions.iloc[0]
    assert row["items"] == ["cloro_residual"] and row["grado_mentor"] == "B"
    assert "A1" in set(mentees["codigo_oc"])  # the A with a zero is itself a mentee


def test_peer003_provisional_grades_never_mentor():
    rows = [
        jass("M", "D", {"cloro_residual": 0.0, "tiene_operador": 0.0}),
        jass("P", "A", FULL, prov=True),
        jass("N", "B", FULL, prov=None),  # not known to be firm: not a mentor either
        jass("F", "B", FULL, lat=-12.3),
    ]
    mentees, suggestions = run(rows)
    assert mentors_of(suggestions, "M") == ["F"]
    mentees, suggestions = run(rows[:3])
    assert suggestions.empty
    assert why_not(mentees, "M") == {
        "cloro_residual": "sin_mentor_cerca",
        "tiene_operador": "sin_mentor_cerca",
    }


def test_peer004_no_candidate_says_why_per_item():
    """A firm mentor nearby strong on the operator only: chlorine has no one strong on it;
    a mentor beyond the radius in another district is not near."""
    far = km_east(RULES.radio_km + 5)
    rows = [
        jass("M", "C", {"cloro_residual": 0.0, "tiene_operador": 0.0}),
        jass("OP", "B", {"cloro_residual": 0.5, "tiene_operador": 1.0}, lon=km_east(2)),
        jass("FAR", "A", FULL, ubigeo=OTHER, lon=far),
    ]
    mentees, suggestions = run(rows)
    assert mentors_of(suggestions, "M") == ["OP"]
    assert why_not(mentees, "M") == {"cloro_residual": "sin_fuerte_en_item"}
    row = mentees.set_index("codigo_oc").loc["M"]
    assert row["sin_mentor"][0]["radio_km"] == RULES.radio_km
    text = peer_words.no_mentor_text(row["sin_mentor"][0], "es")
    assert "cloro residual adecuado" in text and str(int(RULES.radio_km)) in text


def test_peer005_same_district_first_then_nearer():
    rows = [
        jass("M", "C", {"cloro_residual": 0.0}),
        jass("NEAR_OTHER", "A", FULL, ubigeo=OTHER, lon=km_east(1)),
        jass("FAR_SAME", "B", FULL, lon=km_east(25)),
        jass("MID_OTHER", "A", FULL, ubigeo=OTHER, lon=km_east(10)),
    ]
    _, suggestions = run(rows)
    assert mentors_of(suggestions, "M") == ["FAR_SAME", "NEAR_OTHER", "MID_OTHER"]
    first = suggestions.iloc[0]
    assert first["mismo_distrito"] and first["distancia_km"] == pytest.approx(25, abs=0.2)


def test_peer006_distance_ties_go_to_the_higher_score_then_the_code():
    east, west = km_east(3), -77.0 - (km_east(3) + 77.0)
    rows = [
        jass("M", "C", {"cloro_residual": 0.0}),
        jass("Z_B", "B", FULL, lon=east, puntaje=0.75),
        jass("Y_A", "A", FULL, lon=west, puntaje=0.95),
        jass("X_A", "A", FULL, lon=east, puntaje=0.95),
    ]
    _, suggestions = run(rows)
    assert suggestions["distancia_km"].nunique() == 1  # a true tie
    assert mentors_of(suggestions, "M") == ["X_A", "Y_A", "Z_B"]


def test_peer007_capacity_limit_serves_the_weakest_first():
    rows = [
        jass("C1", "C", {"cloro_residual": 0.0}, puntaje=0.6),
        jass("D1", "D", {"cloro_residual": 0.0}, puntaje=0.3),
        jass("D2", "D", {"cloro_residual": 0.0}, puntaje=0.1),
        jass("MENTOR", "A", FULL),
    ]
    mentees, suggestions = run(rows, capacidad_mentor=2)
    assert sorted(suggestions["codigo_oc"]) == ["D1", "D2"]
    assert why_not(mentees, "C1") == {"cloro_residual": "sin_cupo"}
    assert (suggestions["mentor_oc"] == "MENTOR").sum() == 2


def test_peer008_an_uncovered_item_gets_one_more_suggestion():
    """With one suggestion allowed, the best covers chlorine only; the operator's mentor is
    added so no weak item is left without one when one is available."""
    rows = [
        jass("M", "D", {"cloro_residual": 0.0, "tiene_operador": 0.0}),
        jass("CL", "A", {"cloro_residual": 1.0, "tiene_operador": 0.5}, lon=km_east(1)),
        jass("CL2", "A", {"cloro_residual": 1.0, "tiene_operador": 0.5}, lon=km_east(2)),
        jass("OP", "B", {"cloro_residual": 0.5, "tiene_operador": 1.0}, lon=km_east(5)),
    ]
    mentees, suggestions = run(rows, sugerencias_max=1)
    assert mentors_of(suggestions, "M") == ["CL", "OP"]
    assert why_not(mentees, "M") == {}


def test_peer009_same_organisation_and_system_type_when_known():
    rows = [
        jass("M", "C", {"cloro_residual": 0.0}, sistema="bombeo_con_tratamiento"),
        jass("GRAV", "A", FULL, sistema="gravedad_sin_tratamiento"),
        jass("COMITE", "A", FULL, sistema="bombeo_con_tratamiento", org="comite"),
        jass("UNKNOWN", "B", FULL, sistema=None, lon=km_east(4)),
        jass("SAME", "B", FULL, sistema="bombeo_con_tratamiento", lon=km_east(6)),
    ]
    _, suggestions = run(rows)
    assert mentors_of(suggestions, "M") == ["UNKNOWN", "SAME"]
    same = suggestions[suggestions["mentor_oc"] == "SAME"].iloc[0]
    codes = [r["codigo"] for r in same["razones"]]
    assert "mismo_tipo_sistema" in codes
    _, anyone = run(rows, mismo_tipo_sistema=False, mismo_tipo_organizacion=False)
    assert set(mentors_of(anyone, "M")) == {"GRAV", "COMITE", "UNKNOWN"}


def test_peer010_classes_of_free_text():
    assert peers.system_class("Gravedad sin tratamiento") == "gravedad_sin_tratamiento"
    assert peers.system_class("BOMBEO CON TRATAMIENTO") == "bombeo_con_tratamiento"
    assert peers.system_class("Otro") is None and peers.system_class(None) is None
    assert peers.org_class("Comité") == peers.org_class("comite") == "comite"
    assert peers.org_class("  ") is None


def test_peer011_great_circle():
    # Lima to Cusco, about 570 km as the crow flies.
    assert peers.great_circle_km(-12.046, -77.043, -13.532, -71.967) == pytest.approx(572, abs=5)


def test_peer012_evidence_runs_and_words():
    history = pd.DataFrame(
        {
            "codigo_oc": ["X"] * 4,
            "fecha_evaluacion": pd.to_datetime(
                ["2026-01-10", "2026-03-10", "2026-06-10", "2026-09-10"]
            ),
            "items": [
                {"realiza_cloracion": 1.0},
                {"realiza_cloracion": 0.0},
                {"realiza_cloracion": 1.0},
                {"realiza_cloracion": 1.0},
            ],
        }
    )
    assert peers.streaks(history, RULES)[("X", "realiza_cloracion")] == (2, dt.date(2026, 6, 10))
    readings = pd.DataFrame(
        {
            "codigo_oc": ["X"] * 5,
            "fecha_visita": pd.to_datetime(
                ["2025-11-01", "2026-01-10", "2026-03-10", "2026-06-10", "2026-09-10"]
            ),
            "cloro_residual_mg_l": [0.9, 0.2, 0.6, 0.8, 1.1],
        }
    )
    run_ = peers.chlorine_runs(readings, 0.5, 5.0)["X"]
    assert run_ == {"lecturas": 3, "desde": "2026-03-10", "ultima_mg_l": 1.1}
    # Every reading in range (a few mentors read at a time can have no other): all of them.
    inside = readings[readings["cloro_residual_mg_l"] >= 0.5]
    assert peers.chlorine_runs(inside, 0.5, 5.0)["X"] == {
        "lecturas": 4,
        "desde": "2025-11-01",
        "ultima_mg_l": 1.1,
    }
    reasons = [
        {"codigo": "item", "item": "cloro_residual", "evaluaciones": 3, **run_},
        {"codigo": "distancia", "km": 3.2},
        {"codigo": "mismo_tipo_sistema", "tipo": "gravedad_sin_tratamiento"},
    ]
    assert peer_words.suggestion_text(reasons, "es") == (
        "cloro residual adecuado en sus 3 últimas lecturas (la última, 1,10 mg/L) · a 3,2 km"
        " · mismo tipo de sistema (gravedad sin tratamiento)"
    )
    assert peer_words.suggestion_text(reasons, "en").startswith(
        "adequate residual chlorine in its last 3 readings (latest 1.10 mg/L) · 3.2 km away"
    )


# ------------------------------------------------------------------ ATM pairs ----------------


def atm(ubigeo: str, *, ok: bool, estado: str | None = "cumplida", lat=-12.0, lon=-77.0, **acts):
    row = {
        "ubigeo": ubigeo,
        "provincia": ubigeo[:4],
        "departamento": ubigeo[:2],
        "latitud": lat,
        "longitud": lon,
        "anio": 2026,
        "operativa": ok,
        "meta_anio": 2017 if estado else None,
        "meta": 41 if estado else None,
        "meta_estado": estado,
        "faltantes": acts.pop("faltantes", []),
    }
    row |= dict.fromkeys(peers.ATM_ACTIVITIES, True) | acts
    return row


def pairs_of(pairs: pd.DataFrame, ubigeo: str) -> list[str]:
    return pairs[pairs["ubigeo"] == ubigeo].sort_values("rango")["ubigeo_par"].tolist()


def test_peer020_atm_pairs_same_province_before_department():
    rows = [
        atm("010101", ok=False, poa_aprobado=False, presupuesto_pia=None),
        atm("010201", ok=True, lon=-77.01),  # same department, nearer
        atm("010102", ok=True, lon=-77.5),  # same province, farther
        atm("010103", ok=True, estado="no_cumplida"),  # operates, missed: no model
        atm("020101", ok=False),  # another department: none there
    ]
    risk, pairs = peers.atm_pairs(pd.DataFrame(rows), dataclasses.replace(RULES, pares_max=1))
    assert pairs_of(pairs, "010101") == ["010102"]
    first = pairs[pairs["ubigeo"] == "010101"].iloc[0]
    assert first["nivel"] == "provincia"
    assert first["actividades"] == [
        {"actividad": "poa_aprobado", "hecha": False},
        {"actividad": "presupuesto_pia", "hecha": None},
    ]
    by = risk.set_index("ubigeo")
    assert by.loc["010103", "motivos"] == ["meta_no_cumplida"]
    assert pairs_of(pairs, "010103") == ["010102"]  # same province still has room
    assert by.loc["020101", "sin_par"] == "sin_atm_modelo_en_departamento"
    assert "010102" not in by.index and "010201" not in by.index


def test_peer021_atm_pairs_fall_back_to_the_department_and_respect_capacity():
    rows = [
        atm("010101", ok=False),
        atm("010102", ok=False),
        atm("010103", ok=False),
        atm("010201", ok=True),
    ]
    risk, pairs = peers.atm_pairs(pd.DataFrame(rows), dataclasses.replace(RULES, capacidad_par=2))
    assert pairs_of(pairs, "010101") == ["010201"] and pairs_of(pairs, "010102") == ["010201"]
    assert set(pairs["nivel"]) == {"departamento"}
    assert risk.set_index("ubigeo").loc["010103", "sin_par"] == "pares_sin_cupo"


def test_peer022_goal_activities_the_pair_scored():
    lagging = atm("010101", ok=True, estado="no_cumplida", faltantes=["rof", "ordenanza"])
    model = atm("010102", ok=True, faltantes=[])
    assert peers.goal_gaps(lagging, model) == ["rof", "ordenanza"]
    assert peers.goal_gaps(lagging, model | {"meta": 42}) == []  # another goal: not comparable


def test_peer030_every_code_has_words_in_both_languages():
    codes = {"sin_mentor_cerca", "sin_fuerte_en_item", "sin_cupo", "atm_no_operativa"}
    codes |= {"meta_no_cumplida", "meta_en_riesgo", "pares_sin_cupo"}
    codes |= {"sin_atm_modelo_en_departamento", "mismo_distrito", "distancia"}
    codes |= {"mismo_tipo_sistema", "mismo_tipo_organizacion"}
    codes |= {f"act.{a}" for a in peers.ATM_ACTIVITIES}
    for code in codes:
        es, en = peer_words.TEMPLATES[code]
        assert es and en and es != en, code
    model_items = {i.id for i in health.load_model().items}
    assert model_items <= set(peer_words.ITEM)
