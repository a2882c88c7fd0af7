"""Validation: raw text table → typed values, problems, and which rows are rejected.

Types are coerced first (etl.normalize), then ranges, codes, consistency and duplicates are
checked on the typed values (a failed coercion must not hide the other checks of a row, as it
does when a schema library checks ranges on a column it could not coerce). `check_table` needs no database; `check_references` takes what
the warehouse knows (organisations, goal catalogue) as plain sets.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from etl import normalize, partnership, reference
from etl.normalize import header_key
from etl.problems import Notice, Problem
from etl.read import RawTable, Recognition

MIN_DATE = dt.date(1990, 1, 1)
SPLIT_CP_RE = r"^\s*(\d{9,10})\s*[-–—]\s*(.*?)\s*$"
MASK = "***"
# Dates that are in the future by nature (a planned exit, a board term still running).
FUTURE_OK = frozenset({"fecha_salida_prevista", "consejo_fin", "fecha_fin"})
MAX_FUTURE = dt.date(2100, 12, 31)  # what a personal field's value looks like in a problem

# (kind, a, b, column reported, detail es, detail en): reject a row when a > b.
CONSISTENCY = (
    ("datass", "poblacion_servicio_agua", "total_poblacion", "poblacion_servicio_agua",
     "la población servida ({a}) es mayor que la población total ({b})",
     "served population ({a}) exceeds total population ({b})"),
    ("datass", "viviendas_conexion", "total_viviendas", "viviendas_conexion",
     "las viviendas con conexión ({a}) superan el total de viviendas ({b})",
     "dwellings with a connection ({a}) exceed all dwellings ({b})"),
    ("datass", "viviendas_conexion", "viviendas_habitadas", "viviendas_conexion",
     "las viviendas con conexión ({a}) superan las viviendas habitadas ({b})",
     "dwellings with a connection ({a}) exceed inhabited dwellings ({b})"),
    ("datass", "asociados_morosos", "total_asociados", "asociados_morosos",
     "los asociados morosos ({a}) superan el total de asociados ({b})",
     "members in arrears ({a}) exceed all members ({b})"),
    ("monitoreo_oc", "asociados_al_dia", "total_asociados", "asociados_al_dia",
     "los asociados al día ({a}) superan el total de asociados ({b})",
     "members up to date ({a}) exceed all members ({b})"),
    ("registro_oc", "consejo_inicio", "consejo_fin", "consejo_fin",
     "el consejo termina ({b}) antes de empezar ({a})",
     "the board's term ends ({b}) before it starts ({a})"),
)  # fmt: skip


@dataclass
class References:
    """What rows may point at: organisations known so far and the goal catalogue."""

    oc_district: dict[str, str]  # codigo_oc -> district ubigeo
    activities: set[tuple[int, int, str]]  # (anio, meta, actividad)
    goals: set[tuple[int, int]]  # (anio, meta)


@dataclass
class Checked:
    """A validated table: typed values of every row, rejected rows, problems, notices."""

    table: RawTable
    rec: Recognition
    values: pd.DataFrame  # canonical columns the file provides (+ derived ones), Python objects
    rejected: pd.Series  # bool per row
    problems: list[Problem] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    bad_cells: dict[str, pd.Series] = field(default_factory=dict)  # type errors per column
    undated: int = 0  # DATASS rows without a survey date

    @property
    def kind(self) -> str:
        return self.rec.kind.name

    def raw(self, canonical: str) -> pd.Series:
        """The cell text the user typed for a canonical column."""
        return self.table.frame[self.header(canonical)]

    def header(self, canonical: str) -> str:
        """The column name as the user wrote it (the canonical name if the file lacks it)."""
        if canonical in self.rec.columns:
            return self.rec.columns[canonical]
        if canonical in _SPLIT and self.rec.split_cp:
            return self.rec.split_cp
        return canonical

    def has_raw(self, canonical: str) -> bool:
        """Whether the file has a column feeding `canonical`."""
        return self.header(canonical) in self.table.frame.columns

    def flag(self, template: str, mask: pd.Series, column: str | None, **params: object) -> None:
        """Add one problem per row in `mask` (on `column`) and reject those rows."""
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        raw = self.raw(column) if column and self.has_raw(column) else None
        personal = column in self.rec.columns and self.rec.kind.field(column).personal
        for row in mask.index[mask]:
            value = MASK if personal else (raw.at[row] if raw is not None else None)
            self.add(template, row, column, value, **params)

    def sort_problems(self) -> None:
        """Problems in the order the user reads the file: by row, then column."""
        self.problems.sort(key=lambda p: (p.row or 0, p.column or ""))

    def add(self, template: str, row: int, column: str | None, value: object, **params) -> None:
        """Add one problem at `row` and reject the row."""
        header = self.header(column) if column else None
        self.problems.append(
            Problem.make(
                template,
                column=header,
                value=value,
                file=self.table.path.name,
                sheet=self.table.sheet,
                row=int(row),
                **params,
            )
        )
        self.rejected.at[row] = True


_SPLIT = ("ubigeo_cp", "centro_poblado")


# ------------------------------------------------------------------ per-table checks -------


def check_table(
    table: RawTable, rec: Recognition, *, today: dt.date, seen: dict[tuple, int] | None = None
) -> Checked:
    """Parse and check every row of `table` as kind `rec.kind` (no database needed).

    `seen`: for a file read in pieces, the natural keys of the pieces before (key → first
    row), so a key repeated across pieces is a duplicate as in a whole read; updated here."""
    index = table.frame.index
    checked = Checked(table, rec, pd.DataFrame(index=index), pd.Series(False, index=index))
    _parse(checked)
    _required(checked)
    _ranges(checked, today)
    _ubigeos(checked)
    if rec.kind.name == "datass":
        _datass_year(checked, today)
    _consistency(checked)
    if seen is None:
        _duplicates(checked)
    else:
        _duplicates_across(checked, seen)
    checked.sort_problems()
    if rec.extras:
        cols = ", ".join(rec.extras)
        checked.notices.append(
            Notice(
                f"Columnas no documentadas, ignoradas: {cols}.",
                f"Undocumented columns ignored: {cols}.",
            )
        )
    return checked


def _parse(checked: Checked) -> None:
    """Coerce every provided column to its type; unparseable cells are type errors."""
    if checked.rec.split_cp:
        _split_cp(checked)
    for name in checked.rec.columns:
        f = checked.rec.kind.field(name)
        values, bad = normalize.parse(checked.raw(name), f.type, f.choices)
        checked.values[name] = values
        checked.bad_cells[name] = bad
        variant = _variant(f.type)
        choices = ", ".join(f.choices)
        checked.flag(f"type-error:{variant}", bad, name, choices=choices)


def _variant(type_: str) -> str:
    """Which type-error message fits a field type."""
    variants = {
        "float": "number",
        "amount": "number",
        "year": "int",
        "cp_list": "ubigeo_cp",
        "code": "number",
    }
    return variants.get(type_, type_)


def _split_cp(checked: Checked) -> None:
    """DATASS 'CentroPoblado_Nombre' = '<10-digit code> - <name>' → ubigeo_cp, centro_poblado."""
    raw = normalize.clean(checked.table.frame[checked.rec.split_cp])
    parts = raw.str.extract(SPLIT_CP_RE)
    codes, bad = normalize.to_ubigeo(parts[0].fillna(""), 10)
    names, _ = normalize.to_text(parts[1].fillna(""))
    checked.values["ubigeo_cp"] = codes
    checked.values["centro_poblado"] = names
    bad = bad | (raw.ne("") & parts[0].isna())
    checked.bad_cells["ubigeo_cp"] = checked.bad_cells["centro_poblado"] = bad
    checked.flag("type-error:ubigeo_cp", bad, "ubigeo_cp")


def _required(checked: Checked) -> None:
    """A blank required cell rejects its row; a totals row Excel users add at the bottom
    ("TOTAL", "Sub total") is rejected once, as what it is, rather than once per blank."""
    blanks = {
        name: checked.values[name].isna() & ~checked.bad_cells[name]
        for name in checked.rec.kind.required
        if name in checked.values
    }
    if not blanks:
        return
    any_blank = pd.concat(list(blanks.values()), axis=1).any(axis=1)
    totals = _totals_rows(checked.table.frame[any_blank])
    for row, label in totals.items():
        checked.add("required-missing:total", row, None, label)
    for name, blank in blanks.items():
        checked.flag("required-missing", blank & ~blank.index.isin(list(totals)), name)


TOTAL_RE = r"^(?:sub\s*)?totale?s?\b"


def _totals_rows(frame: pd.DataFrame) -> dict[int, str]:
    """Row → the "Total", "TOTALES", "Sub total" … label found in it, for the rows of `frame`
    (those with a blank required value) that have one."""
    labels: dict[int, str] = {}
    for col in frame.columns:
        text = normalize.clean(frame[col])
        for row, label in text[text.str.match(TOTAL_RE, case=False)].items():
            labels.setdefault(int(row), label)
    return labels


def _ranges(checked: Checked, today: dt.date) -> None:
    """Numbers outside Field.minimum/maximum; dates before 1990 or in the future."""
    for name in checked.rec.columns:
        f = checked.rec.kind.field(name)
        values = checked.values[name]
        if f.type == "date":
            high = MAX_FUTURE if name in FUTURE_OK else today
            out = values.map(lambda d, hi=high: d is not None and not (MIN_DATE <= d <= hi))
            checked.flag("out-of-range:date", out, name, low="01/01/1990", high=f"{high:%d/%m/%Y}")
        elif f.minimum is not None or f.maximum is not None:
            num = pd.to_numeric(values, errors="coerce")
            lowest = f.minimum if f.minimum is not None else float("-inf")
            highest = f.maximum if f.maximum is not None else float("inf")
            out = num.notna() & ~num.between(lowest, highest)
            checked.flag("out-of-range", out, name, low=_fmt(lowest), high=_fmt(highest))


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _ubigeos(checked: Checked) -> None:
    """District codes (and the district part of CP codes) must be INEI districts."""
    codes = reference.district_codes()
    types = {f.name: f.type for f in checked.rec.kind.fields}
    for name in checked.values.columns:
        f_type = types.get(name)
        values = checked.values[name]
        if f_type in ("ubigeo", "ubigeo_cp"):
            unknown = values.map(lambda v: v is not None and v[:6] not in codes)
        elif f_type == "cp_list":
            unknown = values.map(lambda v: v is not None and any(c[:6] not in codes for c in v))
        else:
            continue
        checked.flag("unknown-ubigeo", unknown, name)


def _datass_year(checked: Checked, today: dt.date) -> None:
    """DATASS anio = year of fecha_encuesta; the load date's year when the survey date is blank."""
    dates = checked.values.get(
        "fecha_encuesta", pd.Series(None, index=checked.values.index, dtype=object)
    )
    blank = dates.isna() & ~checked.rejected
    years = [d.year if isinstance(d, dt.date) else today.year for d in dates]
    checked.values["anio"] = pd.Series(years, index=dates.index, dtype=object)
    checked.undated = int(blank.sum())
    if checked.undated:
        checked.notices.append(undated_notice(checked.undated, today.year))


