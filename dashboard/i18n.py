"""Every user-facing string in Spanish and English, and number/date formatting per language.

`t(key, lang)` looks a key up; a test fails when a key lacks either language or when code uses
a key that is not here. Codes stored by the ETL (reasons, criteria, items) are translated with
`label(prefix, code, lang)`, which falls back to a readable form of the code itself.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from etl import evidence

LANGS = ("es", "en")

TEXTS: dict[str, tuple[str, str]] = {
    # ---- shell: every page's frame (navigation, language, account, login) and shared words
    "app.title": ("Tablero ATM", "ATM dashboard"),
    "nav.overview": ("Resumen", "Overview"),
    "nav.goals": ("Metas", "Goals"),
    "nav.exit": ("Salida (ONG)", "Exit (NGO)"),
    "nav.peers": ("Intercambio", "Peer exchange"),
    "nav.data": ("Datos", "Data"),
    "nav.lang": ("Idioma", "Language"),
    "nav.skip": ("Saltar al contenido", "Skip to content"),
    "nav.logout": ("Salir", "Log out"),
    "nav.account": ("Cuenta: {name} ({role})", "Account: {name} ({role})"),
    "demo.banner": (
        "DEMOSTRACIÓN: datos de ejemplo, sin inicio de sesión, solo en este equipo "
        "(127.0.0.1). Para usarlo de verdad vea «Despliegue real» en el README.",
        "DEMO: sample data, no login, this computer only (127.0.0.1). "
        "To use it for real see 'Deploying for real' in the README.",
    ),
    "login.title": ("Iniciar sesión", "Log in"),
    "login.user": ("Usuario", "User name"),
    "login.password": ("Contraseña", "Password"),
    "login.submit": ("Entrar", "Log in"),
    "login.failed": ("Usuario o contraseña incorrectos.", "Wrong user name or password."),
    "login.expired": (
        "El formulario caducó; vuelva a intentarlo.",
        "The form expired; please try again.",
    ),
    "login.too_many": (
        "Demasiados intentos. Espere un minuto y vuelva a intentarlo.",
        "Too many attempts. Wait a minute and try again.",
    ),
    "login.help": (
        "Las cuentas las crea el administrador del tablero.",
        "Accounts are created by the dashboard's administrator.",
    ),
    "logout.confirm": ("¿Cerrar la sesión?", "Log out?"),
    "role.admin": ("administrador", "administrator"),
    "role.analista": ("analista nacional", "national analyst"),
    "role.atm": ("ATM municipal", "municipal ATM"),
    "role.ong": ("ONG", "NGO"),
    "common.local_model": ("modelo local, configurable", "local model, configurable"),
    "common.local_model_help": (
        "Regla elegida por este proyecto, no oficial; se puede cambiar en la configuración.",
        "A rule chosen by this project, not official; it can be changed in the configuration.",
    ),
    "common.assumption": ("supuesto", "assumption"),
    "common.assumption_help": (
        "Valor supuesto: la tabla oficial no estaba disponible.",
        "Assumed value: the official table was not available.",
    ),
    "common.yes": ("Sí", "Yes"),
    "common.no": ("No", "No"),
    "common.export_csv": ("Exportar CSV", "Export CSV"),
    "common.export_xlsx": ("Exportar Excel", "Export Excel"),
    "common.year": ("Año", "Year"),
    "common.error": (
        "No se pudo mostrar esta sección; el detalle quedó en el registro del servidor. Tipo:",
        "This section could not be shown; the detail is in the server log. Kind:",
    ),
    "common.no_data": (
        "El almacén no tiene datos todavía. Cargue archivos con «python -m etl load».",
        "The warehouse has no data yet. Load files with “python -m etl load”.",
    ),
    "common.back_overview": ("Volver al resumen", "Back to the overview"),
    "common.district": ("Distrito", "District"),
    "common.province": ("Provincia", "Province"),
    "common.department": ("Departamento", "Department"),
    "common.grade": ("Grado", "Grade"),
    "common.score": ("Puntaje", "Score"),
    "common.name": ("Nombre", "Name"),
    "common.status": ("Estado", "Status"),
    "common.missing": ("Qué falta", "What is missing"),
    "common.export_help": (
        "Descarga las filas que se ven, con los filtros y el orden aplicados.",
        "Downloads the rows shown, with the filters and sort applied.",
    ),
    "common.no_rows": ("No hay filas que mostrar.", "There are no rows to show."),
    "common.export_unknown": (
        "Esa tabla no existe o no está en su ámbito. Vuelva a la página y use su botón de "
        "exportar.",
        "That table does not exist or is outside your scope. Go back to the page and use its "
        "export button.",
    ),
    "common.export_bad_link": (
        "El enlace de exportación no es válido. Vuelva a la página y use su botón de exportar.",
        "The export link is not valid. Go back to the page and use its export button.",
    ),
    "common.export_busy": (
        "Ya hay una descarga en curso para esta cuenta; espere a que termine.",
        "A download is already running for this account; wait for it to finish.",
    ),
    "common.export_too_many_rows": (
        "La tabla tiene más de {n} filas: filtre la tabla antes de descargarla.",
        "The table has more than {n} rows: filter the table before downloading it.",
    ),
    "grade.title": (
        "Grado de salud JASS · modelo local, escala SIASAR: {grade}",
        "JASS health grade · local model, SIASAR scale: {grade}",
    ),
    "grade.provisional": ("provisional", "provisional"),
    "grade.provisional_title": (
        "provisional, no cuenta para la salida",
        "provisional, counts for no exit criterion",
    ),
    "grade.provisional_share": (
        "{n} provisionales ({pct}): sin las cuatro dimensiones o sin lectura de cloro vigente",
        "{n} provisional ({pct}): missing a dimension or a current chlorine reading",
    ),
    "motivo.falta_organizacion": ("sin datos de organización", "no organisation data"),
    "motivo.falta_finanzas": ("sin datos de finanzas", "no finance data"),
    "motivo.falta_operacion": (
        "sin datos de operación y mantenimiento (infraestructura no vista)",
        "no operation & maintenance data (infrastructure not seen)",
    ),
    "motivo.falta_calidad": ("sin datos de calidad del agua", "no water-quality data"),
    "motivo.sin_cloro_vigente": (
        "sin lectura de cloro residual de los últimos {meses} meses",
        "no residual-chlorine reading in the last {meses} months",
    ),
    "kpi.safe_basis": (
        "{n} de {total} CP con lectura de cloro de los últimos {meses} meses",
        "{n} of {total} CPs with a chlorine reading from the last {meses} months",
    ),
    "kpi.safe_tip": (
        "Población de CP cuyo prestador clora (DATASS) y cuya última lectura de cloro residual, de"
        " los últimos {meses} meses, está entre {cloro}. Un CP sin lectura vigente cuenta como no"
        " segura. No es comparable con la cifra ENAPRES/PNSR, que el INEI mide en hogares.",
        "Population of CPs whose provider chlorinates (DATASS) and whose last residual-chlorine"
        " reading, from the last {meses} months, is within {cloro}. A CP without a current reading"
        " counts as not safe. Not comparable with the ENAPRES/PNSR figure, which INEI measures in"
        " households.",
    ),
    "kpi.water_basis": ("{total} CP con encuesta DATASS", "{total} CPs with a DATASS survey"),
    "kpi.san_basis": (
        "personas, no hogares · {total} CP con encuesta DATASS",
        "people, not households · {total} CPs with a DATASS survey",
    ),
    "kpi.san_tip": (
        "Población total de los CP donde DATASS dice que hay un sistema de disposición de excretas,"
        " sobre la población rural. DATASS no da aquí las viviendas con unidad sanitaria, así que"
        " no es la cobertura en hogares de PNSR/INEI y no es comparable con ella.",
        "Whole population of the CPs where DATASS records an excreta-disposal system, over the"
        " rural population. DATASS gives no count of dwellings with a sanitary unit here, so this"
        " is not PNSR/INEI's household coverage and is not comparable with it.",
    ),
    # ---- overview `/` (urls.OVERVIEW): filters, KPIs, map, ranking, brecha × pobreza
    "ov.title": ("Resumen nacional", "National overview"),
    "ov.title_scoped": ("Resumen de sus distritos", "Overview of your districts"),
    "ov.title_place": ("Resumen · {place}", "Overview · {place}"),
    "ov.dep": ("Departamento", "Department"),
    "ov.prov": ("Provincia", "Province"),
    "ov.dist": ("Ir al distrito", "Go to district"),
    "ov.indicator": ("Indicador", "Indicator"),
    "ov.all_deps": ("Todo el Perú", "All of Peru"),
    "ov.all_provs": ("Todas las provincias", "All provinces"),
    "ov.pick_dist": ("Elija un distrito…", "Choose a district…"),
    "ov.type_dist": ("Escriba el nombre del distrito…", "Type the district's name…"),
    "ov.kpi_atm": ("Distritos con ATM operativa", "Districts with an operating ATM"),
    "ov.kpi_jass": (
        "JASS por grado de salud · modelo local, escala SIASAR",
        "JASS by health grade · local model, SIASAR scale",
    ),
    "ov.kpi_water": ("Cobertura de agua rural", "Rural water coverage"),
    "ov.kpi_safe": ("Agua segura (clorada)", "Safe (chlorinated) water"),
    "ov.kpi_san": (
        "Población en CP con disposición de excretas",
        "Population of CPs with excreta disposal",
    ),
    "ov.kpi_goals": ("Metas cumplidas / aplicables", "Goals met / applicable"),
    "ov.kpi_of": ("de", "of"),
    "ov.map": ("Mapa de distritos", "District map"),
    "ov.map_loading": ("Cargando el mapa…", "Loading the map…"),
    "ov.map_failed": (
        "No se pudo cargar el mapa; recargue la página.",
        "The map could not be loaded; reload the page.",
    ),
    "ov.map_help": (
        "Distritos con sus límites de 2007 (INEI), coloreados por el indicador; gris: sin datos. "
        "Los distritos creados después de 2007 se ven dentro del distrito de 2007 que los "
        "contenía (y como rombo en su capital); los rombos son distritos sin límite en la fuente. "
        "Haga clic en un distrito para abrirlo.",
        "Districts with their 2007 (INEI) boundaries, coloured by the indicator; grey: no data. "
        "Districts created after 2007 show inside the 2007 district that contained them (and as "
        "a diamond at their capital); diamonds are districts with no boundary in the source. "
        "Click a district to open it.",
    ),
    "ov.ranking": ("Ranking de distritos", "District ranking"),
    "ov.ranking_gap": ("⋯ otros {n} distritos ⋯", "⋯ {n} other districts ⋯"),
    "ov.grades": (
        "JASS por grado de salud · modelo local, escala SIASAR",
        "JASS by health grade · local model, SIASAR scale",
    ),
    "ov.no_districts": (
        "No hay distritos con datos para este filtro y año.",
        "No districts have data for this filter and year.",
    ),
    "ov.rural_pop": ("Población rural", "Rural population"),
    "ov.all_districts": ("Otros distritos (referencia)", "Other districts (reference)"),
    "ov.no_goals_year": ("Sin metas en este año", "No goals in this year"),
    "ov.no_goal_this_year": (
        "Sin meta este año (la última catalogada, {year}: {last})",
        "No goal this year (the last catalogued, {year}: {last})",
    ),
    "map.no_data": ("sin datos", "no data"),
    "map.contains": (
        "Contiene distritos creados después de 2007: {names}",
        "Contains districts created after 2007: {names}",
    ),
    "map.created": (
        "Creado después de 2007: sin límite propio en el mapa de 2007",
        "Created after 2007: no boundary of its own on the 2007 map",
    ),
    "map.point_only": (
        "Sin límite en la fuente: se muestra su capital",
        "No boundary in the source: its capital is shown",
    ),
    "bp.rule": (
        "Regla propia, no oficial: personas rurales sin agua × tasa de pobreza total del "
        "distrito (mapa de pobreza INEI). Cuanto mayor, más personas pobres sin agua: dónde "
        "debería ir el próximo sol. Ver docs/puntajes.md.",
        "Our rule, not an official one: rural people without water × the district's total "
        "poverty rate (INEI poverty map). The larger, the more poor people without water: "
        "where the next sol should go. See docs/puntajes.md.",
    ),
    "bp.none": (
        "Ningún distrito tiene cobertura y tasa de pobreza para este filtro y año.",
        "No district has both coverage and a poverty rate for this filter and year.",
    ),
    "bp.detail": (
        "{people} personas sin agua, {poverty} en pobreza",
        "{people} people without water, {poverty} in poverty",
    ),
    "bp.without": ("Personas rurales sin agua", "Rural people without water"),
    "bp.poverty": ("Pobreza total", "Total poverty"),
    # ---- indicators (overview filter, district and sheet KPIs)
    "ind.cobertura_agua": ("Cobertura de agua", "Water coverage"),
    "ind.cobertura_agua_segura": (
        "Agua segura (lectura de cloro vigente)",
        "Safe water (current chlorine reading)",
    ),
    "ind.cobertura_saneamiento": (
        "Población en CP con disposición de excretas",
        "Population of CPs with excreta disposal",
    ),
    "ind.continuidad": ("Continuidad 24 h", "24-hour continuity"),
    "ind.puntaje_medio": ("Puntaje medio de las JASS", "Mean JASS score"),
    "ind.pct_oc_clorando": ("JASS que cloran", "JASS chlorinating"),
    "ind.pct_oc_visitadas_12m": ("JASS con visita vigente", "JASS with a current visit"),
    "ind.brecha_pobreza": (
        "Brecha × pobreza (regla propia)",
        "Gap × poverty (our rule)",
    ),
    # ---- district `/distrito/<ubigeo>` (urls.DISTRICT): page, district map, printable sheet
    "di.unknown": (
        "No existe un distrito con el código «{code}».",
        "There is no district with code “{code}”.",
    ),
    "di.atm": ("Área Técnica Municipal (ATM)", "Municipal Technical Area (ATM)"),
    "di.atm_none": (
        "No hay datos del ATM de este distrito.",
        "There is no data on this district's ATM.",
    ),
    "di.ordinance": ("Ordenanza", "Ordinance"),
    "di.head": ("Responsable designado", "Head designated"),
    "di.poa": ("POA aprobado", "Annual plan (POA) approved"),
    "di.budget": ("Presupuesto PIA", "Opening budget (PIA)"),
    "di.spent": ("Ejecutado", "Spent"),
    "di.staff": ("Personal", "Staff"),
    "di.jass": ("JASS del distrito", "The district's JASS"),
    "di.no_jass": (
        "No hay JASS registradas en este distrito.",
        "There are no JASS registered in this district.",
    ),
    "di.priority": ("A quién visitar primero", "Whom to visit first"),
    "di.priority_help": (
        "Orden por prioridad: las razones explican por qué cada JASS necesita una visita.",
        "Ordered by priority: the reasons explain why each JASS needs a visit.",
    ),
    "di.reasons": ("Razones", "Reasons"),
    "di.no_priority": (
        "Ninguna JASS necesita una visita urgente.",
        "No JASS needs an urgent visit.",
    ),
    "di.coverage_cp": ("Cobertura por centro poblado", "Coverage by populated centre"),
    "di.no_cp": (
        "Este distrito no tiene centros poblados rurales registrados.",
        "This district has no rural populated centres registered.",
    ),
    "di.goals": ("Metas del Programa de Incentivos", "Incentive programme goals"),
    "di.no_goals": (
        "Ninguna meta cargada aplica a este distrito.",
        "No loaded goal applies to this district.",
    ),
    "di.exit": ("Preparación para la salida", "Exit readiness"),
    "di.no_exit": (
        "No hay evaluación de salida para este distrito.",
        "There is no exit assessment for this district.",
    ),
    "di.trend": ("Evolución", "Trend"),
    "di.no_trend": ("Hace falta más de un año de datos.", "More than one year of data is needed."),
    "di.last_visit": ("Última visita", "Last visit"),
    "di.board_end": ("Fin del consejo", "Board term ends"),
    "di.board_ok": ("Consejo vigente", "Board in force"),
    "di.chlorine": ("Clora", "Chlorinates"),
    "di.residual": ("Cloro residual (mg/L)", "Residual chlorine (mg/L)"),
    "di.fee": ("Cobranza", "Fee collection"),
    "di.trend_col": ("Tendencia", "Trend"),
    "di.cp": ("Centro poblado", "Populated centre"),
    "di.goal": ("Meta", "Goal"),
    "di.deadline": ("Fecha límite", "Deadline"),
    "di.min": ("mínimo", "minimum"),
    "di.criterion": ("Criterio", "Criterion"),
    "di.value": ("Valor", "Value"),
    "di.threshold": ("Umbral", "Threshold"),
    "di.met": ("Cumple", "Met"),
    "di.unmet": ("No cumple", "Not met"),
    "di.all_activities": ("Todas las actividades cumplidas", "All activities done"),
    "di.mef": ("MEF oficial", "Official MEF"),
    "di.discrepancy": (
        "El resultado oficial del MEF no coincide con el cálculo",
        "The official MEF result differs from the computed one",
    ),
    "di.why": ("Por qué este lugar", "Why this rank"),
    "di.why_simple": ("Prioridad {p}.", "Priority {p}."),
    "di.why_base": (
        "Prioridad {p} = razones {base}",
        "Priority {p} = reasons {base}",
    ),
    "di.why_people": ("× {f} por {n} personas servidas", "× {f} for {n} people served"),
    "di.why_never": ("· nunca visitada.", "· never visited."),
    "di.why_recent": (
        "× {f} porque el ATM la visitó el {date} (visita vigente).",
        "× {f} because the ATM visited it on {date} (visit still current).",
    ),
    "di.why_old": (
        "· última visita el {date}, fuera de la validez.",
        "· last visit on {date}, past its validity.",
    ),
    "dm.title": ("Mapa del distrito", "District map"),
    "dm.help": (
        "Límite del distrito (INEI 2007), centros poblados en sus coordenadas del DATASS (gris) "
        "y JASS por grado, en el centro de los centros poblados que atienden. Haga clic en una "
        "JASS para abrirla.",
        "The district's boundary (INEI 2007), centros poblados at their DATASS coordinates "
        "(grey) and JASS by grade, at the middle of the centros poblados they serve. Click a "
        "JASS to open it.",
    ),
    "dm.cps": ("Centros poblados", "Centros poblados"),
    "dm.partners": (
        "Alianza activa: aprendiz — mentora (mismo distrito)",
        "Active partnership: learner — mentor (same district)",
    ),
    "dm.peers": (
        "Intercambio: aprendiz — mentora (mismo distrito)",
        "Peer exchange: learner — mentor (same district)",
    ),
    "dm.container": ("Límite de 2007 que lo contenía", "2007 boundary that contained it"),
    "dm.container_note": (
        "Distrito creado después de 2007: el límite es el del distrito de 2007 que lo contenía "
        "({code}).",
        "District created after 2007: the outline is that of the 2007 district that contained "
        "it ({code}).",
    ),
    "dm.no_outline": (
        "La fuente no tiene el límite de este distrito.",
        "The source has no boundary for this district.",
    ),
    "dm.nothing": (
        "Sin límite ni coordenadas para mostrar.",
        "No boundary or coordinates to show.",
    ),
    "fi.open": ("Imprimir / Print", "Print / Imprimir"),
    "fi.open_help": (
        "Abre la ficha distrital de una página A4, lista para imprimir.",
        "Opens the one-page A4 district sheet, ready to print.",
    ),
    "fi.title": ("Ficha distrital", "District sheet"),
    "fi.print": ("Imprimir", "Print"),
    "fi.back": ("Volver al distrito", "Back to the district"),
    "fi.date": ("Fecha", "Date"),
    "fi.fresh": ("Datos de la carga {n} del {date}", "Data from load {n} of {date}"),
    "fi.no_loads": ("Sin cargas registradas", "No loads recorded"),
    "fi.reason": ("Razón principal", "Main reason"),
    "fi.jass_order": (
        "Ordenadas por prioridad de visita (modelo local).",
        "Ordered by visit priority (local model).",
    ),
    "fi.more_jass": (
        "… y {n} JASS más (lista completa en el tablero).",
        "… and {n} more JASS (full list in the dashboard).",
    ),
    "fi.unmet": ("Criterios no cumplidos:", "Criteria not met:"),
    # ---- JASS `/jass/<codigo_oc>` (urls.JASS) and the score's dimensions
    "oc.unknown": (
        "No existe una organización comunal con el código «{code}».",
        "There is no community organisation with code “{code}”.",
    ),
    "oc.register": ("Registro municipal", "Municipal register"),
    "oc.not_registered": (
        "No está inscrita en el libro de registro municipal.",
        "It is not in the municipal register.",
    ),
    "oc.code": ("Código", "Code"),
    "oc.type": ("Tipo", "Type"),
    "oc.origin": ("Origen del dato", "Data source"),
    "oc.constituted": ("Constitución", "Constituted"),
    "oc.reg_number": ("N.º de registro", "Register number"),
    "oc.reg_date": ("Fecha de registro", "Registration date"),
    "oc.resolution": ("Resolución de reconocimiento", "Recognition resolution"),
    "oc.board_expired": ("vencido", "expired"),
    "oc.board": ("Consejo directivo", "Board term"),
    "oc.women": ("Mujeres en el consejo", "Women on the board"),
    "oc.associates": ("Asociados", "Associates"),
    "oc.statute": ("Estatuto aprobado", "Statute approved"),
    "oc.health": (
        "Grado de salud JASS · modelo local, escala SIASAR",
        "JASS health grade · local model, SIASAR scale",
    ),
    "oc.no_score": (
        "Esta JASS todavía no tiene puntaje (sin visitas ni diagnóstico).",
        "This JASS has no score yet (no visits or diagnostic).",
    ),
    "oc.assessed": ("Evaluada el", "Assessed on"),
    "oc.completeness": ("Datos completos", "Data completeness"),
    "oc.low_items": ("Lo que bajó el puntaje", "What pulled the score down"),
    "oc.lift": ("Para subir al grado siguiente", "To reach the next grade"),
    "oc.lift_none": ("Ya está en el grado más alto.", "It already has the top grade."),
    "oc.history": ("Historia de puntajes y visitas", "Score and visit history"),
    "oc.no_history": ("Sin historia todavía.", "No history yet."),
    "oc.visits": ("Visitas del ATM", "ATM visits"),
    "oc.visit_date": ("Fecha", "Date"),
    "oc.hours": ("Horas de servicio", "Service hours"),
    "oc.privacy": (
        "Los nombres y DNI de los directivos no se muestran (Ley 29733).",
        "Board members' names and ID numbers are not shown (Ley 29733).",
    ),
    "dim.organizacion": ("Organización", "Organisation"),
    "dim.finanzas": ("Gestión económica", "Finance"),
    "dim.operacion": ("Operación y mantenimiento", "Operation & maintenance"),
    "dim.calidad": ("Calidad del agua", "Water quality"),
    "dim.otros": ("Otros", "Other"),
    # ---- goals `/metas` (urls.GOALS)
    "go.title": ("Metas del Programa de Incentivos", "Incentive programme goals"),
    "go.pick": ("Meta", "Goal"),
    "go.no_goals": ("No hay metas en el catálogo.", "There are no goals in the catalogue."),
    "go.by_dep": ("Cumplimiento por departamento", "Compliance by department"),
    "go.by_cat": ("Cumplimiento por categoría municipal", "Compliance by municipal category"),
    "go.at_risk": (
        "Municipalidades en riesgo o que no cumplen",
        "Municipalities at risk or not met",
    ),
    "go.days_left": ("Días para la fecha límite", "Days to the deadline"),
    "go.days_past": ("Venció hace {n} días", "Closed {n} days ago"),
    "go.applicable": ("Municipalidades a las que aplica", "Municipalities it applies to"),
    "go.met": ("Cumplen", "Met"),
    "go.discrepancies": ("Discrepancias con el MEF", "Disagreements with the MEF"),
    "go.category": ("Categoría", "Category"),
    "go.min_score": ("Puntaje mínimo", "Minimum score"),
    "go.none_at_risk": (
        "Ninguna municipalidad está en riesgo para esta meta.",
        "No municipality is at risk for this goal.",
    ),
    "go.no_progress": (
        "No hay avance calculado para esta meta.",
        "There is no computed progress for this goal.",
    ),
    "go.by_prov": ("Cumplimiento por provincia", "Compliance by province"),
    "go.activities": ("Actividades de la meta", "The goal's activities"),
    "go.activities_help": (
        "Por actividad: cuántas de las municipalidades a las que aplica la meta la cumplieron.",
        "Per activity: how many of the municipalities the goal applies to completed it.",
    ),
    "go.activity": ("Actividad", "Activity"),
    "go.points": ("Puntos", "Points"),
    "go.closed": (
        "Meta cerrada el {date}: estados finales.",
        "Goal closed on {date}: final states.",
    ),
    "go.closed_help": (
        "Después de la fecha límite cada municipalidad cumplió o no cumplió; «en riesgo» y "
        "«en camino» solo aparecen en metas cuyo plazo sigue abierto en la fecha de los datos.",
        "After the deadline each municipality either met the goal or did not; “at risk” and "
        "“on track” only appear for goals whose deadline is still open at the data's date.",
    ),
    "go.not_met": ("Municipalidades que no cumplieron", "Municipalities that did not meet it"),
    "go.applies_to": (
        "Aplica a la categoría municipal {cats}",
        "Applies to municipal category {cats}",
    ),
    "go.rule_source": ("Regla de aplicación, fuente:", "Applicability rule, source:"),
    "go.rule_no_source": ("sin fuente en el catálogo", "no source in the catalogue"),
    "go.mef_rule": (
        "Como verifica el MEF: solo cuenta la evidencia con fecha hasta el plazo (sin fecha no"
        " cuenta); 'en proceso' no suma después del plazo; las proporciones usan las JASS y"
        " los datos a la fecha del plazo.",
        "As the MEF verifies: only evidence dated by the deadline counts (undated does not);"
        " 'in progress' earns nothing after the deadline; shares use the JASS and data as of"
        " the deadline.",
    ),
    "go.series_calc": ("Calculado (reglas locales)", "Computed (local rules)"),
    "go.series_mef": ("Oficial MEF", "Official MEF"),
    "go.disagreements": (
        "Discrepancias: calculado frente al resultado oficial del MEF",
        "Disagreements: computed against the MEF's official result",
    ),
    "go.disagreements_help": (
        "En ambos sentidos. Calculada cumplida y MEF no: las actividades que nuestros datos"
        " puntuaron. MEF cumplida y calculada no: las actividades que faltan en nuestros datos.",
        "Both ways. Computed met, MEF not: the activities our data scored. MEF met, computed"
        " not: the activities missing from our data.",
    ),
    "go.no_dis": ("Sin discrepancias con el MEF.", "No disagreements with the MEF."),
    "go.dis_direction": ("Sentido", "Direction"),
    "go.dis_calc_met": ("Calculada cumplida · MEF no", "Computed met · MEF not"),
    "go.dis_mef_met": ("MEF cumplida · calculada no", "MEF met · computed not"),
    "go.dis_not_applicable": (
        "MEF lo evaluó · no aplica según el catálogo (categoría {cat})",
        "The MEF judged it · not applicable per the catalogue (category {cat})",
    ),
    "go.dis_calc_score": ("Puntaje calculado", "Computed score"),
    "go.dis_mef_score": ("Puntaje MEF", "MEF score"),
    "go.dis_activities": ("Actividades detrás", "Activities behind it"),
    "estado.cumplida": ("Cumplida", "Met"),
    "estado.en_camino": ("En camino", "On track"),
    "estado.en_riesgo": ("En riesgo", "At risk"),
    "estado.no_cumplida": ("No cumplida", "Not met"),
    "estado.no_aplica": ("No aplica", "Not applicable"),
    "estado.lista": ("Lista para la salida", "Ready to exit"),
    "estado.no_lista": ("No lista", "Not ready"),
    "evidencia.fuera_de_plazo": ("con fecha después del plazo", "dated after the deadline"),
    "evidencia.sin_fecha": ("sin fecha", "undated"),
    "evidencia.en_proceso_vencida": (
        "en proceso al vencer el plazo",
        "still in progress at the deadline",
    ),
    # ---- exit readiness `/salida` (urls.EXIT)
    "ex.title": ("Preparación para la salida (ONG)", "Exit readiness (NGO)"),
    "ex.pick": ("Cartera de la ONG", "NGO portfolio"),
    "ex.none": ("No hay carteras de ONG cargadas.", "No NGO portfolios are loaded."),
    "ex.planned": ("Salida prevista", "Planned exit"),
    "ex.criteria": ("Criterios cumplidos", "Criteria met"),
    "ex.model": (
        "Criterios y umbrales de salida",
        "Exit criteria and thresholds",
    ),
    # ---- peer exchange `/intercambio` (urls.PEERS) and the district page's section (issue 16)
    "ix.title": ("Intercambio entre pares", "Peer exchange"),
    "ix.intro": (
        "Quién podría aprender de quién: cada JASS con ítems débiles y las JASS cercanas que "
        "tienen nota completa en ellos; cada ATM que no opera o no cumplió su meta y las ATM de "
        "su provincia o departamento que operan y cumplieron.",
        "Who could learn from whom: each JASS with weak items and the nearby JASS at full marks "
        "on them; each ATM that does not operate or missed its goal and the ATMs of its province "
        "or department that operate and met theirs.",
    ),
    "ix.model": (
        "Modelo local (nuestra regla, no oficial). Calculado al {date} por la última derivación "
        "completa (la primera carga del día o la derivación nocturna), no con cada carga.",
        "Local model (our own rule, not official). Computed as of {date} by the latest full "
        "derivation (the first load of a day or the nightly one), not with each upload.",
    ),
    "ix.not_computed": (
        "Modelo local (nuestra regla, no oficial). Aún no calculado: se calcula en la "
        "derivación completa (la primera carga del día o la derivación nocturna).",
        "Local model (our own rule, not official). Not computed yet: it is computed by the "
        "full derivation (the first load of a day or the nightly derivation).",
    ),
    "ix.item": ("Ítem del puntaje", "Score item"),
    "ix.all_items": ("Todos los ítems", "All items"),
    "ix.kpi_weak": ("JASS con ítems débiles", "JASS with weak items"),
    "ix.kpi_with": ("… con alguna JASS de quien aprender", "… with a JASS to learn from"),
    "ix.kpi_atm": ("ATM en riesgo", "ATMs at risk"),
    "ix.kpi_atm_pair": ("… con una ATM par sugerida", "… with a suggested pair ATM"),
    "ix.suggestions": ("Entre JASS: de quién aprender", "Between JASS: whom to learn from"),
    "ix.suggestions_help": (
        "Mentora: JASS de grado A o B firme con nota completa en los ítems débiles del "
        "aprendiz, del mismo distrito o a menos de {radio} km, del mismo tipo de organización y "
        "de sistema; como mucho {cap} aprendices por mentora. Mejor sugerencia primero (#).",
        "Mentor: a JASS with a firm A or B grade at full marks on the learner's weak items, of "
        "the same district or within {radio} km, of the same organisation and system type; at "
        "most {cap} learners per mentor. Best suggestion first (#).",
    ),
    "ix.shown_first": (
        "Se muestran las primeras {n} de {total} sugerencias: elija un departamento o un ítem, "
        "o descargue la tabla completa (CSV / Excel).",
        "Showing the first {n} of {total} suggestions: choose a department or an item, or "
        "download the whole table (CSV / Excel).",
    ),
    "ix.no_sug": ("Ninguna sugerencia con estos filtros.", "No suggestion with these filters."),
    "ix.atms": ("Entre ATM: quién podría visitar a quién", "Between ATMs: who could visit whom"),
    "ix.atms_help": (
        "ATM en riesgo (no opera en el último año o no cumplió su última meta) y ATM de la misma "
        "provincia, si no del mismo departamento, que opera y cumplió; con lo que una ha hecho "
        "y la otra no. «Sin dato» no es «no hecho».",
        "ATMs at risk (not operating in the latest year or missed their latest goal) and an ATM "
        "of the same province, else department, that operates and met it; with what one has "
        "done and the other has not. 'No data' is not 'not done'.",
    ),
    "ix.no_atms": (
        "Ninguna ATM en riesgo con estos filtros.",
        "No ATM at risk with these filters.",
    ),
    "ix.col_mentee": ("Aprendiz (JASS)", "Learner (JASS)"),
    "ix.col_weak": ("Ítems débiles", "Weak items"),
    "ix.col_mentor": ("Mentora (JASS)", "Mentor (JASS)"),
    "ix.col_mentor_district": ("Distrito de la mentora", "Mentor's district"),
    "ix.col_learns": ("Puede aprender", "Can learn"),
    "ix.col_km": ("Distancia (km)", "Distance (km)"),
    "ix.col_reasons": ("Por qué ella", "Why this mentor"),
    "ix.col_atm": ("Distrito (ATM en riesgo)", "District (ATM at risk)"),
    "ix.col_why": ("Por qué en riesgo", "Why at risk"),
    "ix.col_pair": ("ATM par (distrito y provincia)", "Pair ATM (district and province)"),
    "ix.col_level": ("Cercanía", "Nearness"),
    "ix.col_gaps": ("Lo que el par hizo y esta ATM no", "What the pair did and this ATM did not"),
    "ix.col_goal_acts": (
        "Actividades de la meta que el par logró",
        "Goal activities the pair achieved",
    ),
    "ix.di_title": ("Intercambio entre JASS", "Peer exchange between JASS"),
    "ix.di_help": (
        "Cada JASS con ítems débiles, las JASS de quienes podría aprender (con su evidencia) y "
        "los ítems que ninguna cubre, con el motivo. Elija un ítem para ver solo ese.",
        "Each JASS with weak items, the JASS it could learn from (with their evidence) and the "
        "items none covers, with the reason. Pick an item to see only that one.",
    ),
    "ix.di_open": (
        "Ver todas las sugerencias de la provincia en «Intercambio» →",
        "See every suggestion of the province in 'Peer exchange' →",
    ),
    "ix.plan_open": ("Plan de visitas imprimible", "Printable visit plan"),
    "ix.plan_title": ("Plan de visitas de intercambio", "Exchange-visit plan"),
    "ix.plan_help": (
        "Cada fila es una visita: la JASS que aprende visita a su mentora, para aprender lo que "
        "la mentora hace bien según sus últimas evaluaciones.",
        "Each row is a visit: the learning JASS visits its mentor, to learn what the mentor "
        "does well according to its latest assessments.",
    ),
    "ix.plan_none": (
        "Ninguna visita sugerida en este distrito.",
        "No visit suggested in this district.",
    ),
    "ix.plan_who": ("Quién visita (aprende)", "Who visits (learns)"),
    "ix.plan_whom": ("A quién (mentora)", "Whom (mentor)"),
    "ix.plan_what": ("Para aprender", "To learn"),
    "ix.plan_evidence": ("Evidencia de la mentora", "The mentor's evidence"),
    "ix.di_weak": ("· débil en: {items}", "· weak on: {items}"),
    "ix.di_uncovered": ("Sin mentora:", "No mentor:"),
    "ix.di_mentors": ("Podría aprender de: {names}", "Could learn from: {names}"),
    "ix.di_alone": (
        "JASS sin ninguna sugerencia ({n}): por qué",
        "JASS without any suggestion ({n}): why",
    ),
    "ix.di_more": (
        "… y {n} JASS más. Se muestran las más débiles; elija un ítem arriba para acotar la "
        "lista, o abra el plan de visitas imprimible o «Intercambio», que las muestran todas.",
        "… and {n} more JASS. The weakest are shown; choose an item above to narrow the list, "
        "or open the printable visit plan or 'Peer exchange', which show them all.",
    ),
    "ix.di_no_weak": (
        "Ninguna JASS del distrito necesita intercambio según la última derivación.",
        "No JASS of the district needs an exchange according to the latest derivation.",
    ),
    "ix.di_none_item": (
        "Ninguna JASS del distrito tiene débil este ítem.",
        "No JASS of the district is weak on this item.",
    ),
    # p16: the partnership register (kind `alianza`), did it work, the accept button
    "ix.partnerships": (
        "Alianzas registradas: ¿funcionó?",
        "Registered partnerships: did it work?",
    ),
    "ix.partnerships_help": (
        "Alianzas entre JASS cargadas como archivo «alianza» o aceptadas en la página del "
        "distrito. Estados (nuestras palabras): propuesta = acordada, aún no empieza; activa = en "
        "curso; concluida = terminó; cancelada = se dejó. «¿Funcionó?» compara los ítems de la "
        "JASS que aprende en su evaluación del inicio (la última en o antes de la fecha de "
        "inicio) y en la última: mejoró o empeoró si el ítem cambió al menos {change} (en una "
        "escala de 0 a 1), si no igual. Es provisional sin evaluación anterior al inicio, sin "
        "evaluación posterior, o con un grado provisional. Modelo local, no oficial.",
        "Partnerships between JASS loaded as an 'alianza' file or accepted on the district page. "
        "States (our own words): propuesta = agreed, not started; activa = under way; concluida "
        "= finished; cancelada = abandoned. 'Did it work?' compares the learning JASS's items in "
        "its assessment at the start (the latest on or before the start date) and in its latest "
        "one: better or worse when the item moved by at least {change} (on a 0 to 1 scale), "
        "else the same. It is provisional with no assessment before the start, none after it, "
        "or a provisional grade. Local model, not official.",
    ),
    "ix.no_partnerships": (
        "Ninguna alianza registrada con estos filtros.",
        "No registered partnership with these filters.",
    ),
    "ix.col_topic": ("Qué aprende", "What it learns"),
    "ix.col_state": ("Estado", "State"),
    "ix.col_start": ("Inicio", "Start"),
    "ix.col_end": ("Fin", "End"),
    "ix.col_baseline": ("Evaluación al inicio", "Assessment at the start"),
    "ix.col_now": ("Última evaluación", "Latest assessment"),
    "ix.col_items_then_now": ("Ítems: inicio → ahora", "Items: start → now"),
    "ix.col_worked": ("¿Funcionó? (modelo local)", "Did it work? (local model)"),
    "ix.st_propuesta": ("Propuesta", "Proposed"),
    "ix.st_activa": ("Activa", "Active"),
    "ix.st_concluida": ("Concluida", "Finished"),
    "ix.st_cancelada": ("Cancelada", "Cancelled"),
    "ix.v_mejoro": ("mejoró", "better"),
    "ix.v_igual": ("igual", "the same"),
    "ix.v_empeoro": ("empeoró", "worse"),
    "ix.v_mixto": ("mixto (unos mejoraron, otros empeoraron)", "mixed (some better, some worse)"),
    "ix.v_sin_dato": ("sin dato", "no data"),
    "ix.provisional": ("provisional", "provisional"),
    "ix.pv_sin_linea_base": ("sin evaluación antes del inicio", "no assessment before the start"),
    "ix.pv_sin_evaluacion_nueva": (
        "sin evaluación desde el inicio",
        "no assessment since the start",
    ),
    "ix.pv_grado_provisional": ("grado provisional", "provisional grade"),
    "ix.since": ("desde el {date}", "since {date}"),
    "ix.di_partnerships": ("Alianzas registradas ({n})", "Registered partnerships ({n})"),
    "ix.accept": ("Aceptar", "Accept"),
    "ix.accept_title": (
        "Registrar esta alianza como activa desde hoy (queda en el registro de cargas con su "
        "cuenta)",
        "Register this partnership as active from today (recorded in the load log with your "
        "account)",
    ),
    "ix.accept_taken": ("Alianza registrada", "Partnership registered"),
    "ix.accept_done": (
        "Alianza registrada (carga {carga}).",
        "Partnership registered (load {carga}).",
    ),
    "ix.accept_see": ("Ver en Intercambio", "See it in Peer exchange"),
    "ix.accept_refused_role": (
        "Su cuenta no puede registrar alianzas (solo el administrador o la ATM del distrito).",
        "Your account may not register partnerships (only the administrator or the district's "
        "ATM).",
    ),
    "ix.accept_refused_scope": (
        "La JASS que aprende es del distrito {district}, que no es de su cuenta.",
        "The learning JASS belongs to district {district}, which is not your account's.",
    ),
    "ix.accept_gone": (
        "Esta sugerencia ya no existe (se recalcularon); recargue la página.",
        "This suggestion no longer exists (they were recomputed); reload the page.",
    ),
    "ix.accept_already": (
        "Ya hay una alianza propuesta o activa entre estas dos JASS.",
        "There is already a proposed or active partnership between these two JASS.",
    ),
    "ix.accept_failed": (
        "No se pudo registrar la alianza; intente de nuevo en unos minutos.",
        "The partnership could not be registered; try again in a few minutes.",
    ),
    "ix.accept_rejected": ("El cargador la rechazó: {reason}", "The loader rejected it: {reason}"),
    # ---- data `/datos` (urls.DATA): uploads and audit tables
    "da.upload": ("Cargar un archivo", "Upload a file"),
    "da.upload_help": (
        "Arrastre aquí un .csv, .xlsx o .xls (hasta {mb} MB), o haga clic para elegirlo. Primero verá "
        "el informe de problemas; nada se guarda hasta que confirme.",
        "Drop a .csv, .xlsx or .xls here (up to {mb} MB), or click to choose it. You will see the "
        "problem report first; nothing is saved until you confirm.",
    ),
    "da.upload_scope": (
        "Su cuenta carga datos de: {districts}. Las filas de otros distritos se rechazan.",
        "Your account loads data for: {districts}. Rows of other districts are rejected.",
    ),
    "da.upload_preview": (
        "{name}: {read} filas leídas, {ok} se cargarían, {bad} se rechazarían.",
        "{name}: {read} rows read, {ok} would be loaded, {bad} would be rejected.",
    ),
    "da.upload_confirm": ("Confirmar la carga", "Confirm the load"),
    "da.upload_nothing": (
        "Ninguna fila se puede cargar; corrija el archivo y súbalo de nuevo.",
        "No row can be loaded; correct the file and upload it again.",
    ),
    "da.upload_done": (
        "Carga {id} guardada: {ok} filas cargadas, {bad} rechazadas. Las páginas ya muestran "
        "los datos nuevos.",
        "Load {id} saved: {ok} rows loaded, {bad} rejected. The pages now show the new data.",
    ),
    "da.upload_see": (
        "Ver la carga en las tablas de esta página.",
        "See the load in this page's tables.",
    ),
    "da.upload_expired": (
        "La revisión caducó o no es de esta cuenta; suba el archivo otra vez.",
        "The check expired or belongs to another account; upload the file again.",
    ),
    "da.upload_failed": (
        "La carga no se pudo completar; el almacén quedó como estaba.",
        "The load could not be completed; the warehouse is as it was.",
    ),
    "da.upload_problems": ("Problemas encontrados", "Problems found"),
    "da.problem_cols": (
        "Código|Fila|Columna|Problema|Cómo corregirlo",
        "Code|Row|Column|Problem|How to fix it",
    ),
    "da.title": ("Datos cargados", "Loaded data"),
    "da.loads": ("Cargas", "Load runs"),
    "da.files": ("Archivos", "Files"),
    "da.rejects": ("Filas rechazadas", "Rejected rows"),
    "da.versions": ("Versiones del catálogo y del modelo", "Catalogue and model versions"),
    "da.no_loads": ("Todavía no hay cargas.", "There are no loads yet."),
    "da.no_rejects": ("No hay filas rechazadas.", "There are no rejected rows."),
    "da.catalogue": ("Catálogo de metas", "Goal catalogue"),
    "da.model": ("Modelo de puntaje", "Score model"),
    "da.download_rejects": ("Descargar todos los rechazos (CSV)", "Download all rejects (CSV)"),
    "da.rejects_shown": (
        "Se muestran los primeros {n} de {total}; el botón descarga todos.",
        "The first {n} of {total} are shown; the button downloads them all.",
    ),
    "da.rejects_all_shown": (
        "{total} filas rechazadas o problemas de archivo; para cada uno, qué corregir.",
        "{total} rejected rows or file problems; for each one, what to fix.",
    ),
    "da.upload_busy": (
        "El servidor está revisando otras cargas; intente de nuevo en un minuto.",
        "The server is checking other uploads; try again in a minute.",
    ),
    "au.id": ("N.º", "No."),
    "au.iniciada": ("Inicio", "Started"),
    "au.terminada": ("Fin", "Finished"),
    "au.estado": ("Resultado", "Result"),
    "au.filas_leidas": ("Filas leídas", "Rows read"),
    "au.filas_cargadas": ("Filas cargadas", "Rows loaded"),
    "au.filas_rechazadas": ("Filas rechazadas", "Rows rejected"),
    "au.fecha_corte": ("Fecha de corte", "Cut-off date"),
    "au.usuario": ("Cargado por", "Loaded by"),
    "au.cuenta": ("Cuenta", "Account"),
    "au.equipo": ("Equipo", "Computer"),
    "au.version_catalogo": ("Versión del catálogo", "Catalogue version"),
    "au.version_modelo": ("Versión del modelo", "Model version"),
    "au.carga_id": ("Carga n.º", "Load no."),
    "au.archivo": ("Archivo", "File"),
    "au.hoja": ("Hoja", "Sheet"),
    "au.tipo": ("Tipo", "Kind"),
    "au.sha256": ("Huella (SHA-256)", "Fingerprint (SHA-256)"),
    "au.fila": ("Fila", "Row"),
    "au.columna": ("Columna", "Column"),
    "au.valor": ("Valor", "Value"),
    "au.mensaje": ("Problema", "Problem"),
    "au.sugerencia": ("Cómo corregirlo", "How to fix it"),
    "au.codigo": ("Código del problema", "Problem code"),
    "au.carga_archivo_id": ("Archivo n.º", "File no."),
    "au.version": ("Versión", "Version"),
    # ---- SIASAR sections (district, JASS and data pages)
    "sia.badge_help": (
        "Juicio de SIASAR (estados de componentes de su encuesta; índice de infraestructura y "
        "grado con las fórmulas de SIASAR 2), no nuestro puntaje.",
        "SIASAR's judgement (component states from its survey; infrastructure index and grade "
        "with SIASAR 2 formulas), not our score.",
    ),
    "sia.systems": ("Sistemas de agua según SIASAR", "Water systems according to SIASAR"),
    "sia.district_help": (
        "Estados A–D de cada componente tal como los registró la encuesta SIASAR (columna "
        "«Encuesta SIASAR»). El grado es el índice de infraestructura con los componentes que trae la "
        "exportación (captación, almacenamiento, distribución; sin conducción): nuestra forma de "
        "aplicar la fórmula de SIASAR cuando faltan componentes.",
        "A–D states of each component as the SIASAR survey recorded them (column 'SIASAR survey'). "
        "The grade is the infrastructure index over the components the export has (catchment, "
        "storage, distribution; no conduction): our way of applying SIASAR's formula when "
        "components are missing.",
    ),
    "sia.col_system": (
        "Sistema (ID · comunidades · prestador)",
        "System (ID · communities · provider)",
    ),
    "sia.col_communities": ("Comunidades / prestador", "Communities / provider"),
    "sia.col_captacion": ("Captación", "Catchment"),
    "sia.col_almacenamiento": ("Almacenamiento", "Storage"),
    "sia.col_distribucion": ("Distribución", "Distribution"),
    "sia.col_tratamiento": ("Tratamiento", "Treatment"),
    "sia.col_grade": ("Grado SIASAR (infraestructura)", "SIASAR grade (infrastructure)"),
    "sia.col_survey": ("Encuesta SIASAR", "SIASAR survey"),
    "sia.col_jass": ("JASS vinculada", "Linked JASS"),
    "sia.link_nombre": ("por nombre", "by name"),
    "sia.link_confirmado": ("confirmado", "confirmed"),
    "sia.unlinked": ("sin JASS vinculada", "no linked JASS"),
    "sia.disagreements": (
        "Donde SIASAR y nuestras visitas no coinciden",
        "Where SIASAR and our visits disagree",
    ),
    "sia.disagreements_help": (
        "Regla nuestra: un componente discrepa cuando uno dice A/B y el otro C/D; la cloración, "
        "cuando SIASAR registra tratamiento que funciona y la última visita dice que no se clora. "
        "Lo más reciente primero.",
        "Our rule: a component disagrees when one says A/B and the other C/D; chlorination, "
        "when SIASAR records working treatment and the latest visit says there is none. Newest "
        "first.",
    ),
    "sia.no_disagreements": (
        "Sin discrepancias entre SIASAR y la última visita de las JASS vinculadas.",
        "No disagreements between SIASAR and the latest visit of the linked JASS.",
    ),
    "sia.disagreement": (
        "{aspect}: SIASAR dice {siasar} (encuesta {siasar_date}); nuestra visita dice {visit} "
        "({visit_date}).",
        "{aspect}: SIASAR says {siasar} (survey {siasar_date}); our visit says {visit} "
        "({visit_date}).",
    ),
    "sia.aspect_captacion": ("Captación", "Catchment"),
    "sia.aspect_almacenamiento": ("Almacenamiento", "Storage"),
    "sia.aspect_distribucion": ("Distribución", "Distribution"),
    "sia.aspect_cloracion": ("Cloración", "Chlorination"),
    "sia.chlorinates": ("que hay cloración", "there is chlorination"),
    "sia.no_chlorination": ("que no se clora", "no chlorination"),
    "sia.jass_title": ("SIASAR junto a nuestro puntaje", "SIASAR beside our score"),
    "sia.jass_help": (
        "Dos juicios distintos, cada uno con su fecha: el grado SIASAR de los sistemas "
        "vinculados a esta JASS y el grado de salud local (modelo local).",
        "Two different judgements, each with its date: the SIASAR grade of the systems linked "
        "to this JASS and the local health grade (local model).",
    ),
    "sia.local_grade": ("Grado de salud local", "Local health grade"),
    "sia.siasar_grade": ("Grado SIASAR", "SIASAR grade"),
    "sia.assessed": ("evaluado el", "assessed on"),
    "sia.survey": ("encuesta del", "survey of"),
    "sia.unlinked_title": (
        "Sistemas SIASAR sin JASS vinculada ({n})",
        "SIASAR systems without a linked JASS ({n})",
    ),
    "sia.unlinked_help": (
        "No hay una única JASS de su distrito con el nombre del prestador (PSE) o de la "
        "comunidad. Para vincular, cargue un archivo con las columnas siasar_id y codigo_oc.",
        "No single JASS of its district has the provider's (PSE) or community's name. To link, "
        "load a file with the columns siasar_id and codigo_oc.",
    ),
    "sia.ul_id": ("ID SIASAR", "SIASAR ID"),
    "sia.ul_district": ("Distrito", "District"),
    "sia.ul_system": ("Sistema", "System"),
    "sia.ul_pse": ("Prestador (PSE)", "Provider (PSE)"),
    "sia.ul_communities": ("Comunidades", "Communities"),
    "sia.ul_candidates": ("Candidatas", "Candidates"),
    "sia.no_candidates": ("ninguna JASS registrada parecida", "no similar registered JASS"),
    "sia.more": ("… y {n} más.", "… and {n} more."),
    "sia.components_of": ("{n} de 4 componentes", "{n} of 4 components"),
}

# Readable labels for codes the ETL stores (visit reasons, exit criteria, score items).
CODES: dict[str, tuple[str, str]] = {
    "origen.registro": ("Libro de registro municipal", "Municipal register"),
    "origen.datass": ("DATASS (no está en el libro de registro)", "DATASS (not in the register)"),
    "carga.ok": ("Completa", "Complete"),
    "carga.con_rechazos": ("Con filas rechazadas", "Some rows rejected"),
    "carga.sin_datos": ("Nada cargado", "Nothing loaded"),
    "razon.consejo_vencido": ("Consejo directivo vencido", "Board term expired"),
    "razon.cloro_bajo": ("Cloro residual bajo", "Low residual chlorine"),
    "razon.grado_bajando": ("Grado bajando", "Grade falling"),
    "razon.sin_cloracion": ("No clora el agua", "Does not chlorinate the water"),
    "razon.datos_insuficientes": ("Datos insuficientes (grado E)", "Not enough data (grade E)"),
    "razon.sin_visita_12m": (
        "Sin visita en {meses_visita} meses",
        "No visit in {meses_visita} months",
    ),
    "razon.nunca_visitada": ("Nunca visitada", "Never visited"),
    "razon.grado_d": ("Grado D", "Grade D"),
    "razon.no_registrada": ("No inscrita en el registro", "Not in the register"),
    "razon.no_reconocida": ("Sin resolución de reconocimiento", "Not recognised"),
    "razon.cobranza_baja": (
        "Cobranza de cuota bajo {cobranza_minima}",
        "Fee collection under {cobranza_minima}",
    ),
    "razon.no_cobra_cuota": ("No cobra cuota familiar", "Charges no family fee"),
    "razon.datos_antiguos": (
        "Sin datos de los últimos {meses_datass} meses",
        "No data from the last {meses_datass} months",
    ),
    "razon.sin_operador": ("Sin operador", "No operator"),
    "criterio.atm_operativa": (
        "ATM operativa en el año (responsable y plan, presupuesto o visitas; meta del año cumplida)",
        "ATM operating in the year (head plus plan, budget or visits; that year's goal met)",
    ),
    "criterio.presupuesto_pia": ("ATM con presupuesto en el PIA", "ATM has an opening budget line"),
    "criterio.oc_cloro_adecuado": (
        "JASS que cloran con cloro residual {cloro} (lectura de ≤ {meses_cloro} meses) ≥ {oc_cloro_adecuado}",
        "JASS chlorinating with residual {cloro} (reading ≤ {meses_cloro} months old) ≥ {oc_cloro_adecuado}",
    ),
    "criterio.oc_visitadas_12m": (
        "JASS visitadas en {meses_visita} meses ≥ {oc_visitadas_12m}",
        "JASS visited in {meses_visita} months ≥ {oc_visitadas_12m}",
    ),
    "criterio.cobertura_agua": (
        "Cobertura de agua ≥ {cobertura_agua}",
        "Water coverage ≥ {cobertura_agua}",
    ),
    "criterio.oc_ab": (
        "JASS con grado A o B firme (no provisional) ≥ {oc_ab}",
        "JASS graded A or B, firm (not provisional) ≥ {oc_ab}",
    ),
    "criterio.oc_clorando": (
        "JASS que cloran ≥ {oc_cloro_adecuado}",
        "JASS chlorinating ≥ {oc_cloro_adecuado}",
    ),
    "criterio.oc_visitadas": (
        "JASS visitadas en {meses_visita} meses ≥ {oc_visitadas_12m}",
        "JASS visited in {meses_visita} months ≥ {oc_visitadas_12m}",
    ),
    "criterio.oc_datos_recientes": (
        "JASS con datos de ≤ {meses_datass} meses ≥ {oc_datos_recientes}",
        "JASS with data ≤ {meses_datass} months old ≥ {oc_datos_recientes}",
    ),
    "item.registrada": ("Inscrita en el libro municipal", "In the municipal register"),
    "item.reconocida": ("Reconocida por resolución", "Recognised by resolution"),
    "item.consejo_vigente": ("Consejo directivo vigente", "Board term in force"),
    "item.reuniones_consejo": ("Reuniones del consejo", "Board meetings"),
    "item.rinde_cuentas": ("Rinde cuentas a la asamblea", "Accounts to the assembly"),
    "item.mujeres_consejo": ("Al menos una mujer en el consejo", "A woman on the board"),
    "item.cobra_cuota": ("Cobra cuota familiar", "Charges a family fee"),
    "item.tasa_cobranza": ("Tasa de cobranza", "Fee collection rate"),
    "item.libro_caja": ("Libro de caja al día", "Cash book up to date"),
    "item.fondos_disponibles": ("Fondos disponibles", "Funds available"),
    "item.tiene_operador": ("Tiene operador", "Has an operator"),
    "item.operador_remunerado": ("Operador remunerado", "Operator paid"),
    "item.plan_om": ("Plan de operación y mantenimiento", "O&M plan"),
    "item.infraestructura": ("Estado de la infraestructura", "Infrastructure state"),
    "item.continuidad": ("Continuidad del servicio", "Service continuity"),
    "item.realiza_cloracion": ("Clora el agua", "Chlorinates the water"),
    "item.cloro_residual": ("Cloro residual adecuado", "Adequate residual chlorine"),
    "item.registro_cloro": ("Registro de cloro residual", "Residual-chlorine log"),
    "item.fuente_protegida": ("Fuente protegida", "Source protected"),
}


def lang_or_default(lang: str | None) -> str:
    """A supported language code; Spanish when missing or unknown."""
    return lang if lang in LANGS else "es"


def t(key: str, lang: str = "es", **params: Any) -> str:
    """The text for `key` in `lang`; raises KeyError on an unknown key (tests catch it)."""
    es, en = TEXTS[key]
    text = en if lang_or_default(lang) == "en" else es
    return text.format(**params) if params else text


def label(prefix: str, code: str, lang: str = "es") -> str:
    """A readable label for an ETL code (`razon`, `criterio`, `item`, `estado`, `ind`, `dim`)."""
    key = f"{prefix}.{code}"
    pair = CODES.get(key) or TEXTS.get(key)
    if pair:
        text = pair[1] if lang_or_default(lang) == "en" else pair[0]
        # Exit-criterion labels show their thresholds from data/evidencia.yaml (issue 14).
        formatted = prefix in ("criterio", "motivo", "razon")
        return text.format(**evidence_params(lang)) if formatted else text
    # An unknown code still reads as words rather than as an identifier.
    return str(code).replace("_", " ").capitalize()


def _missing(value: Any) -> bool:
    """True for None, NaN and pandas' missing markers."""
    if value is None:
        return True
    try:
        return bool(value != value) or (isinstance(value, float) and math.isnan(value))
    except (TypeError, ValueError):
        return False


