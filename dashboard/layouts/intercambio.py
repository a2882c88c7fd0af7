"""Peer exchange `/intercambio` (issue 16): which JASS could learn from which, and which ATMs
of a department could visit which; and the district page's "Intercambio entre JASS" section.

Read-only: the suggestions are derived by the ETL (etl/derive/peers.py, our own rule in
data/intercambio.yaml, "modelo local") at each full derivation and dated (`calculado`); the
page says that date. Reasons are stored as codes and rendered by etl/derive/peer_words.py.
Privacy: a mentor of a district the account does not see comes without its code (no link)
and without its score (dashboard.queries.Warehouse.peer_suggestions); no person's name is
read anywhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard import accept as accept_mod
from dashboard import components as c
from dashboard import ids, urls
from dashboard.callbacks import intercambio as intercambio_cb
from dashboard.exports import EMPTY_TABLE, Table, cell_number, rows_of
from dashboard.i18n import fmt_date, fmt_num, label, t
from dashboard.page import Page, Section, fetch, from_state, show, value_or
from dashboard.queries import Warehouse
from dashboard.state import UrlState, lang_only, to_search
from etl.derive import health, peer_words, peers
from etl.derive.partnerships import MIN_CHANGE

PATH = urls.PEERS
SHOWN_MAX = 1000  # grid rows drawn on the page; the export link holds the whole table


# ------------------------------------------------------------------ pure helpers -------------


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []


def items_text(codes: Any, lang: str) -> str:
    """Score items in words, joined ("Cloro residual adecuado; Clora el agua")."""
    return "; ".join(label("item", str(x), lang) for x in _list(codes))


def with_item(frame: pd.DataFrame, column: str, item: str | None) -> pd.DataFrame:
    """The rows whose list column holds `item` (all rows when no item is chosen)."""
    if not item or frame.empty:
        return frame
    return frame[frame[column].map(lambda v: item in _list(v))]


def item_options(lang: str) -> list[dict[str, str]]:
    """The score model's items (data/modelo_salud.yaml) for the item filter."""
    return [{"label": label("item", i, lang), "value": i} for i in health.items()]


def calculated_note(calculated: dt.date | None, lang: str) -> html.P:
    """Our rule, not an official one, and the date of the derivation behind the rows."""
    text = (
        t("ix.model", lang, date=fmt_date(calculated, lang))
        if calculated
        else t("ix.not_computed", lang)
    )
    return html.P(text, className="small text-muted mb-2 ix-model")


def weak_of(mentees: pd.DataFrame) -> dict[str, list[str]]:
    """Each weak JASS's weak items, by code."""
    return {
        str(code): _list(items)
        for code, items in zip(
            mentees.get("codigo_oc", []), mentees.get("items_debiles", []), strict=True
        )
    }


# ------------------------------------------------------------------ tables -------------------


WRAP = {"wrapText": True, "autoHeight": True}


def learner_columns(lang: str) -> list[dict[str, Any]]:
    """The learning JASS and its district (the suggestion and partnership tables)."""
    return [
        {
            "field": "aprendiz",
            "headerName": t("ix.col_mentee", lang),
            "pinned": "left",
            "minWidth": 150,
            **WRAP,
        },
        {"field": "distrito", "headerName": t("common.district", lang), "minWidth": 100, **WRAP},
    ]


def mentor_columns(lang: str) -> list[dict[str, Any]]:
    """The mentor JASS and its district."""
    return [
        {"field": "mentora", "headerName": t("ix.col_mentor", lang), "minWidth": 150, **WRAP},
        {
            "field": "distrito_mentora",
            "headerName": t("ix.col_mentor_district", lang),
            "minWidth": 110,
            **WRAP,
        },
    ]


def suggestion_table(
    sug: pd.DataFrame, weak: Mapping[str, list[str]], state: UrlState, limit: int | None = None
) -> Table:
    """One row per suggested mentor of a weak JASS, best first within each JASS."""
    lang = state.lang
    shown = sug if limit is None else sug.head(limit)
    wrap = {"wrapText": True, "autoHeight": True}
    cols: list[dict[str, Any]] = [
        *learner_columns(lang),
        {"field": "debiles", "headerName": t("ix.col_weak", lang), "minWidth": 160, **wrap},
        {"field": "rango", "headerName": "#", "maxWidth": 60, "minWidth": 60},
        *mentor_columns(lang),
        {"field": "aprende", "headerName": t("ix.col_learns", lang), "minWidth": 150, **wrap},
        {
            "field": "km",
            "headerName": t("ix.col_km", lang),
            "filter": "agNumberColumnFilter",
            "valueFormatter": km_format(lang),
            "maxWidth": 100,
            "minWidth": 90,
        },
        {"field": "razones", "headerName": t("ix.col_reasons", lang), "minWidth": 320, **wrap},
    ]
    rows = rows_of(
        {
            "aprendiz": shown["nombre"].tolist(),
            "distrito": shown["distrito_nombre"].tolist(),
            "debiles": [items_text(weak.get(str(x), []), lang) for x in shown["codigo_oc"]],
            "rango": [int(x) for x in shown["rango"]],
            "mentora": shown["mentor_nombre"].tolist(),
            "distrito_mentora": shown["mentor_distrito"].tolist(),
            "aprende": [items_text(x, lang) for x in shown["items"]],
            "km": [cell_number(x) for x in shown["distancia_km"]],
            "razones": [peer_words.suggestion_text(_list(r), lang) for r in shown["razones"]],
        }
    )
    return Table(rows, cols, _stem("intercambio_jass", state))


