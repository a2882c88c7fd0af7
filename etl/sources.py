"""The input kinds users bring (docs/INPUTS.md): how each is recognised, its columns, aliases,
checks, and where its rows go.

This is the one description of the inputs. The reader, the validator, the loader, the upload
reach (etl/reach.py), the derivations' table list (etl/derive/frames.py), the sample generator
and the tests all read it; nothing else lists input columns or input kinds.

Adding an input kind is one `Kind` entry in `KINDS` (in load order) plus, when an upsert into
its first table is not enough, its writer in etl/writers.py; tests/unit/test_kinds.py says
what else it must have (a section in docs/INPUTS.md, a sample generator).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal, TypedDict

from sqlalchemy import Table

from etl import schema, writers

FieldType = Literal[
    "text",  # free text, stripped
    "code",  # an identifier kept as text (codigo_oc, numero de registro)
    "int",
    "float",
    "amount",  # a float where "32,000" is thirty-two thousand (soles, metres, UTM): normalize
    "bool",  # Sí/Si/SI/S/1/TRUE/X ... and No/N/0/FALSE
    "date",  # dd/mm/yyyy, ISO, Excel serial
    "year",
    "ubigeo",  # 6-digit district code, leading zero repaired
    "ubigeo_cp",  # 10-digit centro poblado code, leading zero repaired
    "cp_list",  # several ubigeo_cp separated by ';'
    "grade",  # infrastructure state A-D
    "choice",  # one of Field.choices (compared without case or accents)
]


@dataclass(frozen=True)
class Field:
    """One canonical column of an input kind."""

    name: str
    type: FieldType = "text"
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    aliases: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    personal: bool = False  # personal data (Ley 29733): kept out of logs and reject dumps


@dataclass(frozen=True)
class Kind:
    """One input kind: its identifier (used in reports and on the command line), its columns,
    and what the loader does with its rows. Its place in the load order is its place in KINDS."""

    name: str
    label_es: str
    label_en: str
    fields: tuple[Field, ...]
    key: tuple[str, ...]  # natural key: duplicates within a file are rejected, loads upsert on it
    # The warehouse tables its rows are written to. Without a `writer`, rows are upserted into
    # the first one on its primary key (columns the table lacks are left out).
    tables: tuple[Table, ...] = ()
    writer: writers.Writer | None = None
    atm: bool = False  # an ATM account may upload it (it is the ATM's own information)
    # Tables the derivations (etl/derive) read, by the name they read them under.
    frames: dict[str, Table] = field(default_factory=dict)
    # Fields stored under another column name (field → column), and fields that are read and
    # checked but stored nowhere: say so here, so a field is never dropped by accident.
    renamed: dict[str, str] = field(default_factory=dict)
    dropped: tuple[str, ...] = ()
    # A sheet of SIASAR's own export: its country is checked and its places matched by name.
    siasar_export: bool = False
    # The loader adds the row's district as `ubigeo` (matched places, a link's system): the
    # upload reach checks it like any place the row names.
    adds_ubigeo: bool = False
    # Some derivation reads its rows (frames, the SIASAR view, links). False: the pages only
    # read them, and a load of nothing but such kinds keeps the last derivation (etl/load.py).
    derived: bool = True
    extra_aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


class Bounds(TypedDict):
    minimum: float
    maximum: float


# Plausible ranges (docs/INPUTS.md): beyond them a value is `out-of-range`.
POPULATION: Bounds = {"minimum": 0, "maximum": 100_000}
COUNT: Bounds = {"minimum": 0, "maximum": 100_000}
CHLORINE: Bounds = {"minimum": 0, "maximum": 10}
FEE: Bounds = {"minimum": 0, "maximum": 200}
HOURS: Bounds = {"minimum": 0, "maximum": 24}
YEAR: Bounds = {"minimum": 1990, "maximum": 2100}
MONEY: Bounds = {"minimum": 0, "maximum": 1e10}

_YN: Final = "bool"

DATASS = Kind(
    tables=(
        schema.diagnostico_cp,
        schema.centro_poblado,
        schema.organizacion_comunal,
        schema.sistema_agua,
    ),
    writer=writers.write_datass,
    atm=True,
    frames={"centro_poblado": schema.centro_poblado, "diagnostico": schema.diagnostico_cp},
    renamed={"centro_poblado": "nombre", "altitud": "altitud_m", "codigo_ps": "codigo_oc"},
    # Place names repeat the reference (the code decides), UTM coordinates repeat latitude and
    # longitude, and the school and health-post questions feed no score (yet).
    dropped=(
        "departamento",
        "provincia",
        "distrito",
        "zona_utm_wgs84",
        "coordenadas_este",
        "coordenadas_norte",
        *("establecimiento_salud_agua", "pronoei_agua", "primaria_agua", "secundaria_agua"),
        *("funciona_establecimiento_salud", "funciona_pronoei", "funciona_primaria"),
        "funciona_secundaria",
        *("establecimiento_salud_banios", "pronoei_banios", "primaria_banios"),
        "secundaria_banios",
    ),
    name="datass",
    label_es="Diagnóstico rural DATASS (un centro poblado por fila)",
    label_en="DATASS rural diagnostic (one centro poblado per row)",
    key=("ubigeo_cp", "anio"),
    fields=(
        # CentroPoblado_Nombre ("<10-digit code> - <name>") is split by the reader into both.
        Field("ubigeo_cp", "ubigeo_cp", required=True, aliases=("codigo_cp", "ubigeo_ccpp")),
        Field("centro_poblado", "text", required=True, aliases=("nombre_cp", "nombre_ccpp")),
        Field("departamento", "text"),
        Field("provincia", "text", aliases=("provincia_nombre",)),
        Field("distrito", "text", aliases=("distrito_nombre",)),
        Field("zona_utm_wgs84", "text"),
        Field("coordenadas_este", "amount"),
        Field("coordenadas_norte", "amount"),
        Field("latitud", "float", minimum=-18.5, maximum=0.1, aliases=("lat",)),
        Field("longitud", "float", minimum=-81.5, maximum=-68.5, aliases=("lon", "long")),
        Field("altitud", "amount", minimum=-10, maximum=6800),
        Field("total_viviendas", "int", **COUNT),
        Field(
            "viviendas_habitadas",
            "int",
            required=True,
            **COUNT,
            aliases=("p100_viviendashabitadas",),
        ),
        Field(
            "total_poblacion", "int", required=True, **POPULATION, aliases=("p100_totalpoblacion",)
        ),
        Field("lengua_predominante", "text"),
        Field("energia_electrica", _YN),
        Field("internet", _YN),
        Field("establecimiento_salud", _YN),
        Field("pronoei", _YN),
        Field("primaria", _YN),
        Field("secundaria", _YN),
        Field("establecimiento_salud_agua", _YN),
        Field("pronoei_agua", _YN),
        Field("primaria_agua", _YN),
        Field("secundaria_agua", _YN),
        Field("funciona_establecimiento_salud", _YN),
        Field("funciona_pronoei", _YN),
        Field("funciona_primaria", _YN),
        Field("funciona_secundaria", _YN),
        Field("establecimiento_salud_banios", _YN),
        Field("pronoei_banios", _YN),
        Field("primaria_banios", _YN),
        Field("secundaria_banios", _YN),
        Field("sistema_agua", _YN, required=True, aliases=("p105_tienesistemaagua",)),
        Field("viviendas_conexion", "int", **COUNT, aliases=("p105c_totalviviendasconconexion",)),
        Field(
            "poblacion_servicio_agua",
            "int",
            required=True,
            **POPULATION,
            aliases=("p105c_numeropoblacionconaccesoservicio", "p310_poblacionatendidaconexion"),
        ),
        Field(
            "sistema_disposicion_excretas", _YN, aliases=("p107_cuentasistemadisposicionexcretas",)
        ),
        Field("codigo_ps", "code", aliases=("codigo_prestador",)),
        Field("prestador_servicio", "text", aliases=("nombre_prestadorservicio",)),
        Field("tipo_organizacion_comunal", "text"),
        Field(
            "total_asociados",
            "int",
            **COUNT,
            aliases=("p213_numeroasociadosinscritosenpadronprestadorservicio",),
        ),
        Field("cobra_cuota", _YN, aliases=("p214_prestadorserviciosaneamientocobracuotafamiliar",)),
        Field("cuota_familiar", "amount", **FEE, aliases=("p216_cuotafamiliarpromedio",)),
        Field("tipo_cobro", "text"),
        Field("asociados_morosos", "int", **COUNT, aliases=("p217_asociadosmorososcuotafamiliar",)),
        Field("tiene_operador", _YN, aliases=("p206_prestadorservicioays_operadorgasfitero",)),
        Field(
            "registro_cloro_residual",
            _YN,
            aliases=(
                "p207c1_prestadorservicioaystienedocumentosdegestion_registorclororesidual",
                "p207c1_prestadorservicioaystienedocumentosdegestion_registroclororesidual",
            ),
        ),
        Field("codigo_fuente", "code"),
        Field("fuente_principal", "text"),
        Field("tipo_fuente", "text"),
        Field("servicio_agua_continuo", _YN, aliases=("p302_servicioaguacontinuo24horas",)),
        Field("sistema_cloracion", _YN, aliases=("p315_tienesistemacloracion",)),
        Field("realiza_cloracion", _YN, aliases=("p315a_realizacloracionagua",)),
        Field("tipo_sistema_agua", "text", aliases=("p334_tiposistemaaguacuenta",)),
        Field("tipo_sistema_cloracion", "text"),
        # FechaModificacion (when a record was edited) is not a survey date (issue 14): it is
        # not an alias here, so a row without fecha_encuesta stays "sin fecha".
        Field("fecha_encuesta", "date"),
    ),
)

REGISTRO_OC = Kind(
    tables=(schema.registro_oc, schema.organizacion_comunal, schema.oc_centro_poblado),
    writer=writers.write_registro,
    atm=True,
    frames={
        "orgs": schema.organizacion_comunal,
        "registro": schema.registro_oc,
        "oc_cp": schema.oc_centro_poblado,
    },
    name="registro_oc",
    label_es="Libro de registro municipal de organizaciones comunales",
    label_en="Municipal register of community organisations",
    key=("codigo_oc",),
    fields=(
        Field("codigo_oc", "code", required=True, aliases=("codigo_ps", "codigo")),
        Field("nombre", "text", required=True, aliases=("nombre_oc", "organizacion_comunal")),
        Field("ubigeo", "ubigeo", required=True, aliases=("ubigeo_distrito",)),
        Field("ubigeo_cp", "cp_list", aliases=("centros_poblados",)),
        Field(
            "tipo_organizacion",
            "choice",
            choices=("JASS", "comite", "asociacion", "cooperativa", "otro"),
        ),
        Field("fecha_constitucion", "date"),
        Field("numero_registro", "code", aliases=("n_registro", "nro_registro")),
        Field("fecha_registro", "date"),
        Field("resolucion_reconocimiento", "code"),
        Field("fecha_resolucion", "date"),
        Field("consejo_inicio", "date"),
        Field("consejo_fin", "date"),
        Field("mujeres_consejo", "int", minimum=0, maximum=20),
        Field("total_asociados", "int", **COUNT),
        Field("estatuto_aprobado", _YN),
        Field("reglamento_aprobado", _YN),
        Field("presidente", "text", personal=True),
    ),
)

MONITOREO_OC = Kind(
    tables=(schema.visita,),
    atm=True,
    frames={"visitas": schema.visita},
    name="monitoreo_oc",
    label_es="Seguimiento de organizaciones comunales (visitas de la ATM)",
    label_en="Community organisation follow-up (ATM visits)",
    key=("codigo_oc", "fecha_visita"),
    fields=(
        Field("codigo_oc", "code", required=True, aliases=("codigo_ps",)),
        Field("fecha_visita", "date", required=True, aliases=("fecha",)),
        Field("ubigeo", "ubigeo"),
        Field("cloro_residual_mg_l", "float", **CHLORINE, aliases=("cloro_residual", "clr")),
        Field("realiza_cloracion", _YN),
        Field("registro_cloro_residual", _YN),
        Field("cobra_cuota", _YN),
        Field("cuota_familiar", "amount", **FEE),
        Field("asociados_al_dia", "int", **COUNT),
        Field("total_asociados", "int", **COUNT),
        Field("libro_caja_al_dia", _YN),
        Field("fondos_disponibles", _YN),
        Field("tiene_operador", _YN),
        Field("operador_remunerado", _YN),
        Field("plan_om", _YN, aliases=("plan_operacion_mantenimiento",)),
        Field("reuniones_consejo_6m", "int", minimum=0, maximum=200),
        Field("rinde_cuentas_12m", _YN),
        Field("continuidad_horas", "float", **HOURS),
        Field("estado_captacion", "grade"),
        Field("estado_conduccion", "grade"),
        Field("estado_almacenamiento", "grade"),
        Field("estado_distribucion", "grade"),
        Field("fuente_protegida", _YN),
        Field("observaciones", "text"),
    ),
)

ATM = Kind(
    tables=(schema.atm,),
    atm=True,
    frames={"atm": schema.atm},
    name="atm",
    label_es="Área técnica municipal por distrito y año",
    label_en="Municipal technical area per district and year",
    key=("ubigeo", "anio"),
    fields=(
        Field("ubigeo", "ubigeo", required=True),
        Field("anio", "year", required=True, **YEAR, aliases=("ano", "year")),
        Field("ordenanza_atm", "code", aliases=("ordenanza",)),
        Field("fecha_ordenanza", "date"),
        Field("responsable_designado", _YN),
        Field("fecha_designacion", "date"),
        Field("poa_aprobado", _YN),
        Field("presupuesto_pia", "amount", **MONEY),
        Field("presupuesto_ejecutado", "amount", **MONEY),
        Field("personal_atm", "int", minimum=0, maximum=500),
        Field("kit_cloro_residual", _YN),
    ),
)

AVANCE_METAS = Kind(
    tables=(schema.avance_meta,),
    atm=True,
    frames={"avance": schema.avance_meta},
    name="avance_metas",
    label_es="Avance de actividades de las metas (evidencias)",
    label_en="Goal activity evidence",
    key=("ubigeo", "anio", "meta", "actividad"),
    fields=(
        Field("ubigeo", "ubigeo", required=True),
        Field("anio", "year", required=True, **YEAR, aliases=("ano",)),
        Field("meta", "int", required=True, minimum=1, maximum=999),
        Field("actividad", "code", required=True),
        Field("estado", "choice", required=True, choices=("cumplida", "en_proceso", "no_iniciada")),
        Field("fecha", "date"),
        Field("documento", "text"),
    ),
)

RESULTADO_MEF = Kind(
    tables=(schema.resultado_mef,),
    frames={"mef": schema.resultado_mef},
    name="resultado_mef",
    label_es="Resultado oficial de evaluación de metas (MEF)",
    label_en="Official goal evaluation (MEF)",
    key=("ubigeo", "anio", "meta"),
    fields=(
        Field("ubigeo", "ubigeo", required=True),
        Field("anio", "year", required=True, **YEAR, aliases=("ano",)),
        Field("meta", "int", required=True, minimum=1, maximum=999),
        Field("puntaje", "float", minimum=0, maximum=1000),
        Field("cumplio", _YN, required=True, aliases=("cumple",)),
    ),
)

CLASIFICACION_MUNICIPAL = Kind(
    tables=(schema.clasificacion_municipal,),
    frames={"clasificacion": schema.clasificacion_municipal},
    name="clasificacion_municipal",
    label_es="Clasificación municipal del Programa de Incentivos",
    label_en="Incentive programme municipal category",
    key=("ubigeo", "anio"),
    fields=(
        Field("ubigeo", "ubigeo", required=True),
        Field("anio", "year", required=True, **YEAR, aliases=("ano",)),
        Field("categoria", "choice", required=True, choices=("A", "B", "C", "D", "E", "F", "G")),
        Field("viviendas_urbanas", "int", minimum=0, maximum=5_000_000),
    ),
)

CARTERA_ONG = Kind(
    tables=(schema.cartera_ong,),
    derived=False,
    name="cartera_ong",
    label_es="Cartera de distritos de una ONG",
    label_en="An NGO's district portfolio",
    key=("ubigeo", "organizacion"),
    fields=(
        Field("ubigeo", "ubigeo", required=True),
        Field("organizacion", "text", required=True, aliases=("ong",)),
        Field("fecha_inicio", "date"),
        Field("fecha_salida_prevista", "date"),
    ),
)

# --- issue 15: SIASAR "download data by country" system sheets (docs/INPUTS.md §9) -------------
# Columns as SIASAR's exporter names them (seen in the Peru export: system_distribution.PE.xls,
# system_storage-PE.xls). Each component sheet repeats the system's columns, then adds its
# component's own under a prefix (dist_, almc_, ...). The catchment and treatment prefixes
# (capt_/cap_, trat_/trt_) are our reading of the same exporter, not seen in a file yet.
SIASAR_SYSTEM_FIELDS: Final = (
    Field("id", "code", required=True, aliases=("id_sistema", "sistema_id", "siasar_id")),
    Field("divisiones", "text", required=True),
    Field("nombre", "text", aliases=("nombre_sistema",)),
    Field("pais", "text"),
    Field("fecha_encuesta", "date"),
    Field("fecha_validacion", "date"),
    Field("latitud", "float", minimum=-18.5, maximum=0.1),
    Field("longitud", "float", minimum=-81.5, maximum=-68.5),
    Field("altitud", "amount", minimum=-10, maximum=6800),
    Field("codigo", "code"),
    Field("anio_construccion", "year", minimum=1900, maximum=2100, aliases=("ano", "anio")),
    Field("n_comunidades", "int", **COUNT),
    Field("n_pse", "int", **COUNT),
    Field("comunidades", "text"),
    Field("pse", "text"),
    # SIASAR estimates these (171.43 people): kept as the export gives them
    Field("pob_servida", "float", **POPULATION),
    Field("viv_servidas", "float", **COUNT),
    Field("tipo_gravedad", _YN),
    Field("tipo_bombeo", _YN),
    Field("tipo_pozo_manual", _YN),
    Field("tipo_agua_lluvia", _YN),
    Field("agua_epoca_seca", _YN),
    Field("agua_epoca_lluvia", _YN),
)


def _component(prefixes: tuple[str, ...], *own: tuple[str, FieldType, dict]) -> tuple[Field, ...]:
    """A component's own columns: `<prefix>_ID`, `<prefix>_codigo`, `<prefix>_estado`, ..."""

    def names(suffix: str) -> tuple[str, ...]:
        return tuple(f"{p}_{suffix}" for p in prefixes)

    first, *rest = names("id")
    fields = [
        Field("componente_id", "code", required=True, aliases=(first, *rest)),
        Field("componente_codigo", "code", aliases=names("codigo")),
        Field("estado", "grade", aliases=names("estado")),
    ]
    for name, type_, bounds in own:
        fields.append(Field(name, type_, aliases=names(name), **bounds))
    return (*SIASAR_SYSTEM_FIELDS, *tuple(fields))


