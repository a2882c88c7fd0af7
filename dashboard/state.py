"""The URL query string as typed state: every view can be bookmarked and shared.

`?dep=01&prov=0101&anio=2026&ind=cobertura_agua&lang=en`. Parsing never fails: a bad value is
dropped (the page falls back to its default), because a mistyped shared link should still open.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from typing import Any
from urllib.parse import parse_qsl, urlencode

from dashboard.i18n import LANGS

INDICATORS = (
    "cobertura_agua",
    "cobertura_agua_segura",
    "cobertura_saneamiento",
    "continuidad",
    "puntaje_medio",
    "pct_oc_clorando",
    "pct_oc_visitadas_12m",
    "brecha_pobreza",  # issue 17: our rule (dashboard/poverty.py)
)
DEFAULT_INDICATOR = "cobertura_agua"


def as_mapping(value: Any) -> dict[str, Any]:
    """A store or grid property as the browser sent it, if it is a dict; else empty.

    Callback inputs come from the browser and can be anything (a crafted request, a stale
    page): a wrong shape means "no state", never a server error.
    """
    return value if isinstance(value, dict) else {}


def as_records(value: Any) -> list[dict[str, Any]]:
    """A list of row dicts as the browser sent it, keeping only the dicts."""
    return [r for r in value if isinstance(r, dict)] if isinstance(value, list) else []


@dataclass(frozen=True)
class UrlState:
    """Filters shared by every page; None means "not chosen"."""

    lang: str = "es"
    dep: str | None = None
    prov: str | None = None
    anio: int | None = None
    ind: str = DEFAULT_INDICATOR
    meta: str | None = None  # "2017-41": goals are keyed by (year, number)
    ong: str | None = None
    item: str | None = None  # a score item's id (issue 16: peer exchange on one item)

    def with_(self, **changes: Any) -> UrlState:
        """A copy with some fields changed."""
        return replace(self, **changes)


def _code(value: Any, digits: int) -> str | None:
    """A ubigeo prefix of `digits` digits, repairing a lost leading zero; None if invalid."""
    text = str(value or "").strip()
    if text.isdigit() and len(text) in (digits - 1, digits):
        return text.zfill(digits)
    return None


def from_params(params: dict[str, Any], default_lang: str = "es") -> UrlState:
    """State from query parameters (as Dash passes them to a page layout)."""
    lang = params.get("lang") if params.get("lang") in LANGS else default_lang
    dep = _code(params.get("dep"), 2)
    prov = _code(params.get("prov"), 4)
    if prov and dep and not prov.startswith(dep):
        prov = None  # a province outside the chosen department is a stale link
    anio_text = str(params.get("anio") or "")
    anio = int(anio_text) if re.fullmatch(r"(19|20)\d\d", anio_text) else None
    ind = str(params["ind"]) if params.get("ind") in INDICATORS else DEFAULT_INDICATOR
    meta_text = str(params.get("meta") or "")
    meta = meta_text if re.fullmatch(r"\d{4}-\d{1,3}", meta_text) else None
    ong = str(params["ong"]).strip() or None if params.get("ong") else None
    item_text = str(params.get("item") or "")
    item = item_text if re.fullmatch(r"[a-z_]{1,40}", item_text) else None
    place = dep or (prov[:2] if prov else None)
    return UrlState(lang or "es", place, prov, anio, ind, meta, ong, item)


def parse_search(search: str | None, default_lang: str = "es") -> UrlState:
    """State from a query string such as "?dep=01&lang=en" (leading "?" optional)."""
    params = dict(parse_qsl((search or "").lstrip("?"), keep_blank_values=False))
    return from_params(params, default_lang)


def to_search(state: UrlState) -> str:
    """The query string for a state: the language always (a shared link keeps it), other
    fields only when they differ from the default."""
    defaults = asdict(UrlState())
    pairs = [
        (k, str(v))
        for k, v in asdict(state).items()
        if k != "lang" and v is not None and v != defaults[k]
    ]
    return "?" + urlencode([*pairs, ("lang", state.lang)])


def href(path: str, state: UrlState) -> str:
    """A link to `path` that keeps the state (language, filters)."""
    return path + to_search(state)


def lang_only(state: UrlState) -> UrlState:
    """The state reduced to the language: what a link to another kind of page keeps."""
    return UrlState(lang=state.lang, anio=state.anio)


def split_meta(meta: str | None) -> tuple[int, int] | None:
    """(year, number) from "2017-41"."""
    if not meta or "-" not in meta:
        return None
    year, number = meta.split("-", 1)
    return (int(year), int(number)) if year.isdigit() and number.isdigit() else None
