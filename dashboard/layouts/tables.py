"""Every exportable table: its id and how its export link rebuilds it (dashboard.exports).

Each source is the function its page draws the table with, called from the link's URL state
on the warehouse as the request's account sees it.
"""

from __future__ import annotations

from dashboard import ids, poverty
from dashboard.exports import Source
from dashboard.layouts import data, district, goals, salida

SOURCES: dict[str, Source] = {
    ids.DI_GRID: district.jass_source,
    ids.DI_CP_GRID: district.cp_source,
    ids.DI_PRIORITY: district.priority_source,
    ids.GO_GRID: goals.at_risk_source,
    ids.GO_ACT_GRID: goals.activity_source,
    ids.GO_DIS_GRID: goals.disagreement_source,
    ids.EX_GRID: salida.exit_source,
    ids.DA_REJECTS: data.rejects_source,
    ids.DA_REJECTS_ALL: data.all_rejects_source,
    poverty.OV_BRECHA: poverty.source,  # issue 17
}
