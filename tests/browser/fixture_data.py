"""A small, plausible warehouse written by code (raw AND derived tables) for dashboard tests.

Three districts: Cascas (131101, La Libertad) and Chachapoyas (010101, Amazonas) with JASS, visits,
scores, coverage, goals and exit readiness; Bambamarca (130302) with a summary row only, to
exercise the empty states. Two years (2025, 2026). Inserted through SQLAlchemy Core.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine, insert, text

from etl import schema as s

D = dt.date
CASCAS, CHACHA, BAMBA = "131101", "010101", "130302"
YEARS = (2025, 2026)

JASS = [  # codigo, nombre, ubigeo, grado, puntaje, tendencia, prioridad, razones
    ("131101-J01", "JASS Cascas Centro", CASCAS, "B", 0.78, "sube", 0.2, []),
    (
        "131101-J02",
        "JASS Huaychaca",
        CASCAS,
        "D",
        0.31,
        "baja",
        0.9,
        ["consejo_vencido", "sin_cloracion", "grado_d", "grado_bajando"],
    ),
    (
        "131101-J03",
        "JASS Las Palmas",
        CASCAS,
        "C",
        0.55,
        "igual",
        0.6,
        ["sin_visita_12m", "cloro_bajo"],
    ),
    ("131101-J04", "JASS Santa Rosa", CASCAS, "A", 0.93, "sube", 0.0, []),
    (
        "010101-J01",
        "JASS Pucacruz",
        CHACHA,
        "C",
        0.48,
        "baja",
        0.7,
        ["sin_cloracion", "grado_bajando"],
    ),
    (
        "010101-J02",
        "JASS Taquia",
        CHACHA,
        "E",
        None,
        None,
        0.8,
        ["sin_visita_12m", "datos_insuficientes"],
    ),
]


def _rows(engine: Engine, table: Any, rows: list[dict[str, Any]]) -> None:
    """Insert rows into one table. Explicit ids on PostgreSQL leave the id sequence behind:
    move it past them, so a later real load (an upload test) gets a fresh id."""
    if not rows:
        return
    with engine.begin() as conn:
        conn.execute(insert(table), rows)
        if engine.dialect.name == "postgresql" and "id" in rows[0] and "id" in table.c:
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"(SELECT max(id) FROM {table.name}))"
                )
            )


def fill_warehouse(engine: Engine) -> None:
    """Write the whole fixture dataset into an initialised warehouse."""
    _audit(engine)
    _goals(engine)
    _organisations(engine)
    _centres(engine)
    _district_tables(engine)
    _peers(engine)


def _audit(engine: Engine) -> None:
    now = dt.datetime(2026, 3, 1, 10, 0)
    _rows(
        engine,
        s.carga,
        [
            {
                "id": 1,
                "iniciada": now,
                "terminada": now,
                "usuario": "atm_cascas",
                "equipo": "pc-atm",
                "estado": "con_rechazos",
                "filas_leidas": 40,
                "filas_cargadas": 38,
                "filas_rechazadas": 2,
                "version_catalogo": "2026.11-1",
                "version_modelo": "salud-1",
            }
        ],
    )
    _rows(
        engine,
        s.carga_archivo,
        [
            {
                "id": 1,
                "carga_id": 1,
                "archivo": "visitas.csv",
                "sha256": "a" * 64,
                "tipo": "visita",
                "hoja": None,
                "filas_leidas": 40,
                "filas_cargadas": 38,
                "filas_rechazadas": 2,
                "archivado_en": None,
            }
        ],
    )
    _rows(
        engine,
        s.rechazo,
        [
            {
                "carga_archivo_id": 1,
                "sha256": "a" * 64,
                "archivo": "visitas.csv",
                "tipo": "visita",
                "fila": n,
                "columna": "fecha_visita",
                "valor": "31/02/2026",
                "codigo": "fecha_invalida",
                "mensaje_es": "Fecha inválida",
                "mensaje_en": "Invalid date",
                "sugerencia_es": "Use dd/mm/aaaa",
                "sugerencia_en": "Use dd/mm/yyyy",
                "datos": {},
            }
            for n in (7, 12)
        ],
    )


def _goals(engine: Engine) -> None:
    _rows(
        engine,
        s.meta,
        [
            {
                "anio": 2026,
                "numero": 41,
                "nombre_es": "Funcionamiento del ATM",
                "nombre_en": "Operation of the ATM",
                "fecha_limite": D(2026, 12, 31),
                "categorias": "C,D",
                "categorias_supuesto": True,
                "puntaje_minimo": 80,
                "puntaje_minimo_supuesto": True,
                "fuente": "fixture",
                "verificado": False,
                "version_catalogo": "2026.11-1",
            }
        ],
    )
    acts = [
        ("poa", "POA aprobado", "Annual plan approved", 40),
        ("diagnostico", "CP con diagnóstico", "CPs with a diagnostic", 30),
        ("visitas", "JASS visitadas", "JASS visited", 30),
    ]
    _rows(
        engine,
        s.meta_actividad,
        [
            {
                "anio": 2026,
                "meta": 41,
                "actividad": a,
                "orden": i,
                "descripcion_es": es,
                "descripcion_en": en,
                "tipo": "evidencia",
                "puntos": p,
                "puntos_supuesto": True,
                "umbral_supuesto": False,
            }
            for i, (a, es, en, p) in enumerate(acts)
        ],
    )
    _rows(
        engine,
        s.avance_meta_calc,
        [
            {
                "ubigeo": CASCAS,
                "anio": 2026,
                "meta": 41,
                "aplica": True,
                "categoria": "C",
                "puntaje": 100,
                "puntaje_maximo": 100,
                "puntaje_minimo": 80,
                "estado": "cumplida",
                "actividades": [],
                "faltantes": [],
                "mef_cumplio": False,
                "mef_puntaje": 70,
                "discrepancia": True,
            },
            {
                "ubigeo": CHACHA,
                "anio": 2026,
                "meta": 41,
                "aplica": True,
                "categoria": "D",
                "puntaje": 40,
                "puntaje_maximo": 100,
                "puntaje_minimo": 80,
                "estado": "en_riesgo",
                "actividades": [],
                "faltantes": ["diagnostico", "visitas"],
                "mef_cumplio": None,
                "mef_puntaje": None,
                "discrepancia": False,
            },
            {
                "ubigeo": BAMBA,
                "anio": 2026,
                "meta": 41,
                "aplica": True,
                "categoria": "D",
                "puntaje": 0,
                "puntaje_maximo": 100,
                "puntaje_minimo": 80,
                "estado": "no_cumplida",
                "actividades": [],
                "faltantes": ["poa", "diagnostico", "visitas"],
                "mef_cumplio": None,
                "mef_puntaje": None,
                "discrepancia": False,
            },
        ],
    )


def _items(grade: str) -> dict[str, float | None]:
    """Plausible item values for a grade."""
    base = {"A": 0.95, "B": 0.8, "C": 0.55, "D": 0.25, "E": 0.5}[grade]
    return {
        "registrada": 1.0,
        "reconocida": 1.0 if base > 0.5 else 0.0,
        "consejo_vigente": 1.0 if base > 0.3 else 0.0,
        "cobra_cuota": 1.0,
        "tasa_cobranza": base,
        "tiene_operador": 1.0,
        "plan_om": base,
        "infraestructura": base,
        "realiza_cloracion": 1.0 if base > 0.5 else 0.0,
        "cloro_residual": base if base > 0.5 else 0.0,
        "fuente_protegida": None,
    }


def _organisations(engine: Engine) -> None:
    _rows(
        engine,
        s.organizacion_comunal,
        [
            {
                "codigo_oc": c,
                "nombre": n,
                "ubigeo": u,
                "tipo_organizacion": "JASS",
                "origen": "datass" if g == "E" else "registro",
            }
            for c, n, u, g, *_ in JASS
        ],
    )
    _rows(
        engine,
        s.registro_oc,
        [
            {
                "codigo_oc": c,
                "fecha_constitucion": D(2010, 5, 1),
                "numero_registro": f"R-{i:03d}",
                "fecha_registro": D(2016, 3, 10),
                "resolucion_reconocimiento": f"RA-{i:03d}-2016",
                "fecha_resolucion": D(2016, 4, 1),
                "consejo_inicio": D(2024, 1, 1),
                "consejo_fin": D(2025, 12, 31) if g == "D" else D(2027, 12, 31),
                "mujeres_consejo": 2,
                "total_asociados": 80 + i,
                "estatuto_aprobado": True,
                "reglamento_aprobado": True,
                "presidente": "Nombre Reservado",
            }
            for i, (c, _n, _u, g, *_) in enumerate(JASS)
            if g != "E"
        ],
    )
    visits, scores, summary = [], [], []
    for c, n, u, g, p, trend, prio, reasons in JASS:
        if g != "E":
            for k, day in enumerate((D(2025, 6, 15), D(2026, 2, 10))):
                visits.append(
                    {
                        "codigo_oc": c,
                        "fecha_visita": day,
                        "ubigeo": u,
                        "cloro_residual_mg_l": 0.2 if "sin_cloracion" in reasons else 0.8,
                        "realiza_cloracion": "sin_cloracion" not in reasons,
                        "asociados_al_dia": 50 + 10 * k,
                        "total_asociados": 80,
                        "continuidad_horas": 20 + 2 * k,
                    }
                )
            scores += [
                {
                    "codigo_oc": c,
                    "fecha_evaluacion": D(2025, 6, 15),
                    "ubigeo": u,
                    "anio": 2025,
                    "organizacion": p,
                    "finanzas": p,
                    "operacion": p,
                    "calidad": p,
                    "puntaje": p,
                    "grado": g,
                    "completitud": 0.9,
                    "es_ultima": False,
                    "items": _items(g),
                    "items_bajos": [],
                    "mejora_minima": [],
                    "version_modelo": "salud-1",
                },
                {
                    "codigo_oc": c,
                    "fecha_evaluacion": D(2026, 2, 10),
                    "ubigeo": u,
                    "anio": 2026,
                    "organizacion": min(1, p + 0.1),
                    "finanzas": p,
                    "operacion": p,
                    "calidad": max(0, p - 0.1),
                    "puntaje": p,
                    "grado": g,
                    "completitud": 0.9,
                    "es_ultima": True,
                    "items": _items(g),
                    "items_bajos": ["realiza_cloracion", "tasa_cobranza"],
                    "mejora_minima": [] if g == "A" else ["realiza_cloracion"],
                    "version_modelo": "salud-1",
                },
            ]
        summary.append(
            {
                "codigo_oc": c,
                "ubigeo": u,
                "nombre": n,
                "tipo_organizacion": "JASS",
                "registrada": g != "E",
                "reconocida": g != "E",
                "fecha_evaluacion": D(2026, 2, 10) if g != "E" else None,
                "puntaje": p,
                "grado": g,
                "grado_anterior": g,
                "tendencia": trend,
                "ultima_visita": D(2026, 2, 10) if g != "E" else None,
                "n_visitas": 2 if g != "E" else 0,
                "consejo_fin": D(2025, 12, 31) if g == "D" else D(2027, 12, 31),
                "consejo_vigente": g != "D",
                "realiza_cloracion": "sin_cloracion" not in reasons,
                "cloro_residual_mg_l": 0.8,
                "tasa_cobranza": 0.75,
                "prioridad": prio,
                "razones": reasons,
            }
        )
    _rows(engine, s.visita, visits)
    _rows(engine, s.puntaje_oc, scores)
    _rows(engine, s.resumen_oc, summary)


def _centres(engine: Engine) -> None:
    cps = [
        (f"{CASCAS}{i:04d}", n, CASCAS)
        for i, n in enumerate(["Cascas", "Huaychaca", "Las Palmas", "Santa Rosa"], start=1)
    ]
    cps += [(f"{CHACHA}{i:04d}", n, CHACHA) for i, n in enumerate(["Pucacruz", "Taquia"], 1)]
    _rows(engine, s.centro_poblado, [{"ubigeo_cp": c, "ubigeo": u, "nombre": n} for c, n, u in cps])
    rows = []
    for k, (c, _n, _u) in enumerate(cps):
        pop = 300 + 120 * k
        for anio in YEARS:
            served = int(pop * (0.6 + 0.07 * k))
            rows.append(_coverage("cp", c, anio, 1, pop, min(served, pop)))
    _rows(engine, s.cobertura, rows)


def _coverage(nivel: str, code: str, anio: int, n_cp: int, pop: int, served: int) -> dict:
    safe, san = served // 4, served // 2
    return {
        "nivel": nivel,
        "codigo": code,
        "anio": anio,
        "n_cp": n_cp,
        "poblacion_rural": pop,
        "poblacion_servida": served,
        "poblacion_agua_segura": safe,
        "poblacion_saneamiento": san,
        "poblacion_continua": served // 2,
        "viviendas": pop // 4,
        "viviendas_conexion": served // 4,
        "cobertura_agua": served / pop,
        "cobertura_agua_segura": safe / pop,
        "cobertura_saneamiento": san / pop,
        "continuidad": 0.5,
        "cobertura_agua_viviendas": served / pop,
    }


def _district_tables(engine: Engine) -> None:
    pops = {
        CASCAS: (2340, 0.82, "1311", "13"),
        CHACHA: (1140, 0.64, "0101", "01"),
        BAMBA: (900, 0.41, "1303", "13"),
    }
    counts = {CASCAS: (1, 1, 1, 1, 0), CHACHA: (0, 0, 1, 0, 1), BAMBA: (0, 0, 0, 0, 0)}
    cov, summary = [], []
    for u, (pop, share, prov, dep) in pops.items():
        for anio in YEARS:
            sh = share - (0.05 if anio == 2025 else 0)
            cov.append(_coverage("distrito", u, anio, 2, pop, int(pop * sh)))
            a, b, c_, d, e = counts[u]
            summary.append(
                {
                    "ubigeo": u,
                    "anio": anio,
                    "departamento": dep,
                    "provincia": prov,
                    "n_cp": 2,
                    "poblacion_rural": pop,
                    "cobertura_agua": sh,
                    "cobertura_agua_segura": sh / 4,
                    "cobertura_saneamiento": sh / 2,
                    "continuidad": 0.5,
                    "atm_operativa": u != BAMBA,
                    "n_oc": a + b + c_ + d + e,
                    "n_oc_a": a,
                    "n_oc_b": b,
                    "n_oc_c": c_,
                    "n_oc_d": d,
                    "n_oc_e": e,
                    "puntaje_medio": 0.6 if u != BAMBA else None,
                    "pct_oc_visitadas_12m": 0.75 if u != BAMBA else None,
                    "pct_oc_datos_recientes": 0.8,
                    "pct_oc_clorando": 0.5 if u != BAMBA else None,
                    "metas_aplicables": 1,
                    "metas_cumplidas": 1 if u == CASCAS else 0,
                    "estado_salida": "en_camino" if u == CASCAS else "no_lista",
                }
            )
    _rows(engine, s.cobertura, cov)
    _rows(engine, s.resumen_distrito, summary)
    _rows(
        engine,
        s.atm,
        [
            {
                "ubigeo": u,
                "anio": anio,
                "ordenanza_atm": "O.M. 012-2015",
                "fecha_ordenanza": D(2015, 6, 1),
                "responsable_designado": True,
                "poa_aprobado": anio == 2026,
                "presupuesto_pia": 25000 + 5000 * (anio - 2025),
                "presupuesto_ejecutado": 18000,
                "personal_atm": 2,
                "kit_cloro_residual": True,
            }
            for u in (CASCAS, CHACHA)
            for anio in YEARS
        ],
    )
    criteria = [
        {"criterio": "atm_operativa", "valor": True, "umbral": True, "cumple": True},
        {"criterio": "cobertura_agua", "valor": 0.82, "umbral": 0.9, "cumple": False},
        {"criterio": "oc_ab", "valor": 0.5, "umbral": 0.8, "cumple": False},
        {"criterio": "oc_visitadas_12m", "valor": 0.85, "umbral": 0.8, "cumple": True},
    ]
    _rows(
        engine,
        s.salida_distrito,
        [
            {
                "ubigeo": u,
                "anio": 2026,
                "estado": est,
                "n_cumplidos": 2,
                "n_criterios": 4,
                "criterios": criteria,
                "faltantes": ["cobertura_agua", "oc_ab"],
            }
            for u, est in ((CASCAS, "en_camino"), (CHACHA, "no_lista"))
        ],
    )
    _rows(
        engine,
        s.cartera_ong,
        [
            {
                "organizacion": "Water For People",
                "ubigeo": u,
                "fecha_inicio": D(2015, 1, 1),
                "fecha_salida_prevista": D(2027, 12, 31),
            }
            for u in (CASCAS, CHACHA)
        ],
    )


# Peer exchange (issue 16): written by hand (the fixture's grades carry no firm/provisional
# flag, so the real matcher would find no mentor). Cascas's weak JASS learn from Cascas and
# from a JASS of Bambamarca (another district: an ATM of Cascas sees it by name and district
# only); Pucacruz (Chachapoyas) learns chlorination from a JASS of its district that is in
# the register only (no score rows of its own here). Bambamarca's ATM (missed goal 41) pairs with Cascas's;
# Chachapoyas's (goal at risk) has no pair in Amazonas.
PEERS_AS_OF = D(2026, 3, 1)
BAMBA_JASS = ("130302-J01", "JASS Bambamarca Alto")
CHACHA_MENTOR = ("010101-J03", "JASS Tingo Alto")


def _item(item: str, n: int) -> dict[str, Any]:
    return {"codigo": "item", "item": item, "evaluaciones": n, "desde": "2025-06-15"}


def _peers(engine: Engine) -> None:
    _rows(
        engine,
        s.organizacion_comunal,
        [
            {
                "codigo_oc": code,
                "nombre": name,
                "ubigeo": ubigeo,
                "tipo_organizacion": "JASS",
                "origen": "registro",
            }
            for code, name, ubigeo in ((*BAMBA_JASS, BAMBA), (*CHACHA_MENTOR, CHACHA))
        ],
    )
    weak_d = ["reconocida", "consejo_vigente", "realiza_cloracion", "cloro_residual"]
    common = {"version_reglas": "fixture", "calculado": PEERS_AS_OF, "grado_provisional": False}
    _rows(
        engine,
        s.intercambio_jass,
        [
            {
                **common,
                "codigo_oc": "131101-J02",
                "ubigeo": CASCAS,
                "grado": "D",
                "puntaje": 0.31,
                "items_debiles": weak_d,
                "n_sugerencias": 2,
                "sin_mentor": None,
            },
            {
                **common,
                "codigo_oc": "131101-J03",
                "ubigeo": CASCAS,
                "grado": "C",
                "puntaje": 0.55,
                "items_debiles": ["realiza_cloracion", "tasa_cobranza"],
                "n_sugerencias": 1,
                "sin_mentor": [
                    {"item": "tasa_cobranza", "motivo": "sin_fuerte_en_item", "radio_km": 30.0}
                ],
            },
            {
                **common,
                "codigo_oc": "010101-J01",
                "ubigeo": CHACHA,
                "grado": "C",
                "puntaje": 0.48,
                "items_debiles": ["realiza_cloracion", "cloro_residual"],
                "n_sugerencias": 1,
                "sin_mentor": [{"item": "cloro_residual", "motivo": "sin_cupo", "radio_km": 30.0}],
            },
        ],
    )
    chlorine = {
        **_item("cloro_residual", 2),
        "lecturas": 2,
        "desde": "2025-06-15",
        "ultima_mg_l": 0.8,
    }
    _rows(
        engine,
        s.intercambio_sugerencia,
        [
            {
                "codigo_oc": "131101-J02",
                "rango": 1,
                "mentor_oc": "131101-J04",
                "ubigeo": CASCAS,
                "ubigeo_mentor": CASCAS,
                "mismo_distrito": True,
                "distancia_km": 2.1,
                "items": weak_d,
                "grado_mentor": "A",
                "puntaje_mentor": 0.93,
                "razones": [
                    *(_item(i, 2) for i in weak_d[:3]),
                    chlorine,
                    {"codigo": "mismo_distrito", "km": 2.1},
                    {"codigo": "mismo_tipo_organizacion", "tipo": "jass"},
                ],
            },
            {
                "codigo_oc": "131101-J02",
                "rango": 2,
                "mentor_oc": BAMBA_JASS[0],
                "ubigeo": CASCAS,
                "ubigeo_mentor": BAMBA,
                "mismo_distrito": False,
                "distancia_km": 24.6,
                "items": ["realiza_cloracion", "cloro_residual"],
                "grado_mentor": "B",
                "puntaje_mentor": 0.84,
                "razones": [
                    _item("realiza_cloracion", 3),
                    {**chlorine, "lecturas": 3},
                    {"codigo": "distancia", "km": 24.6},
                ],
            },
            {
                "codigo_oc": "131101-J03",
                "rango": 1,
                "mentor_oc": "131101-J01",
                "ubigeo": CASCAS,
                "ubigeo_mentor": CASCAS,
                "mismo_distrito": True,
                "distancia_km": 1.4,
                "items": ["realiza_cloracion"],
                "grado_mentor": "B",
                "puntaje_mentor": 0.78,
                "razones": [_item("realiza_cloracion", 2), {"codigo": "mismo_distrito", "km": 1.4}],
            },
            {
                "codigo_oc": "010101-J01",
                "rango": 1,
                "mentor_oc": CHACHA_MENTOR[0],
                "ubigeo": CHACHA,
                "ubigeo_mentor": CHACHA,
                "mismo_distrito": True,
                "distancia_km": 3.2,
                "items": ["realiza_cloracion"],
                "grado_mentor": "B",
                "puntaje_mentor": 0.81,
                "razones": [_item("realiza_cloracion", 4), {"codigo": "mismo_distrito", "km": 3.2}],
            },
        ],
    )
    at_risk = {"anio": 2026, "meta_anio": 2026, "meta": 41, "calculado": PEERS_AS_OF}
    _rows(
        engine,
        s.intercambio_atm,
        [
            {
                **at_risk,
                "ubigeo": BAMBA,
                "motivos": ["meta_no_cumplida"],
                "n_pares": 1,
                "sin_par": None,
            },
            {
                **at_risk,
                "ubigeo": CHACHA,
                "motivos": ["meta_en_riesgo"],
                "n_pares": 0,
                "sin_par": "sin_atm_modelo_en_departamento",
            },
        ],
    )
    _rows(
        engine,
        s.intercambio_atm_par,
        [
            {
                "ubigeo": BAMBA,
                "rango": 1,
                "ubigeo_par": CASCAS,
                "nivel": "departamento",
                "distancia_km": 88.4,
                "actividades": [
                    {"actividad": "poa_aprobado", "hecha": False},
                    {"actividad": "jass_visitadas", "hecha": None},
                ],
                "actividades_meta": ["poa", "visitas"],
            }
        ],
    )
