"""The partnership register's checks against the warehouse (issue 16, input kind `alianza`).

A row names the JASS that learns (`codigo_oc`, the mentee: its district is the row's) and the
JASS that teaches (`mentor_oc`, of any district), what is learnt (score-model `items` and/or a
free `tema`) and when. Each row is loaded or rejected with a reason a clerk can act on: an
unknown mentee or mentor, a JASS mentoring itself, an end before the start, an item the health
model does not have, nothing said about what is learnt. Called by the loader through
etl.validate.REFERENCE_CHECKS; the upload reach (etl/reach.py) then checks the mentee's district.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd

from etl.normalize import header_key

if TYPE_CHECKING:  # etl.validate imports this module
    from etl.validate import Checked, References

ITEM_SEPARATORS = re.compile(r"[;,|/\n]+")


def model_items() -> tuple[str, ...]:
    """The health model's item ids (imported when first needed: etl.derive reads the kinds)."""
    from etl.derive.health import items

    return items()


def split_items(text: object) -> list[str]:
    """A cell's items ("cloro_residual; Rinde cuentas") as stripped, non-empty parts."""
    if not isinstance(text, str):
        return []
    return [part.strip() for part in ITEM_SEPARATORS.split(text) if part.strip()]


def canonical_items(parts: Iterable[str], known: Iterable[str]) -> tuple[list[str], list[str]]:
    """(items as the model spells them, parts that are no item), compared without case,
    accents, spaces or dashes ("Cloro residual" is `cloro_residual`)."""
    by_key = {header_key(item): item for item in known}
    found, unknown = [], []
    for part in parts:
        item = by_key.get(header_key(part))
        if item is None:
            unknown.append(part)
        elif item not in found:
            found.append(item)
    return found, unknown


def join_items(items: Iterable[str]) -> str | None:
    """How items are stored (intercambio_alianza.items): ids joined by ';', None for none."""
    text = ";".join(items)
    return text or None


def check_rows(checked: Checked, refs: References) -> None:
    """Reject partnership rows that name nothing the warehouse knows or contradict themselves;
    add each row's `ubigeo` (the mentee's district) and `ubigeo_mentor`."""
    values = checked.values
    home = values["codigo_oc"].map(lambda c: refs.oc_district.get(c) if c else None)
    mentor_home = values["mentor_oc"].map(lambda c: refs.oc_district.get(c) if c else None)
    checked.flag("unknown-reference:oc", _open(checked) & home.isna(), "codigo_oc")
    checked.flag("unknown-reference:mentor", _open(checked) & mentor_home.isna(), "mentor_oc")
    same = values["codigo_oc"] == values["mentor_oc"]
    checked.flag("inconsistent:alianza-misma", _open(checked) & same, "mentor_oc")
    _dates(checked)
    _items(checked)
    values["ubigeo"] = home
    values["ubigeo_mentor"] = mentor_home


def _open(checked: Checked) -> pd.Series:
    return ~checked.rejected


def _dates(checked: Checked) -> None:
    values = checked.values
    if "fecha_fin" not in values:
        return
    start, end = values["fecha_inicio"], values["fecha_fin"]
    for row in values.index[_open(checked)]:
        if end.at[row] is not None and start.at[row] is not None and end.at[row] < start.at[row]:
            checked.add(
                "inconsistent:alianza-fechas", row, "fecha_fin", f"{end.at[row]:%d/%m/%Y}",
                start=f"{start.at[row]:%d/%m/%Y}",
            )  # fmt: skip


def _items(checked: Checked) -> None:
    """Items in the model's spelling, stored joined by ';'; a row says what is learnt."""
    values = checked.values
    known = model_items()
    cells = values["items"] if "items" in values else pd.Series(None, index=values.index)
    topics = values["tema"] if "tema" in values else pd.Series(None, index=values.index)
    stored: dict[int, str | None] = {}
    for row in values.index:
        found, unknown = canonical_items(split_items(cells.at[row]), known)
        stored[row] = join_items(found)
        if checked.rejected.at[row]:
            continue
        if unknown:
            checked.add("unknown-reference:item", row, "items", unknown[0], known=", ".join(known))
        elif not found and not (isinstance(topics.at[row], str) and topics.at[row].strip()):
            checked.add("required-missing:alianza-tema", row, "items", None)
    values["items"] = pd.Series(stored, dtype=object).reindex(values.index)
