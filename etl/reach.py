"""A load's write reach: the districts and input kinds the account that loads may write.

"Reach" is what a load may write; it is not the account's `Scope` (dashboard/auth: what an
account may read) nor the pages' location filter, though an atm account's reach and its scope
name the same districts. The problem codes keep their stored names (`out-of-scope`).

The command line loads everything (`WriteReach.everything()`). A dashboard upload by an `atm`
account is limited to its districts: every row of another district is rejected with the
stable code `out-of-scope`, and an organisation registered in another district cannot be
re-registered into (or changed from) this one. Every reference a row carries is checked, not
only its own district: centro poblado codes and lists, provider codes (`references`). Kinds the
account may not load at all (`Kind.atm` false, etl/sources.py) fail
the file with `not-allowed`. These are checks of the one loader, not a second loader.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from etl import sources
from etl.validate import Checked

# Kinds a municipal technical area produces itself (`Kind.atm`): its diagnostic surveys, its
# JASS register, its visits, its own ATM facts, its goal evidence and the SIASAR sheets of its
# districts. MEF results and classification, and NGO portfolios, come from the ministry or the
# NGO (our choice; README "Choices").
ATM_KINDS = sources.ATM_KINDS
SHOWN_DISTRICTS = 5  # districts listed in a problem message


@dataclass(frozen=True)
class WriteReach:
    """Districts (None: all) and kinds (None: all) a load may write, and who loads."""

    districts: frozenset[str] | None = None
    kinds: frozenset[str] | None = None
    account: str | None = None  # the dashboard account (None: the command line)

    @classmethod
    def everything(cls) -> WriteReach:
        return cls()

    @classmethod
    def for_districts(cls, districts: Iterable[str], account: str | None = None) -> WriteReach:
        """An atm account's uploads: its districts, the kinds an ATM produces."""
        return cls(frozenset(districts), ATM_KINDS, account)

    def allows_kind(self, kind: str | None) -> bool:
        return self.kinds is None or kind in self.kinds

    def allowed_text(self) -> str:
        """The districts for a message: a few codes, then how many more."""
        codes = sorted(self.districts or ())
        shown = ", ".join(codes[:SHOWN_DISTRICTS])
        more = len(codes) - SHOWN_DISTRICTS
        return shown + (f" … (+{more})" if more > 0 else "")


# ------------------------------------------------------------------ references -------------

Target = Literal["district", "cp", "organisation", "anywhere"]


@dataclass(frozen=True)
class Reference:
    """A column whose values name a place or an organisation: a row of an account with
    districts may only name places and (known) organisations of those districts."""

    column: str
    target: Target


# Which field types name a place (every kind's columns of these types are references).
TARGET_OF_TYPE: dict[str, Target] = {"ubigeo": "district", "ubigeo_cp": "cp", "cp_list": "cp"}
# Columns naming a JASS or another provider by its code (codigo_ps: DATASS's provider).
ORGANISATION_COLUMNS = frozenset({"codigo_oc", "codigo_ps"})
# Columns naming a JASS that may be of ANY district (issue 16: a partnership's mentor). The row
# is the mentee's (its `codigo_oc`, checked as above); the mentor must exist (the kind's
# reference check, etl/partnership.py) but is only named, never written, so no reach limits it.
ANYWHERE_COLUMNS = frozenset({"mentor_oc"})
# Every column whose codes the loader looks up in the warehouse (etl/load.py `_references`).
CODE_COLUMNS = ORGANISATION_COLUMNS | ANYWHERE_COLUMNS
# References a kind carries that neither its field types nor names reveal: the `ubigeo` the
# loader adds (`Kind.adds_ubigeo`). SIASAR rows carry no code of their place: it is matched
# from the place names (etl/siasar_load.py), and a link file's row takes its system's district.
EXTRA_REFERENCES: dict[str, tuple[Reference, ...]] = {
    k.name: (Reference("ubigeo", "district"),) for k in sources.KINDS.values() if k.adds_ubigeo
}


def references(kind: sources.Kind) -> tuple[Reference, ...]:
    """Every reference a row of `kind` carries, in its column order (issue #19: a DATASS row
    of one's own centro poblado naming another district's JASS as provider changed that
    JASS's grade; a register row listing another district's centros poblados was loaded)."""
    found = [
        Reference(f.name, TARGET_OF_TYPE[f.type]) for f in kind.fields if f.type in TARGET_OF_TYPE
    ]
    found += [
        Reference(f.name, "organisation") for f in kind.fields if f.name in ORGANISATION_COLUMNS
    ]
    found += [Reference(f.name, "anywhere") for f in kind.fields if f.name in ANYWHERE_COLUMNS]
    return (*found, *EXTRA_REFERENCES.get(kind.name, ()))


def check_rows(checked: Checked, reach: WriteReach, oc_district: Mapping[str, str]) -> None:
    """Reject rows naming anything outside the reach's districts (call after the reference
    checks): through every reference of the kind, the first one outside rejects the row."""
    if reach.districts is None:
        return
    for ref in references(checked.rec.kind):
        if ref.column in checked.values:
            CHECKS[ref.target](checked, ref.column, reach, oc_district)
    checked.sort_problems()


def _open_rows(checked: Checked, column: str) -> pd.Series:
    """The column's values on rows not rejected yet that hold one."""
    values = checked.values[column]
    return values[values.notna() & ~checked.rejected]


def _district(checked: Checked, column: str, reach: WriteReach, _: Mapping[str, str]) -> None:
    allowed, shown = reach.districts or frozenset(), reach.allowed_text()
    for row, code in _open_rows(checked, column).items():
        if code not in allowed:
            checked.add("out-of-scope", row, column, code, allowed=shown)


def _centros_poblados(
    checked: Checked, column: str, reach: WriteReach, _: Mapping[str, str]
) -> None:
    """A centro poblado's district is the first six digits of its code (INEI)."""
    allowed, shown = reach.districts or frozenset(), reach.allowed_text()
    for row, value in _open_rows(checked, column).items():
        codes = value if isinstance(value, list) else [value]
        outside = [str(code) for code in codes if str(code)[:6] not in allowed]
        if not outside:
            continue
        if isinstance(value, list):  # a register's list of the CPs a JASS serves
            checked.add("out-of-scope:cp", row, column, outside[0], other=outside[0][:6])
        else:  # the row's own centro poblado: the row is of that district
            checked.add("out-of-scope", row, column, outside[0][:6], allowed=shown)


def _organisations(
    checked: Checked, column: str, reach: WriteReach, oc_district: Mapping[str, str]
) -> None:
    """A known organisation of another district may not be registered, changed or named as
    a provider here (an unknown code names nobody's data yet)."""
    allowed = reach.districts or frozenset()
    template = _ORGANISATION_TEMPLATES.get((checked.kind, column)) or (
        "out-of-scope:oc" if column == "codigo_oc" else "out-of-scope:provider"
    )
    for row, code in _open_rows(checked, column).items():
        home = oc_district.get(code) if isinstance(code, str) else None
        if home is not None and home not in allowed:
            checked.add(template, row, column, code, other=home)


# A partnership's codigo_oc is the JASS that learns: its own message says who may register it.
_ORGANISATION_TEMPLATES = {("alianza", "codigo_oc"): "out-of-scope:mentee"}


def _anywhere(checked: Checked, column: str, reach: WriteReach, _: Mapping[str, str]) -> None:
    """A JASS only named (a mentor) may be of any district: nothing to reject here."""


CHECKS = {
    "district": _district,
    "cp": _centros_poblados,
    "organisation": _organisations,
    "anywhere": _anywhere,
}
