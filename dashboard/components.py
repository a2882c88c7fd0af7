"""Reusable pieces of layout: navbar, KPI card, badges, empty state, grids (a failed
section's alert is dashboard/page.py's)."""

from __future__ import annotations

from typing import Any

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import exports, urls
from dashboard.i18n import label, t
from dashboard.state import UrlState, href, lang_only
from etl.derive.siasar import GRADE_COLORS, GRADES

# Dark text on the light grades (B is bright yellow) keeps the badge readable.
GRADE_TEXT = {"A": "#fff", "B": "#222", "C": "#222", "D": "#fff", "E": "#222"}
STATE_COLORS = {
    "cumplida": "success",
    "lista": "success",
    "en_camino": "info",
    "en_riesgo": "warning",
    "no_cumplida": "danger",
    "no_lista": "danger",
    "no_aplica": "secondary",
}
GRAPH_CONFIG: dcc.Graph.Config = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
}


def aria(**attrs: str) -> dict[str, Any]:
    """ARIA attributes as keyword arguments (`**aria(label="…")` → aria-label="…")."""
    return {f"aria-{name}": value for name, value in attrs.items()}


def navbar(state: UrlState, path: str, search_other: str) -> dbc.Navbar:
    """The top bar: pages (keeping language and year) and the ES | EN switch for this view."""
    lang = state.lang
    keep = lang_only(state)
    links = [
        dbc.NavItem(
            dbc.NavLink(
                t(key, lang), href=href(p, keep), active=_is_active(p, path), className="px-2"
            )
        )
        for p, key in _nav_items()
    ]
    switch = html.Div(
        [
            dcc.Link(
                "ES",
                href=path + _swap_lang(search_other, "es"),
                className="lang-link" + (" active" if lang == "es" else ""),
                title="Español",
            ),
            html.Span("|", className="mx-1 text-white-50", **aria(hidden="true")),
            dcc.Link(
                "EN",
                href=path + _swap_lang(search_other, "en"),
                className="lang-link" + (" active" if lang == "en" else ""),
                title="English",
            ),
        ],
        className="lang-switch ms-lg-3",
        role="group",
        **aria(label=t("nav.lang", lang)),
    )
    return dbc.Navbar(
        dbc.Container(
            [
                html.A(t("nav.skip", lang), href="#main", className="skip-link"),
                dcc.Link(
                    t("app.title", lang),
                    href=urls.overview(keep),
                    className="navbar-brand fw-semibold",
                ),
                dbc.Nav(links, navbar=True, className="me-auto flex-row flex-wrap"),
                account_menu(lang),
                switch,
            ],
            fluid=True,
            className="flex-wrap",
        ),
        color="primary",
        dark=True,
        className="mb-2 py-1",
    )


def _nav_items() -> tuple[tuple[str, str], ...]:
    """The navigation bar's entries, from the page list (dashboard/pages.py; imported here,
    not at the top: the page list imports the layouts, which import this module)."""
    from dashboard.pages import NAV_ITEMS

    return NAV_ITEMS


def account_menu(lang: str) -> Any:
    """Who is logged in, and the way out (nothing in the demo, which has no accounts)."""
    from dashboard.server import security

    account = security.current_account()
    if account is None or security.is_demo():
        return None
    role = t(f"role.{account.rol}", lang)
    return html.Div(
        [
            html.Span(
                t("nav.account", lang, name=account.usuario, role=role),
                className="small text-white-50 me-2",
            ),
            html.A(t("nav.logout", lang), href=urls.logout(lang), className="lang-link small"),
        ],
        className="d-flex align-items-center ms-lg-3",
    )


def demo_banner(lang: str) -> Any:
    """The `make run` demo says so on every page: no login, not for real use."""
    from dashboard.server import security

    if not security.is_demo():
        return None
    return html.Div(t("demo.banner", lang), className="demo-banner", role="note")


def _is_active(link: str, path: str) -> bool:
    """A nav link is active on its page; Overview also on district and JASS pages."""
    if link == urls.OVERVIEW:
        return path == urls.OVERVIEW or path.startswith(urls.UNDER_OVERVIEW)
    return path.startswith(link)


def _swap_lang(search: str, lang: str) -> str:
    """The same query string with another language."""
    from dashboard.state import parse_search, to_search

    return to_search(parse_search(search).with_(lang=lang))


def page(state: UrlState, path: str, search: str, children: Any) -> html.Div:
    """A page: navbar plus a main region (the skip link's target)."""
    return html.Div(
        [
            demo_banner(state.lang),
            navbar(state, path, search),
            html.Main(
                dbc.Container(children, fluid=True, className="pb-4"), id="main", tabIndex="-1"
            ),
        ],
        lang=state.lang,
    )


