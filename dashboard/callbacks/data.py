"""Callbacks of the data page (uploads): a dropped file is checked and previewed; the confirm button loads it.

The account is the request's (security.current_account), never anything the browser sends;
the staged file is found by a random token and must belong to that same account.
"""

from __future__ import annotations

import base64
import binascii
import logging
from typing import Any

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, html, no_update
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from dashboard import ids, uploads, urls
from dashboard.i18n import fmt_num, t
from dashboard.page import Wiring
from dashboard.server import security
from dashboard.server.auth import Account
from dashboard.state import UrlState, as_mapping
from etl.load import LoadResult

log = logging.getLogger(__name__)
PROBLEMS_SHOWN = 200
HIDDEN = {"display": "none"}
SHOWN = {"display": "inline-block"}


def decode(contents: str | None) -> bytes | None:
    """The bytes of a dcc.Upload data URL ("data:<type>;base64,<data>"), None if malformed."""
    if not isinstance(contents, str) or "," not in contents:
        return None
    try:
        return base64.b64decode(contents.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        return None


def report_view(result: LoadResult, lang: str, done: bool = False) -> Any:
    """Counts per file and the problems (first PROBLEMS_SHOWN) as the loader reported them."""
    lines: list[Any] = []
    for f in result.files:
        ok, bad = f.rows_loaded, f.rows_rejected
        lines.append(
            html.P(
                t(
                    "da.upload_preview",
                    lang,
                    name=f.path.name,
                    read=fmt_num(f.rows_read, lang),
                    ok=fmt_num(ok, lang),
                    bad=fmt_num(bad, lang),
                ),
                className="mb-1",
            )
        )
    notices = [html.Li(w.text(lang)) for f in result.files for w in f.warnings]
    if notices:
        lines.append(html.Ul(notices, className="small text-muted mb-1"))
    problems = [p for f in result.files for p in f.problems][:PROBLEMS_SHOWN]
    table = _problem_table(problems, lang) if problems else None
    if done:
        saved = t(
            "da.upload_done",
            lang,
            id=result.carga_id,
            ok=fmt_num(sum(f.rows_loaded for f in result.files), lang),
            bad=fmt_num(sum(f.rows_rejected for f in result.files), lang),
        )
        # This page's tables were drawn before the load: a plain link reloads them.
        again = html.A(
            t("da.upload_see", lang), href=urls.data(UrlState(lang=lang)), id=ids.DA_RELOAD
        )
        status = dbc.Alert(
            [saved, " ", again], color="success" if result.exit_code == 0 else "warning"
        )
    elif not loadable(result):
        status = dbc.Alert(t("da.upload_nothing", lang), color="danger")
    else:
        status = None
    return html.Div([status, *lines, table])


def loadable(result: LoadResult) -> bool:
    """Whether confirming would load at least one row."""
    return any(f.rows_loaded for f in result.files)


def _problem_table(problems: list, lang: str) -> Any:
    header = html.Thead(html.Tr([html.Th(x) for x in t("da.problem_cols", lang).split("|")]))
    rows = [
        html.Tr(
            [
                html.Td(p.code, className="text-nowrap small"),
                html.Td(p.row if p.row is not None else "—", className="small"),
                html.Td(p.column or "", className="small"),
                html.Td(p.message(lang), className="small"),
                html.Td(p.hint(lang), className="small text-muted"),
            ]
        )
        for p in problems
    ]
    return html.Div(
        [
            html.H2(t("da.upload_problems", lang), className="h6 mt-2"),
            dbc.Table([header, html.Tbody(rows)], size="sm", striped=True, responsive=True),
        ]
    )


def _refusal(message: str) -> tuple[Any, Any, Any]:
    return dbc.Alert(message, color="danger"), None, HIDDEN


def _load_refused(message: str) -> tuple[Any, Any, Any, Any]:
    """The confirm's refusal: the audit tables stay as they are."""
    return (*_refusal(message), no_update)


def register(app: Dash, wiring: Wiring) -> None:
    """Wire the drop zone (preview) and the confirm button (load)."""
    settings, engine, view = wiring.settings, wiring.engine, wiring.view

    @app.callback(
        Output(ids.DA_UPLOAD_REPORT, "children"),
        Output(ids.DA_UPLOAD_TOKEN, "data"),
        Output(ids.DA_UPLOAD_CONFIRM, "style"),
        Input(ids.DA_UPLOAD, "contents"),
        State(ids.DA_UPLOAD, "filename"),
        State(ids.DA_STATE, "data"),
        prevent_initial_call=True,
    )
    def _preview(contents: Any, filename: Any, store: Any) -> Any:
        lang = as_mapping(store).get("lang", "es")
        account = security.current_account()
        if account is None or not account.can_upload:
            return _refusal(t("da.upload_expired", lang))
        data = decode(contents)
        if data is None:
            return _refusal(uploads.not_a_workbook().message(lang))
        try:
            with uploads.slot():
                return _check_and_preview(engine(), data, filename, account, lang)
        except uploads.Busy:
            return _refusal(t("da.upload_busy", lang))

    def _check_and_preview(
        engine: Engine, data: bytes, filename: Any, account: Account, lang: str
    ) -> Any:
        try:
            item = uploads.stage(data, str(filename or ""), account, settings.upload_max_bytes)
        except uploads.UploadRefused as exc:
            return _refusal(exc.message(lang))
        try:
            result = uploads.preview(engine, item, account)
        except SQLAlchemyError:
            log.exception("upload preview failed")
            uploads.discard(item)
            return _refusal(t("da.upload_failed", lang))
        if not loadable(result):
            uploads.discard(item)
            return report_view(result, lang), None, HIDDEN
        return report_view(result, lang), item.token, SHOWN

    @app.callback(
        Output(ids.DA_UPLOAD_REPORT, "children", allow_duplicate=True),
        Output(ids.DA_UPLOAD_TOKEN, "data", allow_duplicate=True),
        Output(ids.DA_UPLOAD_CONFIRM, "style", allow_duplicate=True),
        Output(ids.DA_AUDIT, "children", allow_duplicate=True),
        Input(ids.DA_UPLOAD_CONFIRM, "n_clicks"),
        State(ids.DA_UPLOAD_TOKEN, "data"),
        State(ids.DA_STATE, "data"),
        prevent_initial_call=True,
    )
    def _confirm(n: Any, token: Any, store: Any) -> Any:
        if not n:
            return no_update, no_update, no_update, no_update
        lang = as_mapping(store).get("lang", "es")
        account = security.current_account()
        if account is None or not account.can_upload:
            return _load_refused(t("da.upload_expired", lang))
        try:
            with uploads.slot():
                item = uploads.claim(token, account)  # one confirm of a token loads it
                if item is None:
                    return _load_refused(t("da.upload_expired", lang))
                result = uploads.confirm(engine(), item, account)
        except uploads.Busy:
            return _load_refused(t("da.upload_busy", lang))
        except SQLAlchemyError:
            log.exception("upload load failed")
            return _load_refused(t("da.upload_failed", lang))
        # The layout module imports this one (its page registers these callbacks).
        from dashboard.layouts.data import audit_after_load

        tables = audit_after_load(view(), lang)
        return report_view(result, lang, done=True), None, HIDDEN, tables
