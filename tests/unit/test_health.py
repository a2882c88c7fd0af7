"""The JASS health score model on crafted assessments, hand-computed."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from etl.derive import health

MODEL = health.load_model()
FULL = {
    "fecha": pd.Timestamp(2024, 5, 1),
    "tiene_registro": True,
    "numero_registro": "12",
    "fecha_registro": pd.Timestamp(2020, 1, 1),
    "resolucion_reconocimiento": "R-1",
    "fecha_resolucion": pd.Timestamp(2020, 2, 1),
    "consejo_inicio": pd.Timestamp(2023, 1, 1),
    "consejo_fin": pd.Timestamp(2025, 12, 31),
    "reuniones_consejo_6m": 3,
    "rinde_cuentas_12m": True,
    "mujeres_consejo": 1,
    "cobra_cuota": True,
    "asociados_al_dia": 40,
    "total_asociados": 40,
    "libro_caja_al_dia": True,
    "fondos_disponibles": True,
    "tiene_operador": True,
    "operador_remunerado": True,
    "plan_om": True,
    "estado_captacion": "A",
    "estado_conduccion": "A",
    "estado_almacenamiento": "A",
    "estado_distribucion": "A",
    "continuidad_horas": 24,
    "realiza_cloracion": True,
    "cloro_residual_mg_l": 0.8,
    "registro_cloro_residual": True,
    "fuente_protegida": True,
}


def _score(**changes) -> tuple[pd.Series, pd.Series]:
    row = FULL | changes
    df = pd.DataFrame([row])
    values = health.item_values(df, MODEL)
    return values.iloc[0], health.score_frame(values, MODEL).iloc[0]


def test_hea001_perfect_jass_is_a():
    values, s = _score()
    assert (values == 1.0).all()
    assert s["puntaje"] == pytest.approx(1.0) and s["grado"] == "A"
    assert s["completitud"] == 1.0


def test_hea002_item_rules():
    values, _ = _score(
        reuniones_consejo_6m=2,  # 2/3
        asociados_al_dia=30,  # 30/40
        continuidad_horas=12,  # 0.5
        cloro_residual_mg_l=5.5,  # above 5.0 -> 0
        consejo_fin=pd.Timestamp(2024, 4, 30),  # ended before the assessment
        estado_captacion="B",
        estado_distribucion="C",  # (0.7 × 0.4)^(1/4)
        mujeres_consejo=0,
    )
    assert values["reuniones_consejo"] == pytest.approx(2 / 3)
    assert values["tasa_cobranza"] == pytest.approx(0.75)
    assert values["continuidad"] == pytest.approx(0.5)
    assert values["cloro_residual"] == 0.0
    assert values["consejo_vigente"] == 0.0
    assert values["infraestructura"] == pytest.approx((0.7 * 0.4) ** 0.25)
    assert values["mujeres_consejo"] == 0.0


def test_hea003_inoperable_component_zeroes_infrastructure():
    values, _ = _score(estado_conduccion="D")
    assert values["infraestructura"] == 0.0


def test_hea004_registration_after_assessment_does_not_count():
    values, _ = _score(fecha_registro=pd.Timestamp(2024, 6, 1), fecha_resolucion=None)
    assert values["registrada"] == 0.0
    assert values["reconocida"] == 1.0  # resolution number, no date: counts


def test_hea005_missing_items_left_out_of_dimension():
    # Finance: cobra 1, rate 0.5, libro missing, fondos 0 -> (1 + 0.5 + 0) / 3.
    _, s = _score(asociados_al_dia=20, libro_caja_al_dia=None, fondos_disponibles=False)
    assert s["finanzas"] == pytest.approx(0.5)
    assert s["puntaje"] == pytest.approx((1 + 0.5 + 1 + 1) / 4)
    assert s["grado"] == "B"
    assert s["completitud"] == pytest.approx(18 / 19)


def test_hea006_dimension_with_less_than_half_items_is_null():
    # Operation: 5 items, keep 2 -> 2/5 < 0.5 -> null; overall = mean of the other three.
    _, s = _score(
        operador_remunerado=None,
        plan_om=None,
        estado_captacion=None,
        estado_conduccion=None,
        estado_almacenamiento=None,
        estado_distribucion=None,
        fuente_protegida=False,
    )
    assert math.isnan(s["operacion"])
    assert s["calidad"] == pytest.approx(0.75)
    assert s["puntaje"] == pytest.approx((1 + 1 + 0.75) / 3)


def test_hea007_less_than_half_of_all_items_is_e():
    blank = {k: None for k in FULL if k not in ("fecha",)}
    _, s = _score(**blank | {"cobra_cuota": True, "tiene_operador": True})
    # registrada, reconocida are 0 (not in the book), plus 2 items: 4/19 known.
    assert s["completitud"] == pytest.approx(4 / 19)
    assert s["grado"] == "E" and math.isnan(s["puntaje"])


def test_hea008_items_bajos_and_mejora_minima():
    # Quality: no chlorination, no log -> 0.5; finance: fondos 0 -> 0.75. Overall (1+.75+1+.5)/4.
    _, s = _score(realiza_cloracion=False, registro_cloro_residual=False, fondos_disponibles=False)
    assert s["puntaje"] == pytest.approx(0.8125) and s["grado"] == "B"
    ids = MODEL.item_ids
    imp = np.array([[s[f"impacto__{i}"] for i in ids]])
    # Each quality item weighs 1/4 × 1/4 = 0.0625; each finance item too.
    assert s["impacto__realiza_cloracion"] == pytest.approx(0.0625)
    bajos = health.items_bajos(imp, ids)[0]
    assert set(bajos) == {"realiza_cloracion", "registro_cloro", "fondos_disponibles"}
    # Need 0.9 - 0.8125 = 0.0875: two items of 0.0625 each.
    best = health.mejora_minima(imp, np.array([0.8125]), np.array(["B"]), ids)[0]
    assert len(best) == 2 and set(best) <= set(bajos)


def test_hea009_no_improvement_listed_for_a_or_e():
    imp = np.zeros((2, len(MODEL.item_ids)))
    out = health.mejora_minima(imp, np.array([0.95, np.nan]), np.array(["A", "E"]), MODEL.item_ids)
    assert out == [[], []]


def test_hea010_datass_only_assessment_uses_survey_fields():
    diag = pd.DataFrame(
        [
            {
                "codigo_oc": "OC9",
                "anio": 2023,
                "fecha_encuesta": pd.Timestamp(2023, 8, 1),
                "tiene_operador": True,
                "registro_cloro_residual": False,
                "cobra_cuota": True,
                "realiza_cloracion": True,
                "total_asociados": 50,
                "asociados_morosos": 10,
                "servicio_agua_continuo": True,
            }
        ]
    )
    a = health.datass_assessments(diag, pd.Series(dtype="datetime64[ns]"))
    values = health.item_values(a, MODEL).iloc[0]
    assert a.loc[0, "fecha"] == pd.Timestamp(2023, 8, 1)
    assert values["tasa_cobranza"] == pytest.approx(0.8)
    assert values["continuidad"] == 1.0 and values["registro_cloro"] == 0.0
    # Visited from the survey's day on: visits assess it, the survey is no assessment.
    assert health.datass_assessments(diag, pd.Series({"OC9": pd.Timestamp(2023, 8, 1)})).empty
    # Visited only later: the survey stays its assessment for 2023 (issue 18).
    later = health.datass_assessments(diag, pd.Series({"OC9": pd.Timestamp(2024, 2, 1)}))
    assert list(later["fecha"]) == [pd.Timestamp(2023, 8, 1)]


def test_hea011_model_version_and_weights_configurable(tmp_path):
    text = health.MODEL_PATH.read_text(encoding="utf-8")
    text = text.replace('version: "2026.11-1"', 'version: "x-2"').replace(
        "  calidad:\n    peso: 1", "  calidad:\n    peso: 3"
    )
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    model = health.load_model(path)
    assert model.version == "x-2" and model.dimensiones["calidad"] == 3.0
    df = pd.DataFrame([FULL | {"realiza_cloracion": False, "registro_cloro_residual": False}])
    s = health.score_frame(health.item_values(df, model), model).iloc[0]
    assert s["puntaje"] == pytest.approx((1 + 1 + 1 + 3 * 0.5) / 6)
