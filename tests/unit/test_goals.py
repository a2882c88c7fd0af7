"""Goal progress: every state, evidence/metric scoring, MEF discrepancy, a 2030 catalogue goal."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from etl.catalog import Activity, load_catalog
from etl.derive import goals

D = dt.date


@pytest.mark.parametrize(
    ("applies", "score", "started", "as_of", "expected"),
    [
        (False, 100, 0, D(2017, 6, 1), "no_aplica"),
        (True, 80, 0, D(2018, 6, 1), "cumplida"),
        (True, 79, 0, D(2018, 1, 1), "no_cumplida"),
        (True, 60, 20, D(2017, 12, 31), "en_camino"),  # deadline day still counts
        (True, 60, 10, D(2017, 6, 1), "en_riesgo"),
    ],
)
def test_goal001_states(applies, score, started, as_of, expected):
    assert goals.goal_state(applies, score, 80, started, D(2017, 12, 31), as_of) == expected


def _act(tipo: str, **kw) -> Activity:
    return Activity(
        id="x",
        descripcion_es="",
        descripcion_en="",
        tipo=tipo,
        puntos=20,
        puntos_supuesto=True,
        **kw,
    )


def test_goal002_activity_scoring():
    ev = _act("evidencia")
    assert goals.activity_score(ev, "cumplida", None)["obtenido"] == 20
    half = goals.activity_score(ev, "en_proceso", None)
    assert (half["obtenido"], half["pendiente_iniciada"]) == (10, 10)
    assert goals.activity_score(ev, None, None)["obtenido"] == 0
    m = _act("metrica", regla="oc_visitadas", umbral=0.6)
    assert goals.activity_score(m, None, 0.6)["obtenido"] == 20
    below = goals.activity_score(m, None, 0.3)
    assert (below["obtenido"], below["pendiente_iniciada"]) == (0, 20)
    assert goals.activity_score(m, None, float("nan"))["pendiente_iniciada"] == 0


def _frames(as_of_year: int = 2030) -> dict[str, pd.DataFrame]:
    ts = pd.Timestamp
    return {
        "distrito": pd.DataFrame({"ubigeo": ["010101", "010102", "010103"]}),
        "clasificacion": pd.DataFrame(
            {"ubigeo": ["010101", "010102"], "anio": [2030, 2030], "categoria": ["A", "D"]}
        ),
        "centro_poblado": pd.DataFrame(
            {"ubigeo_cp": ["0101010001", "0101010002"], "ubigeo": ["010101", "010101"]}
        ),
        "diagnostico": pd.DataFrame(
            {"ubigeo_cp": ["0101010001"], "ubigeo": ["010101"], "anio": [as_of_year]}
        ),
        "orgs": pd.DataFrame(
            {"codigo_oc": ["A", "B", "C", "E"], "ubigeo": ["010101", "010101", "010101", "010101"]}
        ),
        "registro": pd.DataFrame(
            {
                "codigo_oc": ["A", "B", "C"],
                "fecha_registro": [ts(2029, 1, 1), ts(2030, 5, 1), ts(2031, 1, 1)],
                "resolucion_reconocimiento": ["R", None, None],
                "fecha_resolucion": [pd.NaT, ts(2030, 2, 1), ts(2031, 2, 1)],
            }
        ),
        "visitas": pd.DataFrame(
            {
                "codigo_oc": ["A", "A", "B"],
                "ubigeo": ["010101"] * 3,
                "fecha_visita": [ts(2030, 2, 1), ts(2030, 8, 1), ts(2030, 3, 1)],
                "realiza_cloracion": [False, True, False],
            }
        ),
        "atm": pd.DataFrame({"ubigeo": ["010101"], "anio": [2031], "presupuesto_pia": [5000.0]}),
        "avance": pd.DataFrame(
            {
                "ubigeo": ["010101", "010101"],
                "anio": [2030, 2030],
                "meta": [7, 7],
                "actividad": ["ordenanza", "poa"],
                "estado": ["cumplida", "en_proceso"],
                "fecha": [ts(2030, 3, 1), ts(2030, 4, 1)],
            }
        ),
        "mef": pd.DataFrame(
            {
                "ubigeo": ["010101"],
                "anio": [2030],
                "meta": [7],
                "puntaje": [100.0],
                "cumplio": [True],
            }
        ),
    }


def test_goal003_metric_rules():
    f = _frames()
    assert goals.cp_con_diagnostico(f, 2030)["010101"] == pytest.approx(0.5)
    # Registered by end-2030: A, B (C registers in 2031) of 4 organisations.
    assert goals.oc_registradas(f, 2030)["010101"] == pytest.approx(0.5)
    # Recognised by end-2030: A (number, no date), B (dated 2030).
    assert goals.oc_reconocidas(f, 2030)["010101"] == pytest.approx(0.5)
    assert goals.oc_visitadas(f, 2030)["010101"] == pytest.approx(0.5)
    # Of the two visited, A chlorinates at its last 2030 visit, B does not.
    assert goals.oc_clorando(f, 2030)["010101"] == pytest.approx(0.5)
    assert goals.atm_presupuesto_pia(f, 2031)["010101"] == 1.0
    assert goals.atm_presupuesto_pia(f, 2030).empty


CATALOGUE_2030 = """
version: "test-2030"
metas:
  - anio: 2030
    numero: 7
    nombre_es: Meta nueva
    nombre_en: New goal
    fecha_limite: 2030-12-31
    categorias: [A, B]
    puntaje_minimo: 70
    actividades:
      - {id: ordenanza, descripcion_es: o, descripcion_en: o, tipo: evidencia, puntos: 30}
      - {id: poa, descripcion_es: p, descripcion_en: p, tipo: evidencia, puntos: 20}
      - {id: visitas, descripcion_es: v, descripcion_en: v, tipo: metrica, regla: oc_visitadas,
         umbral: 0.5, puntos: 25}
      - {id: pia, descripcion_es: b, descripcion_en: b, tipo: metrica,
         regla: atm_presupuesto_pia, anio_dato: 2031, umbral: 1, puntos: 25}
