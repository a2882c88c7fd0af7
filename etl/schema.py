"""The warehouse: the one definition of every table (SQLAlchemy Core).

Names are Spanish, like the inputs and the users' vocabulary. Four groups:
reference (districts, goal catalogue), inputs (one table per thing users bring),
audit (load runs, archived files, rejected rows) and derived (summary tables the
dashboard reads; rewritten at the end of every load, in the same transaction).
Codes (ubigeo, codigo_oc) are text: a leading zero is part of the code.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    text,
)

metadata = MetaData()

# Every change to these tables is also an Alembic migration (etl/migrations/versions/);
# tests/integration/test_migrations.py fails when the two disagree.


def _carga() -> Column:
    """Which load run wrote (or last updated) this row: every number traces back to a file."""
    return Column("carga_id", Integer, ForeignKey("carga.id"), nullable=True)


# ---------------------------------------------------------------- reference ---------------

departamento = Table(
    "departamento",
    metadata,
    Column("ubigeo", String(2), primary_key=True),
    Column("nombre", Text, nullable=False),
)

provincia = Table(
    "provincia",
    metadata,
    Column("ubigeo", String(4), primary_key=True),
    Column("departamento", String(2), ForeignKey("departamento.ubigeo"), nullable=False),
    Column("nombre", Text, nullable=False),
)

distrito = Table(
    "distrito",
    metadata,
    Column("ubigeo", String(6), primary_key=True),
    Column("provincia", String(4), ForeignKey("provincia.ubigeo"), nullable=False, index=True),
    Column(
        "departamento", String(2), ForeignKey("departamento.ubigeo"), nullable=False, index=True
    ),
    Column("nombre", Text, nullable=False),
    Column("capital", Text),
    Column("latitud", Float),
    Column("longitud", Float),
    Column("altitud_m", Float),
    Column("superficie_km2", Float),
    # "distrito": the district capital's own point; "provincia": the province capital's point
    # (warehouses made before issue 17's reference); NULL: the source has no point.
    Column("coordenadas_fuente", String(10)),
    # Reference columns of issue 17 (data/distritos_inei.csv, scripts/build_districts.py).
    Column("ubigeo_reniec", String(6)),  # RENIEC's code: shown, never a key
    Column("pobreza_total_pct", Float),
    Column("pobreza_extrema_pct", Float),
    Column("idh_2019", Float),
    Column("vulnerabilidad_alimentaria", Float),
    # How the map draws it: "poligono" (its 2007 shape), "contenedor" (created after 2007:
    # through the shape of contenedor_2007), "punto" (no shape in the source: its own point).
    Column("mapa", String(10)),
    Column("contenedor_2007", String(6)),
    Column("contenedor_fuente", String(8)),  # "cambios" (the change list) or "propio" (ours)
)

meta = Table(
    "meta",
    metadata,
    Column("anio", Integer, primary_key=True),
    Column("numero", Integer, primary_key=True),
    Column("nombre_es", Text, nullable=False),
    Column("nombre_en", Text, nullable=False),
    Column("fecha_limite", Date, nullable=False),
    Column("categorias", Text, nullable=False),  # comma-separated PI categories, e.g. "A,B,C"
    Column("categorias_supuesto", Boolean, nullable=False),
    Column("categorias_fuente", Text),  # issue 14: source of the applicability rule
    Column("puntaje_minimo", Float, nullable=False),
    Column("puntaje_minimo_supuesto", Boolean, nullable=False),
    Column("fuente", Text),
    Column("verificado", Boolean, nullable=False),
    Column("version_catalogo", Text, nullable=False),
)

meta_actividad = Table(
    "meta_actividad",
    metadata,
    Column("anio", Integer, primary_key=True),
    Column("meta", Integer, primary_key=True),
    Column("actividad", String(40), primary_key=True),
    Column("orden", Integer, nullable=False),
    Column("descripcion_es", Text, nullable=False),
    Column("descripcion_en", Text, nullable=False),
    Column("tipo", String(10), nullable=False),  # "evidencia" | "metrica"
    Column("puntos", Float, nullable=False),
    Column("puntos_supuesto", Boolean, nullable=False),
    Column("regla", Text),  # metric name for tipo=metrica
    Column("umbral", Float),  # metric threshold in [0, 1]
    Column("umbral_supuesto", Boolean, nullable=False, default=False),
    Column("anio_dato", Integer),  # metric computed on this year's data instead of the goal's
    ForeignKeyConstraint(["anio", "meta"], ["meta.anio", "meta.numero"]),
)

# ---------------------------------------------------------------- inputs ------------------

centro_poblado = Table(
    "centro_poblado",
    metadata,
    Column("ubigeo_cp", String(10), primary_key=True),
    Column("ubigeo", String(6), ForeignKey("distrito.ubigeo"), nullable=False, index=True),
    Column("nombre", Text, nullable=False),
    Column("latitud", Float),
    Column("longitud", Float),
    Column("altitud_m", Float),
    _carga(),
)

# One DATASS survey of a centro poblado per year (the year of fecha_encuesta).
diagnostico_cp = Table(
    "diagnostico_cp",
    metadata,
    Column("ubigeo_cp", String(10), ForeignKey("centro_poblado.ubigeo_cp"), primary_key=True),
    Column("anio", Integer, primary_key=True),
    Column("ubigeo", String(6), ForeignKey("distrito.ubigeo"), nullable=False),
    Column("fecha_encuesta", Date),
    Column("total_viviendas", Integer),
    Column("viviendas_habitadas", Integer),
    Column("total_poblacion", Integer, nullable=False),
    Column("lengua_predominante", Text),
    Column("energia_electrica", Boolean),
    Column("internet", Boolean),
    Column("establecimiento_salud", Boolean),
    Column("pronoei", Boolean),
    Column("primaria", Boolean),
    Column("secundaria", Boolean),
    Column("sistema_agua", Boolean, nullable=False),
    Column("viviendas_conexion", Integer),
    Column("poblacion_servicio_agua", Integer),
    Column("sistema_disposicion_excretas", Boolean),
    Column("codigo_oc", String(40)),  # DATASS codigo_ps: the provider
    Column("prestador_servicio", Text),
    Column("tipo_organizacion_comunal", Text),
    Column("total_asociados", Integer),
    Column("cobra_cuota", Boolean),
    Column("cuota_familiar", Float),
    Column("tipo_cobro", Text),
    Column("asociados_morosos", Integer),
    Column("tiene_operador", Boolean),
    Column("registro_cloro_residual", Boolean),
    Column("codigo_fuente", Text),
    Column("fuente_principal", Text),
    Column("tipo_fuente", Text),
    Column("servicio_agua_continuo", Boolean),
    Column("sistema_cloracion", Boolean),
    Column("realiza_cloracion", Boolean),
    Column("tipo_sistema_agua", Text),
    Column("tipo_sistema_cloracion", Text),
    _carga(),
    Index("ix_diagnostico_cp_ubigeo_anio", "ubigeo", "anio"),
    # The incremental derivation finds the CPs an organisation provides for (etl/derive/incremental.py).
    Index("ix_diagnostico_cp_codigo_oc", "codigo_oc"),
)

organizacion_comunal = Table(
    "organizacion_comunal",
    metadata,
    Column("codigo_oc", String(40), primary_key=True),
    Column("nombre", Text, nullable=False),
    Column("ubigeo", String(6), ForeignKey("distrito.ubigeo"), nullable=False, index=True),
    Column("tipo_organizacion", Text),
    # "registro" when it is in the municipal book; "datass" when only DATASS names it.
    Column("origen", String(10), nullable=False),
    _carga(),
)

# The entry in the Libro de Registro Municipal de Organizaciones Comunales.
registro_oc = Table(
    "registro_oc",
    metadata,
    Column("codigo_oc", String(40), ForeignKey("organizacion_comunal.codigo_oc"), primary_key=True),
    Column("fecha_constitucion", Date),
    Column("numero_registro", Text),
    Column("fecha_registro", Date),
    Column("resolucion_reconocimiento", Text),
    Column("fecha_resolucion", Date),
    Column("consejo_inicio", Date),
    Column("consejo_fin", Date),
    Column("mujeres_consejo", Integer),
    Column("total_asociados", Integer),
    Column("estatuto_aprobado", Boolean),
    Column("reglamento_aprobado", Boolean),
    Column("presidente", Text),  # personal data (Ley 29733): never in logs or exports by default
    _carga(),
)

oc_centro_poblado = Table(
    "oc_centro_poblado",
    metadata,
    Column("codigo_oc", String(40), ForeignKey("organizacion_comunal.codigo_oc"), primary_key=True),
    Column("ubigeo_cp", String(10), primary_key=True, index=True),
    _carga(),
)

# The main water system of a centro poblado, as DATASS describes it (latest survey).
sistema_agua = Table(
    "sistema_agua",
    metadata,
    Column("ubigeo_cp", String(10), ForeignKey("centro_poblado.ubigeo_cp"), primary_key=True),
    Column("codigo_oc", String(40), index=True),
    Column("tipo_sistema_agua", Text),
    Column("codigo_fuente", Text),
    Column("fuente_principal", Text),
    Column("tipo_fuente", Text),
    Column("sistema_cloracion", Boolean),
    Column("tipo_sistema_cloracion", Text),
    Column("anio_dato", Integer, nullable=False),
    _carga(),
)

# ATM follow-up visits (ficha de seguimiento): the sustainability indicators over time.
visita = Table(
    "visita",
    metadata,
    Column("codigo_oc", String(40), ForeignKey("organizacion_comunal.codigo_oc"), primary_key=True),
    Column("fecha_visita", Date, primary_key=True),
    Column("ubigeo", String(6), ForeignKey("distrito.ubigeo"), nullable=False, index=True),
    Column("cloro_residual_mg_l", Float),
    Column("realiza_cloracion", Boolean),
    Column("registro_cloro_residual", Boolean),
    Column("cobra_cuota", Boolean),
    Column("cuota_familiar", Float),
    Column("asociados_al_dia", Integer),
    Column("total_asociados", Integer),
    Column("libro_caja_al_dia", Boolean),
    Column("fondos_disponibles", Boolean),
    Column("tiene_operador", Boolean),
    Column("operador_remunerado", Boolean),
    Column("plan_om", Boolean),
    Column("reuniones_consejo_6m", Integer),
    Column("rinde_cuentas_12m", Boolean),
    Column("continuidad_horas", Float),
    Column("estado_captacion", String(1)),
    Column("estado_conduccion", String(1)),
    Column("estado_almacenamiento", String(1)),
    Column("estado_distribucion", String(1)),
    Column("fuente_protegida", Boolean),
    Column("observaciones", Text),
    _carga(),
)

atm = Table(
    "atm",
    metadata,
    Column("ubigeo", String(6), ForeignKey("distrito.ubigeo"), primary_key=True),
    Column("anio", Integer, primary_key=True),
    Column("ordenanza_atm", Text),
    Column("fecha_ordenanza", Date),
    Column("responsable_designado", Boolean),
    Column("fecha_designacion", Date),
    Column("poa_aprobado", Boolean),
    Column("presupuesto_pia", Float),
    Column("presupuesto_ejecutado", Float),
    Column("personal_atm", Integer),
    Column("kit_cloro_residual", Boolean),
    _carga(),
)

clasificacion_municipal = Table(
    "clasificacion_municipal",
    metadata,
    Column("ubigeo", String(6), ForeignKey("distrito.ubigeo"), primary_key=True),
    Column("anio", Integer, primary_key=True),
    Column("categoria", String(2), nullable=False),
    Column("viviendas_urbanas", Integer),
    _carga(),
)

avance_meta = Table(
    "avance_meta",
    metadata,
    Column("ubigeo", String(6), ForeignKey("distrito.ubigeo"), primary_key=True),
    Column("anio", Integer, primary_key=True),
    Column("meta", Integer, primary_key=True),
    Column("actividad", String(40), primary_key=True),
    Column("estado", String(12), nullable=False),  # cumplida | en_proceso | no_iniciada
    Column("fecha", Date),
    Column("documento", Text),
    _carga(),
    ForeignKeyConstraint(
        ["anio", "meta", "actividad"],
        ["meta_actividad.anio", "meta_actividad.meta", "meta_actividad.actividad"],
    ),
)

resultado_mef = Table(
    "resultado_mef",
    metadata,
    Column("ubigeo", String(6), ForeignKey("distrito.ubigeo"), primary_key=True),
    Column("anio", Integer, primary_key=True),
    Column("meta", Integer, primary_key=True),
    Column("puntaje", Float),
    Column("cumplio", Boolean, nullable=False),
    _carga(),
    ForeignKeyConstraint(["anio", "meta"], ["meta.anio", "meta.numero"]),
)

cartera_ong = Table(
    "cartera_ong",
    metadata,
    Column("organizacion", String(120), primary_key=True),
    Column("ubigeo", String(6), ForeignKey("distrito.ubigeo"), primary_key=True),
    Column("fecha_inicio", Date),
    Column("fecha_salida_prevista", Date),
    _carga(),
)

# ---------------------------------------------------------------- audit -------------------

carga = Table(
    "carga",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("iniciada", DateTime, nullable=False),
    Column("terminada", DateTime),
    Column("usuario", Text),
    Column("equipo", Text),
    Column("estado", String(16), nullable=False),  # ok | con_rechazos | sin_datos
    Column("filas_leidas", Integer, nullable=False, default=0),
    Column("filas_cargadas", Integer, nullable=False, default=0),
    Column("filas_rechazadas", Integer, nullable=False, default=0),
    Column("version_catalogo", Text),
    Column("version_modelo", Text),
    # The date derivations were computed as of (deadlines, "last 12 months"): the load date
    # unless `load_paths(as_of=...)` gave another.
    Column("fecha_corte", Date),
    # The dashboard account that uploaded the files (NULL for command-line loads); a scoped
    # user sees the loads and rejects of their own uploads only.
    Column("cuenta", String(64)),
)

carga_archivo = Table(
    "carga_archivo",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("carga_id", Integer, ForeignKey("carga.id"), nullable=False, index=True),
    Column("archivo", Text, nullable=False),  # file name as the user gave it
    Column("sha256", String(64), nullable=False, index=True),
    Column("tipo", String(40)),  # input kind, e.g. "datass"; null when unrecognised
    Column("hoja", Text),
    Column("filas_leidas", Integer, nullable=False),
    Column("filas_cargadas", Integer, nullable=False),
    Column("filas_rechazadas", Integer, nullable=False),
    Column("archivado_en", Text),  # path in the archive folder
)

# Rejected rows and file-level problems. Reloading the same file content replaces its rows
# here (keyed by sha256), so loading a file twice does not double its rejects.
rechazo = Table(
    "rechazo",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("carga_archivo_id", Integer, ForeignKey("carga_archivo.id"), nullable=False, index=True),
    Column("sha256", String(64), nullable=False, index=True),
    Column("archivo", Text, nullable=False),
    Column("tipo", String(40)),
    Column("hoja", Text),
    Column("fila", Integer),  # as the user sees it in Excel (header is row 1)
    Column("columna", Text),
    Column("valor", Text),
    Column("codigo", String(40), nullable=False),
    Column("mensaje_es", Text, nullable=False),
    Column("mensaje_en", Text, nullable=False),
    Column("sugerencia_es", Text),
    Column("sugerencia_en", Text),
    Column("datos", JSON),  # the raw row as read, personal-data columns removed
)

# Dashboard accounts (dashboard/server/auth.py). Written only by `python -m dashboard users`; the
# dashboard itself only reads them. Passwords are stored as werkzeug hashes (scrypt).
usuario = Table(
    "usuario",
    metadata,
    Column("usuario", String(64), primary_key=True),
    Column("rol", String(16), nullable=False),  # admin | analista | atm | ong
    Column("distritos", Text),  # atm: district ubigeos separated by ","
    Column("ong", String(120)),  # ong: the portfolio's organisation (cartera_ong.organizacion)
    Column("clave_hash", Text, nullable=False),
    Column("activo", Boolean, nullable=False, default=True),
    Column("creado", DateTime, nullable=False),
    Column("actualizado", DateTime, nullable=False),
    # The session version (issue #19): a random token a session cookie must match. Replaced on
    # logout, password change and disabling, and new for a re-created account of the same name,
    # so each of those ends the account's existing sessions.
    Column("sesion", String(64), nullable=False, server_default=text("''")),
)

# ---------------------------------------------------------------- derived -----------------
# Rewritten by etl.derive at the end of every load. The dashboard reads these, never the
# formulas.

# JASS health score per organisation and assessment date (docs/puntajes.md: our model).
puntaje_oc = Table(
    "puntaje_oc",
    metadata,
    Column("codigo_oc", String(40), ForeignKey("organizacion_comunal.codigo_oc"), primary_key=True),
    Column("fecha_evaluacion", Date, primary_key=True),
    Column("ubigeo", String(6), nullable=False, index=True),
    Column("anio", Integer, nullable=False),
    Column("organizacion", Float),
    Column("finanzas", Float),
    Column("operacion", Float),
    Column("calidad", Float),
    Column("puntaje", Float),
    Column("grado", String(1), nullable=False),
    Column("completitud", Float, nullable=False),
    Column("es_ultima", Boolean, nullable=False),
    Column("items", JSON, nullable=False),  # {item: value in [0,1] or null}
    Column("items_bajos", JSON),  # items that pulled the score down most
    Column("mejora_minima", JSON),  # smallest set of items lifting it to the next grade
    Column("version_modelo", Text, nullable=False),
    # Issue 14: a grade without evidence in all four dimensions and a chlorine reading within
    # its validity is provisional (counts for no exit criterion); the reason codes say why.
    Column("grado_provisional", Boolean),
    Column("motivo_provisional", JSON),
    Index("ix_puntaje_oc_ubigeo_ultima", "ubigeo", "es_ultima"),
)

# Coverage per level (cp, distrito, provincia, departamento, nacion), code and year (docs/puntajes.md).
# anio = Y: each CP's DATASS survey of year Y; anio = 0: the "latest" view (each CP's most
# recent survey). Nation code "PE".
cobertura = Table(
    "cobertura",
    metadata,
    Column("nivel", String(12), primary_key=True),
    Column("codigo", String(10), primary_key=True),
    Column("anio", Integer, primary_key=True),
    Column("n_cp", Integer, nullable=False),
    Column("poblacion_rural", Integer, nullable=False),
    Column("poblacion_servida", Integer, nullable=False),
    Column("poblacion_agua_segura", Integer, nullable=False),
    Column("poblacion_saneamiento", Integer, nullable=False),
    Column("poblacion_continua", Integer, nullable=False),
    Column("viviendas", Integer, nullable=False),
    Column("viviendas_conexion", Integer, nullable=False),
    Column("cobertura_agua", Float),
    Column("cobertura_agua_segura", Float),
    Column("cobertura_saneamiento", Float),
    Column("continuidad", Float),
    Column("cobertura_agua_viviendas", Float),
    # Issue 14: the basis of safe water: CPs whose provider has a chlorine reading within its
    # validity (data/evidencia.yaml) on the figure's date.
    Column("n_cp_cloro_vigente", Integer),
    Index("ix_cobertura_nivel_anio", "nivel", "anio"),
)

# Goal progress per municipality and goal (docs/puntajes.md).
avance_meta_calc = Table(
    "avance_meta_calc",
    metadata,
    Column("ubigeo", String(6), ForeignKey("distrito.ubigeo"), primary_key=True),
    Column("anio", Integer, primary_key=True),
    Column("meta", Integer, primary_key=True),
    Column("aplica", Boolean, nullable=False),
    Column("categoria", String(2)),
    Column("puntaje", Float),
    Column("puntaje_maximo", Float),
    Column("puntaje_minimo", Float),
    # cumplida | en_camino | en_riesgo | no_cumplida | no_aplica
    Column("estado", String(12), nullable=False),
    Column("actividades", JSON, nullable=False),  # [{actividad, tipo, puntos, obtenido, ...}]
    Column("faltantes", JSON),  # activity ids not yet scored
    Column("mef_cumplio", Boolean),
    Column("mef_puntaje", Float),
    Column("discrepancia", Boolean),
    Index("ix_avance_meta_calc_meta", "anio", "meta"),
)

# Exit readiness per district and year (docs/puntajes.md, our model).
salida_distrito = Table(
    "salida_distrito",
    metadata,
    Column("ubigeo", String(6), ForeignKey("distrito.ubigeo"), primary_key=True),
    Column("anio", Integer, primary_key=True),
    Column("estado", String(12), nullable=False),  # lista | en_camino | no_lista
    Column("n_cumplidos", Integer, nullable=False),
    Column("n_criterios", Integer, nullable=False),
    Column("criterios", JSON, nullable=False),  # [{criterio, valor, umbral, cumple}]
    Column("faltantes", JSON, nullable=False),  # criterion ids not met
)

# One row per organisation: the latest picture the district JASS table and the visit priority
# list read (priority is our model, etl/derive/priority rules; reasons are stable codes).
resumen_oc = Table(
    "resumen_oc",
    metadata,
    Column("codigo_oc", String(40), ForeignKey("organizacion_comunal.codigo_oc"), primary_key=True),
    Column("ubigeo", String(6), nullable=False, index=True),
    Column("nombre", Text, nullable=False),
    Column("tipo_organizacion", Text),
    Column("registrada", Boolean, nullable=False),
    Column("reconocida", Boolean, nullable=False),
    Column("fecha_evaluacion", Date),
    Column("puntaje", Float),
    Column("grado", String(1), nullable=False),
    Column("grado_anterior", String(1)),
    Column("tendencia", String(8)),  # sube | baja | igual | null when one assessment only
    Column("ultima_visita", Date),
    Column("n_visitas", Integer, nullable=False),
    Column("consejo_fin", Date),
    Column("consejo_vigente", Boolean),
    Column("realiza_cloracion", Boolean),
    Column("cloro_residual_mg_l", Float),
    Column("tasa_cobranza", Float),  # asociados al día / asociados at the last visit
    Column("prioridad", Float, nullable=False),  # higher = visit sooner
    Column("razones", JSON, nullable=False),  # e.g. ["grado_d", "consejo_vencido"]
    Column("grado_provisional", Boolean),  # issue 14: see puntaje_oc
    Column("motivo_provisional", JSON),
    # issue 14: prioridad = prioridad_base (weighted reasons) × people factor × visit factor
    Column("prioridad_base", Float),
    Column("poblacion_servida", Integer),  # people served by its CPs (latest surveys)
    Index("ix_resumen_oc_ubigeo_prioridad", "ubigeo", "prioridad"),
)

# One row per district and year: what the overview map, KPIs and rankings read.
resumen_distrito = Table(
    "resumen_distrito",
    metadata,
    Column("ubigeo", String(6), ForeignKey("distrito.ubigeo"), primary_key=True),
    Column("anio", Integer, primary_key=True),
    Column("departamento", String(2), nullable=False),
    Column("provincia", String(4), nullable=False),
    Column("n_cp", Integer, nullable=False),
    Column("poblacion_rural", Integer, nullable=False),
    Column("cobertura_agua", Float),
    Column("cobertura_agua_segura", Float),
    Column("cobertura_saneamiento", Float),
    Column("continuidad", Float),
    Column("atm_operativa", Boolean, nullable=False),
    Column("n_oc", Integer, nullable=False),
    Column("n_oc_a", Integer, nullable=False),
    Column("n_oc_b", Integer, nullable=False),
    Column("n_oc_c", Integer, nullable=False),
    Column("n_oc_d", Integer, nullable=False),
    Column("n_oc_e", Integer, nullable=False),
    Column("n_oc_provisional", Integer),  # issue 14: A–D grades that are provisional
    Column("n_oc_ab_provisional", Integer),  # A or B grades that are provisional
    Column("puntaje_medio", Float),
    Column("pct_oc_visitadas_12m", Float),
    Column("pct_oc_datos_recientes", Float),
    Column("pct_oc_clorando", Float),
    Column("metas_aplicables", Integer, nullable=False),
    Column("metas_cumplidas", Integer, nullable=False),
    Column("estado_salida", String(12)),
    Index("ix_resumen_distrito_dep_anio", "departamento", "anio"),
    Index("ix_resumen_distrito_prov_anio", "provincia", "anio"),
)

INPUT_TABLES = (
    centro_poblado,
    diagnostico_cp,
    organizacion_comunal,
    registro_oc,
    oc_centro_poblado,
    sistema_agua,
    visita,
    atm,
    clasificacion_municipal,
    avance_meta,
    resultado_mef,
    cartera_ong,
)
DERIVED_TABLES = (
    puntaje_oc,
    resumen_oc,
    cobertura,
    avance_meta_calc,
    salida_distrito,
    resumen_distrito,
)
REFERENCE_TABLES = (departamento, provincia, distrito, meta, meta_actividad)
AUDIT_TABLES = (carga, carga_archivo, rechazo)


# ---------------------------------------------------------------- issue 15: SIASAR ----------
# Systems and components as SIASAR's "download data by country" export describes them
# (docs/INPUTS.md §10). Ids are SIASAR's own; `ubigeo` is matched from the names in
# `divisiones` (etl/siasar_places.py).

siasar_sistema = Table(
    "siasar_sistema",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("ubigeo", String(6), ForeignKey("distrito.ubigeo"), nullable=False, index=True),
    Column("divisiones", Text, nullable=False),
    Column("nombre", Text),
    Column("pais", Text),
    Column("fecha_encuesta", Date),
    Column("fecha_validacion", Date),
    Column("latitud", Float),
    Column("longitud", Float),
    Column("altitud", Float),
    Column("codigo", Text),
    Column("anio_construccion", Integer),
    Column("n_comunidades", Integer),
    Column("n_pse", Integer),
    Column("comunidades", Text),
    Column("pse", Text),
    Column("pob_servida", Float),
    Column("viv_servidas", Float),
    Column("tipo_gravedad", Boolean),
    Column("tipo_bombeo", Boolean),
    Column("tipo_pozo_manual", Boolean),
    Column("tipo_agua_lluvia", Boolean),
    Column("agua_epoca_seca", Boolean),
    Column("agua_epoca_lluvia", Boolean),
    _carga(),
)

# One component (a distribution network, a tank, a catchment, a treatment) of one system.
siasar_componente = Table(
    "siasar_componente",
    metadata,
    Column("sistema_id", String(40), ForeignKey("siasar_sistema.id"), primary_key=True),
    Column("tipo", String(20), primary_key=True),  # distribucion | almacenamiento | ...
    Column("componente_id", String(40), primary_key=True),
    Column("componente_codigo", Text),
    Column("estado", String(1)),  # A-D as SIASAR grades it
    Column("horas", Float),
    Column("conexiones", Integer),
    Column("micromed", Integer),
    Column("micromed_opera", Integer),
    Column("cloro_residual", Float),
    Column("volumen", Float),
    Column("volumen_ud", Text),
    Column("tipo_fuente", Text),
    Column("tipo_tratamiento", Text),
    _carga(),
)

# A link between a SIASAR system and a JASS confirmed by a person (siasar_vinculo files).
siasar_vinculo = Table(
    "siasar_vinculo",
    metadata,
    Column("sistema_id", String(40), ForeignKey("siasar_sistema.id"), primary_key=True),
    Column("codigo_oc", String(40), ForeignKey("organizacion_comunal.codigo_oc"), nullable=False),
    _carga(),
)

# Derived (rewritten at the end of every load): SIASAR's own judgement of each system, with
# the formulas of etl/derive/siasar.py, and its link to a JASS (by name, or confirmed).
siasar_calc = Table(
    "siasar_calc",
    metadata,
    Column("sistema_id", String(40), primary_key=True),
    Column("ubigeo", String(6), nullable=False, index=True),
    Column("indice_infraestructura", Float),
    Column("grado", String(1), nullable=False),
    Column("componentes", Integer, nullable=False),  # component kinds with a state (of 4)
    Column("codigo_oc", String(40), index=True),
    Column("vinculo", String(12)),  # "confirmado" | "nombre" | None (unlinked)
    Column("candidatos", JSON),  # [{"codigo_oc", "nombre"}] when unlinked
)

# Derived: where SIASAR and our latest visit disagree about the same JASS.
siasar_discrepancia = Table(
    "siasar_discrepancia",
    metadata,
    Column("codigo_oc", String(40), primary_key=True),
    Column("sistema_id", String(40), primary_key=True),
    Column("aspecto", String(20), primary_key=True),  # almacenamiento | ... | cloracion
    Column("ubigeo", String(6), nullable=False, index=True),
    Column("siasar", Text, nullable=False),
    Column("fecha_siasar", Date),
    Column("visita", Text, nullable=False),
    Column("fecha_visita", Date, nullable=False),
)


# ---------------------------------------------------------------- issue 16: intercambio -----
# Derived (rewritten nationally by every FULL derivation, etl/derive/peers.py: the first load
# of a day, or the nightly `python -m etl derive`; a small load does not redo them): who
# could learn from whom. Our own rule ("modelo local", data/intercambio.yaml), not an official
# one. Reasons are codes and numbers; etl/derive/peer_words.py renders them in both languages.

# A JASS that needs help (grade C or D, or a model item at zero) and why none helps, per item.
intercambio_jass = Table(
    "intercambio_jass",
    metadata,
    Column("codigo_oc", String(40), primary_key=True),
    Column("ubigeo", String(6), nullable=False, index=True),
    Column("grado", String(1), nullable=False),
    Column("grado_provisional", Boolean),
    Column("puntaje", Float),
    Column("items_debiles", JSON, nullable=False),  # ["cloro_residual", ...]
    Column("n_sugerencias", Integer, nullable=False),
    Column("sin_mentor", JSON),  # [{"item", "motivo", "radio_km"}]: weak items nobody covers
    Column("version_reglas", Text, nullable=False),
    Column("calculado", Date, nullable=False),  # as-of date of the derivation that matched it
)

# A suggested mentor of a JASS, ranked (1 = best).
intercambio_sugerencia = Table(
    "intercambio_sugerencia",
    metadata,
    Column("codigo_oc", String(40), primary_key=True),  # the JASS that would learn
    Column("rango", Integer, primary_key=True),
    Column("mentor_oc", String(40), nullable=False, index=True),
    Column("ubigeo", String(6), nullable=False, index=True),
    Column("ubigeo_mentor", String(6), nullable=False),
    Column("mismo_distrito", Boolean, nullable=False),
    Column("distancia_km", Float),  # between their centros poblados; NULL: a point is missing
    Column("items", JSON, nullable=False),  # the learner's weak items the mentor has full
    Column("grado_mentor", String(1), nullable=False),
    Column("puntaje_mentor", Float),
    Column("razones", JSON, nullable=False),  # [{"codigo": "item"|"distancia"|..., ...}]
)

# An ATM that does not operate or missed its latest goal, in the latest summary year.
intercambio_atm = Table(
    "intercambio_atm",
    metadata,
    Column("ubigeo", String(6), primary_key=True),
    Column("anio", Integer, nullable=False),
    Column("motivos", JSON, nullable=False),  # ["atm_no_operativa", "meta_no_cumplida"]
    Column("meta_anio", Integer),
    Column("meta", Integer),
    Column("n_pares", Integer, nullable=False),
    Column("sin_par", String(40)),  # why none: pares_sin_cupo | sin_atm_modelo_en_departamento
    Column("calculado", Date, nullable=False),  # as-of date of the derivation that paired it
)

# An ATM of the same province (then department) that operates and met its goal, ranked.
intercambio_atm_par = Table(
    "intercambio_atm_par",
    metadata,
    Column("ubigeo", String(6), primary_key=True),
    Column("rango", Integer, primary_key=True),
    Column("ubigeo_par", String(6), nullable=False, index=True),
    Column("nivel", String(12), nullable=False),  # provincia | departamento
    Column("distancia_km", Float),  # between the two district points
    Column("actividades", JSON, nullable=False),  # [{"actividad", "hecha": false|null}]
    Column("actividades_meta", JSON, nullable=False),  # goal activities the pair scored
)

PEER_TABLES = (intercambio_jass, intercambio_sugerencia, intercambio_atm, intercambio_atm_par)

# ---------------------------------------------------------------- p16: alianzas (input) -----
# A partnership between two JASS (an input kind, `alianza`, docs/INPUTS.md): the mentee learns
# from the mentor, on score-model items or a free topic. Written by the loader only (a file, or
# the "Aceptar" button, which builds a one-row file). The mentee's district (`ubigeo`) decides
# who may write it; the mentor may be of any district. States are our own words.
intercambio_alianza = Table(
    "intercambio_alianza",
    metadata,
    Column("codigo_oc", String(40), primary_key=True),  # the JASS that learns (mentee)
    Column("mentor_oc", String(40), primary_key=True),
    Column("fecha_inicio", Date, primary_key=True),
    Column("ubigeo", String(6), nullable=False, index=True),  # the mentee's district
    Column("ubigeo_mentor", String(6), nullable=False),
    # score-model item ids (etl.derive.health.items()) joined by ";" (text, not JSON: the
    # loader upserts, and PostgreSQL cannot compare json values), or NULL
    Column("items", Text),
    Column("tema", Text),  # a free topic, when not (only) model items
    Column("fecha_fin", Date),
    Column("estado", String(12), nullable=False),  # propuesta | activa | concluida | cancelada
    _carga(),
)
