"""Overview callbacks: filters and clicks become a new URL (the page renders from the URL)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import Dash, Input, Output, State, ctx, no_update

from dashboard import ids, urls
from dashboard.page import Wiring
from dashboard.queries import Warehouse
from dashboard.server import speed
from dashboard.state import UrlState, as_mapping, from_params, lang_only
from etl.normalize import strip_accents

MIN_SEARCH = 2  # characters typed before districts are searched
MAX_MATCHES = 30


def filters_to_href(store: dict[str, Any], field: str, value: Any) -> str:
    """The overview URL after one filter changed; a new department clears the province."""
    state = from_params({k: v for k, v in as_mapping(store).items() if v is not None})
    if field == ids.OV_DEP:
        state = state.with_(dep=value or None, prov=None)
    elif field == ids.OV_PROV:
        state = state.with_(prov=value or None)
    elif field == ids.OV_YEAR:
        state = state.with_(anio=int(value) if value else None)
    elif field == ids.OV_IND:
        state = from_params({**_as_params(state), "ind": value})
    return urls.overview(state)


def _as_params(state: UrlState) -> dict[str, Any]:
    return {k: v for k, v in state.__dict__.items() if v is not None}


def district_href(ubigeo: str | None, lang: str, anio: int | None = None) -> str | None:
    """Link to a district page keeping language and year; None without a code."""
    if not ubigeo:
        return None
    return urls.district(ubigeo, lang_only(UrlState(lang=lang, anio=anio)))


def clicked_ubigeo(click: dict[str, Any] | None) -> str | None:
    """The district code of a clicked map point (its customdata)."""
    points = (click or {}).get("points") or []
    if not points:
        return None
    code = points[0].get("customdata")
    if isinstance(code, list):
        code = code[0] if code else None
    return str(code) if code else None


def navigate(store: dict[str, Any], trigger: str | None, values: dict[str, Any]) -> str | None:
    """Where any overview control sends the user (None: stay)."""
    store = as_mapping(store)
    lang = store.get("lang", "es")
    anio = store.get("anio_shown", store.get("anio"))  # the district opens on the year seen
    if trigger == ids.OV_DIST:
        return district_href(values.get(ids.OV_DIST), lang, anio)
    if trigger == ids.OV_MAP:  # the ranking's names are links to the district pages
        return district_href(clicked_ubigeo(values.get(trigger)), lang, anio)
    if trigger in (ids.OV_DEP, ids.OV_PROV, ids.OV_YEAR, ids.OV_IND):
        return filters_to_href(store, trigger, values.get(trigger))
    return None


def matching_districts(
    wh: Warehouse, typed: Any, store: dict[str, Any] | None
) -> list[dict[str, str]] | None:
    """Districts (of the filtered department/province, in the account's scope) whose name
    contains what was typed, ignoring case and accents; None when too little was typed."""
    text = strip_accents(str(typed or "")).lower().strip()
    if len(text) < MIN_SEARCH:
        return None
    chosen = from_params(as_mapping(store))  # codes checked: the store comes from the browser
    frame = _district_list(wh, chosen.dep, chosen.prov)
    names = frame["nombre"].map(lambda n: strip_accents(str(n)).lower())
    return district_options(frame[names.str.contains(text, regex=False)].head(MAX_MATCHES))


_LISTS = speed.Lru(32)


def district_options(frame: Any) -> list[dict[str, str]]:
    """ "Name (Province)" options: the province tells apart the many districts named alike."""
    if not isinstance(frame, pd.DataFrame) or frame.empty:
        return []
    names = zip(frame["ubigeo"], frame["nombre"], frame["provincia_nombre"], strict=True)
    return [{"label": f"{n} ({p})", "value": u} for u, n, p in names]


def _district_list(wh: Warehouse, dep: Any, prov: Any) -> pd.DataFrame:
    """The districts to search, kept per (data version, account scope, filter): a search
    runs on every keystroke and the list only changes with a load."""
    version = wh.data_version()
    if version is None:
        return wh.districts(dep, prov)
    key = (str(wh.engine.url), version, wh.scope.key, dep, prov)
    frame = _LISTS.get(key)
    if frame is None:
        frame = wh.districts(dep, prov)
        _LISTS.put(key, frame)
    return frame


def register(app: Dash, wiring: Wiring) -> None:
    """Wire the overview controls to the navigation location, and the district search
    (`wiring.view`: the warehouse as this request's account sees it)."""
    view = wiring.view

    @app.callback(
        Output(ids.OV_DIST, "options"),
        Input(ids.OV_DIST, "search_value"),
        State(ids.OV_STATE, "data"),
        prevent_initial_call=True,
    )
    def _search(typed: Any, store: dict[str, Any] | None) -> Any:
        # Nothing typed (e.g. right after a choice): keep the options, so the choice stays.
        found = matching_districts(view(), typed, store)
        return no_update if found is None else found

    # The map is a plotly graph only with tiles; the offline map is the server's SVG, whose
    # clicks assets/atm-map.js turns into navigation itself (issue #18).
    controls = [ids.OV_DEP, ids.OV_PROV, ids.OV_DIST, ids.OV_YEAR, ids.OV_IND]
    inputs = [Input(cid, "value") for cid in controls]
    if wiring.settings.map_tiles:
        controls.append(ids.OV_MAP)
        inputs.append(Input(ids.OV_MAP, "clickData"))

    @app.callback(
        Output(ids.NAV_LOCATION, "href", allow_duplicate=True),
        *inputs,
        State(ids.OV_STATE, "data"),
        prevent_initial_call=True,
    )
    def _navigate(*args: Any) -> Any:
        *values, store = args
        # A person changes one control at a time; several inputs firing together is Dash
        # settling a freshly drawn page, and navigating then would draw it a second time.
        if len(ctx.triggered) > 1:
            return no_update
        target = navigate(store, ctx.triggered_id, dict(zip(controls, values, strict=True)))
        return target or no_update
