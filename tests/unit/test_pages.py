"""A page is one unit (issue 13): its path is written once (dashboard/urls.py), every internal
link is built there, and the page list is the only registry of pages."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from dashboard import urls
from dashboard.state import UrlState

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard"
# Every address of ours except "/" (too common to tell apart from other strings).
OWN_PATHS = sorted(
    {urls.fixed_part(p) for p in urls.PAGE_PATHS if p != urls.OVERVIEW}
    | {urls.LOGIN, urls.LOGOUT, urls.HEALTH, urls.EXPORTS, urls.MAPS.rstrip("/")}
)
LITERAL = re.compile("^(" + "|".join(re.escape(p) for p in OWN_PATHS) + r")(/|\?|$)")


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the docstring nodes (they may name a path for the reader)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def path_literals(source: str) -> list[str]:
    """String constants (f-string parts included) that start with one of our addresses."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skip
        and LITERAL.match(node.value)
    ]


def test_dsh200_page_paths_only_in_the_url_builder():
    found = {
        str(p.relative_to(DASHBOARD)): hits
        for p in sorted(DASHBOARD.rglob("*.py"))
        if p.name != "urls.py" and (hits := path_literals(p.read_text(encoding="utf-8")))
    }
    assert found == {}, f"page paths written outside dashboard/urls.py: {found}"


def test_dsh201_the_literal_check_can_fail():
    assert path_literals('x = href(f"/distrito/{code}", state)') == ["/distrito/"]
    assert path_literals('NAV = ("/metas", "nav.goals")') == ["/metas"]
    assert path_literals('y = "/metas?dep=01"') == ["/metas?dep=01"]
    assert path_literals('"""The page `/metas`."""\nz = "/metasx"') == []


def test_dsh202_url_builder():
    state = UrlState(lang="en", anio=2017)
    assert urls.district("060101", state) == "/distrito/060101?anio=2017&lang=en"
    assert urls.district_sheet("060101", UrlState()) == "/distrito/060101/ficha?lang=es"
    assert urls.jass("OC-1", UrlState()) == "/jass/OC-1?lang=es"
    assert urls.overview(UrlState(dep="06")) == "/?dep=06&lang=es"
    assert urls.exit_page(UrlState(ong="WFP")) == "/salida?ong=WFP&lang=es"
    assert urls.variables(urls.DISTRICT) == ("ubigeo",) and urls.variables(urls.GOALS) == ()
    assert urls.UNDER_OVERVIEW == ("/distrito", "/jass")


def test_dsh203_the_page_list_is_the_only_registry():
    from dashboard import ids, poverty
    from dashboard.pages import GRID_EXPORTS, NAV_ITEMS, PAGES, SOURCES

    assert NAV_ITEMS == (
        ("/", "nav.overview"),
        ("/metas", "nav.goals"),
        ("/salida", "nav.exit"),
        ("/intercambio", "nav.peers"),
        ("/datos", "nav.data"),
    )
    assert set(SOURCES) == {
        ids.DI_GRID, ids.DI_CP_GRID, ids.DI_PRIORITY, ids.GO_GRID, ids.GO_ACT_GRID,
        ids.GO_DIS_GRID, ids.EX_GRID, ids.DA_REJECTS, ids.DA_REJECTS_ALL, poverty.OV_BRECHA,
        ids.IX_SUG_GRID, ids.IX_ATM_GRID, ids.IX_ALI_GRID,
    }  # fmt: skip
    assert sorted(GRID_EXPORTS) == sorted(
        (ids.DI_GRID, ids.DI_CP_GRID, ids.GO_GRID, ids.GO_ACT_GRID, ids.EX_GRID, ids.DA_REJECTS,
         ids.GO_DIS_GRID, ids.IX_SUG_GRID, ids.IX_ATM_GRID, ids.IX_ALI_GRID)
    )  # fmt: skip
    assert set(GRID_EXPORTS) <= set(SOURCES)  # a grid's export link has a table behind it
    assert len({p.name for p in PAGES}) == len({p.path for p in PAGES}) == len(PAGES)
    assert {p.path for p in PAGES} == set(urls.PAGE_PATHS) - {urls.NOT_FOUND}


def test_dsh204_render_draws_a_failed_section_in_place_without_the_warehouse():
    """Fetch, then render: render() takes only the loaded data; a section whose read failed
    becomes an error alert in its place and the others still draw."""
    import pandas as pd

    from dashboard.layouts import district, siasar
    from dashboard.page import Section, fetch, show
    from dashboard.server import speed

    def broken() -> pd.DataFrame:
        raise RuntimeError("SELECT secret FROM x")

    failed = fetch(broken)
    assert not failed.ok and isinstance(failed.error, RuntimeError)
    assert fetch(lambda: 3).value == 3 and fetch(lambda: 3).ok
    empty = pd.DataFrame()
    sections = district.Sections(
        history=pd.DataFrame({"anio": []}),
        year=None,
        orgs=empty,
        places=failed,
        coverage=failed,
        atm=Section(empty),
        goals=Section((empty, empty)),
        readiness=Section(empty),
        siasar=siasar.Found(empty),
    )
    info = {
        "ubigeo": "060101",
        "nombre": "Cajamarca",
        "departamento": "06",
        "provincia": "0601",
        "departamento_nombre": "Cajamarca",
        "provincia_nombre": "Cajamarca",
    }
    data = district.DistrictData(Section(info), Section(sections))
    token = speed.SECTION_FAILURES.set(0)
    try:
        page = str(district.render(data, UrlState(lang="en"), "060101"))
        assert speed.SECTION_FAILURES.get() == 2  # the page is then not cached
    finally:
        speed.SECTION_FAILURES.reset(token)
    assert page.count("RuntimeError") == 2 and "secret" not in page  # the kind, never the SQL
    assert "Cajamarca" in page and "di-grid" in page  # the rest of the page is there
    unknown = str(district.render(district.DistrictData(Section(None)), UrlState(), "999999"))
    assert "999999" in unknown and "RuntimeError" not in unknown
    assert "RuntimeError" in str(show("es", failed, lambda v: v))
