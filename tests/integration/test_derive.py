"""derive_all on a tiny warehouse written with SQLAlchemy Core, checked against hand figures."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, insert, select

from etl import schema
from etl.catalog import sync_catalog
from etl.derive import derive_all

D = dt.date
AS_OF = D(2024, 6, 30)
UB = "010101"
CP1, CP2 = "0101010001", "0101010002"


def _diag(cp: str, anio: int, **kw) -> dict:
    row = {
        "ubigeo_cp": cp,
        "anio": anio,
        "ubigeo": UB,
        "fecha_encuesta": D(anio, 4, 1),
        "viviendas_habitadas": 25,
        "viviendas_conexion": 20,
        "sistema_agua": True,
        "sistema_disposicion_excretas": False,
        "servicio_agua_continuo": False,
        "realiza_cloracion": False,
    }
    return row | kw


def _visit(fecha: dt.date, cloro: float, **kw) -> dict:
    row = {
        "codigo_oc": "OC1",
        "fecha_visita": fecha,
        "ubigeo": UB,
        "cloro_residual_mg_l": cloro,
        "realiza_cloracion": True,
        "registro_cloro_residual": True,
        "cobra_cuota": True,
        "asociados_al_dia": 30,
        "total_asociados": 40,
        "libro_caja_al_dia": True,
        "fondos_disponibles": True,
        "tiene_operador": True,
        "operador_remunerado": True,
        "plan_om": True,
        "reuniones_consejo_6m": 3,
        "rinde_cuentas_12m": True,
        "continuidad_horas": 24,
        "estado_captacion": "A",
        "estado_conduccion": "A",
        "estado_almacenamiento": "A",
        "estado_distribucion": "A",
        "fuente_protegida": True,
    }
    return row | kw


def _raw_rows() -> dict:
    return {
        schema.centro_poblado: [
            {"ubigeo_cp": CP1, "ubigeo": UB, "nombre": "Uno"},
            {"ubigeo_cp": CP2, "ubigeo": UB, "nombre": "Dos"},
        ],
        schema.diagnostico_cp: [
            _diag(
                CP1,
                2023,
                total_poblacion=100,
                poblacion_servicio_agua=80,
                codigo_oc="OC1",
                realiza_cloracion=True,
                sistema_disposicion_excretas=True,
                servicio_agua_continuo=True,
            ),
            _diag(
                CP2,
                2023,
                total_poblacion=50,
                poblacion_servicio_agua=50,
                codigo_oc="OC2",
                tiene_operador=True,
                cobra_cuota=True,
                total_asociados=20,
                asociados_morosos=5,
                registro_cloro_residual=False,
            ),
            _diag(
                CP1,
                2024,
                total_poblacion=100,
                poblacion_servicio_agua=90,
                codigo_oc="OC1",
                realiza_cloracion=True,
            ),
        ],
        schema.organizacion_comunal: [
            {"codigo_oc": "OC1", "nombre": "JASS Uno", "ubigeo": UB, "origen": "registro"},
            {"codigo_oc": "OC2", "nombre": "JASS Dos", "ubigeo": UB, "origen": "datass"},
        ],
        schema.registro_oc: [
            {
                "codigo_oc": "OC1",
                "numero_registro": "1",
                "fecha_registro": D(2016, 3, 1),
                "resolucion_reconocimiento": "R-1",
                "fecha_resolucion": D(2016, 4, 1),
                "consejo_inicio": D(2022, 1, 1),
                "consejo_fin": D(2025, 12, 31),
                "mujeres_consejo": 2,
            }
        ],
        schema.visita: [_visit(D(2023, 5, 1), 0.8), _visit(D(2024, 3, 1), 0.3)],
        schema.atm: [
            {"ubigeo": UB, "anio": 2024, "responsable_designado": True, "presupuesto_pia": 1e4}
        ],
        schema.clasificacion_municipal: [{"ubigeo": UB, "anio": 2017, "categoria": "D"}],
        schema.avance_meta: [
            # Dated by the deadline: undated evidence would not count (issue 14).
            {
                "ubigeo": UB,
                "anio": 2017,
                "meta": 41,
                "actividad": "poa",
                "estado": "cumplida",
                "fecha": dt.date(2017, 5, 2),
            }
        ],
        schema.resultado_mef: [{"ubigeo": UB, "anio": 2017, "meta": 41, "cumplio": True}],
    }


@pytest.fixture
def derived(engine: Engine) -> Engine:
    with engine.begin() as conn:
        sync_catalog(conn)
        for table, rows in _raw_rows().items():
            for row in rows:  # one by one: executemany would keep only the first row's keys
                conn.execute(insert(table), row)
        derive_all(conn, as_of=AS_OF)
    return engine


def _rows(engine: Engine, table, **where) -> list[dict]:
    stmt = select(table).where(*(table.c[k] == v for k, v in where.items()))
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(stmt).mappings()]


def test_cov001_district_and_latest_coverage(derived):
    (y2023,) = _rows(derived, schema.cobertura, nivel="distrito", codigo=UB, anio=2023)
    assert (y2023["poblacion_rural"], y2023["poblacion_servida"]) == (150, 130)
    # OC1 chlorinates and its last reading by 31/12/2023 is 0.8 mg/L: CP1's 80 people are safe.
    assert y2023["poblacion_agua_segura"] == 80
    assert y2023["cobertura_agua"] == pytest.approx(130 / 150)
    assert y2023["cobertura_saneamiento"] == pytest.approx(100 / 150)
    assert y2023["continuidad"] == pytest.approx(80 / 130)
    (latest,) = _rows(derived, schema.cobertura, nivel="distrito", codigo=UB, anio=0)
    # Latest view: CP1's 2024 survey (90 served) + CP2's 2023; reading now 0.3 -> not safe.
    assert (latest["poblacion_servida"], latest["poblacion_agua_segura"]) == (140, 0)
    (nation,) = _rows(derived, schema.cobertura, nivel="nacion", codigo="PE", anio=0)
    assert nation["poblacion_rural"] == 150


def test_hea001_scores_per_assessment(derived):
    oc1 = sorted(
        _rows(derived, schema.puntaje_oc, codigo_oc="OC1"), key=lambda r: r["fecha_evaluacion"]
    )
    # Its 2023-04 DATASS survey, before its first visit, stays its assessment (issue 18).
    survey, *oc1 = oc1
    assert survey["fecha_evaluacion"] == D(2023, 4, 1) and survey["es_ultima"] is False
    assert [r["fecha_evaluacion"] for r in oc1] == [D(2023, 5, 1), D(2024, 3, 1)]
    assert [r["es_ultima"] for r in oc1] == [False, True]
    # First visit: every item 1 except collection 30/40 -> finance (1+0.75+1+1)/4.
    assert oc1[0]["finanzas"] == pytest.approx(0.9375)
    assert oc1[0]["puntaje"] == pytest.approx((1 + 0.9375 + 1 + 1) / 4)
    # Second visit: residual 0.3 is out of range -> quality 3/4.
    assert oc1[1]["calidad"] == pytest.approx(0.75)
    (oc2,) = _rows(derived, schema.puntaje_oc, codigo_oc="OC2")
    assert oc2["fecha_evaluacion"] == D(2023, 4, 1)
    # DATASS only, no register: 8 of 19 items known -> E, datos insuficientes.
    assert oc2["grado"] == "E" and oc2["puntaje"] is None
    assert oc2["completitud"] == pytest.approx(8 / 19)


def test_goal001_progress_and_mef_discrepancy(derived):
    (g,) = _rows(derived, schema.avance_meta_calc, ubigeo=UB, anio=2017, meta=41)
    # poa 20 + registro_oc (1 of 2 registered = 0.5 >= 0.5) 25; no 2017 survey, no visits.
    assert g["puntaje"] == pytest.approx(45)
    assert g["estado"] == "no_cumplida"
    assert g["faltantes"] == ["diagnostico", "seguimiento_oc"]
    assert g["mef_cumplio"] is True and g["discrepancia"] is True
    (n,) = _rows(derived, schema.avance_meta_calc, ubigeo=UB, anio=2015, meta=11)
    assert n["estado"] == "no_aplica" and n["aplica"] is False
    other = _rows(derived, schema.avance_meta_calc, ubigeo="010102", anio=2017, meta=41)
    assert other[0]["estado"] == "no_aplica"


def test_rdy001_readiness_and_priority(derived):
    (s,) = _rows(derived, schema.salida_distrito, ubigeo=UB, anio=2024)
    crit = {c["criterio"]: c for c in s["criterios"]}
    assert crit["presupuesto_pia"]["cumple"] is True
    assert crit["cobertura_agua"]["valor"] == pytest.approx(140 / 150, abs=1e-4)  # stored to 4 dp
    assert crit["oc_visitadas_12m"]["valor"] == pytest.approx(0.5)
    assert s["estado"] == "no_lista"
    assert set(s["faltantes"]) == {c for c, v in crit.items() if not v["cumple"]}
    oc = {r["codigo_oc"]: r for r in _rows(derived, schema.resumen_oc)}
    assert "cloro_bajo" in oc["OC1"]["razones"]
    # OC2 was never visited: that reason, not "no visit in 12 months" (issue 14).
    assert {"nunca_visitada", "sin_cloracion", "datos_insuficientes"} <= set(oc["OC2"]["razones"])
    assert "sin_visita_12m" not in oc["OC2"]["razones"]
    assert oc["OC1"]["n_visitas"] == 2 and oc["OC1"]["consejo_vigente"] is True
    (r,) = _rows(derived, schema.resumen_distrito, ubigeo=UB, anio=2024)
    assert r["n_oc"] == 2 and r["n_oc_e"] == 1


def test_rdy002_every_district_summarised(derived):
    n = len(_rows(derived, schema.resumen_distrito, anio=2024))
    assert n == 1892
    assert len(_rows(derived, schema.salida_distrito, anio=2024)) == 1892


def test_rdy003_empty_warehouse_derives_without_error(engine: Engine):
    with engine.begin() as conn:
        sync_catalog(conn)
        counts = derive_all(conn, as_of=AS_OF)
    assert counts["puntaje_oc"] == 0 and counts["cobertura"] == 0
    assert counts["resumen_distrito"] == 1892  # every district, the as_of year
    (r,) = _rows(engine, schema.resumen_distrito, ubigeo=UB, anio=2024)
    assert r["n_oc"] == 0 and r["estado_salida"] == "no_lista"


def test_hea002_derive_is_repeatable(derived: Engine):
    before = _rows(derived, schema.resumen_oc)
    with derived.begin() as conn:
        derive_all(conn, as_of=AS_OF)
    assert _rows(derived, schema.resumen_oc) == before
