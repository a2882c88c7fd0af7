"""Coverage on a crafted district: two CPs, one chlorinating provider, hand-computed."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from etl.derive import coverage

AS_OF = dt.date(2024, 6, 30)


def _diag() -> pd.DataFrame:
    base = {
        "ubigeo": "020301",
        "viviendas_habitadas": 50,
        "total_viviendas": 55,
        "sistema_agua": True,
    }
    rows = [
        # CP A: 200 people, 150 served by OC-A (chlorinates), latrines, 24 h.
        base
        | {
            "ubigeo_cp": "0203010001",
            "anio": 2023,
            "total_poblacion": 200,
            "poblacion_servicio_agua": 150,
            "viviendas_conexion": 40,
            "codigo_oc": "OC-A",
            "realiza_cloracion": True,
            "sistema_disposicion_excretas": True,
            "servicio_agua_continuo": True,
        },
        # CP B: 100 people, 60 served by OC-B (no chlorination), no sanitation, not 24 h.
        base
        | {
            "ubigeo_cp": "0203010002",
            "anio": 2023,
            "total_poblacion": 100,
            "poblacion_servicio_agua": 60,
            "viviendas_conexion": 10,
            "codigo_oc": "OC-B",
            "realiza_cloracion": False,
            "sistema_disposicion_excretas": False,
            "servicio_agua_continuo": False,
        },
        # CP C: no system, 50 people, surveyed in 2024 only.
        base
        | {
            "ubigeo_cp": "0203010003",
            "anio": 2024,
            "total_poblacion": 50,
            "poblacion_servicio_agua": None,
            "viviendas_conexion": None,
            "codigo_oc": None,
            "realiza_cloracion": None,
            "sistema_disposicion_excretas": True,
            "servicio_agua_continuo": None,
            "sistema_agua": False,
        },
    ]
    return pd.DataFrame(rows)


def _visits(*readings: tuple[str, str, float]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"codigo_oc": c, "fecha_visita": pd.Timestamp(d), "cloro_residual_mg_l": v}
            for c, d, v in readings
        ],
        columns=["codigo_oc", "fecha_visita", "cloro_residual_mg_l"],
    )


NO_LINKS = pd.DataFrame(columns=["codigo_oc", "ubigeo_cp"])


def _row(table: pd.DataFrame, nivel: str, codigo: str, anio: int) -> pd.Series:
    hit = table[(table["nivel"] == nivel) & (table["codigo"] == codigo) & (table["anio"] == anio)]
    assert len(hit) == 1
    return hit.iloc[0]


def test_cov001_district_year_rates():
    visits = _visits(("OC-A", "2023-09-01", 0.7), ("OC-B", "2023-09-01", 0.9))
    t = coverage.coverage_table(_diag(), visits, NO_LINKS, AS_OF)
    r = _row(t, "distrito", "020301", 2023)
    assert (r["n_cp"], r["poblacion_rural"], r["poblacion_servida"]) == (2, 300, 210)
    assert r["cobertura_agua"] == pytest.approx(0.7)
    # Only OC-A chlorinates (its 0.7 reading counts); OC-B's reading alone does not make it safe.
    assert r["cobertura_agua_segura"] == pytest.approx(150 / 300)
    assert r["cobertura_saneamiento"] == pytest.approx(200 / 300)
    assert r["continuidad"] == pytest.approx(150 / 210)
    assert r["cobertura_agua_viviendas"] == pytest.approx(50 / 100)


def test_cov002_latest_view_and_aggregates():
    t = coverage.coverage_table(_diag(), _visits(("OC-A", "2024-03-01", 0.7)), NO_LINKS, AS_OF)
    latest = _row(t, "distrito", "020301", 0)
    assert (latest["n_cp"], latest["poblacion_rural"], latest["poblacion_servida"]) == (3, 350, 210)
    for nivel, code in (("provincia", "0203"), ("departamento", "02"), ("nacion", "PE")):
        assert _row(t, nivel, code, 0)["poblacion_rural"] == 350
    assert _row(t, "cp", "0203010003", 2024)["poblacion_servida"] == 0


def test_cov003_reading_must_precede_year_end_and_reach_threshold():
    # 2023 figures use readings up to 31/12/2023 only: the 2024 reading does not count.
    t = coverage.coverage_table(_diag(), _visits(("OC-A", "2024-03-01", 0.7)), NO_LINKS, AS_OF)
    assert _row(t, "distrito", "020301", 2023)["poblacion_agua_segura"] == 0
    # A low last reading (0.4 < 0.5) is not safe even after an earlier good one.
    low = _visits(("OC-A", "2023-02-01", 0.9), ("OC-A", "2023-10-01", 0.4))
    t = coverage.coverage_table(_diag(), low, NO_LINKS, AS_OF)
    assert _row(t, "distrito", "020301", 2023)["poblacion_agua_segura"] == 0


def test_cov004_no_reading_is_not_safe_and_register_link_is_used():
    d = _diag().assign(codigo_oc=None)
    links = pd.DataFrame({"codigo_oc": ["OC-A"], "ubigeo_cp": ["0203010001"]})
    visits = _visits(("OC-A", "2023-09-01", 1.0))
    assert (
        _row(coverage.coverage_table(d, visits, NO_LINKS, AS_OF), "cp", "0203010001", 2023)[
            "poblacion_agua_segura"
        ]
        == 0
    )
    t = coverage.coverage_table(d, visits, links, AS_OF)
    assert _row(t, "cp", "0203010001", 2023)["poblacion_agua_segura"] == 150
