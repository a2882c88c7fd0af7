"""SIASAR sections (issue 15): a district's systems, a JASS's SIASAR grade beside ours, the
disagreements an ATM can act on, and the systems still waiting for a person to link them.

Every figure here is SIASAR's judgement (component states A-D from its survey, grade from
etl/derive/siasar.py), labelled SIASAR with its survey date, never mixed with our score.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboard import components as c
from dashboard import siasar_data, urls
from dashboard.i18n import fmt_date, fmt_num, t
from dashboard.queries import Warehouse
from dashboard.state import UrlState, lang_only

STATES = {
    "A": ("bueno", "good"),
    "B": ("regular", "fair"),
    "C": ("malo", "poor"),
    "D": ("caído", "broken down"),
}
STATE_COLORS = {"A": "success", "B": "info", "C": "warning", "D": "danger"}
SHOWN_UNLINKED = 50


def state_text(code: str | None, lang: str) -> str:
    """'D - caído' (es) / 'D - broken down' (en); several components joined by ' / '."""
    if not isinstance(code, str) or not code:
        return "—"
    parts = [p for p in str(code).split("/") if p in STATES]
    return " / ".join(f"{p} - {STATES[p][1 if lang == 'en' else 0]}" for p in parts) or "—"


def _state_cell(code: str | None, lang: str) -> html.Td:
    """The letters in a badge coloured by the worst (title: the words), to keep the table narrow."""
    worst = max(str(code).split("/")) if code else None
    if worst not in STATE_COLORS:
        return html.Td("—", className="text-muted")
    letters = " ".join(str(code).split("/"))
    badge = dbc.Badge(letters, color=STATE_COLORS[worst], className="fw-normal")
    return html.Td(badge, title=state_text(code, lang))


def legend(lang: str) -> str:
    """'A bueno · B regular · C malo · D caído'."""
    return " · ".join(f"{k} {v[1 if lang == 'en' else 0]}" for k, v in STATES.items())


def siasar_badge(lang: str) -> dbc.Badge:
    """Marks figures that are SIASAR's judgement, not ours."""
    return dbc.Badge(
        "SIASAR",
        color="primary",
        className="ms-2 fw-normal",
        title=t("sia.badge_help", lang),
    )


def _text(value: Any) -> str | None:
    """A text cell, None for blanks and pandas' NaN."""
    return value if isinstance(value, str) and value else None


def _jass_cell(row: dict[str, Any], state: UrlState) -> Any:
    if _text(row.get("codigo_oc")):
        how = t(f"sia.link_{_text(row.get('vinculo')) or 'nombre'}", state.lang)
        link = html.A(row["codigo_oc"], href=urls.jass(row["codigo_oc"], lang_only(state)))
        return html.Span([link, html.Span(f" ({how})", className="small text-muted")])
    return html.Span(t("sia.unlinked", state.lang), className="small text-muted")


def systems_table(systems: pd.DataFrame, state: UrlState) -> dbc.Table:
    lang = state.lang
    # Only the component kinds some system here has (the export may lack a sheet).
    kinds = [k for k in siasar_data.COMPONENT_KINDS if systems[k].map(_text).notna().any()]
    heads = ["system", *kinds, "grade", "survey", "jass"]
    rows = []
    for row in systems.to_dict("records"):
        place = " · ".join(x for x in (_text(row.get("comunidades")), _text(row.get("pse"))) if x)
        rows.append(
            html.Tr(
                [
                    html.Td(
                        [
                            html.Div(_text(row.get("nombre")) or row["id"]),
                            html.Small(
                                f"ID {row['id']}" + (f" · {place}" if place else ""),
                                className="text-muted",
                            ),
                        ]
                    ),
                    *(_state_cell(_text(row.get(k)), lang) for k in kinds),
                    html.Td(
                        [
                            c.grade_badge(
                                row.get("grado"),
                                fmt_num(row.get("indice_infraestructura"), lang, 2),
                            ),
                            html.Div(
                                t("sia.components_of", lang).format(n=row.get("componentes") or 0),
                                className="small text-muted",
                            ),
                        ]
                    ),
                    html.Td(fmt_date(row.get("fecha_encuesta"), lang)),
                    html.Td(_jass_cell(row, state)),
                ]
            )
        )
    header = html.Thead(html.Tr([html.Th(t(f"sia.col_{h}", lang)) for h in heads]))
    return dbc.Table(
        [header, html.Tbody(rows)],
        size="sm",
        hover=True,
        responsive=True,
        className="siasar-systems small",
    )


