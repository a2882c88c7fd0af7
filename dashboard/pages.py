"""The page list: the only registry of pages (issue 13). The app registers these, in this
order; the navigation bar, the export route and the grids' export links are read from it.

Adding a page: a module in dashboard/layouts/ that declares its `PAGE`, and one line here.
"""

from __future__ import annotations

from dashboard.exports import Source
from dashboard.layouts import data, district, goals, intercambio, jass, overview, salida
from dashboard.page import Page

PAGES: tuple[Page, ...] = (
    overview.PAGE,
    district.PAGE,
    jass.PAGE,
    goals.PAGE,
    salida.PAGE,
    intercambio.PAGE,
    data.PAGE,
)

# The navigation bar's entries: (path, label key), in the list's order.
NAV_ITEMS: tuple[tuple[str, str], ...] = tuple((p.path, p.nav) for p in PAGES if p.nav)
# Every exportable table: its id and the function its page draws it with (dashboard.exports).
SOURCES: dict[str, Source] = {table: src for p in PAGES for table, src in p.exports.items()}
# AG Grids whose export links follow their filter and sort (dashboard.exports.register_links).
GRID_EXPORTS: tuple[str, ...] = tuple(grid for p in PAGES for grid in p.grids)
