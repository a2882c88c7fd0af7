"""District `/distrito/<ubigeo>`: the ATM's working page (whom to visit first, and why)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard import components as c
from dashboard import district_map, figures, ids, urls
from dashboard.callbacks import district as district_cb
from dashboard.exports import EMPTY_TABLE, Table, cell_number, rows_of
from dashboard.i18n import (
    evidence_params,
    fmt_bool,
    fmt_date,
    fmt_money,
    fmt_num,
    fmt_pct,
    label,
    t,
)
from dashboard.layouts import ficha, intercambio, siasar
from dashboard.page import Page, Section, fetch, show
from dashboard.queries import Warehouse
from dashboard.server.config import Settings
from dashboard.state import UrlState, from_params, lang_only, to_search
from etl import evidence
from etl.derive.siasar import GRADES

PATH = urls.DISTRICT
PRIORITY_TOP = 8


def skeleton() -> html.Div:
    """The components callbacks use, for Dash's id check and for pages without them."""
    return html.Div(
        [
            dcc.Store(id=ids.DI_STATE),
            c.export_buttons("es", ids.DI_PRIORITY, UrlState()),
            c.table_block(UrlState(), ids.DI_GRID, EMPTY_TABLE),
            c.table_block(UrlState(), ids.DI_CP_GRID, EMPTY_TABLE),
            dcc.Graph(id=district_map.DI_MAP),
        ],
        hidden=True,
    )


@dataclass(frozen=True)
class Sections:
    """A known district's sections as read from the warehouse."""

    history: pd.DataFrame
    year: int | None
    orgs: pd.DataFrame
    places: Section[district_map.Places]
    coverage: Section[pd.DataFrame]
    atm: Section[pd.DataFrame]
    goals: Section[tuple[pd.DataFrame, pd.DataFrame]]  # the goals that apply; every activity
    readiness: Section[pd.DataFrame]
    siasar: siasar.Found
    # issue 16: the peer-exchange section (its default, nothing read: not shown)
    peers: Section[intercambio.District] = field(default_factory=Section)


@dataclass(frozen=True)
class DistrictData:
    """The district page's data: the district (None: unknown) and its sections."""

    info: Section[dict[str, Any] | None]
    sections: Section[Sections] | None = None  # None: nothing more was read


def load_sections(wh: Warehouse, ubigeo: str, wanted_year: int | None) -> Sections:
    """The sections of a known district (history and JASS first: every section needs them)."""
    history = wh.district_history(ubigeo)
    year = _pick_year(history, wanted_year)
    return Sections(
        history=history,
        year=year,
        orgs=wh.organisations(ubigeo),
        places=fetch(lambda: district_map.load(wh, ubigeo)),  # issue 17
        coverage=fetch(lambda: wh.coverage_cp(ubigeo, year)),
        atm=fetch(lambda: wh.atm(ubigeo)),
        goals=fetch(lambda: (wh.goals_for(ubigeo), wh.activities())),
        readiness=fetch(lambda: wh.exit_readiness(ubigeo)),
        siasar=siasar.load_district(wh, ubigeo),  # issue 15
        peers=fetch(lambda: intercambio.load_district(wh, ubigeo)),  # issue 16
    )


def layout(wh: Warehouse, state: UrlState, ubigeo: str | None) -> Any:
    """The page of one district, or a clear message for an unknown code."""
    return render(load(wh, state, ubigeo), state, ubigeo)


def load(wh: Warehouse, state: UrlState, ubigeo: str | None) -> DistrictData:
    """Everything the district page shows (for the state's year), each section with its
    value or its error."""
    info = fetch(lambda: wh.district(str(ubigeo or "").zfill(6)))
    if not isinstance(info.value, dict):
        return DistrictData(info)
    code = info.value["ubigeo"]
    return DistrictData(info, fetch(lambda: load_sections(wh, code, state.anio)))


def render(data: DistrictData, state: UrlState, ubigeo: str | None) -> Any:
    """The district page drawn from its data (never reads the warehouse)."""
    lang = state.lang
    path = urls.district_path(str(ubigeo))
    info = data.info.value
    if data.sections is None or not isinstance(info, dict):
        message = (
            show(lang, data.info, lambda _: None)
            if not data.info.ok
            else c.not_found(state, "di.unknown", ubigeo)
        )
        return c.page(
            state, path, to_search(state), [html.Div(message, className="mt-3"), skeleton()]
        )
    body = [
        header(info, state),
        dcc.Store(id=ids.DI_STATE, data={"ubigeo": info["ubigeo"], "lang": lang}),
        show(lang, data.sections, lambda s: content(s, info, state)),
    ]
    return c.page(state, path, to_search(state), body)


