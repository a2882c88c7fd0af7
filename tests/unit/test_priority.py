"""Visit priority: reason codes and the weighted sum (our model)."""

from __future__ import annotations

import pandas as pd
import pytest

from etl.derive import priority
from etl.derive.health import load_model

REF = pd.Timestamp(2024, 6, 30)
MODEL = load_model()


def _snap() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "codigo_oc": ["OK", "FALL", "NONE"],
            "grado": ["A", "D", "E"],
            "grado_anterior": ["A", "B", None],
            "consejo_fin": [pd.Timestamp(2025, 1, 1), pd.Timestamp(2024, 1, 1), pd.NaT],
            "realiza_cloracion": [True, False, None],
            "cloro_residual_mg_l": [0.8, 0.2, None],
            "ultima_visita": [pd.Timestamp(2024, 5, 1), pd.Timestamp(2023, 6, 1), pd.NaT],
            "ultimo_dato": [pd.Timestamp(2024, 5, 1), pd.Timestamp(2023, 6, 1), pd.NaT],
        }
    )


def test_pri001_reason_flags():
    flags = priority.reason_flags(_snap(), REF).set_axis(["OK", "FALL", "NONE"])
    assert not flags.loc["OK"].any()
    on = {k for k, v in flags.loc["FALL"].items() if v}
    assert on == {
        "grado_d",
        "grado_bajando",
        "consejo_vencido",
        "sin_cloracion",
        "cloro_bajo",
        "sin_visita_12m",
        "datos_antiguos",
    }
    none = {k for k, v in flags.loc["NONE"].items() if v}
    assert none == {"datos_insuficientes", "nunca_visitada", "datos_antiguos"}
    assert not flags.loc["NONE", "sin_cloracion"]  # unknown is not "no"


def test_pri002_weighted_sum_and_reason_order():
    flags = priority.reason_flags(_snap(), REF)
    score, reasons = priority.priority(flags, MODEL.prioridad)
    w = MODEL.prioridad
    fall = ["grado_d", "grado_bajando", "consejo_vencido", "sin_cloracion", "cloro_bajo"]
    fall += ["sin_visita_12m", "datos_antiguos"]
    none = ["nunca_visitada", "datos_insuficientes", "datos_antiguos"]
    assert list(score) == pytest.approx([0, sum(w[r] for r in fall), sum(w[r] for r in none)])
    assert reasons[0] == []
    assert set(reasons[1][:2]) == {"grado_d", "sin_cloracion"}  # heaviest first
    assert reasons[2][0] == "nunca_visitada"


# ------------------------------------------------------------------ issue 14 --------------

BASE = {
    "grado": "B",
    "grado_anterior": None,
    "consejo_fin": pd.Timestamp(2026, 1, 1),
    "realiza_cloracion": True,
    "cloro_residual_mg_l": 0.8,
    "fecha_cloro": pd.Timestamp(2024, 5, 1),
    "ultima_visita": pd.Timestamp(2024, 5, 1),
    "ultimo_dato": pd.Timestamp(2024, 5, 1),
    "tiene_operador": True,
    "cobra_cuota": True,
    "tasa_cobranza": 0.9,
    "registrada": True,
    "reconocida": True,
}


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"ultima_visita": pd.NaT}, "nunca_visitada"),
        ({"ultima_visita": pd.Timestamp(2023, 1, 1)}, "sin_visita_12m"),
        ({"ultimo_dato": pd.Timestamp(2023, 1, 1)}, "datos_antiguos"),
        ({"tiene_operador": False}, "sin_operador"),
        ({"cobra_cuota": False}, "no_cobra_cuota"),
        ({"tasa_cobranza": 0.4}, "cobranza_baja"),
        ({"registrada": False}, "no_registrada"),
        ({"reconocida": False}, "no_reconocida"),
        ({"realiza_cloracion": False}, "sin_cloracion"),
        ({"cloro_residual_mg_l": 0.2}, "cloro_bajo"),
        ({"grado": "D"}, "grado_d"),
        ({"grado": "E"}, "datos_insuficientes"),
        ({"consejo_fin": pd.Timestamp(2024, 1, 1)}, "consejo_vencido"),
        ({"grado": "C", "grado_anterior": "A"}, "grado_bajando"),
    ],
)
def test_pri010_every_reason_is_produced(changes, reason):
    flags = priority.reason_flags(pd.DataFrame([BASE, BASE | changes]), REF)
    assert not flags.iloc[0].any()  # the healthy JASS has no reason
    assert flags.iloc[1][reason], reason


