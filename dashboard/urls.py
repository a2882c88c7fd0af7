"""Every internal address of the dashboard, built in one place (as datasette's url_builder.py).

A page's path is written here and nowhere else in dashboard/ (tests/unit/test_pages.py fails
on a literal elsewhere): pages register their template from here, links are built here. A
link keeps the state it is given (language, filters); `state.lang_only` is what a link to
another kind of page keeps.
"""

from __future__ import annotations

from dashboard.state import UrlState, href

# Pages (Dash path templates: `<name>` is a path variable).
OVERVIEW = "/"
DISTRICT = "/distrito/<ubigeo>"
SHEET = "ficha"  # the district page's printable view: /distrito/<ubigeo>/ficha
VISIT_PLAN = "intercambio"  # its printable exchange-visit plan: /distrito/<ubigeo>/intercambio
JASS = "/jass/<codigo_oc>"
GOALS = "/metas"
EXIT = "/salida"
DATA = "/datos"
PEERS = "/intercambio"
NOT_FOUND = "/404"
PAGE_PATHS = (OVERVIEW, DISTRICT, JASS, GOALS, EXIT, PEERS, DATA, NOT_FOUND)

# The server's own routes (not pages).
LOGIN = "/login"
LOGOUT = "/logout"
HEALTH = "/health"
EXPORTS = "/exportar"
MAPS = "/mapa/"


def fixed_part(template: str) -> str:
    """A template's path up to its first variable, without the trailing slash
    ("/distrito/<ubigeo>" → "/distrito")."""
    return template.split("<", 1)[0].rstrip("/") or "/"


def variables(template: str) -> tuple[str, ...]:
    """The path variables of a template ("/jass/<codigo_oc>" → ("codigo_oc",))."""
    return tuple(part[1:-1] for part in template.split("/") if part.startswith("<"))


# Paths drawn under the overview's navigation entry (a district and a JASS are reached from it).
UNDER_OVERVIEW = (fixed_part(DISTRICT), fixed_part(JASS))


def overview(state: UrlState) -> str:
    """The overview with the state's filters."""
    return href(OVERVIEW, state)


def district_path(ubigeo: str) -> str:
    return f"{fixed_part(DISTRICT)}/{ubigeo}"


def district(ubigeo: str, state: UrlState) -> str:
    """A district's page."""
    return href(district_path(ubigeo), state)


def district_sheet(ubigeo: str, state: UrlState) -> str:
    """A district's printable one-page sheet."""
    return href(f"{district_path(ubigeo)}/{SHEET}", state)


def district_visit_plan(ubigeo: str, state: UrlState) -> str:
    """A district's printable exchange-visit plan (issue 16; its `item` from the state)."""
    return href(f"{district_path(ubigeo)}/{VISIT_PLAN}", state)


def jass_path(codigo_oc: str) -> str:
    return f"{fixed_part(JASS)}/{codigo_oc}"


def jass(codigo_oc: str, state: UrlState) -> str:
    """A JASS's page."""
    return href(jass_path(codigo_oc), state)


def goals(state: UrlState) -> str:
    """The goal page (its `meta` and `dep` from the state)."""
    return href(GOALS, state)


def exit_page(state: UrlState) -> str:
    """The exit-readiness page (its `ong` from the state)."""
    return href(EXIT, state)


def peers(state: UrlState) -> str:
    """The peer-exchange page (its `dep`, `prov` and `item` from the state)."""
    return href(PEERS, state)


def data(state: UrlState) -> str:
    """The data page."""
    return href(DATA, state)


def logout(lang: str) -> str:
    """The logout form's target."""
    return f"{LOGOUT}?lang={lang}"