def disagreement_list(frame: pd.DataFrame, state: UrlState, with_jass: bool = True) -> Any:
    """One line per disagreement, newest evidence first, in words an ATM acts on."""
    lang = state.lang
    if frame.empty:
        return html.P(t("sia.no_disagreements", lang), className="small text-muted mb-0")
    items = []
    for row in frame.to_dict("records"):
        aspect = t(f"sia.aspect_{row['aspecto']}", lang)
        theirs = (
            state_text(row["siasar"], lang)
            if row["aspecto"] != "cloracion"
            else t("sia.chlorinates", lang)
        )
        ours = (
            state_text(row["visita"], lang)
            if row["aspecto"] != "cloracion"
            else t("sia.no_chlorination", lang)
        )
        text = t("sia.disagreement", lang).format(
            aspect=aspect,
            siasar=theirs,
            siasar_date=fmt_date(row.get("fecha_siasar"), lang),
            visit=ours,
            visit_date=fmt_date(row.get("fecha_visita"), lang),
        )
        parts: list[Any] = [text]
        if with_jass:
            link = html.A(row["codigo_oc"], href=urls.jass(row["codigo_oc"], lang_only(state)))
            parts = [link, ": ", text]
        items.append(html.Li(parts))
    return html.Ul(items, className="small mb-0 siasar-disagreements")


@dataclass(frozen=True)
class Found:
    """SIASAR's systems of a district or a JASS, and where they disagree with our visits
    (not read when there are no systems)."""

    systems: pd.DataFrame
    disagreements: pd.DataFrame | None = None


def load_district(wh: Warehouse, ubigeo: str) -> Found:
    systems = siasar_data.district_systems(wh, ubigeo)
    if systems.empty:
        return Found(systems)
    return Found(systems, siasar_data.disagreements(wh, ubigeo=ubigeo))


def district_sections(wh: Warehouse, ubigeo: str, state: UrlState) -> list[Any]:
    """The district's SIASAR systems and disagreements; nothing when SIASAR has none here."""
    return render_district(load_district(wh, ubigeo), state)


def render_district(found: Found, state: UrlState) -> list[Any]:
    """The district page's SIASAR sections, drawn from what load_district read."""
    lang = state.lang
    systems = found.systems
    if systems.empty:
        return []
    body = html.Div(
        [
            html.P(f"{legend(lang)}. {t('sia.district_help', lang)}", className="small text-muted"),
            systems_table(systems, state),
        ]
    )
    disagreements = found.disagreements
    return [
        c.section(t("sia.systems", lang), body, badge=siasar_badge(lang)),
        c.section(
            t("sia.disagreements", lang),
            disagreement_list(disagreements, state),
            badge=c.local_model_badge(lang),
            help_text=t("sia.disagreements_help", lang),
        ),
    ]


def load_jass(wh: Warehouse, codigo_oc: str) -> Found:
    systems = siasar_data.jass_systems(wh, codigo_oc)
    if systems.empty:
        return Found(systems)
    return Found(systems, siasar_data.disagreements(wh, codigo_oc=codigo_oc))


def jass_section(
    wh: Warehouse, codigo_oc: str, state: UrlState, score: dict[str, Any] | None
) -> Any:
    """SIASAR's grade of the JASS's linked systems beside the local health grade, each dated."""
    return render_jass(load_jass(wh, codigo_oc), state, score)