def header(info: dict[str, Any], state: UrlState) -> html.Div:
    """District name with its province and department (links back to the filtered overview)."""
    lang = state.lang
    dep_link = urls.overview(UrlState(lang=lang, dep=info["departamento"], anio=state.anio))
    prov_link = urls.overview(
        UrlState(lang=lang, dep=info["departamento"], prov=info["provincia"], anio=state.anio)
    )
    title = html.Div(
        [
            html.H1(
                [info["nombre"], html.Small(f" · {info['ubigeo']}", className="text-muted fs-6")],
                className="h4 mb-0",
            ),
            html.Nav(
                [
                    dcc.Link(info["departamento_nombre"], href=dep_link),
                    " › ",
                    dcc.Link(info["provincia_nombre"], href=prov_link),
                    " › ",
                    html.Span(info["nombre"]),
                ],
                className="small",
                **c.aria(label="breadcrumb"),
            ),
        ],
        className="my-2",
    )
    sheet = html.A(
        t("fi.open", lang),
        id=ids.DI_PRINT,
        href=urls.district_sheet(info["ubigeo"], lang_only(state)),
        target="_blank",
        rel="noopener",
        className="btn btn-sm btn-outline-primary no-print",
        title=t("fi.open_help", lang),
    )
    return html.Div(
        [title, sheet], className="d-flex justify-content-between align-items-start gap-2"
    )


def content(s: Sections, info: dict[str, Any], state: UrlState) -> list[Any]:
    """Every section of the district page."""
    lang = state.lang
    ubigeo = info["ubigeo"]
    history, year = s.history, s.year
    current = history[history["anio"] == year].iloc[0].to_dict() if year else None
    orgs = Section(s.orgs)
    left = [
        c.section(
            t("di.priority", lang),
            html.Div(
                [
                    c.export_buttons(lang, ids.DI_PRIORITY, state, ubigeo),
                    show(lang, orgs, lambda o: priority_list(o, state)),
                ]
            ),
            badge=c.local_model_badge(lang),
            help_text=t("di.priority_help", lang),
        ),
        c.section(t("di.jass", lang), show(lang, orgs, lambda o: jass_section(o, ubigeo, state))),
        intercambio.render_district(s.peers, info, state)
        if s.peers.value is not None or not s.peers.ok
        else None,
        district_map.section(
            s.places,
            state,
            intercambio.map_links(s.peers, state.item),
            intercambio.partner_links(s.peers),  # p16: active partnerships
        ),
        c.section(
            t("di.coverage_cp", lang),
            show(lang, s.coverage, lambda cps: coverage_section(cps, ubigeo, state)),
        ),
    ]
    right = [
        c.section(t("di.atm", lang), show(lang, s.atm, lambda atm: atm_section(atm, lang))),
        c.section(
            t("di.goals", lang),
            show(lang, s.goals, lambda g: goals_section(g[0], g[1], lang)),
        ),
        c.section(
            t("di.exit", lang),
            show(lang, s.readiness, lambda r: exit_section(r, lang)),
            badge=c.local_model_badge(lang),
        ),
        c.section(
            t("di.trend", lang),
            dcc.Graph(figure=figures.trend_figure(history, lang), config=c.GRAPH_CONFIG),
        ),
    ]
    left.extend(siasar.render_district(s.siasar, state))  # issue 15
    return [
        kpis(current, lang, year) if current and year else c.empty_state(t("common.no_data", lang)),
        dbc.Row([dbc.Col(left, xl=7), dbc.Col(right, xl=5)], className="g-2"),
    ]


def _pick_year(history: pd.DataFrame, wanted: int | None) -> int | None:
    """The requested year when the district has it, else its latest."""
    if history.empty:
        return None
    years = [int(y) for y in history["anio"]]
    return wanted if wanted in years else max(years)


