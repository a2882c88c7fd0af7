"""Problems found in input files: stable codes and the one table of messages (es/en).

The shape follows frictionless-py's data errors: a stable code, where (file, sheet, row,
column, value) and a message built from a template. Each message says what is wrong; each hint
says how to fix it, in words a municipal clerk uses.
"""

from __future__ import annotations

from dataclasses import dataclass

# Stable codes (docs/INPUTS.md). Reports, the rechazo table and scripts rely on these strings.
CODES = (
    "unreadable-file",
    "unknown-kind",
    "missing-column",
    "required-missing",
    "type-error",
    "out-of-range",
    "unknown-ubigeo",
    "unknown-reference",
    "duplicate-key",
    "inconsistent",
    "out-of-scope",  # dashboard uploads: a row of a district the account does not manage
    "not-allowed",  # dashboard uploads: a kind of file the account may not load
)
# Codes that fail a whole file (nothing from it is loaded).
FILE_CODES = frozenset({"unreadable-file", "unknown-kind", "missing-column", "not-allowed"})

# template id -> (message_es, message_en, hint_es, hint_en). The id is "<code>" or
# "<code>:<variant>"; the part before ":" is the stable code. Placeholders come from Problem.make.
TEMPLATES: dict[str, tuple[str, str, str, str]] = {
    "unreadable-file": (
        "No se pudo leer el archivo: {detail}.",
        "The file could not be read: {detail_en}.",
        "Guárdelo desde Excel como .xlsx o como CSV (UTF-8 o separado por ';') y vuelva a cargarlo.",
        "Save it from Excel as .xlsx or CSV (UTF-8 or ';'-separated) and load it again.",
    ),
    "unknown-kind": (
        "No se reconoce qué tipo de archivo es; encabezado encontrado: {found}.",
        "The kind of file is not recognised; header found: {found}.",
        "Use los nombres de columna de la plantilla (p. ej. codigo_oc, ubigeo, fecha_visita). "
        "Tipos admitidos: {kinds}.",
        "Use the template's column names (e.g. codigo_oc, ubigeo, fecha_visita). "
        "Known kinds: {kinds}.",
    ),
    "missing-column": (
        "Parece un archivo «{kind}», pero faltan columnas obligatorias: {missing}. "
        "Columnas encontradas: {found}.",
        "It looks like a '{kind}' file, but required columns are missing: {missing}. "
        "Columns found: {found}.",
        "Agregue esas columnas (el nombre puede ir en mayúsculas, con tildes o espacios).",
        "Add those columns (names may use capitals, accents or spaces).",
    ),
    "required-missing": (
        "Falta el dato obligatorio «{column}».",
        "The required value '{column}' is blank.",
        "Complete la celda; sin ese dato la fila no se puede cargar.",
        "Fill in the cell; the row cannot be loaded without it.",
    ),
    "required-missing:total": (
        "La fila parece una fila de totales («{value}»), no un registro: no se carga.",
        "The row looks like a totals row ('{value}'), not a record: it is not loaded.",
        "Bórrela del archivo; las demás filas se cargan igual.",
        "Delete it from the file; the other rows load all the same.",
    ),
    "type-error:date": (
        "«{value}» no es una fecha válida.",
        "'{value}' is not a valid date.",
        "Escriba la fecha como dd/mm/aaaa (p. ej. 15/03/2024) y revise que el día exista.",
        "Write the date as dd/mm/yyyy (e.g. 15/03/2024) and check the day exists.",
    ),
    "type-error:bool": (
        "«{value}» no es Sí ni No.",
        "'{value}' is neither yes nor no.",
        "Escriba Sí o No (también valen S/N, 1/0, X para sí).",
        "Write Sí or No (S/N, 1/0 and X for yes also work).",
    ),
    "type-error:number": (
        "«{value}» no es un número.",
        "'{value}' is not a number.",
        "Escriba solo el número, sin unidades ni texto (p. ej. 3,5 o 1200).",
        "Write only the number, without units or text (e.g. 3.5 or 1200).",
    ),
    "type-error:int": (
        "«{value}» no es un número entero.",
        "'{value}' is not a whole number.",
        "Escriba un número entero, sin decimales ni texto (p. ej. 120).",
        "Write a whole number, without decimals or text (e.g. 120).",
    ),
    "type-error:ubigeo": (
        "«{value}» no es un código de distrito (ubigeo de 6 dígitos).",
        "'{value}' is not a district code (6-digit ubigeo).",
        "Escriba el ubigeo INEI de 6 dígitos, p. ej. 010101; formatee la columna como texto.",
        "Write the 6-digit INEI ubigeo, e.g. 010101; format the column as text.",
    ),
    "type-error:ubigeo_cp": (
        "«{value}» no es un código de centro poblado (10 dígitos).",
        "'{value}' is not a centro poblado code (10 digits).",
        "Escriba el código INEI de 10 dígitos; en DATASS va como «código - nombre».",
        "Write the 10-digit INEI code; DATASS writes it as 'code - name'.",
    ),
    "type-error:grade": (
        "«{value}» no es un estado válido (A, B, C o D).",
        "'{value}' is not a valid state (A, B, C or D).",
        "Use A (bueno), B (regular), C (malo) o D (inoperativo).",
        "Use A (good), B (fair), C (poor) or D (inoperative).",
    ),
    "type-error:choice": (
        "«{value}» no es un valor admitido en «{column}».",
        "'{value}' is not an accepted value for '{column}'.",
        "Valores admitidos: {choices}.",
        "Accepted values: {choices}.",
    ),
    "out-of-range": (
        "El valor {value} de «{column}» está fuera del rango plausible ({low} a {high}).",
        "The value {value} of '{column}' is outside the plausible range ({low} to {high}).",
        "Revise la cifra (¿un cero de más, una coma mal puesta, otra unidad?).",
        "Check the figure (an extra zero, a misplaced comma, another unit?).",
    ),
    "out-of-range:date": (
        "La fecha {value} de «{column}» no es plausible (debe estar entre {low} y {high}).",
        "The date {value} of '{column}' is not plausible (must be between {low} and {high}).",
        "Revise el año; las fechas futuras o anteriores a 1990 no se aceptan.",
        "Check the year; dates in the future or before 1990 are not accepted.",
    ),
    "unknown-ubigeo": (
        "El código de distrito {value} no existe en la lista del INEI.",
        "District code {value} is not in the INEI list.",
        "Revise el ubigeo (6 dígitos; para un centro poblado, los 6 primeros de sus 10).",
        "Check the ubigeo (6 digits; for a centro poblado, the first 6 of its 10).",
    ),
    "unknown-reference:oc": (
        "La organización comunal {value} no está registrada.",
        "Community organisation {value} is not registered.",
        "Cargue antes (o junto con este archivo) el libro de registro o el DATASS que la "
        "incluya, o corrija el código.",
        "Load the register or the DATASS file that includes it first (or with this file), "
        "or correct the code.",
    ),
    "unknown-reference:actividad": (
        "La actividad {value} no existe en el catálogo de metas.",
        "Activity {value} is not in the goal catalogue.",
        "Use el año, número de meta e id de actividad del catálogo (data/metas.yaml).",
        "Use the year, goal number and activity id of the catalogue (data/metas.yaml).",
    ),
    "unknown-reference:meta": (
        "La meta {value} no existe en el catálogo de metas.",
        "Goal {value} is not in the goal catalogue.",
        "Revise el año y el número de meta; el catálogo está en data/metas.yaml.",
        "Check the year and goal number; the catalogue is data/metas.yaml.",
    ),
    "duplicate-key": (
        "Fila repetida: {value} ya aparece en la fila {first}.",
        "Duplicate row: {value} already appears in row {first}.",
        "Se cargó la primera; borre la repetida o corrija su clave.",
        "The first one was loaded; delete the repeat or correct its key.",
    ),
    "inconsistent": (
        "Datos incoherentes: {detail}.",
        "Inconsistent data: {detail_en}.",
        "Revise ambas cifras en el formulario original.",
        "Check both figures against the original form.",
    ),
    "inconsistent:ubigeo": (
        "La visita indica el distrito {value}, pero la organización {oc} es del distrito {other}.",
        "The visit gives district {value}, but organisation {oc} belongs to district {other}.",
        "Corrija el ubigeo de la visita o deje la celda vacía para usar el de la organización.",
        "Correct the visit's ubigeo or leave it blank to use the organisation's.",
    ),
    "out-of-scope": (
        "La fila es del distrito {value}, que no está entre los distritos de su cuenta ({allowed}).",
        "The row belongs to district {value}, which is not one of your account's districts "
        "({allowed}).",
        "Cargue solo filas de sus distritos; si el código está mal, corríjalo. Los datos de otros "
        "distritos los carga su municipalidad o el administrador.",
        "Load only rows of your districts; if the code is wrong, correct it. Other districts' "
        "data is loaded by their municipality or by the administrator.",
    ),
    "out-of-scope:oc": (
        "La organización {value} está registrada en el distrito {other}, que no es de su cuenta.",
        "Organisation {value} is registered in district {other}, which is not your account's.",
        "Revise el código de la organización; no puede cambiar organizaciones de otro distrito.",
        "Check the organisation code; you cannot change another district's organisations.",
    ),
    "out-of-scope:cp": (
        "El centro poblado {value} es del distrito {other}, que no es de su cuenta.",
        "Centro poblado {value} belongs to district {other}, which is not your account's.",
        "Quite de la lista los centros poblados de otros distritos o corrija el código.",
        "Remove other districts' centros poblados from the list or correct the code.",
    ),
    "out-of-scope:provider": (
        "El prestador {value} está registrado en el distrito {other}, que no es de su cuenta.",
        "Provider {value} is registered in district {other}, which is not your account's.",
        "Revise el código del prestador (codigo_ps): debe ser una organización de su distrito.",
        "Check the provider code (codigo_ps): it must be an organisation of your district.",
    ),
    "not-allowed": (
        "Su cuenta no puede cargar archivos «{kind}» desde el tablero.",
        "Your account may not load '{kind}' files from the dashboard.",
        "Tipos que puede cargar: {kinds}. Los demás los carga el administrador.",
        "Kinds you may load: {kinds}. Others are loaded by the administrator.",
    ),
    # --- issue 15: SIASAR sheets
    "unknown-kind:siasar-country": (
        "Es una hoja SIASAR de otro país ({country}); este tablero es del Perú.",
        "It is a SIASAR sheet of another country ({country}); this dashboard is Peru's.",
        "Descargue la exportación del Perú en SIASAR («descargar datos por país», Perú) "
        "o quite del archivo las filas de otros países.",
        "Download Peru's export from SIASAR ('download data by country', Peru) or remove "
        "the other countries' rows from the file.",
    ),
    "unknown-ubigeo:place": (
        "No se encontró el distrito de «{value}»: {reason}.",
        "The district of '{value}' was not found: {reason_en}.",
        "Corrija «divisiones» como DEPARTAMENTO,PROVINCIA,DISTRITO. Los más parecidos: {closest}.",
        "Correct 'divisiones' as DEPARTAMENTO,PROVINCIA,DISTRITO. Closest districts: {closest}.",
    ),
    "unknown-reference:siasar": (
        "El sistema SIASAR {value} no está cargado.",
        "SIASAR system {value} is not loaded.",
        "Cargue antes (o junto con este archivo) la hoja SIASAR que lo incluya, o corrija el ID.",
        "Load the SIASAR sheet that includes it first (or with this file), or correct the ID.",
    ),
    "inconsistent:siasar": (
        "La organización {value} es del distrito {other}, pero el sistema SIASAR {system} es "
        "del distrito {district}.",
        "Organisation {value} belongs to district {other}, but SIASAR system {system} is in "
        "district {district}.",
        "Vincule el sistema con una organización de su mismo distrito.",
        "Link the system to an organisation of its own district.",
    ),
    # --- issue 16 (p16): the partnership register (`alianza`)
    "unknown-reference:mentor": (
        "La JASS mentora {value} no está registrada.",
        "Mentor JASS {value} is not registered.",
        "Revise el código de la JASS que enseña (puede ser de cualquier distrito); si es nueva, "
        "cargue antes el libro de registro o el DATASS que la incluya.",
        "Check the code of the JASS that teaches (it may be of any district); if it is new, "
        "load the register or the DATASS file that includes it first.",
    ),
    "inconsistent:alianza-misma": (
        "La JASS {value} figura como mentora de sí misma.",
        "JASS {value} is named as its own mentor.",
        "Ponga en «{column}» el código de otra JASS, la que enseña.",
        "Put in '{column}' the code of another JASS, the one that teaches.",
    ),
    "inconsistent:alianza-fechas": (
        "La alianza termina ({value}) antes de empezar ({start}).",
        "The partnership ends ({value}) before it starts ({start}).",
        "Corrija la fecha de fin («{column}») o la de inicio (día/mes/año), o deje vacía la "
        "fecha de fin.",
        "Correct the end date ('{column}') or the start date (day/month/year), or leave the "
        "end date blank.",
    ),
    "unknown-reference:item": (
        "«{value}» no es un ítem del puntaje de salud.",
        "'{value}' is not an item of the health score.",
        "Use los ítems del modelo separados por «;» ({known}), o escriba el tema en la "
        "columna «tema».",
        "Use the model's items separated by ';' ({known}), or write the topic in the 'tema' "
        "column.",
    ),
    "required-missing:alianza-tema": (
        "La alianza no dice qué se aprende: «items» y «tema» están vacíos.",
        "The partnership does not say what is learnt: 'items' and 'tema' are both blank.",
        "Complete «items» (ítems del puntaje, p. ej. cloro_residual) o «tema» (texto libre).",
        "Fill in 'items' (score items, e.g. cloro_residual) or 'tema' (free text).",
    ),
    "out-of-scope:mentee": (
        "La JASS que aprende, {value}, es del distrito {other}, que no es de su cuenta.",
        "The learning JASS, {value}, belongs to district {other}, which is not your account's.",
        "Una alianza la registra la ATM del distrito de la JASS que aprende (o el "
        "administrador); la mentora sí puede ser de otro distrito.",
        "A partnership is registered by the ATM of the learning JASS's district (or the "
        "administrator); the mentor may be of another district.",
    ),
}