def atm_table(atms: pd.DataFrame, acts: pd.DataFrame, state: UrlState) -> Table:
    """One row per at-risk ATM and suggested pair (or one row saying why it has none)."""
    lang = state.lang
    rules = peers.shipped_rules()
    names = _activity_names(acts, lang)
    wrap = {"wrapText": True, "autoHeight": True}
    cols: list[dict[str, Any]] = [
        {
            "field": "distrito",
            "headerName": t("ix.col_atm", lang),
            "pinned": "left",
            "minWidth": 130,
            **wrap,
        },
        {"field": "provincia", "headerName": t("common.province", lang), "minWidth": 110, **wrap},
        {
            "field": "departamento",
            "headerName": t("common.department", lang),
            "minWidth": 110,
            **wrap,
        },
        {"field": "motivo", "headerName": t("ix.col_why", lang), "minWidth": 170, **wrap},
        {"field": "rango", "headerName": "#", "maxWidth": 60, "minWidth": 60},
        {"field": "par", "headerName": t("ix.col_pair", lang), "minWidth": 140, **wrap},
        {"field": "nivel", "headerName": t("ix.col_level", lang), "minWidth": 110, **wrap},
        {
            "field": "km",
            "headerName": t("ix.col_km", lang),
            "valueFormatter": km_format(lang),
            "maxWidth": 100,
            "minWidth": 90,
        },
        {"field": "actividades", "headerName": t("ix.col_gaps", lang), "minWidth": 250, **wrap},
        {"field": "meta", "headerName": t("ix.col_goal_acts", lang), "minWidth": 170, **wrap},
    ]
    rows: list[dict[str, Any]] = []
    for r in atms.to_dict("records"):
        paired = isinstance(r.get("ubigeo_par"), str)
        goal = (r.get("meta_anio"), r.get("meta"))
        rows.append(
            {
                "distrito": r["nombre"],
                "provincia": r["provincia_nombre"],
                "departamento": r["departamento_nombre"],
                "motivo": peer_words.at_risk_text(
                    _list(r["motivos"]), int(r["anio"]), _int(r["meta"]), _int(r["meta_anio"]), lang
                ),
                "rango": _int(r["rango"]) if paired else None,
                "par": f"{r['par_nombre']} ({r['par_provincia']})" if paired else "—",
                "nivel": peer_words.level_text(str(r["nivel"]), lang) if paired else None,
                "km": cell_number(r["distancia_km"]) if paired else None,
                "actividades": "; ".join(
                    peer_words.activity_text(a, lang, rules) for a in _list(r["actividades"])
                )
                if paired
                else peer_words.no_pair_text(str(r.get("sin_par") or "pares_sin_cupo"), lang),
                "meta": "; ".join(
                    names.get((_int(goal[0]), _int(goal[1]), str(a)), str(a))
                    for a in _list(r.get("actividades_meta"))
                ),
            }
        )
    return Table(rows, cols, _stem("intercambio_atm", state))


# Partnerships (p16): words of the states and verdicts (codes from etl/sources.py and
# etl/derive/partnerships.py), literal keys so the translation check sees them used.
STATE_KEYS = {
    "propuesta": "ix.st_propuesta",
    "activa": "ix.st_activa",
    "concluida": "ix.st_concluida",
    "cancelada": "ix.st_cancelada",
}
VERDICT_KEYS = {
    "mejoro": "ix.v_mejoro",
    "igual": "ix.v_igual",
    "empeoro": "ix.v_empeoro",
    "mixto": "ix.v_mixto",
    "sin_dato": "ix.v_sin_dato",
}
REASON_KEYS = {
    "sin_linea_base": "ix.pv_sin_linea_base",
    "sin_evaluacion_nueva": "ix.pv_sin_evaluacion_nueva",
    "grado_provisional": "ix.pv_grado_provisional",
}


def _key_text(keys: Mapping[str, str], code: Any, lang: str) -> str:
    key = keys.get(str(code))
    return t(key, lang) if key else str(code or "")


def learns_text(items: Any, topic: Any, lang: str) -> str:
    """What a partnership is about: its score items in words, then its free topic."""
    parts = [items_text(items, lang)] if _list(items) else []
    if isinstance(topic, str) and topic.strip():
        parts.append(topic.strip())
    return "; ".join(parts)