def kpis(row: dict[str, Any], lang: str, year: int) -> dbc.Row:
    """Coverage, JASS and goal numbers of the district for a year."""
    counts = {g: int(row.get(f"n_oc_{g.lower()}") or 0) for g in GRADES}
    p = evidence_params(lang)
    total = fmt_num(row.get("n_cp"), lang)  # each figure states its basis (issue 14)
    cards = [
        c.kpi_card(
            t("ind.cobertura_agua", lang),
            fmt_pct(row.get("cobertura_agua"), lang),
            f"{t('common.year', lang)} {year} · {t('kpi.water_basis', lang, total=total)}",
        ),
        c.kpi_card(
            t("ind.cobertura_agua_segura", lang),
            fmt_pct(row.get("cobertura_agua_segura"), lang),
            t("kpi.water_basis", lang, total=total),
            tip=t("kpi.safe_tip", lang, meses=p["meses_cloro"], cloro=p["cloro"]),
        ),
        c.kpi_card(
            t("ind.cobertura_saneamiento", lang),
            fmt_pct(row.get("cobertura_saneamiento"), lang),
            t("kpi.san_basis", lang, total=total),
            tip=t("kpi.san_tip", lang),
        ),
        c.kpi_card(
            t("ov.kpi_jass", lang), fmt_num(row.get("n_oc"), lang), extra=c.grade_counts(counts)
        ),
        c.kpi_card(
            t("ind.pct_oc_visitadas_12m", lang), fmt_pct(row.get("pct_oc_visitadas_12m"), lang)
        ),
        goals_kpi(row, lang),
    ]
    return dbc.Row([dbc.Col(card, xs=6, md=4, xl=2) for card in cards], className="g-2 mb-3")


def goals_kpi(row: dict[str, Any], lang: str) -> dbc.Card:
    """Goals met / applicable of the year; a year without goals says so instead of "0 / 0"."""
    applicable = int(row.get("metas_aplicables") or 0)
    if not applicable:
        return c.kpi_card(t("ov.kpi_goals", lang), "—", t("ov.no_goals_year", lang))
    met = int(row.get("metas_cumplidas") or 0)
    return c.kpi_card(
        t("ov.kpi_goals", lang), f"{fmt_num(met, lang)} / {fmt_num(applicable, lang)}"
    )


def priority_top(orgs: pd.DataFrame) -> pd.DataFrame:
    """The JASS with at least one reason, highest priority first (the list's rows)."""
    if orgs.empty:
        return orgs
    return orgs[orgs["razones"].map(lambda r: bool(r))].head(PRIORITY_TOP)


def priority_table(orgs: pd.DataFrame, ubigeo: str, lang: str) -> Table:
    """The priority list as a table for its export links (on the page it is a list)."""
    columns = [
        {"field": "orden", "headerName": "#"},
        {"field": "nombre", "headerName": t("common.name", lang)},
        {"field": "codigo_oc", "headerName": t("oc.code", lang)},
        {"field": "grado", "headerName": t("common.grade", lang)},
        {"field": "razones", "headerName": t("di.reasons", lang)},
        {"field": "explicacion", "headerName": t("di.why", lang)},
    ]
    rows = [
        {
            "orden": i,
            "nombre": r["nombre"],
            "codigo_oc": r["codigo_oc"],
            "grado": f"{r['grado']} provisional"
            if r.get("grado_provisional") in (True, 1)
            else r["grado"],
            "razones": "; ".join(label("razon", x, lang) for x in r["razones"]),
            "explicacion": priority_words(r, lang),
        }
        for i, (_, r) in enumerate(priority_top(orgs).iterrows(), start=1)
    ]
    return Table(rows, columns, f"prioridad_{ubigeo}")


def priority_list(orgs: pd.DataFrame, state: UrlState) -> Any:
    """The top JASS to visit with their reasons in plain words."""
    lang = state.lang
    if orgs.empty:
        return c.empty_state(t("di.no_jass", lang))
    top = priority_top(orgs)
    if top.empty:
        return c.empty_state(t("di.no_priority", lang))
    items = [
        html.Li(
            [
                dcc.Link(
                    row["nombre"],
                    href=urls.jass(row["codigo_oc"], lang_only(state)),
                    className="fw-semibold me-1",
                ),
                c.grade_badge(
                    row["grado"],
                    provisional=row.get("grado_provisional") in (True, 1),
                    reasons=_list(row.get("motivo_provisional")),
                    lang=lang,
                ),
                html.Span(
                    [
                        dbc.Badge(
                            label("razon", r, lang),
                            color="light",
                            text_color="dark",
                            className="border ms-1 fw-normal reason",
                        )
                        for r in row["razones"]
                    ]
                ),
                html.Div(priority_words(row, lang), className="small text-muted why"),
            ],
            className="list-group-item py-1",
        )
        for _, row in top.iterrows()
    ]
    return html.Ol(items, className="list-group list-group-numbered priority-list")