@dataclass(frozen=True)
class Problem:
    """One problem: where it is, what is wrong (es/en) and how to fix it (es/en)."""

    code: str
    file: str
    sheet: str | None
    row: int | None
    column: str | None
    value: str | None
    message_es: str
    message_en: str
    hint_es: str
    hint_en: str

    @classmethod
    def make(
        cls,
        template: str,
        *,
        file: str,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
        **params: object,
    ) -> Problem:
        """Build a problem from a template id in TEMPLATES, filling its placeholders."""
        text = None if value is None else str(value)
        fields = {"column": column, "value": text, **params}
        msg_es, msg_en, hint_es, hint_en = (t.format(**fields) for t in TEMPLATES[template])
        code = template.split(":", 1)[0]
        return cls(code, file, sheet, row, column, text, msg_es, msg_en, hint_es, hint_en)

    def message(self, lang: str = "es") -> str:
        """The message in `lang` ("es" or "en")."""
        return self.message_en if lang == "en" else self.message_es

    def hint(self, lang: str = "es") -> str:
        """The hint in `lang` ("es" or "en")."""
        return self.hint_en if lang == "en" else self.hint_es

    def to_dict(self, lang: str = "es") -> dict:
        """The report shape: code, file, sheet, row, column, value, message, hint."""
        return {
            "code": self.code,
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message(lang),
            "hint": self.hint(lang),
        }


@dataclass(frozen=True)
class Notice:
    """Something the user should know that rejects nothing (an ignored column, a guessed year)."""

    es: str
    en: str

    def text(self, lang: str = "es") -> str:
        """The warning in `lang`."""
        return self.en if lang == "en" else self.es
