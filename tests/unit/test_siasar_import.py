"""SIASAR import rules (issue 15): place names, judgement, links, disagreements (pure)."""

from __future__ import annotations

import pandas as pd
import pytest

from etl.derive.siasar_view import Org, disagreements, judgement, link_candidates, name_core
from etl.normalize import to_grade
from etl.siasar_places import Places, name_key, places


@pytest.mark.parametrize(
    ("text", "ubigeo"),
    [
        ("CUSCO,CANCHIS,COMBAPATA", "080603"),
        ("cusco , canchis , combapata", "080603"),  # case and spaces
        ("Cusco,Chumbivilcas,Santo Tomás", "080701"),  # accents
        ("APURIMAC,ANDAHUAYLAS,SAN_JERONIMO", "030213"),  # underscores inside a name
        ("ICA,NAZCA,VISTA ALEGRE", "110305"),  # province renamed Nazca -> Nasca
        ("ANCASH,HUARAZ,PAMPAS", "020109"),  # district renamed Pampas -> Pampas Grande
        ("ANCASH,HUARAZ,PAMPAS GRANDE", "020109"),
        # Two districts called Santa Rosa in Lima's region, two called San Juan in Cajamarca:
        # the province tells them apart.
        ("LIMA,LIMA,SANTA ROSA", "150139"),
        ("CAJAMARCA,CAJAMARCA,SAN JUAN", "060112"),
        ("AMAZONAS,RODRIGUEZ DE MENDOZA,SANTA ROSA", "010610"),
        ("CAJAMARCA,JAEN,SANTA ROSA", "060812"),
    ],
)
def test_sp001_places_match_one_district(text, ubigeo):
    assert places().match(text).ubigeo == ubigeo


def test_sp002_same_name_elsewhere_is_not_a_guess():
    """'SAN JUAN' exists in several provinces of Cajamarca; with a wrong province no guess."""
    m = places().match("CAJAMARCA,CONTUMAZA,SAN JUAN")
    assert m.ubigeo is None and m.reason == "unknown"
    assert m.closest  # the hint names candidates
    m = places().match("CUSCO,SANTO TOMAS")  # no province
    assert m.ubigeo is None and m.reason == "incomplete"


def test_sp003_two_districts_under_one_name_are_ambiguous():
    key = ("X", "Y", "Z")
    both = Places(
        {key: frozenset({"010101", "010102"})}, {"010101": "X, Y, Z", "010102": "X, Y, Z"}
    )
    m = both.match("x,y,z")
    assert m.ubigeo is None and m.reason == "ambiguous"
    assert m.closest == ("X, Y, Z (010101)", "X, Y, Z (010102)")


def test_sp004_name_keys():
    assert name_key(" Santo  Tomás ") == "SANTO TOMAS"
    assert name_key("san_pedro") == "SAN PEDRO"
    assert name_core("Junta Administradora de Agua Potable CCOLLPA") == "CCOLLPA"
    assert name_core("jass - ccollpa") == "CCOLLPA"


def test_sp005_states_as_siasar_writes_them():
    values, bad = to_grade(pd.Series(["A - BUENO", "D - CAIDO", "d - caído", "E", "A - MALO"]))
    assert values.tolist()[:3] == ["A", "D", "D"]
    assert bad.tolist() == [False, False, False, True, True]


def test_sp006_judgement_from_component_states():
    index, grade, n = judgement({"almacenamiento": ["A"], "distribucion": ["B"]})
    assert n == 2 and grade == "B" and index == pytest.approx((1.0 * 0.7) ** 0.5)
    assert judgement({"almacenamiento": ["D"], "distribucion": ["A"]})[1] == "D"  # one D: 0
    assert judgement({}) == (None, "E", 0)
    assert judgement({"tratamiento": ["A"]})[1] == "E"  # treatment is not infrastructure


def test_sp007_links_only_when_one_jass_fits():
    ccollpa = Org("OC1", "JASS Ccollpa", frozenset())
    other = Org("OC2", "JASS Huantura", frozenset({"CHIARA"}))
    assert link_candidates("jass ccollpa", "CHIARA CCOLLPA", [ccollpa, other]) == [ccollpa]
    # by the community's centro poblado, when the provider's name says nothing
    assert link_candidates("Prestador", "CHIARA", [ccollpa, other]) == [other]
    twin = Org("OC3", "Comité de agua Ccollpa", frozenset())
    assert len(link_candidates("jass ccollpa", None, [ccollpa, twin])) == 2  # left to a person
    assert link_candidates(None, None, [ccollpa]) == []


def test_sp008_disagreements():
    visit = {"estado_almacenamiento": "A", "estado_distribucion": "B", "realiza_cloracion": False}
    found = disagreements(
        {"almacenamiento": ["D"], "distribucion": ["A"], "tratamiento": ["A"]}, visit
    )
    assert found == [("almacenamiento", "D", "A"), ("cloracion", "A", "no")]
    assert disagreements({"almacenamiento": ["B"]}, {"estado_almacenamiento": "A"}) == []