def priority_words(row: Any, lang: str) -> str:
    """Why this rank, in words (issue 14): the reasons' weight, the people served and whether
    a recent visit lowered it; the factors come from the stored parts and data/evidencia.yaml."""
    base = row.get("prioridad_base")
    total = row.get("prioridad")
    if base is None or pd.isna(base):
        return t("di.why_simple", lang, p=fmt_num(total, lang, 1))
    ev = evidence.shipped()
    people = row.get("poblacion_servida")
    people = 0 if people is None or pd.isna(people) else int(people)
    parts = [t("di.why_base", lang, p=fmt_num(total, lang, 2), base=fmt_num(base, lang, 1))]
    w = ev.prioridad
    pf = 1 + min(w.get("peso_poblacion", 0) * people / 1000, w.get("tope_poblacion", 0))
    parts.append(t("di.why_people", lang, f=fmt_num(pf, lang, 2), n=fmt_num(people, lang)))
    last = row.get("ultima_visita")
    # The stored total tells whether the derive lowered it for a visit still current: it is
    # nearer base × people × visit factor than base × people (the total is stored rounded, so
    # a strict "less than" took 17.151 < 17.1513 for a lowered rank).
    factor = float(w.get("factor_visita_vigente", 1))
    full = float(base) * pf
    lowered = factor < 1 and abs(float(total) - full * factor) < abs(float(total) - full)
    if last is None or pd.isna(last):
        parts.append(t("di.why_never", lang))
    elif lowered:
        f = fmt_num(w.get("factor_visita_vigente", 1), lang, 2)
        parts.append(t("di.why_recent", lang, f=f, date=fmt_date(last, lang)))
    else:
        parts.append(t("di.why_old", lang, date=fmt_date(last, lang)))
    return " ".join(parts)


def jass_columns(lang: str) -> list[dict[str, Any]]:
    """Column definitions of the JASS grid."""
    date_fmt = (
        {"function": "params.value ? params.value.split('-').reverse().join('/') : '—'"}
        if lang == "es"
        else {"function": "params.value || '—'"}
    )
    dec = "',')" if lang == "es" else "'.')"
    num_fmt = {
        "function": f"params.value == null ? '—' : params.value.toFixed(2).replace('.', {dec}"
    }
    pct_fmt = {"function": "params.value == null ? '—' : Math.round(params.value * 100) + ' %'"}
    return [
        {
            "field": "nombre",
            "headerName": t("common.name", lang),
            "minWidth": 220,
            "pinned": "left",
            "cellClass": "link-cell",
            "tooltipField": "codigo_oc",
        },
        {
            "field": "grado",
            "headerName": t("common.grade", lang),
            "maxWidth": 130,  # room for "B provisional" (issue 14)
            "cellStyle": c.GRADE_CELL_STYLE,
        },
        {
            "field": "puntaje",
            "headerName": t("common.score", lang),
            "valueFormatter": num_fmt,
            "filter": "agNumberColumnFilter",
            "maxWidth": 110,
        },
        {"field": "tendencia", "headerName": t("di.trend_col", lang), "maxWidth": 110},
        {
            "field": "ultima_visita",
            "headerName": t("di.last_visit", lang),
            "valueFormatter": date_fmt,
        },
        {"field": "consejo_fin", "headerName": t("di.board_end", lang), "valueFormatter": date_fmt},
        {"field": "consejo_vigente", "headerName": t("di.board_ok", lang), "maxWidth": 110},
        {"field": "realiza_cloracion", "headerName": t("di.chlorine", lang), "maxWidth": 100},
        {
            "field": "cloro_residual_mg_l",
            "headerName": t("di.residual", lang),
            "valueFormatter": num_fmt,
            "filter": "agNumberColumnFilter",
        },
        {
            "field": "tasa_cobranza",
            "headerName": t("di.fee", lang),
            "valueFormatter": pct_fmt,
            "filter": "agNumberColumnFilter",
            "maxWidth": 110,
        },
        {"field": "codigo_oc", "hide": True},
    ]