def undated_notice(n: int, year: int) -> Notice:
    """What a DATASS file's rows without a survey date become (counted over the whole file)."""
    return Notice(
        f"{n} filas sin fecha_encuesta: quedan «sin fecha» y no cuentan como datos"
        f" recientes ni como evaluación de la JASS; se guardan en el año de la carga"
        f" ({year}) solo para la cobertura. FechaModificacion no es la fecha de"
        " la encuesta.",
        f"{n} rows without fecha_encuesta: kept as 'undated', they count neither as"
        f" recent data nor as a JASS assessment; stored under the load year"
        f" ({year}) for coverage only. FechaModificacion is not a survey date.",
    )


def _consistency(checked: Checked) -> None:
    """Figures that contradict each other (served population above population, …)."""
    for kind, a, b, column, detail_es, detail_en in CONSISTENCY:
        if kind != checked.kind or a not in checked.values or b not in checked.values:
            continue
        va, vb = checked.values[a], checked.values[b]
        both = va.notna() & vb.notna() & ~checked.rejected
        worse = va[both] > vb[both]
        for row in worse.index[worse.astype(bool)]:
            ab = {"a": _show(va.at[row]), "b": _show(vb.at[row])}
            value = checked.raw(column).at[row]
            checked.add(
                "inconsistent", row, column, value,
                detail=detail_es.format(**ab), detail_en=detail_en.format(**ab),
            )  # fmt: skip


