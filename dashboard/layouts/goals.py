"""Goals `/metas`: compliance of one goal by department and category; who is at risk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard import components as c
from dashboard import figures, ids, urls
from dashboard.callbacks import goals as goals_cb
from dashboard.exports import EMPTY_TABLE, Source, Table, cell_number, rows_of
from dashboard.i18n import fmt_date, fmt_num, fmt_pct, label, t
from dashboard.page import Page, Section, fetch, from_state, show, value_or
from dashboard.queries import Warehouse
from dashboard.state import UrlState, to_search

PATH = urls.GOALS


def goal_keys(goals: pd.DataFrame) -> list[str]:
    """The catalogue's goals as URL keys ("2017-41"), newest first as the catalogue lists them."""
    return [
        f"{int(a)}-{int(n)}"
        for a, n in zip(goals.get("anio", []), goals.get("numero", []), strict=True)
    ]


def chosen_goal(keys: list[str], meta: str | None) -> str | None:
    """The goal in the URL when the catalogue has it, else the newest."""
    return meta if meta in keys else (keys[0] if keys else None)


@dataclass(frozen=True)
class Progress:
    """One goal's progress in the state's department, its activities (not read when there is
    no progress) and the date its deadline is measured against."""

    progress: pd.DataFrame
    activities: pd.DataFrame
    today: dt.date


@dataclass(frozen=True)
class GoalsData:
    """The goal page's data: the catalogue, the departments, the chosen goal and its
    progress (None: no goal to show)."""

    goals: Section[pd.DataFrame]
    departments: Section[pd.DataFrame]
    chosen: str | None = None
    goal: dict[str, Any] | None = None
    detail: Section[Progress] | None = None


def load(wh: Warehouse, state: UrlState, today: dt.date | None = None) -> GoalsData:
    """The goal (newest by default) and department in the URL, and its progress."""
    goals = fetch(wh.goals)
    frame = goals.value if isinstance(goals.value, pd.DataFrame) else pd.DataFrame()
    keys = goal_keys(frame)
    chosen = chosen_goal(keys, state.meta)
    departments = fetch(wh.departments)
    if chosen is None:
        return GoalsData(goals, departments)
    goal = frame.iloc[keys.index(chosen)].to_dict()
    return GoalsData(
        goals, departments, chosen, goal, fetch(lambda: _progress(wh, goal, state, today))
    )


def _progress(
    wh: Warehouse, goal: dict[str, Any], state: UrlState, today: dt.date | None
) -> Progress:
    anio, numero = int(goal["anio"]), int(goal["numero"])
    as_of = today or wh.as_of()
    df = wh.goal_progress(anio, numero, state.dep)
    acts = wh.activities(anio, numero) if not df.empty else pd.DataFrame()
    return Progress(df, acts, as_of)


def layout(wh: Warehouse, state: UrlState, today: dt.date | None = None) -> Any:
    """The goal page for the goal (newest by default) and department in the URL."""
    return render(load(wh, state, today), state)


def render(data: GoalsData, state: UrlState) -> Any:
    """The goal page drawn from its data (never reads the warehouse)."""
    lang = state.lang
    goals = value_or(data.goals, pd.DataFrame())
    goals = goals if isinstance(goals, pd.DataFrame) else pd.DataFrame()
    keys = goal_keys(goals)
    state = state.with_(meta=data.chosen, prov=None)
    name = "nombre_en" if lang == "en" else "nombre_es"
    options = [
        {"label": f"{k} · {n}", "value": k} for k, n in zip(keys, goals.get(name, []), strict=True)
    ]
    body: list[Any] = [
        html.H1(t("go.title", lang), className="h4 my-2"),
        pickers(value_or(data.departments, None), state, options),
        dcc.Store(id=ids.GO_STATE, data={"lang": lang}),
    ]
    goal = data.goal
    if data.detail is None or goal is None:
        body += [c.empty_state(t("go.no_goals", lang)), _hidden_grids(state)]
    else:
        body.append(show(lang, data.detail, lambda p: content(p, goal, state)))
    return c.page(state, PATH, to_search(state), body)


