"""Goals `/metas`: compliance of one goal by department and category; who is at risk."""

from __future__ import annotations

import datetime as dt
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard import components as c
from dashboard import figures, ids
from dashboard.i18n import fmt_date, fmt_num, label, t
from dashboard.queries import Warehouse
from dashboard.state import UrlState, to_search

PATH = "/metas"
NAME = "goals"


def layout(wh: Warehouse, state: UrlState, today: dt.date | None = None) -> Any:
    """The goal page for the goal in the URL (newest goal by default)."""
    lang = state.lang
    goals = c.safe(lang, wh.goals)
    goals = goals if isinstance(goals, pd.DataFrame) else pd.DataFrame()
    keys = [
        f"{int(a)}-{int(n)}"
        for a, n in zip(goals.get("anio", []), goals.get("numero", []), strict=True)
    ]
    chosen = state.meta if state.meta in keys else (keys[0] if keys else None)
    state = state.with_(meta=chosen)
    name = "nombre_en" if lang == "en" else "nombre_es"
    options = [
        {"label": f"{k} · {n}", "value": k} for k, n in zip(keys, goals.get(name, []), strict=True)
    ]
    body: list[Any] = [
        html.H1(t("go.title", lang), className="h4 my-2"),
        dbc.Row(
            dbc.Col(
                [
                    dbc.Label(t("go.pick", lang), html_for=ids.GO_META, className="small"),
                    dcc.Dropdown(id=ids.GO_META, options=options, value=chosen, clearable=False),
                ],
                md=8,
            )
        ),
        dcc.Store(id=ids.GO_STATE, data={"lang": lang}),
    ]
    if chosen is None:
        body += [c.empty_state(t("go.no_goals", lang)), _hidden_grid(lang)]
    else:
        row = goals.iloc[keys.index(chosen)].to_dict()
        body.append(c.safe(lang, lambda: content(wh, row, lang, today or dt.date.today())))
    return c.page(state, PATH, to_search(state), body)


def _hidden_grid(lang: str) -> html.Div:
    return html.Div(
        [c.export_buttons(lang, ids.GO_CSV), c.grid(ids.GO_GRID, [], [], "metas.csv")], hidden=True
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
    return grouped


def content(wh: Warehouse, goal: dict[str, Any], lang: str, today: dt.date) -> list[Any]:
    """KPIs, compliance charts and the at-risk table of one goal."""
    df = wh.goal_progress(int(goal["anio"]), int(goal["numero"]))
    deadline = goal["fecha_limite"]
    days = (deadline - today).days
    days_text = (
        fmt_num(days, lang) if days >= 0 else t("go.days_past", lang, n=fmt_num(-days, lang))
    )
    applicable = df[df["aplica"].astype(bool)] if not df.empty else df
    met = int((applicable["estado"] == "cumplida").sum()) if not df.empty else 0
    cards = [
        c.kpi_card(t("di.deadline", lang), fmt_date(deadline, lang)),
        c.kpi_card(t("go.days_left", lang), days_text),
        c.kpi_card(t("go.applicable", lang), fmt_num(len(applicable), lang)),
        c.kpi_card(t("go.met", lang), fmt_num(met, lang)),
        c.kpi_card(
            t("go.discrepancies", lang),
            fmt_num(
                int(df["discrepancia"].fillna(False).astype(bool).sum()) if not df.empty else 0,
                lang,
            ),
        ),
    ]
    badges = [c.assumption_badge(lang)] if goal.get("puntaje_minimo_supuesto") else []
    if df.empty:
        return [
            dbc.Row([dbc.Col(x, xs=6, md=2) for x in cards], className="g-2 my-2"),
            c.empty_state(t("go.no_progress", lang)),
            _hidden_grid(lang),
        ]
    return [
        dbc.Row([dbc.Col(x, xs=6, md=2) for x in cards], className="g-2 my-2"),
        html.Div(badges),
        dbc.Row(
            [
                dbc.Col(
                    c.section(
                        t("go.by_dep", lang),
                        dcc.Graph(
                            figure=figures.compliance_figure(
                                compliance(df, "departamento_nombre"), "departamento_nombre", lang
                            ),
                            config=c.GRAPH_CONFIG,
                        ),
                    ),
                    lg=6,
                ),
                dbc.Col(
                    c.section(
                        t("go.by_cat", lang),
                        dcc.Graph(
                            figure=figures.compliance_figure(
                                compliance(df, "categoria"), "categoria", lang
                            ),
                            config=c.GRAPH_CONFIG,
                        ),
                    ),
                    lg=6,
                ),
            ],
            className="g-2",
        ),
        c.section(t("go.at_risk", lang), at_risk_grid(wh, df, goal, lang)),
    ]


def at_risk_rows(df: pd.DataFrame, names: dict[str, str], lang: str) -> list[dict[str, Any]]:
    """Municipalities at risk or not meeting the goal, with their missing activities."""
    risky = df[df["estado"].isin(["en_riesgo", "no_cumplida"])].sort_values(["estado", "puntaje"])
    return [
        {
            "ubigeo": r["ubigeo"],
            "distrito": r["nombre"],
            "provincia": r["provincia_nombre"],
            "departamento": r["departamento_nombre"],
            "categoria": r["categoria"],
            "estado": label("estado", r["estado"], lang),
            "puntaje": r["puntaje"],
            "puntaje_minimo": r["puntaje_minimo"],
            "faltantes": "; ".join(names.get(str(a), str(a)) for a in (r["faltantes"] or [])),
            "mef": "—"
            if r["mef_cumplio"] is None or pd.isna(r["mef_cumplio"])
            else (t("common.yes", lang) if r["mef_cumplio"] else t("common.no", lang)),
            "discrepancia": "⚠" if r["discrepancia"] else "",
        }
        for _, r in risky.iterrows()
    ]


def at_risk_grid(wh: Warehouse, df: pd.DataFrame, goal: dict[str, Any], lang: str) -> Any:
    """The at-risk table with CSV export."""
    acts = wh.activities()
    acts = acts[(acts["anio"] == goal["anio"]) & (acts["meta"] == goal["numero"])]
    desc = "descripcion_en" if lang == "en" else "descripcion_es"
    names = dict(zip(acts["actividad"].astype(str), acts[desc], strict=True))
    rows = at_risk_rows(df, names, lang)
    cols = [
        {"field": "distrito", "headerName": t("common.district", lang), "pinned": "left"},
        {"field": "provincia", "headerName": t("common.province", lang)},
        {"field": "departamento", "headerName": t("common.department", lang)},
        {"field": "categoria", "headerName": t("go.category", lang), "minWidth": 110},
        {"field": "estado", "headerName": t("common.status", lang)},
        {"field": "puntaje", "headerName": t("common.score", lang), "minWidth": 100},
        {"field": "puntaje_minimo", "headerName": t("di.min", lang), "minWidth": 100},
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
    note = c.empty_state(t("go.none_at_risk", lang)) if not rows else None
    return html.Div(
        [
            note,
            c.export_buttons(lang, ids.GO_CSV),
            c.grid(ids.GO_GRID, rows, cols, f"meta_{goal['anio']}_{goal['numero']}.csv", 460, lang),
        ]
    )