def test_pri011_every_reason_has_a_label_and_every_label_a_reason():
    from dashboard import i18n

    labels = {k.split(".", 1)[1] for k in {**i18n.TEXTS, **i18n.CODES} if k.startswith("razon.")}
    assert labels == set(priority.REASONS)
    assert set(priority.REASONS) <= set(MODEL.prioridad)  # every reason has a weight


def test_pri012_an_old_reading_is_no_low_chlorine():
    old = BASE | {"cloro_residual_mg_l": 0.2, "fecha_cloro": pd.Timestamp(2023, 1, 1)}
    assert not priority.reason_flags(pd.DataFrame([old]), REF).iloc[0]["cloro_bajo"]


def test_pri013_visited_yesterday_waits_behind_never_visited_and_people_weigh():
    reg = pd.DataFrame(
        {
            "codigo_oc": ["AYER", "NUNCA", "GRANDE"],
            "resolucion_reconocimiento": ["R"] * 3,
            "fecha_resolucion": [pd.NaT] * 3,
            "consejo_fin": [pd.Timestamp(2026, 1, 1)] * 3,
        }
    )
    rows = [
        BASE | {"codigo_oc": "AYER", "grado": "D", "ultima_visita": REF - pd.Timedelta(days=1)},
        BASE | {"codigo_oc": "NUNCA", "grado": "D", "ultima_visita": pd.NaT},
        BASE | {"codigo_oc": "GRANDE", "grado": "D", "ultima_visita": pd.NaT},
    ]
    snap = pd.DataFrame(rows).drop(columns=["registrada", "reconocida", "consejo_fin"])
    people = pd.Series({"AYER": 200, "NUNCA": 200, "GRANDE": 20000})
    out = priority.resumen_oc(snap, reg, REF, MODEL, people).set_index("codigo_oc")
    w = MODEL.prioridad
    # Same grade D: the one visited yesterday is halved, the never-visited one is not.
    assert out.loc["AYER", "prioridad"] < out.loc["NUNCA", "prioridad"]
    assert out.loc["AYER", "prioridad"] == pytest.approx(
        w["grado_d"] * (1 + w["peso_poblacion"] * 0.2) * w["factor_visita_vigente"]
    )
    # More people served, same reasons: higher; the people factor is capped.
    assert out.loc["GRANDE", "prioridad"] > out.loc["NUNCA", "prioridad"]
    assert out.loc["GRANDE", "prioridad"] == pytest.approx(
        out.loc["GRANDE", "prioridad_base"] * (1 + w["tope_poblacion"])
    )


def test_pri003_resumen_oc_trend_and_register():
    snap = _snap()
    registro = pd.DataFrame(
        {
            "codigo_oc": ["OK"],
            "resolucion_reconocimiento": ["R"],
            "fecha_resolucion": [pd.NaT],
            "consejo_fin": [pd.Timestamp(2025, 1, 1)],
        }
    )
    out = priority.resumen_oc(snap.drop(columns="consejo_fin"), registro, REF, MODEL)
    out = out.set_index("codigo_oc")
    assert out.loc["OK", "registrada"] and out.loc["OK", "reconocida"]
    assert not out.loc["FALL", "registrada"]
    assert (out.loc["OK", "tendencia"], out.loc["FALL", "tendencia"]) == ("igual", "baja")
    assert pd.isna(out.loc["NONE", "tendencia"])  # one assessment only: no trend
    assert out.loc["OK", "consejo_vigente"]