def _show(value: object) -> str:
    return f"{value:%d/%m/%Y}" if isinstance(value, dt.date) else str(value)


def _duplicates(checked: Checked) -> None:
    """The same natural key twice: keep the first row, reject the later ones."""
    key = [k for k in checked.rec.kind.key if k in checked.values]
    if len(key) < len(checked.rec.kind.key):
        return
    frame = checked.values[key][~checked.rejected].dropna()
    dup = frame.duplicated(keep="first")
    if not dup.any():
        return
    # Only the repeated keys are spelled out: joining every row's key is slow on 100k rows.
    repeated = frame[frame.duplicated(keep=False)]
    shown = repeated.astype(str).agg(" / ".join, axis=1)
    first = shown.reset_index().drop_duplicates(0).set_index(0)["index"]
    for row in dup.index[dup]:
        checked.add("duplicate-key", row, key[0], shown.at[row], first=int(first[shown.at[row]]))


def _duplicates_across(checked: Checked, seen: dict[tuple, int]) -> None:
    """`_duplicates` for one piece of a file: the first row of a key in this piece or any
    piece before is kept, the later ones rejected (the same rows and messages)."""
    key = [k for k in checked.rec.kind.key if k in checked.values]
    if len(key) < len(checked.rec.kind.key):
        return
    frame = checked.values[key][~checked.rejected].dropna()
    rows = frame.index.tolist()
    for row, k in zip(rows, zip(*(frame[c].tolist() for c in key), strict=True), strict=True):
        first = seen.setdefault(k, row)
        if first != row:
            checked.add("duplicate-key", row, key[0], " / ".join(map(str, k)), first=first)


