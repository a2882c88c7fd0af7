"""Peer exchange pages (issue 16): the /intercambio page and the district page's section drawn
from hand-made data (render never reads the warehouse), the item filter and its URL."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard import ids, urls
from dashboard.callbacks.intercambio import peers_href
from dashboard.layouts import intercambio as ix
from dashboard.page import Section
from dashboard.state import UrlState, parse_search, to_search

CALC = dt.date(2026, 3, 1)
INFO = {"ubigeo": "131101", "departamento": "13", "provincia": "1311"}


def _mentees() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "codigo_oc": ["A-1", "A-2"],
            "nombre": ["JASS Huaychaca", "JASS Las Palmas"],
            "ubigeo": ["131101", "131101"],
            "distrito_nombre": ["Cascas", "Cascas"],
            "grado": ["D", "C"],
            "grado_provisional": [False, False],
            "puntaje": [0.31, 0.55],
            "items_debiles": [["cloro_residual", "plan_om"], ["tasa_cobranza"]],
            "n_sugerencias": [2, 0],
            "sin_mentor": [
                None,
                [{"item": "tasa_cobranza", "motivo": "sin_fuerte_en_item", "radio_km": 30.0}],
            ],
            "calculado": [CALC, CALC],
        }
    )


def _suggestions() -> pd.DataFrame:
    chlorine = {
        "codigo": "item",
        "item": "cloro_residual",
        "evaluaciones": 4,
        "lecturas": 4,
        "ultima_mg_l": 0.8,
    }
    return pd.DataFrame(
        {
            "codigo_oc": ["A-1", "A-1"],
            "nombre": ["JASS Huaychaca", "JASS Huaychaca"],
            "ubigeo": ["131101", "131101"],
            "distrito_nombre": ["Cascas", "Cascas"],
            "rango": [1, 2],
            # The second mentor is of a district the account does not see: no code.
            "mentor_oc": ["A-9", None],
            "mentor_nombre": ["JASS Santa Rosa", "JASS Lejana"],
            "ubigeo_mentor": ["131101", "130302"],
            "mentor_distrito": ["Cascas", "Bambamarca"],
            "mismo_distrito": [True, False],
            "distancia_km": [2.1, 24.6],
            "items": [["cloro_residual"], ["plan_om"]],
            "grado_mentor": ["A", "B"],
            "puntaje_mentor": [0.93, None],
            "razones": [
                [chlorine, {"codigo": "mismo_distrito", "km": 2.1}],
                [
                    {"codigo": "item", "item": "plan_om", "evaluaciones": 1},
                    {"codigo": "distancia", "km": 24.6},
                ],
            ],
        }
    )


def _atms() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ubigeo": ["130302", "010101"],
            "nombre": ["Bambamarca", "Chachapoyas"],
            "provincia_nombre": ["Bolívar", "Chachapoyas"],
            "departamento_nombre": ["La Libertad", "Amazonas"],
            "anio": [2026, 2026],
            "motivos": [["meta_no_cumplida"], ["atm_no_operativa"]],
            "meta_anio": [2026, None],
            "meta": [41, None],
            "n_pares": [1, 0],
            "sin_par": [None, "sin_atm_modelo_en_departamento"],
            "calculado": [CALC, CALC],
            "rango": [1, None],
            "ubigeo_par": ["131101", None],
            "par_nombre": ["Cascas", None],
            "par_provincia": ["Gran Chimú", None],
            "nivel": ["departamento", None],
            "distancia_km": [88.4, None],
            "actividades": [[{"actividad": "poa_aprobado", "hecha": False}], None],
            "actividades_meta": [["poa"], None],
        }
    )


def _acts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "anio": [2026],
            "meta": [41],
            "actividad": ["poa"],
            "descripcion_es": ["POA aprobado"],
            "descripcion_en": ["Annual plan approved"],
        }
    )


def _page(state: UrlState) -> str:
    found = ix.Found(
        ix.with_item(_mentees(), "items_debiles", state.item),
        ix.with_item(_suggestions(), "items", state.item),
        _atms(),
        _acts(),
    )
    data = ix.PeersData(Section(pd.DataFrame()), None, Section(CALC), Section(found))
    return str(ix.render(data, state))


def test_ix001_page_shows_suggestions_pairs_the_date_and_that_it_is_our_rule():
    page = _page(UrlState())
    assert "Modelo local (nuestra regla, no oficial)" in page and "01/03/2026" in page
    assert "JASS Santa Rosa" in page and "JASS Lejana" in page and "Bambamarca" in page
    # Reasons in words (etl/derive/peer_words.py), not codes.
    assert "cloro residual adecuado en sus 4 últimas lecturas (la última, 0,80 mg/L)" in page
    assert "mismo distrito, a 2,1 km" in page and "mismo_distrito" not in page
    # ATM pairs: why at risk, where the pair is, what it did, the goal's activity by name.
    assert "no cumplió la meta 41 de 2026" in page and "mismo departamento" in page
    assert "plan operativo anual (POA) aprobado" in page and "POA aprobado" in page
    assert "ninguna ATM de su departamento opera y cumplió su última meta" in page
    english = _page(UrlState(lang="en"))
    assert "Local model (our own rule, not official)" in english and "2026-03-01" in english


def test_ix002_item_filter_keeps_the_learners_and_mentors_of_that_item():
    page = _page(UrlState(item="plan_om"))
    assert "JASS Lejana" in page and "JASS Santa Rosa" not in page
    assert (
        peers_href({"lang": "en"}, "13", "0101", "plan_om")
        == "/intercambio?dep=13&item=plan_om&lang=en"
    )
    assert peers_href({}, "13", "1311", None) == "/intercambio?dep=13&prov=1311&lang=es"
    assert peers_href("junk", ["x"], 5, {"a": 1}) == "/intercambio?lang=es"
    state = parse_search("?item=cloro_residual&dep=13")
    assert state.item == "cloro_residual" and "item=cloro_residual" in to_search(state)
    assert parse_search("?item=DROP%20TABLE").item is None  # a bad value is dropped


def test_ix003_district_section_answers_whom_to_learn_an_item_from_in_one_click():
    d = ix.District(_mentees(), _suggestions(), CALC)
    whole = str(ix.render_district(Section(d), INFO, UrlState()))
    assert "JASS Huaychaca" in whole and "JASS Las Palmas" in whole
    assert (
        "Sin mentora:" in whole
        and "ninguna JASS cercana (distrito o 30 km) con nota completa" in whole
    )
    assert "Modelo local (nuestra regla, no oficial)" in whole and "01/03/2026" in whole
    # One chip per weak item, each a link to the district page filtered on it.
    chip = urls.district("131101", UrlState(item="cloro_residual")) + f"#{ids.DI_PEERS}"
    assert chip in whole
    assert urls.peers(UrlState(dep="13", prov="1311")) in whole  # the page for the province
    one = str(ix.render_district(Section(d), INFO, UrlState(item="cloro_residual")))
    assert "JASS Santa Rosa" in one and "JASS Lejana" not in one and "JASS Las Palmas" not in one
    assert "0,80 mg/L" in one


def test_ix004_a_mentor_of_another_district_has_no_link_and_says_its_district():
    d = ix.District(_mentees(), _suggestions(), CALC)
    text = str(ix.render_district(Section(d), INFO, UrlState()))
    assert urls.jass("A-9", UrlState()) in text  # in scope: its page
    assert "JASS Lejana" in text and "(Bambamarca)" in text
    assert urls.jass("None", UrlState()) not in text  # no link built from a missing code
    table = ix.suggestion_table(_suggestions(), ix.weak_of(_mentees()), UrlState())
    assert {r["mentora"] for r in table.rows} == {"JASS Santa Rosa", "JASS Lejana"}
    assert "puntaje_mentor" not in table.fields() and "mentor_oc" not in table.fields()


def test_ix009_the_district_list_is_bounded_and_says_how_many_more(monkeypatch):
    """A district of hundreds of weak JASS shipped megabytes (issue 18): the page lists the
    weakest DISTRICT_LIST_MAX of each group and says how many more, and where they all are."""
    monkeypatch.setattr(ix, "DISTRICT_LIST_MAX", 1)
    many = pd.concat([_mentees()] * 3, ignore_index=True)
    many["codigo_oc"] = [f"A-{i}" for i in range(len(many))]
    many["nombre"] = [f"JASS Número {i}" for i in range(len(many))]
    sug = _suggestions().assign(codigo_oc="A-0")  # A-0 is helped; the five others alone
    text = str(ix.render_district(Section(ix.District(many, sug, CALC)), INFO, UrlState()))
    assert "JASS Número 0" in text and "JASS Número 1" in text  # the first of each group
    assert all(f"JASS Número {i}" not in text for i in range(2, 6))
    assert "… y 4 JASS más" in text and "sin ninguna sugerencia (5)" in text


def test_ix005_no_weak_jass_and_not_computed_say_so():
    empty = ix.District(_mentees().iloc[:0], _suggestions().iloc[:0], None)
    text = str(ix.render_district(Section(empty), INFO, UrlState()))
    assert "Aún no calculado" in text and "Ninguna JASS del distrito necesita" in text
    none_on = ix.District(_mentees(), _suggestions(), CALC)
    text = str(ix.render_district(Section(none_on), INFO, UrlState(item="registrada")))
    assert "Ninguna JASS del distrito tiene débil este ítem" in text


def test_ix006_failed_read_keeps_the_export_grids():
    data = ix.PeersData(
        Section(pd.DataFrame()), None, Section(CALC), Section(error=RuntimeError("x"))
    )
    page = str(ix.render(data, UrlState()))
    assert ids.IX_SUG_GRID in page and ids.IX_ATM_GRID in page and "RuntimeError" in page


def test_ix007_printable_visit_plan_says_who_visits_whom_to_learn_what():
    info = {
        **INFO,
        "nombre": "Cascas",
        "provincia_nombre": "Gran Chimú",
        "departamento_nombre": "La Libertad",
    }
    data = ix.PlanData(Section(info), Section(ix.District(_mentees(), _suggestions(), CALC)))
    plan = str(ix.plan_render(data, UrlState(), "131101"))
    assert "Plan de visitas de intercambio" in plan and "01/03/2026" in plan
    assert "JASS Lejana (Bambamarca)" in plan and "Quién visita (aprende)" in plan
    assert "cloro residual adecuado en sus 4 últimas lecturas" in plan and ids.FI_PRINT in plan
    one = str(ix.plan_render(data, UrlState(item="plan_om"), "131101"))
    assert "JASS Lejana" in one and "JASS Santa Rosa" not in one
    unknown = str(ix.plan_render(ix.PlanData(Section(None)), UrlState(), "999999"))
    assert "999999" in unknown and ids.FI_PRINT in unknown
    link = urls.district_visit_plan("131101", UrlState(item="plan_om"))
    assert link == "/distrito/131101/intercambio?item=plan_om&lang=es"


def test_ix008_district_map_draws_a_line_from_each_learner_to_its_mentor_in_the_district():
    from dashboard import district_map

    d = ix.District(_mentees(), _suggestions(), CALC)
    links = ix.map_links(Section(d), None)
    assert links == [("A-1", "A-9")]  # the mentor of another district has no line
    assert ix.map_links(Section(d), "plan_om") == [] and ix.map_links(Section(), None) == []
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
    lon, lat = district_map.peer_lines(district_map.jass_places(jass), links)
    assert lon == [-78.8, -78.7, None] and lat == [-7.5, -7.4, None]
    fig = district_map.map_figure(INFO, pd.DataFrame(), jass, "es", "/x.json", links=links)
    lines = [tr for tr in fig.data if tr.mode == "lines"]
    assert len(lines) == 1 and lines[0].hoverinfo == "skip"  # the JASS markers keep the click
    assert district_map.peer_lines(district_map.jass_places(jass), [("A-1", "Z")])[0] == []


def test_ix009_one_reading_reads_singular():
    from etl.derive import peer_words

    one = {"codigo": "item", "item": "cloro_residual", "lecturas": 1, "ultima_mg_l": 0.6}
    assert (
        peer_words.reason_text(one, "es")
        == "cloro residual adecuado en su última lectura (0,60 mg/L)"
    )
    assert (
        peer_words.reason_text(one, "en")
        == "adequate residual chlorine at its latest reading (0.60 mg/L)"
    )