def _list(value: Any) -> list[str]:
    """A JSON list cell as a list (None or NaN: empty)."""
    return [str(x) for x in value] if isinstance(value, list) else []


def grade_cells(df: pd.DataFrame) -> list[str]:
    """Grade per row, "B provisional" when the grade is not firm (issue 14)."""
    prov = df["grado_provisional"] if "grado_provisional" in df else pd.Series(False, df.index)
    return [
        f"{g} provisional" if p is True and g != "E" else g
        for g, p in zip(df["grado"], prov.map(lambda v: v is True or v == 1), strict=True)
    ]


def jass_rows(orgs: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    """Grid rows: dates as ISO text (sortable), yes/no in words, trend translated."""
    trend = {"sube": "↑", "baja": "↓", "igual": "="}
    df = orgs.sort_values("nombre")
    return rows_of(
        {
            "codigo_oc": df["codigo_oc"].tolist(),
            "nombre": df["nombre"].tolist(),
            "grado": grade_cells(df),
            "puntaje": [cell_number(v) for v in df["puntaje"]],
            "tendencia": [trend.get(v or "", "—") for v in df["tendencia"]],
            "ultima_visita": [_iso(v) for v in df["ultima_visita"]],
            "consejo_fin": [_iso(v) for v in df["consejo_fin"]],
            "consejo_vigente": [fmt_bool(v, lang) for v in df["consejo_vigente"]],
            "realiza_cloracion": [fmt_bool(v, lang) for v in df["realiza_cloracion"]],
            "cloro_residual_mg_l": [cell_number(v) for v in df["cloro_residual_mg_l"]],
            "tasa_cobranza": [cell_number(v) for v in df["tasa_cobranza"]],
        }
    )


def _iso(value: Any) -> str | None:
    return None if value is None or pd.isna(value) else str(value)[:10]


def jass_table(orgs: pd.DataFrame, ubigeo: str, lang: str) -> Table:
    """The district's JASS as the grid shows them (and its exports download them)."""
    rows = jass_rows(orgs, lang) if not orgs.empty else []
    return Table(rows, jass_columns(lang), f"jass_{ubigeo}")


def jass_section(orgs: pd.DataFrame, ubigeo: str, state: UrlState) -> Any:
    """The sortable, filterable JASS grid of the district with its export links."""
    table = jass_table(orgs, ubigeo, state.lang)
    return c.table_block(state, ids.DI_GRID, table, ubigeo, 420, t("di.no_jass", state.lang))


def atm_section(atm: pd.DataFrame, lang: str) -> Any:
    """The ATM's institutional facts (latest year) and its budget by year."""
    if atm.empty:
        return c.empty_state(t("di.atm_none", lang))
    last = atm.iloc[0]
    facts = html.Dl(
        [
            html.Dt(t("di.ordinance", lang)),
            html.Dd(f"{last['ordenanza_atm'] or '—'} ({fmt_date(last['fecha_ordenanza'], lang)})"),
            html.Dt(t("di.head", lang)),
            html.Dd(fmt_bool(last["responsable_designado"], lang)),
            html.Dt(t("di.poa", lang)),
            html.Dd(fmt_bool(last["poa_aprobado"], lang)),
            html.Dt(t("di.staff", lang)),
            html.Dd(fmt_num(last["personal_atm"], lang)),
        ],
        className="facts",
    )
    budget = dbc.Table(
        [
            html.Thead(
                html.Tr(
                    [
                        html.Th(t("common.year", lang)),
                        html.Th(t("di.budget", lang)),
                        html.Th(t("di.spent", lang)),
                    ]
                )
            ),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Td(int(r["anio"])),
                            html.Td(fmt_money(r["presupuesto_pia"], lang)),
                            html.Td(fmt_money(r["presupuesto_ejecutado"], lang)),
                        ]
                    )
                    for _, r in atm.iterrows()
                ]
            ),
        ],
        size="sm",
        className="mb-0 small",
        striped=True,
    )
    return html.Div([facts, budget])