# ------------------------------------------------------------------ references ------------


def check_references(checked: Checked, refs: References) -> None:
    """Rows pointing at organisations or goals the warehouse does not know are rejected
    (kinds with a check in REFERENCE_CHECKS, defined below)."""
    check = REFERENCE_CHECKS.get(checked.kind)
    if check is not None:
        check(checked, refs)
    checked.sort_problems()


def _visit_references(checked: Checked, refs: References) -> None:
    """A visit's organisation must be known; its district is the organisation's."""
    values = checked.values
    oc_ubigeo = values["codigo_oc"].map(lambda c: refs.oc_district.get(c) if c else None)
    unknown = values["codigo_oc"].notna() & oc_ubigeo.isna() & ~checked.rejected
    checked.flag("unknown-reference:oc", unknown, "codigo_oc")
    if "ubigeo" not in values:
        values["ubigeo"] = oc_ubigeo
        return
    differs = values["ubigeo"].notna() & oc_ubigeo.notna() & (values["ubigeo"] != oc_ubigeo)
    for row in differs.index[differs & ~checked.rejected]:
        checked.add(
            "inconsistent:ubigeo", row, "ubigeo", values.at[row, "ubigeo"],
            oc=values.at[row, "codigo_oc"], other=oc_ubigeo.at[row],
        )  # fmt: skip
    values["ubigeo"] = values["ubigeo"].where(values["ubigeo"].notna(), oc_ubigeo)


def _activity_references(checked: Checked, refs: References) -> None:
    """Evidence must name an activity of the catalogue (ids compared without case/accents)."""
    canon = {(a, m, header_key(act)): act for a, m, act in refs.activities}
    values = checked.values
    # Plain lists, not .at per row (a national file has ~100k rows); header_key once per id.
    rows = values.index.tolist()
    anios, metas = values["anio"].tolist(), values["meta"].tolist()
    acts = values["actividad"].tolist()
    keys: dict[object, str] = {}
    for i in np.flatnonzero(~checked.rejected.to_numpy(dtype=bool)).tolist():
        anio, meta, act = anios[i], metas[i], acts[i]
        if act not in keys:
            keys[act] = header_key(act)
        found = canon.get((anio, meta, keys[act]))
        if found is None:
            shown = f"{act} (meta {meta}, {anio})"
            checked.add("unknown-reference:actividad", rows[i], "actividad", shown)
        else:
            acts[i] = found
    values["actividad"] = pd.Series(acts, index=values.index, dtype=object)


def _goal_references(checked: Checked, refs: References) -> None:
    """An MEF result must be for a goal of the catalogue."""
    values = checked.values
    rows = values.index.tolist()
    anios, metas = values["anio"].tolist(), values["meta"].tolist()
    for i in np.flatnonzero(~checked.rejected.to_numpy(dtype=bool)).tolist():
        goal = (anios[i], metas[i])
        if goal not in refs.goals:
            checked.add("unknown-reference:meta", rows[i], "meta", f"{goal[1]} ({goal[0]})")


# The kinds whose rows name something the warehouse must already know, and their check.
REFERENCE_CHECKS = {
    "monitoreo_oc": _visit_references,
    "avance_metas": _activity_references,
    "resultado_mef": _goal_references,
    "alianza": partnership.check_rows,  # issue 16 (p16): etl/partnership.py
}