"""


def _progress(tmp_path, as_of: dt.date) -> pd.DataFrame:
    path = tmp_path / "metas.yaml"
    path.write_text(CATALOGUE_2030, encoding="utf-8")
    return goals.goal_progress(_frames(), load_catalog(path), as_of).set_index("ubigeo")


def test_goal004_new_year_goal_from_catalogue_only(tmp_path):
    p = _progress(tmp_path, D(2030, 10, 1))
    a = p.loc["010101"]
    # ordenanza 30 + poa half 10 + visitas 25 + pia (2031 data) 25 = 90 >= 70.
    assert a["puntaje"] == pytest.approx(90) and a["estado"] == "cumplida"
    assert a["faltantes"] == ["poa"]
    assert pd.notna(a["discrepancia"]) and not bool(a["discrepancia"])  # MEF agrees: met
    assert p.loc["010102", "estado"] == "no_aplica"  # category D
    assert p.loc["010103", "estado"] == "no_aplica"  # no category that year
    assert pd.isna(p.loc["010103", "discrepancia"])


def test_goal005_en_camino_en_riesgo_and_discrepancy(tmp_path):
    path = tmp_path / "metas.yaml"
    path.write_text(CATALOGUE_2030.replace("puntaje_minimo: 70", "puntaje_minimo: 95"), "utf-8")
    cat = load_catalog(path)
    before = goals.goal_progress(_frames(), cat, D(2030, 10, 1)).set_index("ubigeo")
    # 90 + the half of poa still pending (10) = 100 >= 95: on track.
    assert before.loc["010101", "estado"] == "en_camino"
    after = goals.goal_progress(_frames(), cat, D(2031, 1, 1)).set_index("ubigeo")
    assert after.loc["010101", "estado"] == "no_cumplida"
    assert bool(after.loc["010101", "discrepancia"]) is True  # MEF says met
    strict = load_catalog(path).goals[0]
    f = _frames()
    f["avance"] = f["avance"].iloc[:1]  # poa never started
    risk = goals.goal_progress(f, type(cat)(version="t", goals=(strict,)), D(2030, 10, 1))
    assert risk.set_index("ubigeo").loc["010101", "estado"] == "en_riesgo"


# ------------------------------------------------------------------ issue 14: as the MEF ----

DEADLINE = D(2017, 12, 31)


@pytest.mark.parametrize(
    ("estado", "fecha", "as_of", "points", "counts_as"),
    [
        ("cumplida", D(2017, 12, 31), D(2018, 6, 1), 20, "cumplida"),  # on the deadline day
        ("cumplida", D(2018, 1, 1), D(2018, 6, 1), 0, "fuera_de_plazo"),  # one day after
        ("cumplida", None, D(2018, 6, 1), 0, "sin_fecha"),  # cannot be verified
        ("en_proceso", D(2017, 6, 1), D(2017, 9, 1), 10, "en_proceso"),  # before: half
        ("en_proceso", D(2017, 6, 1), D(2018, 1, 1), 0, "en_proceso_vencida"),  # after: 0
    ],
)
def test_goal101_evidence_as_the_mef_verifies(estado, fecha, as_of, points, counts_as):
    r = goals.activity_score(_act("evidencia"), estado, None, fecha, DEADLINE, as_of)
    assert r["obtenido"] == points
    assert r.get("cuenta_como", r["estado"]) == counts_as


def test_goal102_metrics_read_at_the_deadline_with_its_denominator():
    f = _frames()
    # Due 30 Jun 2030: A's August visit is too late, but A (February) and B (March) count.
    cut = pd.Timestamp(2030, 6, 30)
    assert goals.oc_visitadas(f, 2030, cut)["010101"] == pytest.approx(0.5)
    assert goals.oc_visitadas(f, 2030, pd.Timestamp(2030, 2, 15))["010101"] == pytest.approx(0.25)
    # B registered on 1 May 2030: not by a 30 April deadline.
    assert goals.oc_registradas(f, 2030, pd.Timestamp(2030, 4, 30))["010101"] == 0.25
    # An organisation constituted after the deadline is not in the denominator.
    f["registro"]["fecha_constitucion"] = [pd.NaT, pd.NaT, pd.Timestamp(2031, 1, 1)]
    assert goals.oc_visitadas(f, 2030, cut)["010101"] == pytest.approx(2 / 3)


def test_goal103_shipped_catalogue_applies_goals_by_category_per_the_seed():
    cat = {g.key: g for g in load_catalog().goals}
    for key in [(2015, 11), (2015, 40), (2016, 35), (2017, 35)]:
        assert cat[key].categorias == ("C",), key
    for key in [(2016, 42), (2017, 41)]:
        assert cat[key].categorias == ("D",), key
    assert all(g.categorias_fuente for g in cat.values())


def test_goal104_category_a_municipality_is_not_judged_on_goal_41():
    g41 = next(g for g in load_catalog().goals if g.key == (2017, 41))
    f = _frames()
    f["distrito"] = pd.DataFrame({"ubigeo": ["010101", "010102"]})
    f["clasificacion"] = pd.DataFrame(
        {"ubigeo": ["010101", "010102"], "anio": [2017, 2017], "categoria": ["A", "D"]}
    )
    f["avance"] = f["avance"].iloc[:0]
    f["mef"] = f["mef"].iloc[:0]
    p = goals.goal_progress(f, type(load_catalog())(version="t", goals=(g41,)), D(2018, 6, 1))
    p = p.set_index("ubigeo")
    assert p.loc["010101", "estado"] == "no_aplica" and not p.loc["010101", "aplica"]
    assert p.loc["010102", "estado"] == "no_cumplida"


def test_goal120_a_cp_never_surveyed_counts_against_cp_con_diagnostico():
    """A CP only a register lists (never surveyed) is in the denominator: 1 of 3, not 1 of 2."""
    f = _frames()
    f["oc_cp"] = pd.DataFrame({"codigo_oc": ["A", "A"], "ubigeo_cp": ["0101010001", "0101010009"]})
    assert goals.cp_con_diagnostico(f, 2030)["010101"] == pytest.approx(1 / 3)
