"""Issue 14: one file for evidence rules; every number the UI shows comes from it (feature ev)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from dashboard import i18n
from etl import evidence
from etl.derive.health import load_model

SHIPPED = evidence.load_evidence()


def _custom(tmp_path: Path, **changes: str) -> Path:
    text = evidence.EVIDENCE_PATH.read_text(encoding="utf-8")
    for old, new in changes.items():
        assert old in text, old
        text = text.replace(old, new)
    p = tmp_path / "evidencia.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_ev001_model_reads_chlorine_range_and_thresholds_from_the_evidence_file(tmp_path):
    p = _custom(tmp_path, **{"maximo: 5.0": "maximo: 4.0", "oc_ab: 0.8": "oc_ab: 0.65"})
    m = load_model(evidence_path=p)
    assert m.umbrales["cloro_maximo_mg_l"] == 4.0 and m.salida["oc_ab"] == 0.65
    assert load_model().umbrales["cloro_maximo_mg_l"] == SHIPPED.cloro_max


@pytest.mark.parametrize(
    ("criterio", "key"),
    [
        ("cobertura_agua", "cobertura_agua"),
        ("oc_ab", "oc_ab"),
        ("oc_cloro_adecuado", "oc_cloro_adecuado"),
        ("oc_visitadas_12m", "oc_visitadas_12m"),
        ("oc_datos_recientes", "oc_datos_recientes"),
    ],
)
@pytest.mark.parametrize("lang", ["es", "en"])
def test_ev002_exit_labels_show_the_thresholds_of_the_file(
    monkeypatch, tmp_path, criterio, key, lang
):
    # An odd threshold no label could have hard-coded: the label must follow the file.
    p = _custom(tmp_path, **{f"  {key}: ": f"  {key}: 0.73 #"})
    monkeypatch.setattr(evidence, "shipped", lambda: evidence.load_evidence(p))
    text = i18n.label("criterio", criterio, lang)
    assert i18n.fmt_pct(0.73, lang, 0) in text, text
    monkeypatch.undo()
    assert i18n.fmt_pct(SHIPPED.salida[key], lang, 0) in i18n.label("criterio", criterio, lang)


def test_ev003_chlorine_range_and_months_in_labels_follow_the_file(monkeypatch, tmp_path):
    p = _custom(tmp_path, **{"minimo: 0.5": "minimo: 0.3", "lectura_cloro: 12": "lectura_cloro: 7"})
    monkeypatch.setattr(evidence, "shipped", lambda: evidence.load_evidence(p))
    text = i18n.label("criterio", "oc_cloro_adecuado", "es")
    assert "0,3–5,0 mg/L" in text and "7 meses" in text


def test_ev004_no_threshold_is_hard_coded_in_the_texts():
    # A percentage or chlorine threshold written into a label would not follow the file.
    pattern = re.compile(r"≥\s*\d+\s*%|\d[,.]\d\s*[–-]\s*\d([,.]\d)?\s*mg|\b12 (meses|months)")
    offenders = [k for k, pair in i18n.TEXTS.items() for s in pair if pattern.search(s)] + [
        k for k, pair in i18n.CODES.items() for s in pair if pattern.search(s)
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("age_days", "counts"),
    [(30, True), (364, True), (396, False), (13 * 31, False)],  # 13 months old: expired
)
def test_ev005_validity_window_of_a_chlorine_reading(age_days, counts):
    ref = pd.Timestamp(2025, 6, 30)
    reading = ref - pd.Timedelta(days=age_days)
    assert (reading > SHIPPED.since("lectura_cloro", ref)) is counts


@pytest.mark.parametrize(
    ("mg_l", "ok"),
    [(0.49, False), (0.5, True), (1.2, True), (5.0, True), (5.5, False), (None, False)],
)
def test_ev006_chlorine_range_is_closed_and_bounded_above(mg_l, ok):
    assert bool(SHIPPED.in_range(pd.Series([mg_l], dtype=float)).iloc[0]) is ok


# ------------------------------------------------------------------ provisional grades -----

from etl.derive import health, readiness  # noqa: E402

MODEL = load_model()
REG = {
    "codigo_oc": "OC1",
    "numero_registro": "12",
    "fecha_registro": pd.Timestamp(2020, 1, 1),
    "resolucion_reconocimiento": "R-1",
    "fecha_resolucion": pd.Timestamp(2020, 2, 1),
    "consejo_inicio": pd.Timestamp(2024, 1, 1),
    "consejo_fin": pd.Timestamp(2026, 12, 31),
    "mujeres_consejo": 2,
}
VISIT = {
    "codigo_oc": "OC1",
    "ubigeo": "010101",
    "reuniones_consejo_6m": 3,
    "rinde_cuentas_12m": True,
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
    "registro_cloro_residual": True,
    "fuente_protegida": True,
}
PERFECT_DATASS = {
    "codigo_oc": "OC1",
    "ubigeo_cp": "0101010001",
    "anio": 2025,
    "fecha_encuesta": pd.Timestamp(2025, 3, 1),
    "tiene_operador": True,
    "registro_cloro_residual": True,
    "cobra_cuota": True,
    "realiza_cloracion": True,
    "total_asociados": 40,
    "asociados_morosos": 0,
    "servicio_agua_continuo": True,
}
ORGS = pd.DataFrame([{"codigo_oc": "OC1", "ubigeo": "010101", "nombre": "x"}])


def _latest(visits: list[dict], diag: list[dict] | None = None) -> pd.Series:
    cols = ["codigo_oc", "fecha_visita", "cloro_residual_mg_l", *VISIT]
    v = pd.DataFrame(visits, columns=list(dict.fromkeys(cols)))
    v["fecha_visita"] = pd.to_datetime(v["fecha_visita"])
    d = pd.DataFrame(diag or [], columns=list(PERFECT_DATASS))
    a = health.assessments(v, d, pd.DataFrame([REG]), ORGS)
    return health.score_assessments(a, MODEL).iloc[-1]


def _visit(when: str, mg_l: float | None) -> dict:
    return VISIT | {"fecha_visita": when, "cloro_residual_mg_l": mg_l}


@pytest.mark.parametrize(
    ("case", "visits", "diag", "grade", "provisional", "motivos"),
    [
        # Register + DATASS alone, never visited: no O&M look, no chlorine reading.
        ("never_visited_perfect_register", [], [PERFECT_DATASS], "A", True, None),
        ("visited_with_reading", [_visit("2025-05-01", 0.8)], None, "A", False, None),
        # The only reading is 13 months older than the assessment: it no longer counts.
        (
            "reading_13_months_old",
            [_visit("2024-04-01", 0.8), _visit("2025-05-01", None)],
            None,
            None,
            True,
            ["sin_cloro_vigente"],
        ),
        (
            "reading_11_months_old",
            [_visit("2024-06-15", 0.8), _visit("2025-05-01", None)],
            None,
            "A",
            False,
            None,
        ),
        # 5.5 mg/L: a current reading (grade firm) but over the range: item 0, overall A (0.94).
        ("over_range_5_5", [_visit("2025-05-01", 5.5)], None, "A", False, None),
    ],
)
def test_ev010_grade_is_provisional_without_full_evidence(
    case, visits, diag, grade, provisional, motivos
):
    s = _latest(visits, diag)
    if grade:
        assert s["grado"] == grade, case
    assert bool(s["grado_provisional"]) is provisional, case
    if motivos is not None:
        assert s["motivo_provisional"] == motivos
    if provisional:
        assert s["motivo_provisional"], case


def test_ev011_never_visited_jass_names_its_missing_evidence():
    s = _latest([], [PERFECT_DATASS])
    assert "sin_cloro_vigente" in s["motivo_provisional"]
    assert (
        "falta_operacion" in s["motivo_provisional"] or "falta_calidad" in s["motivo_provisional"]
    )


def test_ev012_cloro_item_ignores_a_reading_past_its_validity():
    s = _latest([_visit("2024-04-01", 0.8), _visit("2025-05-01", None)])
    assert s["items"]["cloro_residual"] is None
    over = _latest([_visit("2025-05-01", 5.5)])
    assert over["items"]["cloro_residual"] == 0.0


@pytest.mark.parametrize(
    ("grades", "provisional", "share"),
    [
        (["A", "B"], [False, False], 1.0),
        (["A", "B"], [True, False], 0.5),  # a provisional A counts for no exit criterion
        (["A", "B"], [True, True], 0.0),
        (["C", "E"], [True, False], 0.0),
    ],
)
def test_ev013_exit_counts_only_firm_a_or_b(grades, provisional, share):
    ref = pd.Timestamp(2025, 6, 30)
    snap = pd.DataFrame(
        {
            "ubigeo": ["010101", "010101"],
            "grado": grades,
            "grado_provisional": provisional,
            "cloro_residual_mg_l": [None, None],
            "realiza_cloracion": [True, True],
            "ultima_visita": [ref, ref],
            "ultimo_dato": [ref, ref],
        }
    )
    assert readiness.oc_shares(snap, ref, MODEL.salida).loc["010101", "oc_ab"] == share


def test_ev014_board_term_without_end_lasts_the_configured_years():
    row = pd.DataFrame(
        [
            {
                "fecha": pd.Timestamp(2025, 5, 1),
                "consejo_inicio": pd.Timestamp(2022, 1, 1),
                "consejo_fin": pd.NaT,
            },
            {
                "fecha": pd.Timestamp(2025, 5, 1),
                "consejo_inicio": pd.Timestamp(2024, 1, 1),
                "consejo_fin": pd.NaT,
            },
        ]
    )
    v = health.item_values(row, MODEL)["consejo_vigente"].tolist()
    assert v == [0.0, 1.0]


def test_ev020_a_year_without_a_goal_says_so_and_carries_no_result():
    from dashboard.layouts import overview

    card = str(overview.goals_card((2017, 300, 560), 2025, "es"))
    assert "Sin meta este año" in card and "2017" in card
    assert "53,6" not in card  # the 2017 share is not shown as this year's
    assert "53,6" in str(overview.goals_card((2017, 300, 560), 2017, "es"))


@pytest.mark.parametrize(
    ("row", "words"),
    [
        (
            {"prioridad": 3.15, "prioridad_base": 6, "poblacion_servida": 500,
             "ultima_visita": pd.Timestamp(2025, 6, 29)},
            ["Prioridad 3,15", "razones 6,0", "× 1,05 por 500 personas", "visitó el 29/06/2025"],
        ),
        (
            {"prioridad": 6.3, "prioridad_base": 6, "poblacion_servida": 500,
             "ultima_visita": None},
            ["Prioridad 6,30", "nunca visitada"],
        ),
    ],
)  # fmt: skip
def test_ev030_each_rank_is_explained_in_words(row, words):
    from dashboard.layouts import district

    text = district.priority_words(row, "es")
    for w in words:
        assert w in text, text


def test_ev040_disagreements_listed_both_ways_with_activities():
    from dashboard.layouts import goals as go

    acts = [
        {"actividad": "rof", "obtenido": 20, "puntos": 20},
        {"actividad": "poa", "obtenido": 0, "puntos": 20, "cuenta_como": "fuera_de_plazo"},
    ]
    df = pd.DataFrame(
        {
            "ubigeo": ["010101", "010102", "010103", "010104"],
            "nombre": ["Uno", "Dos", "Tres", "Cuatro"],
            "departamento_nombre": ["Amazonas"] * 4,
            "aplica": [True, True, False, True],
            "categoria": ["C", "C", "A", "C"],
            "estado": ["cumplida", "no_cumplida", "no_aplica", "cumplida"],
            "puntaje": [80.0, 20.0, None, 100.0],
            "mef_puntaje": [50.0, 90.0, 95.0, 100.0],
            "discrepancia": [True, True, True, False],
            "actividades": [acts] * 4,
            "faltantes": [["poa"], ["poa"], ["poa"], []],
        }
    )
    names = {"rof": "ROF", "poa": "POA"}
    rows = {r["ubigeo"]: r for r in go.disagreement_rows(df, names, "es")}
    assert set(rows) == {"010101", "010102", "010103"}  # agreement (010104) is not listed
    assert rows["010101"]["sentido"].startswith("Calculada cumplida")
    assert rows["010101"]["actividades"] == "ROF"  # what our data scored
    assert rows["010102"]["sentido"].startswith("MEF cumplida")
    assert rows["010102"]["actividades"] == "POA (con fecha después del plazo)"  # what is missing
    assert "no aplica" in rows["010103"]["sentido"]
