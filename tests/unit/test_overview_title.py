"""The overview's heading names the place shown: a department's overview must not say 'national'."""

from __future__ import annotations

import pandas as pd

from dashboard.layouts.overview import OverviewData, _title
from dashboard.page import Section
from dashboard.state import UrlState

DEPS = pd.DataFrame({"ubigeo": ["06", "02"], "nombre": ["Cajamarca", "Áncash"]})
PROVS = pd.DataFrame({"ubigeo": ["0606"], "nombre": ["Cutervo"]})


def _data(restricted: bool = False, provinces: pd.DataFrame | None = None) -> OverviewData:
    return OverviewData(
        restricted=restricted,
        years=Section([2026]),
        year=2026,
        departments=Section(DEPS),
        provinces=None if provinces is None else Section(provinces),
        districts=None,
    )


def test_ovt001_national_scoped_and_places() -> None:
    assert _title(_data(), UrlState()) == "Resumen nacional"
    assert _title(_data(restricted=True), UrlState()) == "Resumen de sus distritos"
    assert _title(_data(), UrlState(dep="06")) == "Resumen · Cajamarca"
    both = _title(_data(provinces=PROVS), UrlState(dep="06", prov="0606", lang="en"))
    assert both == "Overview · Cajamarca · Cutervo"


def test_ovt002_unknown_code_falls_back() -> None:
    assert _title(_data(), UrlState(dep="99")) == "Resumen nacional"