def render_jass(found: Found, state: UrlState, score: dict[str, Any] | None) -> Any:
    """The JASS page's SIASAR section, drawn from what load_jass read."""
    lang = state.lang
    systems = found.systems
    if systems.empty:
        return None
    ours = html.Div(
        [
            html.Strong(t("sia.local_grade", lang) + " "),
            c.grade_badge(score.get("grado") if score else None),
            html.Span(
                f" {t('sia.assessed', lang)} {fmt_date(score.get('fecha_evaluacion'), lang)}"
                if score
                else f" {t('oc.no_score', lang)}",
                className="small text-muted",
            ),
        ],
        className="mb-2",
    )
    theirs = [
        html.Div(
            [
                html.Strong(
                    f"{t('sia.siasar_grade', lang)} · {_text(r.get('nombre')) or r['id']} "
                ),
                c.grade_badge(r.get("grado"), fmt_num(r.get("indice_infraestructura"), lang, 2)),
                html.Span(
                    f" {t('sia.survey', lang)} {fmt_date(r.get('fecha_encuesta'), lang)} · "
                    + " · ".join(
                        f"{t(f'sia.col_{k}', lang)}: {state_text(r.get(k), lang)}"
                        for k in siasar_data.COMPONENT_KINDS
                        if _text(r.get(k))
                    ),
                    className="small text-muted",
                ),
            ],
            className="mb-1",
        )
        for r in systems.to_dict("records")
    ]
    return c.section(
        t("sia.jass_title", lang),
        html.Div(
            [
                ours,
                *theirs,
                html.Hr(className="my-2"),
                disagreement_list(found.disagreements, state, with_jass=False),
            ]
        ),
        badge=siasar_badge(lang),
        help_text=t("sia.jass_help", lang),
    )


def unlinked_section(wh: Warehouse, state: UrlState) -> Any:
    """Data page: systems no JASS is linked to, with the candidates a person can confirm."""
    return render_unlinked(siasar_data.unlinked_systems(wh), state)


def render_unlinked(systems: pd.DataFrame, state: UrlState) -> Any:
    """The data page's unlinked systems, drawn from siasar_data.unlinked_systems."""
    lang = state.lang
    if systems.empty:
        return None
    rows = []
    for r in systems.head(SHOWN_UNLINKED).to_dict("records"):
        candidates = r.get("candidatos") if isinstance(r.get("candidatos"), list) else []
        shown = ", ".join(f"{x['codigo_oc']} ({x['nombre']})" for x in candidates) or t(
            "sia.no_candidates", lang
        )
        rows.append(
            html.Tr(
                [
                    html.Td(r["id"]),
                    html.Td(html.A(r["ubigeo"], href=urls.district(r["ubigeo"], lang_only(state)))),
                    html.Td(_text(r.get("nombre")) or "—"),
                    html.Td(_text(r.get("pse")) or "—"),
                    html.Td(_text(r.get("comunidades")) or "—"),
                    html.Td(shown),
                ]
            )
        )
    heads = ["id", "district", "system", "pse", "communities", "candidates"]
    more = len(systems) - SHOWN_UNLINKED
    return c.section(
        t("sia.unlinked_title", lang).format(n=len(systems)),
        html.Div(
            [
                html.P(t("sia.unlinked_help", lang), className="small text-muted"),
                dbc.Table(
                    [
                        html.Thead(html.Tr([html.Th(t(f"sia.ul_{h}", lang)) for h in heads])),
                        html.Tbody(rows),
                    ],
                    size="sm",
                    responsive=True,
                    className="siasar-unlinked",
                ),
                html.P(t("sia.more", lang).format(n=more), className="small") if more > 0 else None,
            ]
        ),
        badge=siasar_badge(lang),
    )