def pickers(deps: pd.DataFrame | None, state: UrlState, options: list[dict[str, str]]) -> dbc.Row:
    """The goal and the department (the URL's `meta` and `dep`)."""
    lang = state.lang
    dep_options = (
        [{"label": n, "value": u} for u, n in zip(deps["ubigeo"], deps["nombre"], strict=True)]
        if isinstance(deps, pd.DataFrame)
        else []
    )
    return dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label(t("go.pick", lang), html_for=ids.GO_META, className="small mb-0"),
                    dcc.Dropdown(
                        id=ids.GO_META, options=options, value=state.meta, clearable=False
                    ),
                ],
                xs=12,
                md=8,
            ),
            dbc.Col(
                [
                    dbc.Label(t("ov.dep", lang), html_for=ids.GO_DEP, className="small mb-0"),
                    dcc.Dropdown(
                        id=ids.GO_DEP,
                        options=dep_options,
                        value=state.dep,
                        placeholder=t("ov.all_deps", lang),
                    ),
                ],
                xs=12,
                md=4,
            ),
        ],
        className="g-2",
    )


def _hidden_grids(state: UrlState) -> html.Div:
    """The tables' components for pages without a goal (the export links' callbacks need
    them)."""
    return html.Div(
        [
            c.table_block(state, ids.GO_GRID, EMPTY_TABLE),
            c.table_block(state, ids.GO_ACT_GRID, EMPTY_TABLE),
            c.table_block(state, ids.GO_DIS_GRID, EMPTY_TABLE),
        ],
        hidden=True,
    )


def compliance(df: pd.DataFrame, by: str) -> pd.DataFrame:
    """Applicable and met municipalities per group, with the share met."""
    applicable = df[df["aplica"].astype(bool)]
    grouped = (
        applicable.groupby(by, dropna=False)
        .agg(
            aplicables=("ubigeo", "count"),
            cumplidas=("estado", lambda s: int((s == "cumplida").sum())),
        )
        .reset_index()
    )
    grouped[by] = grouped[by].fillna("—")
    grouped["pct"] = grouped["cumplidas"] / grouped["aplicables"]
    # Issue 14: the official MEF result beside the computed one, over the municipalities
    # that have one (a share of those, so both bars read the same way).
    if "mef_cumplio" in applicable:
        mef = applicable.assign(
            _known=applicable["mef_cumplio"].notna(), _met=applicable["mef_cumplio"].eq(True)
        )
        m = mef.groupby(by, dropna=False).agg(
            mef_conocidas=("_known", "sum"), mef_cumplidas=("_met", "sum")
        )
        m.index = m.index.fillna("—")
        grouped = grouped.join(m, on=by)
        grouped["mef_pct"] = grouped["mef_cumplidas"] / grouped["mef_conocidas"].where(
            grouped["mef_conocidas"] > 0
        )
    return grouped


def activity_shares(df: pd.DataFrame, acts: pd.DataFrame) -> pd.DataFrame:
    """Per activity: applicable municipalities, how many scored it fully and with progress."""
    applicable = df[df["aplica"].astype(bool)] if not df.empty else df
    n = len(applicable)
    done: dict[str, int] = {}
    started: dict[str, int] = {}
    for missing, detail in zip(
        applicable.get("faltantes", []), applicable.get("actividades", []), strict=True
    ):
        missing_set = {str(a) for a in (missing or [])}
        for item in detail or []:
            code = str(item.get("actividad"))
            done[code] = done.get(code, 0) + (code not in missing_set)
            started[code] = started.get(code, 0) + bool(item.get("obtenido"))
    out = acts[["actividad", "descripcion_es", "descripcion_en", "tipo", "puntos"]].copy()
    out["aplicables"] = n
    out["cumplen"] = [done.get(str(a), 0) for a in out["actividad"]]
    out["con_avance"] = [started.get(str(a), 0) for a in out["actividad"]]
    out["pct"] = out["cumplen"] / n if n else None
    return out