def cp_table(cps: pd.DataFrame, ubigeo: str, lang: str) -> Table:
    """Coverage per centro poblado, worst first, as the grid shows it."""
    pct = {"function": "params.value == null ? '—' : Math.round(params.value * 100) + ' %'"}
    indicators = ("cobertura_agua", "cobertura_agua_segura", "cobertura_saneamiento")
    cols: list[dict[str, Any]] = [
        {"field": "nombre", "headerName": t("di.cp", lang), "minWidth": 160},
        {
            "field": "poblacion_rural",
            "headerName": t("ov.rural_pop", lang),
            "filter": "agNumberColumnFilter",
        },
    ]
    cols += [
        {
            "field": k,
            "headerName": t(f"ind.{k}", lang),
            "valueFormatter": pct,
            "filter": "agNumberColumnFilter",
        }
        for k in indicators
    ]
    rows = rows_of(
        {
            "nombre": [n or c for n, c in zip(cps["nombre"], cps["codigo"], strict=True)],
            "poblacion_rural": [int(v) for v in cps["poblacion_rural"]],
            **{k: [cell_number(v) for v in cps[k]] for k in indicators},
        }
    )
    return Table(rows, cols, f"cobertura_cp_{ubigeo}")


def coverage_section(cps: pd.DataFrame, ubigeo: str, state: UrlState) -> Any:
    """The coverage grid of the district's centros poblados with its export links."""
    table = cp_table(cps, ubigeo, state.lang)
    return c.table_block(state, ids.DI_CP_GRID, table, ubigeo, 300, t("di.no_cp", state.lang))


def goals_section(goals: pd.DataFrame, activities: pd.DataFrame, lang: str) -> Any:
    """Each applicable goal: state, score against its minimum, and what is missing."""
    if goals.empty:
        return c.empty_state(t("di.no_goals", lang))
    desc = "descripcion_en" if lang == "en" else "descripcion_es"
    names = (
        {
            (int(a), int(m), str(x)): d
            for a, m, x, d in zip(
                activities["anio"],
                activities["meta"],
                activities["actividad"],
                activities[desc],
                strict=True,
            )
        }
        if not activities.empty
        else {}
    )
    return html.Div([goal_item(r, names, lang) for _, r in goals.iterrows()])


def goal_item(r: pd.Series, names: dict, lang: str) -> html.Div:
    """One goal's line."""
    name = r["nombre_en"] if lang == "en" else r["nombre_es"]
    missing = [
        names.get((int(r["anio"]), int(r["meta"]), str(a)), str(a)) for a in (r["faltantes"] or [])
    ]
    score = (
        f"{fmt_num(r['puntaje'], lang)} / {fmt_num(r['puntaje_maximo'], lang)} "
        f"({t('di.min', lang)} {fmt_num(r['puntaje_minimo'], lang)})"
    )
    mef = None
    if r.get("mef_cumplio") is not None and not pd.isna(r.get("mef_cumplio")):
        mef = html.Div(
            [
                f"{t('di.mef', lang)}: {fmt_bool(r['mef_cumplio'], lang)} "
                f"({fmt_num(r['mef_puntaje'], lang)})",
                dbc.Badge(
                    "⚠ " + t("di.discrepancy", lang), color="danger", className="ms-2 fw-normal"
                )
                if r.get("discrepancia")
                else None,
            ],
            className="small",
        )
    return html.Div(
        [
            html.Div(
                [
                    html.Strong(f"{t('di.goal', lang)} {int(r['meta'])} ({int(r['anio'])}) "),
                    c.state_badge(r["estado"], lang),
                ]
            ),
            html.Div(name, className="small"),
            html.Div(
                [
                    score,
                    c.assumption_badge(lang) if r["puntaje_minimo_supuesto"] else None,
                    f" · {t('di.deadline', lang)} {fmt_date(r['fecha_limite'], lang)}",
                ],
                className="small text-muted",
            ),
            html.Ul([html.Li(m) for m in missing], className="small mb-0 missing")
            if missing
            else html.Div(t("di.all_activities", lang), className="small text-success"),
            mef,
        ],
        className="goal-item border-bottom py-1",
    )