def fmt_num(value: Any, lang: str = "es", decimals: int = 0) -> str:
    """A number with the language's separators: es 12 345,6 / en 12,345.6."""
    if _missing(value):
        return "—"
    text = f"{float(value):,.{decimals}f}"
    if lang_or_default(lang) == "es":
        # Spanish (RAE, SI): decimal comma; thousands with a no-break space, never a point.
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text


def fmt_pct(value: Any, lang: str = "es", decimals: int = 1) -> str:
    """A fraction 0–1 as a percentage: es "78,5 %", en "78.5%"."""
    if _missing(value):
        return "—"
    number = fmt_num(float(value) * 100, lang, decimals)
    return f"{number}\u00a0%" if lang_or_default(lang) == "es" else f"{number}%"


def evidence_params(lang: str = "es") -> dict[str, str]:
    """Thresholds of data/evidencia.yaml formatted for labels (the one place they live)."""
    ev = evidence.shipped()
    out = {k: fmt_pct(v, lang, 0) for k, v in ev.salida.items() if isinstance(v, float)}
    cl = f"{fmt_num(ev.cloro_min, lang, 1)}–{fmt_num(ev.cloro_max, lang, 1)} mg/L"
    out["cloro"] = cl
    out["meses_cloro"] = str(ev.months("lectura_cloro"))
    out["meses_visita"] = str(ev.months("visita"))
    out["meses_datass"] = str(ev.months("encuesta_datass"))
    out["meses"] = out["meses_cloro"]
    out["cobranza_minima"] = fmt_pct(ev.prioridad.get("cobranza_minima"), lang, 0)
    return out


def fmt_money(value: Any, lang: str = "es") -> str:
    """Soles with no decimals: S/ 12 345."""
    return "—" if _missing(value) else f"S/\u00a0{fmt_num(value, lang)}"


def fmt_date(value: Any, lang: str = "es") -> str:
    """A date: es 31/12/2017, en 2017-12-31."""
    if _missing(value) or value == "":
        return "—"
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        value = value.date()
    if hasattr(value, "date") and not isinstance(value, dt.date):
        value = value.date()  # pandas Timestamp
    return value.strftime("%d/%m/%Y") if lang_or_default(lang) == "es" else value.isoformat()


def fmt_bool(value: Any, lang: str = "es") -> str:
    """Sí / No, or a dash when unknown."""
    if _missing(value):
        return "—"
    return t("common.yes", lang) if bool(value) else t("common.no", lang)