def deadline_note(deadline: dt.date, today: dt.date, lang: str) -> Any:
    """A closed goal's states are final: say so, so an empty "at risk" list is not a puzzle."""
    if deadline >= today:
        return None
    return dbc.Alert(
        [
            html.Strong(t("go.closed", lang, date=fmt_date(deadline, lang))),
            " ",
            t("go.closed_help", lang),
        ],
        color="info",
        className="py-2 small my-2",
    )


def applicability_note(goal: dict[str, Any], lang: str) -> html.P:
    """Who the goal applies to, and where that rule comes from (issue 14)."""
    cats = str(goal.get("categorias") or "").replace(",", ", ")
    source = goal.get("categorias_fuente") or t("go.rule_no_source", lang)
    return html.P(
        [
            html.Strong(t("go.applies_to", lang, cats=cats)),
            " · ",
            t("go.rule_source", lang),
            " ",
            html.Span(str(source), className="fst-italic"),
            html.Br(),
            t("go.mef_rule", lang),
        ],
        className="small text-muted mb-1 go-rule",
    )


def goal_title(goal: dict[str, Any], lang: str) -> html.H2:
    """The goal's name with its "assumption" badge when the catalogue had to assume values."""
    name = goal["nombre_en"] if lang == "en" else goal["nombre_es"]
    assumed = bool(goal.get("puntaje_minimo_supuesto") or goal.get("categorias_supuesto"))
    return html.H2(
        [
            f"{t('di.goal', lang)} {int(goal['numero'])} ({int(goal['anio'])}) · {name}",
            c.assumption_badge(lang) if assumed else None,
        ],
        className="h6 mt-2 mb-1",
    )


def kpi_cards(df: pd.DataFrame, deadline: dt.date, today: dt.date, lang: str) -> dbc.Row:
    """Deadline, days to it, municipalities applicable / met and disagreements with the MEF."""
    days = (deadline - today).days
    days_text = (
        fmt_num(days, lang) if days >= 0 else t("go.days_past", lang, n=fmt_num(-days, lang))
    )
    applicable = df[df["aplica"].astype(bool)] if not df.empty else df
    met = int((applicable["estado"] == "cumplida").sum()) if not df.empty else 0
    disagreements = int(df["discrepancia"].fillna(False).astype(bool).sum()) if not df.empty else 0
    cards = [
        c.kpi_card(t("di.deadline", lang), fmt_date(deadline, lang)),
        c.kpi_card(t("go.days_left", lang), days_text),
        c.kpi_card(t("go.applicable", lang), fmt_num(len(applicable), lang)),
        c.kpi_card(
            t("go.met", lang),
            fmt_num(met, lang),
            fmt_pct(met / len(applicable) if len(applicable) else None, lang),
        ),
        c.kpi_card(t("go.discrepancies", lang), fmt_num(disagreements, lang)),
    ]
    return dbc.Row([dbc.Col(x, xs=6, md=4, xl=2) for x in cards], className="g-2 my-1")