def kpi_card(
    title: str, value: str, detail: Any = None, extra: Any = None, tip: str | None = None
) -> dbc.Card:
    """A number with its title, an optional detail line and an optional hover note (`tip`)."""
    return dbc.Card(
        dbc.CardBody(
            [
                html.Div(title, className="kpi-title", title=tip),
                html.Div(value, className="kpi-value", title=tip),
                html.Div(detail, className="kpi-detail", title=tip) if detail else None,
                extra,
            ],
            className="p-2",
        ),
        className="kpi-card h-100",
    )


def grade_badge(
    grade: str | None,
    score_text: str | None = None,
    provisional: bool = False,
    reasons: list[str] | None = None,
    lang: str = "es",
) -> html.Span:
    """A JASS health grade (our local model on SIASAR's scale) in its SIASAR colour.

    A provisional grade (issue 14) reads "B provisional", is drawn striped with a dashed
    border, and says on hover why it is not firm.
    """
    g = grade if grade in GRADE_COLORS else "E"
    title = t("grade.title", lang, grade=g)
    text = g + (f" · {score_text}" if score_text else "")
    if provisional and g != "E":
        why = "; ".join(label("motivo", r, lang) for r in (reasons or []))
        title = f"{title} · {t('grade.provisional_title', lang)}" + (f": {why}" if why else "")
        text = f"{g} {t('grade.provisional', lang)}" + (f" · {score_text}" if score_text else "")
    return html.Span(
        text,
        className="grade-badge grade-provisional" if provisional and g != "E" else "grade-badge",
        style={"backgroundColor": GRADE_COLORS[g], "color": GRADE_TEXT[g]},
        title=title,
    )


def grade_counts(counts: dict[str, int]) -> html.Div:
    """A row of grade badges with counts (the KPI 'JASS by grade')."""
    return html.Div(
        [
            html.Span([grade_badge(g), html.Span(str(counts.get(g, 0)), className="ms-1 me-2")])
            for g in GRADES
        ],
        className="d-flex flex-wrap align-items-center",
    )


def local_model_badge(lang: str) -> dbc.Badge:
    """Marks a rule that is our choice, not an official one: a local model or threshold is
    never shown as if it were official (README, "What we chose where the specs are silent")."""
    return dbc.Badge(
        t("common.local_model", lang),
        color="light",
        text_color="dark",
        className="border ms-2 fw-normal",
        title=t("common.local_model_help", lang),
    )


def assumption_badge(lang: str) -> dbc.Badge:
    """Marks a catalogue value that is assumed because the official table was not available."""
    return dbc.Badge(
        t("common.assumption", lang),
        color="warning",
        text_color="dark",
        className="ms-1 fw-normal",
        title=t("common.assumption_help", lang),
    )


def state_badge(estado: str | None, lang: str) -> dbc.Badge:
    """A goal or exit state as a coloured badge."""
    code = estado or "no_aplica"
    return dbc.Badge(
        label("estado", code, lang),
        color=STATE_COLORS.get(code, "secondary"),
        className="fw-normal",
    )


def empty_state(message: str) -> html.Div:
    """A calm message saying why there is nothing to show."""
    return html.Div(message, className="empty-state text-muted", role="status")


def not_found(state: UrlState, message_key: str, code: str | None) -> dbc.Alert:
    """An unknown district or JASS code: say so and offer the way back to the overview."""
    back = dcc.Link(t("common.back_overview", state.lang), href=urls.overview(lang_only(state)))
    return dbc.Alert([t(message_key, state.lang, code=code or ""), " ", back], color="warning")


def section(title: Any, body: Any, badge: Any = None, help_text: str | None = None) -> dbc.Card:
    """A titled card around one section of a page."""
    header = html.H2([title, badge], className="h6 mb-0 d-flex align-items-center flex-wrap")
    return dbc.Card(
        [
            dbc.CardHeader(header, className="py-2"),
            dbc.CardBody(
                [html.P(help_text, className="small text-muted mb-2") if help_text else None, body],
                className="p-2",
            ),
        ],
        className="mb-3 section-card",
    )


def export_buttons(lang: str, table_id: str, state: UrlState, key: str | None = None) -> html.Div:
    """The CSV and Excel links of a table (dashboard.exports serves them; for a grid,
    assets/exports.js adds its filter and sort to them)."""
    return html.Div(
        [
            html.A(
                t(f"common.export_{fmt}", lang),
                id=exports.link_id(table_id, fmt),
                href=exports.export_href(table_id, fmt, state, key),
                download="",
                className="btn btn-sm btn-outline-secondary ms-1",
                title=t("common.export_help", lang),
            )
            for fmt in exports.FORMATS
        ],
        className="mb-2 d-flex justify-content-end no-print",
    )


