"""Callbacks of the peer-exchange page: the department, province and item choices become URLs;
and the district section's "Aceptar" buttons (p16), each answered beside itself."""

from __future__ import annotations

from typing import Any

from dash import MATCH, Dash, Input, Output, State, ctx, html, no_update

from dashboard import accept, ids, urls
from dashboard.i18n import lang_or_default, t
from dashboard.page import Wiring
from dashboard.state import UrlState, as_mapping


def peers_href(store: Any, dep: Any, prov: Any, item: Any) -> str:
    """The page for the chosen place and item; a new department drops a province of another."""
    lang = as_mapping(store).get("lang", "es")
    dep = dep if isinstance(dep, str) and dep else None
    prov = prov if isinstance(prov, str) and prov and dep and prov.startswith(dep) else None
    item = item if isinstance(item, str) and item else None
    return urls.peers(UrlState(lang=lang_or_default(lang), dep=dep, prov=prov, item=item))


def accept_answer(outcome: accept.Outcome, lang: str) -> Any:
    """What the clicked button says: done (with the load's number and where to see it), or
    why not, in words."""
    if outcome.ok:
        return html.Span(
            [
                t("ix.accept_done", lang, carga=outcome.carga_id),
                " ",
                html.A(t("ix.accept_see", lang), href=urls.peers(UrlState(lang=lang))),
            ],
            className="text-success small",
            role="status",
        )
    params = dict(outcome.params)
    if "es" in params:  # the loader's own message, in the page's language
        params = {"reason": params["en"] if lang == "en" else params["es"]}
    return html.Span(t(outcome.key, lang, **params), className="text-danger small", role="alert")


def register(app: Dash, wiring: Wiring) -> None:
    """Wire the peer-exchange page's filters and the district section's accept buttons."""

    @app.callback(
        Output({"type": ids.IX_ACCEPT_MSG, "oc": MATCH, "rank": MATCH}, "children"),
        Output({"type": ids.IX_ACCEPT, "oc": MATCH, "rank": MATCH}, "disabled"),
        Input({"type": ids.IX_ACCEPT, "oc": MATCH, "rank": MATCH}, "n_clicks"),
        State(ids.DI_STATE, "data"),
        prevent_initial_call=True,
    )
    def _accept(n: Any, store: Any) -> Any:
        if not n:
            return no_update, no_update
        from dashboard.server import security  # the request's account, asked on every click

        lang = lang_or_default(as_mapping(store).get("lang", "es"))
        key = as_mapping(ctx.triggered_id)
        outcome = accept.accept(
            wiring.engine(), security.current_account(), key.get("oc"), key.get("rank")
        )
        return accept_answer(outcome, lang), outcome.ok

    @app.callback(
        Output(ids.NAV_LOCATION, "href", allow_duplicate=True),
        Input(ids.IX_DEP, "value"),
        Input(ids.IX_PROV, "value"),
        Input(ids.IX_ITEM, "value"),
        State(ids.IX_STATE, "data"),
        prevent_initial_call=True,
    )
    def _filter(dep: Any, prov: Any, item: Any, store: Any) -> Any:
        return peers_href(store, dep, prov, item)