def content(p: Progress, goal: dict[str, Any], state: UrlState) -> list[Any]:
    """KPIs, compliance charts, activities and the at-risk table of one goal."""
    lang = state.lang
    df, today = p.progress, p.today
    deadline = goal["fecha_limite"]
    head = [
        goal_title(goal, lang),
        applicability_note(goal, lang),
        kpi_cards(df, deadline, today, lang),
        deadline_note(deadline, today, lang),
    ]
    if df.empty:
        return [*head, c.empty_state(t("go.no_progress", lang)), _hidden_grids(state)]
    acts = p.activities
    by = "provincia_nombre" if state.dep else "departamento_nombre"
    return [
        *head,
        dbc.Row(
            [
                dbc.Col(
                    c.section(
                        t("go.by_prov" if state.dep else "go.by_dep", lang),
                        dcc.Graph(
                            figure=figures.compliance_vs_mef_figure(compliance(df, by), by, lang),
                            config=c.GRAPH_CONFIG,
                        ),
                    ),
                    lg=6,
                ),
                dbc.Col(
                    [
                        c.section(
                            t("go.by_cat", lang),
                            dcc.Graph(
                                figure=figures.compliance_vs_mef_figure(
                                    compliance(df, "categoria"), "categoria", lang
                                ),
                                config=c.GRAPH_CONFIG,
                            ),
                        ),
                        c.section(
                            t("go.activities", lang),
                            activity_grid(activity_shares(df, acts), goal, state),
                            help_text=t("go.activities_help", lang),
                        ),
                    ],
                    lg=6,
                ),
            ],
            className="g-2",
        ),
        c.section(
            t("go.not_met" if deadline < today else "go.at_risk", lang),
            at_risk_grid(df, acts, goal, state),
        ),
        c.section(
            t("go.disagreements", lang),
            disagreement_grid(df, acts, goal, state),
            help_text=t("go.disagreements_help", lang),
        ),
    ]


def activity_table(shares: pd.DataFrame, goal: dict[str, Any], lang: str) -> Table:
    """One row per activity: the share of applicable municipalities that scored it."""
    desc = "descripcion_en" if lang == "en" else "descripcion_es"
    pct = {"function": "params.value == null ? '—' : Math.round(params.value * 100) + ' %'"}
    cols: list[dict[str, Any]] = [
        {
            "field": "actividad",
            "headerName": t("go.activity", lang),
            "minWidth": 220,
            "wrapText": True,
            "autoHeight": True,
        },
        {"field": "puntos", "headerName": t("go.points", lang), "maxWidth": 100},
        {"field": "cumplen", "headerName": t("go.met", lang), "maxWidth": 110},
        {"field": "pct", "headerName": "%", "valueFormatter": pct, "maxWidth": 100},
    ]
    rows = [
        {
            "actividad": r[desc],
            "puntos": cell_number(r["puntos"]),
            "cumplen": f"{int(r['cumplen'])} / {int(r['aplicables'])}",
            "pct": cell_number(r["pct"]),
        }
        for _, r in shares.iterrows()
    ]
    return Table(rows, cols, f"actividades_{goal['anio']}_{goal['numero']}")


def activity_grid(shares: pd.DataFrame, goal: dict[str, Any], state: UrlState) -> html.Div:
    """The activity table with its export links."""
    table = activity_table(shares, goal, state.lang)
    return c.table_block(state, ids.GO_ACT_GRID, table, None, None, t("go.no_progress", state.lang))


def at_risk_rows(df: pd.DataFrame, names: dict[str, str], lang: str) -> list[dict[str, Any]]:
    """Municipalities at risk or not meeting the goal, with their missing activities."""
    risky = df[df["estado"].isin(["en_riesgo", "no_cumplida"])].sort_values(["estado", "puntaje"])
    yes, no = t("common.yes", lang), t("common.no", lang)
    return rows_of(
        {
            "ubigeo": risky["ubigeo"].tolist(),
            "distrito": risky["nombre"].tolist(),
            "provincia": risky["provincia_nombre"].tolist(),
            "departamento": risky["departamento_nombre"].tolist(),
            "categoria": risky["categoria"].tolist(),
            "estado": [label("estado", v, lang) for v in risky["estado"]],
            "puntaje": [cell_number(v) for v in risky["puntaje"]],
            "puntaje_minimo": [cell_number(v) for v in risky["puntaje_minimo"]],
            "faltantes": [
                "; ".join(names.get(str(a), str(a)) for a in (missing or []))
                for missing in risky["faltantes"]
            ],
            "mef": [
                "—" if v is None or pd.isna(v) else (yes if v else no) for v in risky["mef_cumplio"]
            ],
            "discrepancia": ["⚠" if v else "" for v in risky["discrepancia"]],
        }
    )