def exit_section(readiness: pd.DataFrame, lang: str) -> Any:
    """Exit criteria of the latest assessment, met and unmet."""
    if readiness.empty:
        return c.empty_state(t("di.no_exit", lang))
    last = readiness.iloc[0]
    return html.Div(
        [
            html.Div(
                [
                    c.state_badge(last["estado"], lang),
                    html.Span(
                        f" {int(last['n_cumplidos'])} / {int(last['n_criterios'])} · "
                        f"{int(last['anio'])}",
                        className="small",
                    ),
                ]
            ),
            criteria_table(last["criterios"] or [], lang),
        ]
    )


def criteria_table(criteria: list[dict[str, Any]], lang: str) -> dbc.Table:
    """Criteria with value, threshold and met / not met (in words, not colour alone)."""

    def cell(ok: bool) -> html.Td:
        text = ("✔ " + t("di.met", lang)) if ok else ("✘ " + t("di.unmet", lang))
        return html.Td(text, className="text-success" if ok else "text-danger fw-semibold")

    rows = [
        html.Tr(
            [
                html.Td(label("criterio", str(k.get("criterio")), lang)),
                html.Td(_value(k.get("valor"), lang)),
                html.Td(_value(k.get("umbral"), lang)),
                cell(bool(k.get("cumple"))),
            ]
        )
        for k in criteria
    ]
    head = html.Thead(
        html.Tr(
            [
                html.Th(t("di.criterion", lang)),
                html.Th(t("di.value", lang)),
                html.Th(t("di.threshold", lang)),
                html.Th(t("common.status", lang)),
            ]
        )
    )
    return dbc.Table([head, html.Tbody(rows)], size="sm", className="small mb-0 mt-1")


def _value(v: Any, lang: str) -> str:
    """A criterion value: booleans in words, fractions as percentages."""
    if isinstance(v, bool):
        return fmt_bool(v, lang)
    if isinstance(v, int | float):
        return fmt_pct(v, lang, 0) if 0 <= v <= 1 else fmt_num(v, lang, 1)
    return "—" if v is None else str(v)


# ------------------------------------------------------------------ export sources -----------
# The district's tables rebuilt for their export links (the page's `exports`), from the
# same functions the page draws them with; None when the district is unknown or out of scope.


def _known(wh: Warehouse, key: str | None) -> str | None:
    code = str(key or "").strip().zfill(6)
    return code if code.isdigit() and wh.district(code) is not None else None


def jass_source(wh: Warehouse, state: UrlState, key: str | None) -> Table | None:
    ubigeo = _known(wh, key)
    return jass_table(wh.organisations(ubigeo), ubigeo, state.lang) if ubigeo else None


def priority_source(wh: Warehouse, state: UrlState, key: str | None) -> Table | None:
    ubigeo = _known(wh, key)
    return priority_table(wh.organisations(ubigeo), ubigeo, state.lang) if ubigeo else None


def cp_source(wh: Warehouse, state: UrlState, key: str | None) -> Table | None:
    ubigeo = _known(wh, key)
    if ubigeo is None:
        return None
    year = _pick_year(wh.district_history(ubigeo), state.anio)
    return cp_table(wh.coverage_cp(ubigeo, year), ubigeo, state.lang)


def draw(view: Warehouse, settings: Settings, params: dict[str, Any]) -> Any:
    """The district page, or its printable sheet (`/ficha` after the code, or `?ficha=1`)."""
    rest = {k: v for k, v in params.items() if k != "ubigeo"}
    if params.get("ubigeo") is None:  # Dash's id check calls layouts without arguments
        return html.Div([skeleton(), ficha.skeleton()])
    state = from_params(rest, settings.lang)
    # The sheet's address matches the district template too (Dash's wildcard spans slashes).
    code, _, sub_page = str(params["ubigeo"]).partition("/")
    if sub_page == urls.SHEET or rest.get("ficha") == "1":
        return ficha.layout(view, state, code)
    if sub_page == urls.VISIT_PLAN:  # issue 16
        return intercambio.plan_layout(view, state, code)
    return layout(view, state, code)


PAGE = Page(
    "district",
    PATH,
    draw,
    exports={
        ids.DI_GRID: jass_source,
        ids.DI_CP_GRID: cp_source,
        ids.DI_PRIORITY: priority_source,
    },
    grids=(ids.DI_GRID, ids.DI_CP_GRID),
    register=district_cb.register,
)
