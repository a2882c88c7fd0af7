"""Long-lived HTTP caching of the fingerprinted static files (issue #18).

On a rural link (150 ms round trip) a repeat visit should fetch nothing but data. Dash writes
every static URL with a fingerprint: component bundles as `name.v<version>m<mtime>.js`, assets
with `?m=<mtime>`. A changed file gets a new URL, so a URL's body never changes and the
browser may keep it for a year without asking again (`immutable`). Dash already gives its
fingerprinted bundles a year but not `immutable` (a reload revalidates them), and Flask serves
`/assets/` with no lifetime, so every repeat visit asked for each asset again (a 304 each, one
round trip per file). URLs without a fingerprint keep Flask's default (revalidated).
"""

from __future__ import annotations

import re

from flask import Flask, Response, request

YEAR = 365 * 24 * 3600
# Dash's fingerprint in a bundle's file name (dash.fingerprint.check_fingerprint's pattern).
_FINGERPRINT = re.compile(r"\.v[\w-]+m[0-9a-fA-F]+\.")


def register(server: Flask) -> None:
    """Mark the answers for fingerprinted static URLs as cacheable for a year."""
    server.after_request(long_lived)


def fingerprinted(path: str, query: dict[str, str]) -> bool:
    """Whether a static URL changes whenever its file does (so its body never changes)."""
    if path.startswith("/assets/"):
        return bool(query.get("m"))
    if path.startswith("/_dash-component-suites/"):
        return bool(_FINGERPRINT.search(path.rsplit("/", 1)[-1]))
    return False


def long_lived(response: Response) -> Response:
    """A year and `immutable` for a successful GET (or HEAD) of a fingerprinted static URL."""
    if (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and fingerprinted(request.path, request.args)
    ):
        forever(response)
    return response


def forever(response: Response) -> Response:
    """Cacheable by anyone for a year, never revalidated: for an answer whose URL changes
    whenever its body does (the fingerprinted static files, the versioned map files)."""
    response.cache_control.no_cache = None
    response.cache_control.public = True
    response.cache_control.max_age = YEAR
    response.cache_control.immutable = True
    return response
