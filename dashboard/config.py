"""Settings: explicit argument > environment > default (the order Dash itself uses)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from etl.db import database_url

LANGS = ("es", "en")


def _env_int(name: str, default: int) -> int:
    """An integer from the environment, or the default when unset or not a number."""
    raw = os.environ.get(name, "")
    return int(raw) if raw.strip().isdigit() else default


@dataclass(frozen=True)
class Settings:
    """What the dashboard needs to start; every field can come from the environment."""

    database_url: str = field(default_factory=lambda: database_url())
    host: str = field(default_factory=lambda: os.environ.get("HOST", "127.0.0.1"))
    port: int = field(default_factory=lambda: _env_int("PORT", 8050))
    # Optional raster tile URL ({z}/{x}/{y}); without it the map draws no tiles and works
    # offline, which is the normal case in a rural municipal office.
    map_tiles: str | None = field(default_factory=lambda: os.environ.get("ATM_MAP_TILES") or None)
    lang: str = field(default_factory=lambda: os.environ.get("ATM_LANG", "es"))

    def __post_init__(self) -> None:
        # An unknown language falls back to Spanish rather than failing at start-up.
        if self.lang not in LANGS:
            object.__setattr__(self, "lang", "es")
