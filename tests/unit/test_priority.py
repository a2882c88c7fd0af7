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
        }
    )


def test_pri001_reason_flags():
    flags = priority.reason_flags(_snap(), REF).set_axis(["OK", "FALL", "NONE"])
    assert not flags.loc["OK"].any()
    assert flags.loc["FALL"].to_dict() == {
        "grado_d": True,
        "grado_bajando": True,
        "consejo_vencido": True,
        "sin_cloracion": True,
        "cloro_bajo": True,
        "sin_visita_12m": True,
        "datos_insuficientes": False,
    }
    assert flags.loc["NONE", "datos_insuficientes"] and flags.loc["NONE", "sin_visita_12m"]
    assert not flags.loc["NONE", "sin_cloracion"]  # unknown is not "no"


def test_pri002_weighted_sum_and_reason_order():
    flags = priority.reason_flags(_snap(), REF)
    score, reasons = priority.priority(flags, MODEL.prioridad)
    assert list(score) == pytest.approx([0, 3 + 2 + 1 + 3 + 2 + 2, 2 + 1])
    assert reasons[0] == []
    assert reasons[1][:2] == ["grado_d", "sin_cloracion"]  # heaviest first
    assert reasons[2] == ["sin_visita_12m", "datos_insuficientes"]


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