def table_block(
    state: UrlState,
    grid_id: str,
    table: exports.Table,
    key: str | None = None,
    height: int | None = None,
    empty: str | None = None,
) -> html.Div:
    """Export links and a grid; with no rows, a message and the (hidden) grid, so the export
    links' callbacks always find their components."""
    lang = state.lang
    block = html.Div(
        [
            export_buttons(lang, grid_id, state, key),
            grid(grid_id, table.rows, table.columns, height, lang),
        ]
    )
    if table.rows:
        return block
    return html.Div([empty_state(empty or t("common.no_rows", lang)), html.Div(block, hidden=True)])


def grid(
    grid_id: str,
    rows: list[dict],
    columns: list[dict],
    height: int | None = None,
    lang: str = "es",
) -> dag.AgGrid:
    """An AG Grid with sorting and filtering; its export links follow what is shown."""
    auto = height is None or len(rows) <= 12
    return dag.AgGrid(
        id=grid_id,
        rowData=rows,
        columnDefs=columns,
        defaultColDef={
            "sortable": True,
            "filter": True,
            "resizable": True,
            "minWidth": 100,
            "wrapHeaderText": True,
            "autoHeaderHeight": True,
        },
        columnSize="responsiveSizeToFit" if rows else None,
        dashGridOptions={
            "domLayout": "autoHeight" if auto else "normal",
            "localeText": GRID_LOCALE_ES if lang == "es" else {},
            "enableCellTextSelection": True,
            "ensureDomOrder": True,
            "tooltipShowDelay": 300,
        },
        style={"height": None if auto else f"{height}px", "width": "100%"},
        className="ag-theme-quartz",
    )


# The grid's own words in Spanish (filter menu), so the table does not switch language.
GRID_LOCALE_ES = {
    "filterOoo": "Filtrar…",
    "contains": "Contiene",
    "notContains": "No contiene",
    "equals": "Igual a",
    "notEqual": "Distinto de",
    "startsWith": "Empieza con",
    "endsWith": "Termina con",
    "blank": "Vacío",
    "notBlank": "No vacío",
    "lessThan": "Menor que",
    "greaterThan": "Mayor que",
    "inRange": "Entre",
    "andCondition": "Y",
    "orCondition": "O",
    "noRowsToShow": "Sin filas",
    "applyFilter": "Aplicar",
    "resetFilter": "Limpiar",
    "clearFilter": "Limpiar",
    "cancelFilter": "Cancelar",
    "selectAll": "(Seleccionar todo)",
    "searchOoo": "Buscar…",
    "blanks": "(Vacíos)",
    "noMatches": "Sin coincidencias",
    "lessThanOrEqual": "Menor o igual que",
    "greaterThanOrEqual": "Mayor o igual que",
    "before": "Antes de",
    "after": "Después de",
    "columnFilter": "Filtro de columna",
    "ariaFilterInput": "Valor del filtro",
    "ariaFilteringOperator": "Operador del filtro",
    "ariaColumn": "Columna",
    "ariaRowSelect": "Seleccionar fila",
    "ariaSearch": "Buscar",
    "ariaSortableColumn": "Pulse Enter para ordenar",
    "ariaMenuColumn": "Pulse Alt+Abajo para abrir el menú de columna",
    "ariaFilterColumn": "Pulse Ctrl+Enter para filtrar",
    "sortAscending": "Orden ascendente",
    "sortDescending": "Orden descendente",
    "sortUnSort": "Quitar orden",
    "pinColumn": "Fijar columna",
    "pinLeft": "Fijar a la izquierda",
    "pinRight": "Fijar a la derecha",
    "noPin": "No fijar",
    "autosizeThisColumn": "Ajustar esta columna",
    "autosizeAllColumns": "Ajustar todas las columnas",
    "resetColumns": "Restablecer columnas",
    "loadingOoo": "Cargando…",
    "page": "Página",
    "of": "de",
    "to": "a",
    "more": "más",
    "dateFormatOoo": "dd/mm/aaaa",
}
GRADE_CELL_STYLE = {
    "styleConditions": [
        {
            # A provisional grade (issue 14) reads "B provisional": same colour, own style below.
            "condition": f"params.value == '{g}' || params.value == '{g} provisional'",
            "style": {
                "backgroundColor": c,
                "color": GRADE_TEXT[g],
                "fontWeight": "600",
                "textAlign": "center",
            },
        }
        for g, c in GRADE_COLORS.items()
    ]
}