def _value_text(value: Any, lang: str) -> str:
    return "—" if value is None else fmt_num(value, lang, 1)


def detail_text(detail: Any, lang: str) -> str:
    """Per item: 'Cloro residual 0,0 → 1,0 (mejoró)'."""
    return "; ".join(
        f"{label('item', str(d.get('item')), lang)} {_value_text(d.get('antes'), lang)} → "
        f"{_value_text(d.get('ahora'), lang)} ({_key_text(VERDICT_KEYS, d.get('veredicto'), lang)})"
        for d in _list(detail)
    )


def verdict_text(verdict: Any, reasons: Any, lang: str) -> str:
    """The whole partnership's verdict, and why it is provisional when it is."""
    text = _key_text(VERDICT_KEYS, verdict, lang)
    why = [_key_text(REASON_KEYS, r, lang) for r in _list(reasons)]
    return f"{text} ({t('ix.provisional', lang)}: {', '.join(why)})" if why else text


def partnership_table(frame: pd.DataFrame, state: UrlState) -> Table:
    """One row per registered partnership, with the mentee's items at the start and now."""
    lang = state.lang
    wrap = {"wrapText": True, "autoHeight": True}
    cols: list[dict[str, Any]] = [
        *learner_columns(lang),
        *mentor_columns(lang),
        {"field": "aprende", "headerName": t("ix.col_topic", lang), "minWidth": 150, **wrap},
        {"field": "estado", "headerName": t("ix.col_state", lang), "minWidth": 100},
        {"field": "inicio", "headerName": t("ix.col_start", lang), "minWidth": 115},
        {"field": "fin", "headerName": t("ix.col_end", lang), "minWidth": 115},
        {"field": "linea_base", "headerName": t("ix.col_baseline", lang), "minWidth": 110},
        {"field": "ahora", "headerName": t("ix.col_now", lang), "minWidth": 110},
        {
            "field": "detalle",
            "headerName": t("ix.col_items_then_now", lang),
            "minWidth": 260,
            **wrap,
        },
        {"field": "veredicto", "headerName": t("ix.col_worked", lang), "minWidth": 200, **wrap},
    ]
    rows = [
        {
            "aprendiz": r["nombre"],
            "distrito": r["distrito_nombre"],
            "mentora": r["mentor_nombre"],
            "distrito_mentora": r["mentor_distrito"],
            "aprende": learns_text(r.get("lista_items"), r.get("tema"), lang),
            "estado": _key_text(STATE_KEYS, r.get("estado"), lang),
            "inicio": fmt_date(r.get("fecha_inicio"), lang),
            "fin": fmt_date(r.get("fecha_fin"), lang),
            "linea_base": fmt_date(r.get("fecha_linea_base"), lang),
            "ahora": fmt_date(r.get("fecha_ahora"), lang),
            "detalle": detail_text(r.get("detalle"), lang),
            "veredicto": verdict_text(r.get("veredicto"), r.get("motivos"), lang),
        }
        for r in frame.to_dict("records")
    ]
    return Table(rows, cols, _stem("intercambio_alianzas", state))


