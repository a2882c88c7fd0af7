"""Settings: explicit argument > environment > default (the order Dash itself uses)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from dashboard.i18n import LANGS
from etl.db import database_url

LOOPBACK = ("127.0.0.1", "localhost", "::1")
TRUTHY = ("1", "true", "yes", "si", "sí", "on")


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
    # "production" turns on every protection of issue #7 (login, secure cookies); so does
    # serving on any address other than loopback.
    app_env: str = field(default_factory=lambda: os.environ.get("APP_ENV", "development"))
    secret_key: str | None = field(default_factory=lambda: os.environ.get("ATM_SECRET_KEY"))
    # Login on loopback too (to try accounts locally; tests use it).
    auth: bool = field(
        default_factory=lambda: os.environ.get("ATM_AUTH", "").strip().lower() in TRUTHY
    )
    upload_max_mb: int = field(default_factory=lambda: _env_int("ATM_UPLOAD_MAX_MB", 20))
    login_rate: str = field(
        default_factory=lambda: os.environ.get("ATM_LOGIN_RATE", "10 per minute;60 per hour")
    )
    # Reverse proxies in front of the app (X-Forwarded-For hops to trust), 0 when none.
    proxy_hops: int = field(default_factory=lambda: _env_int("ATM_PROXY_HOPS", 0))

    def __post_init__(self) -> None:
        # An unknown language falls back to Spanish rather than failing at start-up.
        if self.lang not in LANGS:
            object.__setattr__(self, "lang", "es")

    @property
    def production(self) -> bool:
        """Serving for real: APP_ENV=production, or reachable from other machines."""
        loopback = self.host in LOOPBACK or self.host.startswith("127.")
        return self.app_env.strip().lower() == "production" or not loopback

    @property
    def login_required(self) -> bool:
        """Accounts and login: always in production; on loopback only when ATM_AUTH asks."""
        return self.production or self.auth

    @property
    def demo(self) -> bool:
        """`make run`: loopback, no login, a visible demo banner."""
        return not self.login_required

    @property
    def upload_max_bytes(self) -> int:
        return max(1, self.upload_max_mb) * 1024 * 1024
