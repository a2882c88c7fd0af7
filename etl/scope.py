"""Which rows a load may write: the districts and input kinds of the account that loads them.

The command line loads everything (`LoadScope.everything()`). A dashboard upload by an `atm`
account is limited to its districts: every row of another district is rejected with the
stable code `out-of-scope`, and an organisation registered in another district cannot be
re-registered into (or changed from) this one. Kinds the account may not load at all fail
the file with `not-allowed`. These are checks of the one loader, not a second loader.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from etl.validate import Checked

# Kinds a municipal technical area produces itself: its diagnostic surveys, its JASS register,
# its visits, its own ATM facts and its goal evidence. MEF results and classification, and NGO
# portfolios, come from the ministry or the NGO (our choice; README "Choices").
ATM_KINDS = frozenset(
    {"datass", "registro_oc", "monitoreo_oc", "atm", "avance_metas"}
    | {"siasar_sistema", "siasar_vinculo"}  # issue 15: SIASAR sheets of its districts
    | {"siasar_distribucion", "siasar_almacenamiento", "siasar_captacion", "siasar_tratamiento"}
)
SHOWN_DISTRICTS = 5  # districts listed in a problem message


@dataclass(frozen=True)
class LoadScope:
    """Districts (None: all) and kinds (None: all) a load may write, and who loads."""

    districts: frozenset[str] | None = None
    kinds: frozenset[str] | None = None
    account: str | None = None  # the dashboard account (None: the command line)

    @classmethod
    def everything(cls) -> LoadScope:
        return cls()

    @classmethod
    def for_districts(cls, districts: Iterable[str], account: str | None = None) -> LoadScope:
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


def row_districts(checked: Checked) -> pd.Series:
    """The district of each row: its ubigeo, or the first six digits of its CP code."""
    values = checked.values
    if "ubigeo" in values:
        return values["ubigeo"]
    if "ubigeo_cp" in values:
        return values["ubigeo_cp"].map(lambda code: code[:6] if isinstance(code, str) else None)
    return pd.Series(None, index=values.index, dtype=object)


def check_rows(checked: Checked, scope: LoadScope, oc_district: Mapping[str, str]) -> None:
    """Reject rows outside the scope's districts (call after the reference checks)."""
    if scope.districts is None:
        return
    allowed = scope.districts
    districts = row_districts(checked)
    outside = districts.notna() & ~districts.isin(allowed) & ~checked.rejected
    column, shown = _district_column(checked), scope.allowed_text()
    for row in outside.index[outside]:
        checked.add("out-of-scope", row, column, districts.at[row], allowed=shown)
    if "codigo_oc" in checked.values:
        _foreign_organisations(checked, allowed, oc_district)
    checked.sort_problems()


def _district_column(checked: Checked) -> str:
    return "ubigeo" if "ubigeo" in checked.values else "ubigeo_cp"


def _foreign_organisations(
    checked: Checked, allowed: frozenset[str], oc_district: Mapping[str, str]
) -> None:
    """A known organisation of another district may not be registered or changed here."""
    codes = checked.values["codigo_oc"]
    home = codes.map(lambda code: oc_district.get(code) if isinstance(code, str) else None)
    foreign = home.notna() & ~home.isin(allowed) & ~checked.rejected
    for row in foreign.index[foreign]:
        checked.add("out-of-scope:oc", row, "codigo_oc", codes.at[row], other=home.at[row])