def at_risk_table(
    df: pd.DataFrame, acts: pd.DataFrame, goal: dict[str, Any], dep: str | None, lang: str
) -> Table:
    """The at-risk (or, for a closed goal, not met) municipalities as the grid shows them."""
    desc = "descripcion_en" if lang == "en" else "descripcion_es"
    names = dict(zip(acts["actividad"].astype(str), acts[desc], strict=True))
    rows = at_risk_rows(df, names, lang)
    cols: list[dict[str, Any]] = [
        {
            "field": "distrito",
            "headerName": t("common.district", lang),
            "pinned": "left",
            "minWidth": 150,
        },
        {"field": "ubigeo", "headerName": "Ubigeo", "maxWidth": 110},
        {"field": "provincia", "headerName": t("common.province", lang), "minWidth": 130},
        {"field": "departamento", "headerName": t("common.department", lang), "minWidth": 145},
        {"field": "categoria", "headerName": t("go.category", lang), "minWidth": 120},
        {"field": "estado", "headerName": t("common.status", lang), "minWidth": 130},
        {"field": "puntaje", "headerName": t("common.score", lang), "maxWidth": 110},
        {"field": "puntaje_minimo", "headerName": t("go.min_score", lang), "minWidth": 120},
        {
            "field": "faltantes",
            "headerName": t("common.missing", lang),
            "minWidth": 260,
            "wrapText": True,
            "autoHeight": True,
        },
        {"field": "mef", "headerName": t("di.mef", lang), "maxWidth": 110},
        {"field": "discrepancia", "headerName": "≠ MEF", "maxWidth": 90},
    ]
    place = f"_{dep}" if dep else ""
    return Table(rows, cols, f"meta_{goal['anio']}_{goal['numero']}{place}")


def at_risk_grid(
    df: pd.DataFrame, acts: pd.DataFrame, goal: dict[str, Any], state: UrlState
) -> Any:
    """The at-risk table with its export links."""
    table = at_risk_table(df, acts, goal, state.dep, state.lang)
    return c.table_block(state, ids.GO_GRID, table, None, 460, t("go.none_at_risk", state.lang))


def disagreement_rows(df: pd.DataFrame, names: dict[str, str], lang: str) -> list[dict[str, Any]]:
    """Municipalities where the computed result and the MEF's differ, both directions, with
    the activities behind: what our data scored (computed met, MEF not) or lacks (the reverse)."""
    d = df[df["discrepancia"].eq(True)] if "discrepancia" in df else df.iloc[:0]
    d = d.assign(_calc_met=d["estado"].eq("cumplida")).sort_values(["_calc_met", "nombre"])
    rows: dict[str, list[Any]] = {
        k: []
        for k in ("ubigeo", "distrito", "departamento", "sentido", "puntaje", "mef", "actividades")
    }
    for _, r in d.iterrows():
        acts = r["actividades"] or []
        if not bool(r["aplica"]):
            # The MEF judged a municipality our catalogue says the goal does not apply to.
            sentido = t("go.dis_not_applicable", lang, cat=str(r.get("categoria") or "—"))
            behind = []
        elif r["_calc_met"]:
            sentido = t("go.dis_calc_met", lang)
            behind = [_act_text(a, names, lang) for a in acts if a.get("obtenido")]
        else:
            sentido = t("go.dis_mef_met", lang)
            missing = {str(x) for x in (r["faltantes"] or [])}
            behind = [_act_text(a, names, lang) for a in acts if str(a["actividad"]) in missing]
        rows["ubigeo"].append(r["ubigeo"])
        rows["distrito"].append(r["nombre"])
        rows["departamento"].append(r["departamento_nombre"])
        rows["sentido"].append(sentido)
        rows["puntaje"].append(cell_number(r["puntaje"]))
        rows["mef"].append(cell_number(r.get("mef_puntaje")))
        rows["actividades"].append("; ".join(behind))
    return rows_of(rows)