def _int(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _activity_names(acts: pd.DataFrame, lang: str) -> dict[tuple, str]:
    if acts.empty:
        return {}
    desc = "descripcion_en" if lang == "en" else "descripcion_es"
    return {
        (int(a), int(m), str(x)): str(d)
        for a, m, x, d in zip(
            acts["anio"], acts["meta"], acts["actividad"], acts[desc], strict=True
        )
    }


def km_format(lang: str) -> dict[str, str]:
    """The grid's distance cells with the language's decimal mark (the file keeps numbers)."""
    mark = "','" if lang == "es" else "'.'"
    return {
        "function": f"params.value == null ? '—' : params.value.toFixed(1).replace('.', {mark})"
    }


def _stem(name: str, state: UrlState) -> str:
    place = state.prov or state.dep
    return "_".join(x for x in (name, place, state.item) if x)


# ------------------------------------------------------------------ the page ----------------


@dataclass(frozen=True)
class Found:
    """What the tables show, already filtered by item."""

    mentees: pd.DataFrame
    suggestions: pd.DataFrame
    atms: pd.DataFrame
    activities: pd.DataFrame
    partnerships: pd.DataFrame = field(default_factory=pd.DataFrame)  # p16: registered


@dataclass(frozen=True)
class PeersData:
    """The page's data: the filters' options, the derivation's date and the tables."""

    departments: Section[pd.DataFrame]
    provinces: Section[pd.DataFrame] | None  # None: no department chosen
    calculated: Section[dt.date | None]
    found: Section[Found]


def _found(wh: Warehouse, state: UrlState) -> Found:
    mentees = with_item(wh.peer_mentees(state.dep, state.prov), "items_debiles", state.item)
    sug = with_item(wh.peer_suggestions(state.dep, state.prov), "items", state.item)
    partners = with_item(wh.peer_partnerships(state.dep, state.prov), "lista_items", state.item)
    return Found(mentees, sug, wh.peer_atms(state.dep, state.prov), wh.activities(), partners)


def load(wh: Warehouse, state: UrlState) -> PeersData:
    return PeersData(
        departments=fetch(wh.departments),
        provinces=fetch(lambda: wh.provinces(str(state.dep))) if state.dep else None,
        calculated=fetch(wh.peer_calculated),
        found=fetch(lambda: _found(wh, state)),
    )


def layout(wh: Warehouse, state: UrlState) -> Any:
    return render(load(wh, state), state)


def render(data: PeersData, state: UrlState) -> Any:
    """The page drawn from its data (never reads the warehouse)."""
    lang = state.lang
    body = [
        html.H1(
            [t("ix.title", lang), c.local_model_badge(lang)],
            className="h4 my-2 d-flex align-items-center flex-wrap",
        ),
        html.P(t("ix.intro", lang), className="small mb-1"),
        show(lang, data.calculated, lambda d: calculated_note(d, lang)),
        filters(data, state),
        dcc.Store(id=ids.IX_STATE, data={"lang": lang, "dep": state.dep}),
        show(lang, data.found, lambda f: content(f, state)),
        None if data.found.ok else hidden_grids(state),
    ]
    return c.page(state, PATH, to_search(state), body)


def hidden_grids(state: UrlState) -> html.Div:
    """The tables' components when they could not be read (their export links' callbacks
    need them)."""
    return html.Div(
        [
            c.table_block(state, ids.IX_SUG_GRID, EMPTY_TABLE),
            c.table_block(state, ids.IX_ATM_GRID, EMPTY_TABLE),
            c.table_block(state, ids.IX_ALI_GRID, EMPTY_TABLE),
        ],
        hidden=True,
    )


def filters(data: PeersData, state: UrlState) -> dbc.Row:
    """Department, province and item (the URL's `dep`, `prov` and `item`)."""
    lang = state.lang
    deps = value_or(data.departments, pd.DataFrame())
    provs = value_or(data.provinces, pd.DataFrame()) if data.provinces else pd.DataFrame()

    def options(frame: pd.DataFrame) -> list[dict[str, str]]:
        if frame.empty:
            return []
        return [
            {"label": n, "value": u} for u, n in zip(frame["ubigeo"], frame["nombre"], strict=True)
        ]

    def pick(key: str, cid: str, opts: list, value: Any, empty: str, md: int) -> dbc.Col:
        return dbc.Col(
            [
                dbc.Label(t(key, lang), html_for=cid, className="small mb-0"),
                dcc.Dropdown(id=cid, options=opts, value=value, placeholder=t(empty, lang)),
            ],
            xs=12,
            md=md,
        )

    return dbc.Row(
        [
            pick("ov.dep", ids.IX_DEP, options(deps), state.dep, "ov.all_deps", 4),
            pick("ov.prov", ids.IX_PROV, options(provs), state.prov, "ov.all_provs", 4),
            pick("ix.item", ids.IX_ITEM, item_options(lang), state.item, "ix.all_items", 4),
        ],
        className="g-2 mb-2",
    )


def content(f: Found, state: UrlState) -> list[Any]:
    lang = state.lang
    weak = weak_of(f.mentees)
    with_any = int((f.mentees["n_sugerencias"] > 0).sum()) if not f.mentees.empty else 0
    if state.item:  # on one item: learners weak on it that have a mentor for it
        with_any = len(set(f.suggestions["codigo_oc"])) if not f.suggestions.empty else 0
    at_risk = f.atms.drop_duplicates("ubigeo") if not f.atms.empty else f.atms
    paired = int((at_risk["n_pares"] > 0).sum()) if not at_risk.empty else 0
    cards = [
        c.kpi_card(t("ix.kpi_weak", lang), fmt_num(len(f.mentees), lang)),
        c.kpi_card(t("ix.kpi_with", lang), fmt_num(with_any, lang)),
        c.kpi_card(t("ix.kpi_atm", lang), fmt_num(len(at_risk), lang)),
        c.kpi_card(t("ix.kpi_atm_pair", lang), fmt_num(paired, lang)),
    ]
    rules = peers.shipped_rules()
    sug = suggestion_table(f.suggestions, weak, state, SHOWN_MAX)
    total = len(f.suggestions)
    capped = (
        dbc.Alert(
            t("ix.shown_first", lang, n=fmt_num(SHOWN_MAX, lang), total=fmt_num(total, lang)),
            color="info",
            className="py-1 small mb-2",
        )
        if total > SHOWN_MAX
        else None
    )
    return [
        dbc.Row([dbc.Col(x, xs=6, md=3) for x in cards], className="g-2 mb-3"),
        c.section(
            t("ix.suggestions", lang),
            html.Div(
                [
                    capped,
                    c.table_block(state, ids.IX_SUG_GRID, sug, None, 520, t("ix.no_sug", lang)),
                ]
            ),
            badge=c.local_model_badge(lang),
            help_text=t(
                "ix.suggestions_help",
                lang,
                radio=fmt_num(rules.radio_km, lang),
                cap=rules.capacidad_mentor,
            ),
        ),
        c.section(
            t("ix.partnerships", lang),
            c.table_block(
                state,
                ids.IX_ALI_GRID,
                partnership_table(f.partnerships, state),
                None,
                360,
                t("ix.no_partnerships", lang),
            ),
            badge=c.local_model_badge(lang),
            help_text=t("ix.partnerships_help", lang, change=fmt_num(MIN_CHANGE, lang, 1)),
        ),
        c.section(
            t("ix.atms", lang),
            c.table_block(
                state,
                ids.IX_ATM_GRID,
                atm_table(f.atms, f.activities, state),
                None,
                520,
                t("ix.no_atms", lang),
            ),
            badge=c.local_model_badge(lang),
            help_text=t("ix.atms_help", lang),
        ),
    ]


# ------------------------------------------------------------------ district section ---------


@dataclass(frozen=True)
class District:
    """A district's weak JASS, their suggestions and the derivation's date."""

    mentees: pd.DataFrame
    suggestions: pd.DataFrame
    calculated: dt.date | None
    # p16: the district's registered partnerships, and whether this account may accept a
    # suggestion (dashboard/accept.py: an admin or an ATM of the district; asked again on click)
    partnerships: pd.DataFrame = field(default_factory=pd.DataFrame)
    can_accept: bool = False

    def taken(self) -> set[tuple[str, str, str]]:
        """(mentee, mentor name, mentor district) of open partnerships: no button for them."""
        p = self.partnerships
        if p.empty:
            return set()
        open_ = p[p["estado"].isin(accept_mod.OPEN_STATES)]
        return {
            (str(a), str(b), str(c_))
            for a, b, c_ in zip(
                open_["codigo_oc"], open_["mentor_nombre"], open_["ubigeo_mentor"], strict=True
            )
        }


def load_district(wh: Warehouse, ubigeo: str) -> District:
    from dashboard.server import security  # the request's account (imported late, as components)

    return District(
        wh.peer_mentees(None, None, ubigeo),
        wh.peer_suggestions(None, None, ubigeo),
        wh.peer_calculated(),
        wh.peer_partnerships(None, None, ubigeo),
        accept_mod.may_accept(security.current_account(), ubigeo),
    )


def map_links(found: Section[District], item: str | None) -> list[tuple[str, str]]:
    """(learner, mentor) codes of the district's suggestions with a mentor of the same
    district (the district map draws a line between them), on `item` when one is chosen."""
    d = found.value
    if d is None or d.suggestions.empty:
        return []
    sug = with_item(d.suggestions, "items", item)
    same = sug[sug["mismo_distrito"].astype(bool) & sug["mentor_oc"].notna()]
    return [(str(a), str(b)) for a, b in zip(same["codigo_oc"], same["mentor_oc"], strict=True)]


def partner_links(found: Section[District]) -> list[tuple[str, str]]:
    """(learner, mentor) codes of the district's ACTIVE partnerships whose mentor the account
    sees (the map draws those it places, in another colour than the suggestions)."""
    d = found.value
    if d is None or d.partnerships.empty:
        return []
    p = d.partnerships
    on = p[(p["estado"] == "activa") & p["mentor_oc"].notna()]
    return [(str(a), str(b)) for a, b in zip(on["codigo_oc"], on["mentor_oc"], strict=True)]


def render_district(found: Section[District], info: Mapping[str, Any], state: UrlState) -> html.Div:
    """The district page's "Intercambio entre JASS" section."""
    lang = state.lang
    return html.Div(
        c.section(
            t("ix.di_title", lang),
            show(lang, found, lambda d: district_body(d, info, state)),
            badge=c.local_model_badge(lang),
            help_text=t("ix.di_help", lang),
        ),
        id=ids.DI_PEERS,
    )


def district_body(d: District, info: Mapping[str, Any], state: UrlState) -> list[Any]:
    """Item chips (the district page filtered to one item), then each weak JASS with its
    suggested mentors and the weak items nobody covers, and why."""
    lang = state.lang
    page = lang_only(state).with_(dep=info.get("departamento"), prov=info.get("provincia"))
    head = [
        calculated_note(d.calculated, lang),
        item_chips(d.mentees, info, state),
        html.Div(
            [
                dcc.Link(
                    t("ix.di_open", lang),
                    href=urls.peers(page.with_(item=state.item)),
                    className="small me-3 ix-open",
                ),
                html.A(
                    t("ix.plan_open", lang),
                    href=urls.district_visit_plan(
                        str(info.get("ubigeo")), lang_only(state).with_(item=state.item)
                    ),
                    target="_blank",
                    rel="noopener",
                    className="small ix-plan no-print",
                ),
            ],
            className="mb-2",
        ),
    ]
    head.append(partnership_list(d.partnerships, info, state))
    if d.mentees.empty:
        return [*head, c.empty_state(t("ix.di_no_weak", lang))]
    mentees = with_item(d.mentees, "items_debiles", state.item)
    if mentees.empty:
        return [*head, c.empty_state(t("ix.di_none_item", lang))]
    by_mentee = (
        {str(k): g for k, g in d.suggestions.groupby("codigo_oc", sort=False)}
        if not d.suggestions.empty
        else {}
    )
    helped: list[tuple[dict, pd.DataFrame]] = []  # (weak JASS, its suggestions)
    alone: list[tuple[dict, pd.DataFrame]] = []
    for m in mentees.to_dict("records"):
        sug = with_item(by_mentee.get(str(m["codigo_oc"]), pd.DataFrame()), "items", state.item)
        (helped if not sug.empty else alone).append((m, sug))

    def blocks(group: list[tuple[dict, pd.DataFrame]]) -> list[html.Li]:
        """The weakest DISTRICT_LIST_MAX of a group, and how many more there are."""
        shown = [mentee_block(m, sug, info, state, d) for m, sug in group[:DISTRICT_LIST_MAX]]
        more = len(group) - DISTRICT_LIST_MAX
        if more > 0:
            shown.append(html.Li(t("ix.di_more", lang, n=more), className="small py-1 ix-more"))
        return shown

    # The JASS with someone to learn from first (weakest first); the others folded, each
    # still saying why no one was suggested.
    rest = html.Details(
        [
            html.Summary(t("ix.di_alone", lang, n=len(alone)), className="small"),
            html.Ol(blocks(alone), className="list-unstyled mb-0"),
        ],
        className="mt-1 ix-alone",
    )
    # A district has dozens of JASS: the list scrolls inside the section.
    listed = html.Div(
        [
            html.Ol(blocks(helped), className="list-unstyled mb-0 ix-list") if helped else None,
            rest if alone else None,
        ],
        className="ix-scroll",
        style={"maxHeight": "640px", "overflowY": "auto"},
    )
    return [*head, listed]


# The district page lists the weakest this many JASS of each group (issue 18: a district of ~850
# JASS shipped 2 MB of peer list); the rest are one item chip, the visit plan or the
# "Intercambio" page away (each of which lists them all).
DISTRICT_LIST_MAX = 40


def item_chips(mentees: pd.DataFrame, info: Mapping[str, Any], state: UrlState) -> html.Div:
    """One link per weak item of the district's JASS with how many are weak on it; the chosen
    one is marked, and "all items" clears it."""
    lang = state.lang
    counts: dict[str, int] = {}
    for items in mentees.get("items_debiles", []):
        for i in _list(items):
            counts[str(i)] = counts.get(str(i), 0) + 1
    order = [i for i in health.items() if i in counts] + sorted(set(counts) - set(health.items()))
    ubigeo = str(info.get("ubigeo"))

    def chip(text: str, item: str | None) -> dcc.Link:
        on = item == state.item
        return dcc.Link(
            text,
            href=urls.district(ubigeo, state.with_(item=item)) + f"#{ids.DI_PEERS}",
            className="badge rounded-pill me-1 mb-1 fw-normal "
            + ("text-bg-primary ix-chosen" if on else "text-bg-light border"),
            title=t("ix.item", lang),
        )

    chips = [chip(t("ix.all_items", lang), None)]
    chips += [chip(f"{label('item', i, lang)} ({counts[i]})", i) for i in order]
    return html.Div(chips, className="mb-1 ix-items", **c.aria(label=t("ix.item", lang)))


def mentee_block(
    m: Mapping[str, Any],
    rows: pd.DataFrame,
    info: Mapping[str, Any],
    state: UrlState,
    d: District | None = None,
) -> html.Li:
    """A weak JASS in one line (name, grade, weak items, its mentors' names); unfolded, each
    mentor with its evidence and the weak items nobody covers with the reason. Unfolded at
    once when an item is chosen: then the evidence is of that item only, a line each."""
    lang = state.lang
    item = state.item
    missing = [e for e in _list(m.get("sin_mentor")) if not item or e.get("item") == item]
    weak = _list(m.get("items_debiles"))
    mentors = rows.to_dict("records")
    names = ", ".join(str(s["mentor_nombre"]) for s in mentors)
    summary = html.Summary(
        [
            dcc.Link(
                m["nombre"],
                href=urls.jass(str(m["codigo_oc"]), lang_only(state)),
                className="fw-semibold me-1",
            ),
            c.grade_badge(
                m["grado"], provisional=m.get("grado_provisional") in (True, 1), lang=lang
            ),
            html.Span(
                " " + t("ix.di_weak", lang, items=items_text(weak, lang)),
                className="small text-muted",
            ),
            html.Div(t("ix.di_mentors", lang, names=names), className="small ms-3 ix-names")
            if names and not item  # unfolded: the mentors are listed below
            else None,
        ]
    )
    body = [
        html.Ul(
            [suggestion_line(s, info, state, d) for s in mentors],
            className="small mb-1 ix-mentors",
        )
        if mentors
        else None,
        html.Div(
            [
                html.Span(t("ix.di_uncovered", lang) + " ", className="fw-semibold"),
                "; ".join(peer_words.no_mentor_text(e, lang) for e in missing),
            ],
            className="small text-muted ms-3 ix-uncovered",
        )
        if missing
        else None,
    ]
    return html.Li(
        html.Details([summary, *body], open=bool(item)),
        className="border-bottom py-1 ix-mentee",
    )


def suggestion_line(
    s: Mapping[str, Any], info: Mapping[str, Any], state: UrlState, d: District | None = None
) -> html.Li:
    """'Mentor JASS (its district, when another) — reasons in words' (on the chosen item
    only, when there is one). A mentor the account may not open comes without a link
    (Warehouse.peer_suggestions leaves its code out)."""
    lang = state.lang
    code = s.get("mentor_oc")
    name: Any = (
        dcc.Link(s["mentor_nombre"], href=urls.jass(str(code), lang_only(state)))
        if isinstance(code, str)
        else html.Span(s["mentor_nombre"])
    )
    where = "" if s.get("ubigeo_mentor") == info.get("ubigeo") else f" ({s['mentor_distrito']})"
    reasons = [
        r
        for r in _list(s.get("razones"))
        if not state.item or r.get("codigo") != "item" or r.get("item") == state.item
    ]
    return html.Li(
        [
            html.Span(name, className="fw-semibold"),
            where,
            " — ",
            peer_words.suggestion_text(reasons, lang),
            accept_button(s, d, lang),
        ]
    )


def accept_button(s: Mapping[str, Any], d: District | None, lang: str) -> Any:
    """ "Aceptar" next to a suggestion, for an account that may accept it (p16), unless the
    pair already has an open partnership; its answer appears beside it."""
    if d is None or not d.can_accept:
        return None
    pair = (str(s.get("codigo_oc")), str(s.get("mentor_nombre")), str(s.get("ubigeo_mentor")))
    if pair in d.taken():
        return html.Span(t("ix.accept_taken", lang), className="badge text-bg-success ms-2")
    key = {"oc": str(s.get("codigo_oc")), "rank": int(s.get("rango") or 0)}
    return html.Span(
        [
            html.Button(
                t("ix.accept", lang),
                id={"type": ids.IX_ACCEPT, **key},
                className="btn btn-outline-primary btn-sm py-0 ms-2 ix-accept",
                title=t("ix.accept_title", lang),
            ),
            html.Span(id={"type": ids.IX_ACCEPT_MSG, **key}, className="ms-2 ix-accept-msg"),
        ]
    )


def partnership_list(p: pd.DataFrame, info: Mapping[str, Any], state: UrlState) -> Any:
    """The district's registered partnerships in one line each, with did-it-work."""
    lang = state.lang
    if p.empty:
        return None
    lines = []
    for r in p.to_dict("records"):
        where = "" if r.get("ubigeo_mentor") == info.get("ubigeo") else f" ({r['mentor_distrito']})"
        lines.append(
            html.Li(
                [
                    html.Span(
                        f"{r['nombre']} ← {r['mentor_nombre']}{where}", className="fw-semibold"
                    ),
                    f" · {learns_text(r.get('lista_items'), r.get('tema'), lang)}",
                    f" · {_key_text(STATE_KEYS, r.get('estado'), lang)}"
                    f" {t('ix.since', lang, date=fmt_date(r.get('fecha_inicio'), lang))}",
                    html.Div(
                        [
                            html.Span(t("ix.col_worked", lang) + ": ", className="fw-semibold"),
                            verdict_text(r.get("veredicto"), r.get("motivos"), lang),
                            " — " + detail_text(r.get("detalle"), lang)
                            if _list(r.get("detalle"))
                            else "",
                        ],
                        className="ms-3 text-muted",
                    ),
                ],
                className="small ix-partnership",
            )
        )
    return html.Details(
        [
            html.Summary(
                t("ix.di_partnerships", lang, n=len(lines)), className="small fw-semibold"
            ),
            html.Ul(lines, className="list-unstyled mb-1"),
        ],
        open=True,
        className="mb-2 ix-partnerships",
    )


# ------------------------------------------------------------------ printable visit plan -----
# `/distrito/<ubigeo>/intercambio`: who visits whom, to learn what, with the mentor's evidence,
# on one printable page (the district sheet's print stylesheet and print button).


@dataclass(frozen=True)
class PlanData:
    info: Section[dict[str, Any] | None]
    found: Section[District] | None = None  # None: unknown district


def plan_load(wh: Warehouse, ubigeo: str) -> PlanData:
    info = fetch(lambda: wh.district(str(ubigeo or "").zfill(6)))
    if not isinstance(info.value, dict):
        return PlanData(info)
    code = str(info.value["ubigeo"])
    return PlanData(info, fetch(lambda: load_district(wh, code)))


def plan_layout(wh: Warehouse, state: UrlState, ubigeo: str) -> Any:
    return plan_render(plan_load(wh, ubigeo), state, ubigeo)


def plan_render(data: PlanData, state: UrlState, ubigeo: str) -> html.Main:
    """The printable plan drawn from its data (never reads the warehouse)."""
    lang = state.lang
    info = data.info.value
    if data.found is None or not isinstance(info, dict):
        message = (
            show(lang, data.info, lambda _: None)
            if not data.info.ok
            else t("di.unknown", lang, code=ubigeo or "")
        )
        return html.Main(
            [html.Div(message, className="m-3"), html.Button(id=ids.FI_PRINT, hidden=True)],
            id="main",
        )
    toolbar = html.Div(
        [
            html.Button(t("fi.print", lang), id=ids.FI_PRINT, className="btn btn-primary btn-sm"),
            dcc.Link(
                t("fi.back", lang),
                href=urls.district(info["ubigeo"], state) + f"#{ids.DI_PEERS}",
                className="btn btn-outline-secondary btn-sm ms-2",
            ),
        ],
        className="no-print mb-2",
    )
    title = [t("ix.plan_title", lang), " · ", info["nombre"]]
    if state.item:
        title += [" · ", label("item", state.item, lang)]
    header = html.Header(
        [
            html.H1(title, className="h5 mb-0"),
            html.Div(
                f"{t('common.province', lang)}: {info['provincia_nombre']} · "
                f"{t('common.department', lang)}: {info['departamento_nombre']} · "
                f"Ubigeo {info['ubigeo']}",
                className="small",
            ),
        ],
        className="ficha-header mb-2",
    )
    body = show(lang, data.found, lambda d: plan_body(d, info, state))
    return html.Main(html.Div([toolbar, header, body], className="ficha"), id="main", lang=lang)


def plan_body(d: District, info: Mapping[str, Any], state: UrlState) -> list[Any]:
    """The date and rule, then one row per visit: the learner goes to the mentor."""
    lang = state.lang
    sug = with_item(d.suggestions, "items", state.item)
    head = [calculated_note(d.calculated, lang), html.P(t("ix.plan_help", lang), className="small")]
    if sug.empty:
        return [*head, c.empty_state(t("ix.plan_none", lang))]
    cells = ("#", "ix.plan_who", "ix.plan_whom", "ix.plan_what", "ix.plan_evidence", "ix.col_km")
    thead = html.Thead(html.Tr([html.Th(x if x == "#" else t(x, lang)) for x in cells]))
    rows = []
    for n, s in enumerate(sug.to_dict("records"), start=1):
        where = "" if s.get("ubigeo_mentor") == info.get("ubigeo") else f" ({s['mentor_distrito']})"
        evidence = [
            peer_words.reason_text(r, lang)
            for r in _list(s.get("razones"))
            if r.get("codigo") == "item" and (not state.item or r.get("item") == state.item)
        ]
        rows.append(
            html.Tr(
                [
                    html.Td(n),
                    html.Td(s["nombre"]),
                    html.Td(f"{s['mentor_nombre']}{where}"),
                    html.Td(items_text([state.item] if state.item else s["items"], lang)),
                    html.Td("; ".join(evidence)),
                    html.Td(fmt_num(s.get("distancia_km"), lang, 1)),
                ]
            )
        )
    table = dbc.Table([thead, html.Tbody(rows)], size="sm", bordered=True, className="small")
    return [*head, table]


# ------------------------------------------------------------------ export sources -----------
# The page's two tables rebuilt for their export links: the whole table (not only the rows
# drawn), scoped by the account like every read.


def suggestion_source(wh: Warehouse, state: UrlState, _key: str | None) -> Table:
    mentees = wh.peer_mentees(state.dep, state.prov)
    sug = with_item(wh.peer_suggestions(state.dep, state.prov), "items", state.item)
    return suggestion_table(sug, weak_of(mentees), state)


def partnership_source(wh: Warehouse, state: UrlState, _key: str | None) -> Table:
    partners = with_item(wh.peer_partnerships(state.dep, state.prov), "lista_items", state.item)
    return partnership_table(partners, state)


def atm_source(wh: Warehouse, state: UrlState, _key: str | None) -> Table:
    return atm_table(wh.peer_atms(state.dep, state.prov), wh.activities(), state)


PAGE = Page(
    "peers",
    PATH,
    from_state(layout),
    nav="nav.peers",
    exports={
        ids.IX_SUG_GRID: suggestion_source,
        ids.IX_ALI_GRID: partnership_source,
        ids.IX_ATM_GRID: atm_source,
    },
    grids=(ids.IX_SUG_GRID, ids.IX_ALI_GRID, ids.IX_ATM_GRID),
    register=intercambio_cb.register,
)