SIASAR_SYSTEM_KEY = ("id",)
SIASAR_COMPONENT_KEY = ("id", "componente_id")
SIASAR_DISTRIBUCION = Kind(
    tables=(schema.siasar_componente, schema.siasar_sistema),
    writer=writers.component_writer("distribucion"),
    atm=True,
    siasar_export=True,
    adds_ubigeo=True,
    name="siasar_distribucion",
    label_es="SIASAR: red de distribución de cada sistema (system_distribution)",
    label_en="SIASAR: each system's distribution network (system_distribution)",
    key=SIASAR_COMPONENT_KEY,
    fields=_component(
        ("dist",),
        ("horas", "float", dict(HOURS)),
        ("conexiones", "int", dict(COUNT)),
        ("micromed", "int", dict(COUNT)),
        ("micromed_opera", "int", dict(COUNT)),
        ("cloro_residual", "float", dict(CHLORINE)),
    ),
)
SIASAR_ALMACENAMIENTO = Kind(
    tables=(schema.siasar_componente, schema.siasar_sistema),
    writer=writers.component_writer("almacenamiento"),
    atm=True,
    siasar_export=True,
    adds_ubigeo=True,
    name="siasar_almacenamiento",
    label_es="SIASAR: almacenamiento (reservorios) de cada sistema (system_storage)",
    label_en="SIASAR: each system's storage tanks (system_storage)",
    key=SIASAR_COMPONENT_KEY,
    fields=_component(
        ("almc", "alm"),
        ("volumen", "amount", {"minimum": 0, "maximum": 1e9}),
        ("volumen_ud", "text", {}),
    ),
)
SIASAR_CAPTACION = Kind(
    tables=(schema.siasar_componente, schema.siasar_sistema),
    writer=writers.component_writer("captacion"),
    atm=True,
    siasar_export=True,
    adds_ubigeo=True,
    name="siasar_captacion",
    label_es="SIASAR: captaciones de cada sistema (system_catchment)",
    label_en="SIASAR: each system's catchments (system_catchment)",
    key=SIASAR_COMPONENT_KEY,
    fields=_component(("capt", "cap"), ("tipo_fuente", "text", {})),
)
SIASAR_TRATAMIENTO = Kind(
    tables=(schema.siasar_componente, schema.siasar_sistema),
    writer=writers.component_writer("tratamiento"),
    atm=True,
    siasar_export=True,
    adds_ubigeo=True,
    renamed={"tipo": "tipo_tratamiento"},
    name="siasar_tratamiento",
    label_es="SIASAR: tratamiento (cloración) de cada sistema (system_treatment)",
    label_en="SIASAR: each system's treatment (chlorination) (system_treatment)",
    key=SIASAR_COMPONENT_KEY,
    fields=_component(
        ("trat", "trt"), ("tipo", "text", {}), ("cloro_residual", "float", dict(CHLORINE))
    ),
)
SIASAR_SISTEMA = Kind(
    tables=(schema.siasar_sistema,),
    writer=writers.write_siasar_systems,
    atm=True,
    siasar_export=True,
    adds_ubigeo=True,
    name="siasar_sistema",
    label_es="SIASAR: sistemas (hoja principal, un sistema por fila)",
    label_en="SIASAR: systems (main sheet, one system per row)",
    key=SIASAR_SYSTEM_KEY,
    fields=SIASAR_SYSTEM_FIELDS,
)
SIASAR_VINCULO = Kind(
    tables=(schema.siasar_vinculo,),
    writer=writers.write_links,
    atm=True,
    adds_ubigeo=True,
    renamed={"siasar_id": "sistema_id"},
    name="siasar_vinculo",
    label_es="Vínculos confirmados entre sistemas SIASAR y organizaciones comunales",
    label_en="Confirmed links between SIASAR systems and community organisations",
    key=("siasar_id",),
    fields=(
        Field("siasar_id", "code", required=True, aliases=("id_siasar", "sistema_siasar")),
        Field("codigo_oc", "code", required=True, aliases=("codigo_jass",)),
    ),
)
# --- issue 16 (p16): the partnership register ------------------------------------------------
# A mentor JASS helps a mentee JASS on score-model items or a free topic. An ATM may write a
# partnership whose MENTEE is of its districts; the mentor may be of any district (etl/reach.py
# `ANYWHERE_COLUMNS`). Checks against the warehouse in etl/partnership.py. States: our words.
PARTNERSHIP_STATES = ("propuesta", "activa", "concluida", "cancelada")
ALIANZA = Kind(
    tables=(schema.intercambio_alianza,),
    derived=False,
    atm=True,
    name="alianza",
    label_es="Alianzas entre JASS (quién aprende de quién, desde cuándo)",
    label_en="Partnerships between JASS (who learns from whom, since when)",
    key=("codigo_oc", "mentor_oc", "fecha_inicio"),
    fields=(
        Field(
            "codigo_oc",
            "code",
            required=True,
            aliases=("codigo_oc_aprende", "jass_aprende", "jass_que_aprende", "aprendiz", "mentee"),
        ),
        Field(
            "mentor_oc",
            "code",
            required=True,
            aliases=("codigo_oc_mentor", "jass_mentora", "mentor", "jass_mentor"),
        ),
        Field("items", "text", aliases=("items_modelo", "item")),
        Field("tema", "text", aliases=("tema_libre", "topic")),
        Field("fecha_inicio", "date", required=True, aliases=("inicio", "desde")),
        Field("fecha_fin", "date", aliases=("fin", "hasta")),
        Field("estado", "choice", required=True, choices=PARTNERSHIP_STATES),
    ),
)
# Every input kind, in the order a multi-file load applies them, so references resolve within
# one load: the classification and ATM facts first, the register before the DATASS surveys and
# the visits that name its organisations; SIASAR systems before their components, links after
# the register and the systems (issue 15); partnerships last (they name JASS of any file).
KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        CLASIFICACION_MUNICIPAL,
        ATM,
        REGISTRO_OC,
        DATASS,
        MONITOREO_OC,
        AVANCE_METAS,
        RESULTADO_MEF,
        CARTERA_ONG,
        SIASAR_SISTEMA,
        SIASAR_DISTRIBUCION,
        SIASAR_ALMACENAMIENTO,
        SIASAR_CAPTACION,
        SIASAR_TRATAMIENTO,
        SIASAR_VINCULO,
        ALIANZA,
    )
}

# Derived from KINDS (computed once, here):
LOAD_ORDER: Final = tuple(KINDS)
ATM_KINDS: Final = frozenset(k.name for k in KINDS.values() if k.atm)
SIASAR_KINDS: Final = frozenset(k.name for k in KINDS.values() if k.siasar_export)
# Kinds no derivation reads (partnerships, NGO portfolios: the pages read them): a load of
# nothing else keeps the last derivation (etl/load.py; tests/unit/test_kinds.py checks that
# etl/derive never names their tables).
UNDERIVED_KINDS: Final = frozenset(k.name for k in KINDS.values() if not k.derived)
# The kinds' tables the derivations read, by name (tests/unit/test_kinds.py: names are unique).
FRAMES: Final = {name: table for k in KINDS.values() for name, table in k.frames.items()}