def _act_text(item: dict[str, Any], names: dict[str, str], lang: str) -> str:
    """An activity's name, with why it did not count when the deadline rule voided it."""
    code = str(item.get("actividad"))
    text = names.get(code, code)
    why = item.get("cuenta_como")
    return f"{text} ({label('evidencia', str(why), lang)})" if why else text


def disagreement_table(
    df: pd.DataFrame, acts: pd.DataFrame, goal: dict[str, Any], dep: str | None, lang: str
) -> Table:
    """Computed vs MEF disagreements as the grid shows them."""
    desc = "descripcion_en" if lang == "en" else "descripcion_es"
    names = dict(zip(acts["actividad"].astype(str), acts[desc], strict=True))
    cols: list[dict[str, Any]] = [
        {"field": "distrito", "headerName": t("common.district", lang), "pinned": "left"},
        {"field": "ubigeo", "headerName": "Ubigeo", "maxWidth": 110},
        {"field": "departamento", "headerName": t("common.department", lang), "minWidth": 140},
        {"field": "sentido", "headerName": t("go.dis_direction", lang), "minWidth": 220},
        {"field": "puntaje", "headerName": t("go.dis_calc_score", lang), "maxWidth": 130},
        {"field": "mef", "headerName": t("go.dis_mef_score", lang), "maxWidth": 130},
        {
            "field": "actividades",
            "headerName": t("go.dis_activities", lang),
            "minWidth": 300,
            "wrapText": True,
            "autoHeight": True,
        },
    ]
    place = f"_{dep}" if dep else ""
    rows = disagreement_rows(df, names, lang)
    return Table(rows, cols, f"discrepancias_{goal['anio']}_{goal['numero']}{place}")


def disagreement_grid(
    df: pd.DataFrame, acts: pd.DataFrame, goal: dict[str, Any], state: UrlState
) -> Any:
    """The disagreement table with its export links."""
    table = disagreement_table(df, acts, goal, state.dep, state.lang)
    return c.table_block(state, ids.GO_DIS_GRID, table, None, 400, t("go.no_dis", state.lang))


# ------------------------------------------------------------------ export sources -----------
# The goal's tables rebuilt for their export links (the page's `exports`).


def _goal_source(
    stem: str, build: Callable[[dict[str, Any], pd.DataFrame, pd.DataFrame, UrlState], Table]
) -> Source:
    """An export source for one of the goal page's tables: the goal the URL names (or the
    newest) and its progress in the URL's department; no rows when there is no progress."""

    def source(wh: Warehouse, state: UrlState, _key: str | None) -> Table | None:
        goals = wh.goals()
        keys = goal_keys(goals)
        chosen = chosen_goal(keys, state.meta)
        if chosen is None:
            return None
        goal = goals.iloc[keys.index(chosen)].to_dict()
        anio, numero = int(goal["anio"]), int(goal["numero"])
        df = wh.goal_progress(anio, numero, state.dep)
        if df.empty:
            return Table([], [], f"{stem}_{anio}_{numero}")
        return build(goal, df, wh.activities(anio, numero), state)

    return source


at_risk_source = _goal_source(
    "meta", lambda goal, df, acts, state: at_risk_table(df, acts, goal, state.dep, state.lang)
)
activity_source = _goal_source(
    "actividades",
    lambda goal, df, acts, state: activity_table(activity_shares(df, acts), goal, state.lang),
)
disagreement_source = _goal_source(
    "discrepancias",
    lambda goal, df, acts, state: disagreement_table(df, acts, goal, state.dep, state.lang),
)


PAGE = Page(
    "goals",
    PATH,
    from_state(layout),
    nav="nav.goals",
    exports={
        ids.GO_GRID: at_risk_source,
        ids.GO_ACT_GRID: activity_source,
        ids.GO_DIS_GRID: disagreement_source,
    },
    grids=(ids.GO_GRID, ids.GO_ACT_GRID, ids.GO_DIS_GRID),
    register=goals_cb.register,
)
