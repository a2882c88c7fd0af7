"""An AG Grid's filter and sort, applied on the server: the export links carry them.

A table is exported from a link (`/exportar/<table>.<fmt>?…`), not from the rows the browser
holds, so the server rebuilds the rows and applies what the user chose in the grid: its
`filterModel` (the `filtro` parameter, JSON) and the sorted columns of its `columnState`
(`orden`, JSON `[[colId, "asc"|"desc"], …]` in sort order).

The rules follow AG Grid Community 35's own (`TextFilter`, `NumberFilter`, the default
comparator), so the file holds the rows the grid shows; `tests/browser` checks them against
the grid's `virtualRowData`:
- text filters compare `String(value).toLowerCase()` with the lower-cased filter text; an empty
  cell passes only `notEqual`, `notContains` and `blank`;
- number filters compare numbers; an empty cell passes only `blank`; `inRange` excludes its
  ends;
- several conditions join with their `operator` (AND by default); columns always join by AND;
- sorting puts empty cells first when ascending, compares strings by code unit, and keeps the
  original order for ties (AG Grid breaks them by row index).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from typing import Any

Row = dict[str, Any]
TEXT_TYPES = ("contains", "notContains", "equals", "notEqual", "startsWith", "endsWith")
NUMBER_TYPES = (
    "equals",
    "notEqual",
    "lessThan",
    "lessThanOrEqual",
    "greaterThan",
    "greaterThanOrEqual",
    "inRange",
)
BLANK_TYPES = ("blank", "notBlank")
MAX_PARAM_CHARS = 8_000  # a filter a person can type is far shorter; longer is not a grid's


class ModelError(ValueError):
    """A filter or sort parameter the grid could not have produced (shown as a 400)."""


def js_text(value: Any) -> str:
    """`String(value)` as JavaScript writes it (12.0 → "12", True → "true")."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value) and abs(value) < 1e21:
            return str(int(value))
        return repr(value)
    return str(value)


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text_passes(condition: dict[str, Any], value: Any) -> bool:
    kind = condition.get("type")
    if kind == "blank":
        return _is_blank(value)
    if kind == "notBlank":
        return not _is_blank(value)
    if value is None:
        return kind in ("notEqual", "notContains")
    needle = condition.get("filter")
    if needle is None:
        return False
    text, needle = js_text(value).lower(), js_text(needle).lower()
    return {
        "contains": needle in text,
        "notContains": needle not in text,
        "equals": text == needle,
        "notEqual": text != needle,
        "startsWith": text.startswith(needle),
        "endsWith": text.endswith(needle),
    }[str(kind)]


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return None if math.isnan(value) else float(value)


def _number_passes(condition: dict[str, Any], value: Any) -> bool:
    kind = condition.get("type")
    if value is None:
        return kind == "blank"
    if kind in BLANK_TYPES:
        return kind == "notBlank"
    cell = _number(value)
    if cell is None:  # not a number: AG Grid lets it through only "not equal"
        return kind == "notEqual"
    low = _number(condition.get("filter"))
    if low is None:
        return True  # an incomplete condition filters nothing
    if kind == "inRange":
        high = _number(condition.get("filterTo"))
        return high is None or low < cell < high
    return {
        "equals": cell == low,
        "notEqual": cell != low,
        "lessThan": cell < low,
        "lessThanOrEqual": cell <= low,
        "greaterThan": cell > low,
        "greaterThanOrEqual": cell >= low,
    }[str(kind)]


CHECKS: dict[str, tuple[Callable[[dict[str, Any], Any], bool], tuple[str, ...]]] = {
    "text": (_text_passes, TEXT_TYPES + BLANK_TYPES),
    "number": (_number_passes, NUMBER_TYPES + BLANK_TYPES),
}


def _column_test(field: str, model: Any) -> Callable[[Row], bool]:
    """One column's filter (a condition, or several joined by AND/OR) as a row predicate."""
    if not isinstance(model, dict):
        raise ModelError(f"filtro de {field}: no es un objeto")
    kind = model.get("filterType", "text")
    if not isinstance(kind, str) or kind not in CHECKS:
        raise ModelError(f"filtro de {field}: tipo {kind!r} no soportado")
    check, allowed = CHECKS[kind]
    conditions = model.get("conditions") if "operator" in model else [model]
    if not isinstance(conditions, list) or not conditions:
        raise ModelError(f"filtro de {field}: sin condiciones")
    for condition in conditions:
        if not isinstance(condition, dict) or condition.get("type") not in allowed:
            raise ModelError(f"filtro de {field}: condición no soportada")
    join = any if model.get("operator") == "OR" else all
    return lambda row: join(check(cond, row.get(field)) for cond in conditions)


def filter_rows(rows: Iterable[Row], model: dict[str, Any] | None) -> list[Row]:
    """The rows passing every column's filter (AND across columns, as the grid does)."""
    tests = [_column_test(field, m) for field, m in (model or {}).items()]
    return [row for row in rows if all(test(row) for test in tests)]


def _sort_key(field: str) -> Callable[[Row], tuple]:
    def key(row: Row) -> tuple:
        value = row.get(field)
        if value is None:
            return (0, 0, 0)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return (1, 0, value)
        return (1, 1, js_text(value))

    return key


def sort_rows(rows: list[Row], order: list[tuple[str, str]]) -> list[Row]:
    """The rows sorted by several columns, the first one most significant (stable)."""
    out = list(rows)
    for field, direction in reversed(order):
        out.sort(key=_sort_key(field), reverse=direction == "desc")
    return out


def parse_filter(text: str | None, fields: Iterable[str]) -> dict[str, Any]:
    """The `filtro` parameter as a filter model on known columns ({} when absent)."""
    value = _json(text, "filtro")
    if value is None:
        return {}
    known = set(fields)
    if not isinstance(value, dict) or not set(value) <= known:
        raise ModelError("filtro: columnas desconocidas")
    for field, model in value.items():
        _column_test(field, model)  # validate now: a bad model is a 400, not a 500 later
    return value


def parse_order(text: str | None, fields: Iterable[str]) -> list[tuple[str, str]]:
    """The `orden` parameter as [(column, "asc"|"desc")] on known columns ([] when absent)."""
    value = _json(text, "orden")
    if value is None:
        return []
    known = set(fields)
    valid = isinstance(value, list) and all(
        isinstance(item, list)
        and len(item) == 2
        and isinstance(item[0], str)
        and item[0] in known
        and item[1] in ("asc", "desc")
        for item in value
    )
    if not valid:
        raise ModelError("orden: no válido")
    return [(str(f), str(d)) for f, d in value]


def _json(text: str | None, name: str) -> Any:
    if not text:
        return None
    if len(text) > MAX_PARAM_CHARS:
        raise ModelError(f"{name}: demasiado largo")
    try:
        # Integers as floats: a 400-digit number is a float (inf), not an int that overflows
        # when compared; nesting deeper than Python's recursion limit is not a grid's either.
        return json.loads(text, parse_int=float)
    except (ValueError, RecursionError) as exc:
        raise ModelError(f"{name}: no es JSON") from exc
