"""What keeps the dashboard fast (measured by `python -m benchmarks`; see benchmarks/README.md).

- `PageCache`: rendered pages kept per (page, URL parameters, data version). The data version
  is the newest load (`Warehouse.data_version`), so a new load invalidates every entry. Each
  process (each gunicorn worker) has its own small LRU.
- `slim_validation_layout`: Dash builds a validation layout by calling every page layout with
  no arguments (the whole national overview) and embeds it in every HTML page it serves
  (~820 KB). Its ids and component types are all the renderer checks, so the big data props
  are emptied once.
- `StaticBrotli`: the JavaScript bundles (plotly.js is 4.8 MB) are compressed once at
  brotli's best quality, in the background, and cached on disk; until then flask-compress
  serves them at its default, faster level.
"""

from __future__ import annotations

import copy
import hashlib
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import brotli
from dash import Dash
from dash.development.base_component import Component
from flask import Response, request

PAGE_CACHE_SIZE = 64
# Props that carry data rather than structure; the renderer's id check needs neither.
DATA_PROPS = ("figure", "options", "rowData", "data", "children_data")
STATIC_PREFIX = "/_dash-component-suites/"
STATIC_MIN_BYTES = 50_000
CACHE_DIR = Path(tempfile.gettempdir()) / "atm-dashboard-br"
# dcc.Graph fetches plotly.js only once the first graph arrives; the hint fetches it with the
# other bundles, so its download overlaps the first page request.
PRELOAD_PLOTLY = (
    '<link rel="preload" as="script" '
    'href="/_dash-component-suites/plotly/package_data/plotly.min.js">'
)


# Sections that failed while the current page rendered (components.safe counts them), so a
# page showing an error alert is not cached.
SECTION_FAILURES: ContextVar[int] = ContextVar("section_failures", default=0)


class PageCache:
    """A small thread-safe LRU of rendered pages."""

    def __init__(self, size: int = PAGE_CACHE_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_render(self, key: Hashable, render: Callable[[], Any]) -> Any:
        """The cached page for `key`, rendering (and keeping) it on a miss."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        failures = SECTION_FAILURES.set(0)
        try:
            page = render()
            failed = SECTION_FAILURES.get() > 0
        finally:
            SECTION_FAILURES.reset(failures)
        if failed:  # a passing database error must not stick until the next load
            return page
        with self._lock:
            self._items[key] = page
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return page


def params_key(params: dict[str, Any]) -> tuple:
    """URL parameters as a hashable key (values as text: that is how they arrive)."""
    return tuple(sorted((str(k), str(v)) for k, v in params.items()))


def _slim(node: Any) -> None:
    """Empty the data props of every component under `node`, in place."""
    if isinstance(node, list | tuple):
        for child in node:
            _slim(child)
        return
    if not isinstance(node, Component):
        return
    for prop in DATA_PROPS:
        if getattr(node, prop, None) is not None and prop in node._prop_names:
            setattr(node, prop, None)
    _slim(getattr(node, "children", None))


def slim_validation_layout(app: Dash) -> None:
    """After Dash's router set-up (first request), keep the validation layout's ids only."""
    done = {"slim": False}

    def slim() -> None:
        if not done["slim"] and app.validation_layout is not None:
            # A copy: the pages in it are the page cache's own objects.
            app.validation_layout = copy.deepcopy(app.validation_layout)
            _slim(app.validation_layout)
            done["slim"] = True

    app.server.before_request(slim)


class StaticBrotli:
    """Best-quality brotli for the large static bundles, compressed once and kept on disk."""

    def __init__(self, folder: Path = CACHE_DIR) -> None:
        self.folder = folder
        self.ready: dict[str, bytes] = {}
        self.pending: set[str] = set()
        self._lock = threading.Lock()

    def register(self, app: Dash) -> None:
        """Serve precompressed bundles (runs before flask-compress, which then skips them)."""
        app.server.after_request(self.after_request)

    def after_request(self, response: Response) -> Response:
        """Swap in the precompressed body when there is one; start compressing otherwise."""
        if (
            request.method != "GET"
            or not request.path.startswith(STATIC_PREFIX)
            or response.status_code != 200
            or "br" not in request.headers.get("Accept-Encoding", "")
            or "Content-Encoding" in response.headers
        ):
            return response
        response.direct_passthrough = False
        body = response.get_data()
        if len(body) < STATIC_MIN_BYTES:
            return response
        digest = hashlib.sha256(body).hexdigest()[:24]
        compressed = self.ready.get(digest) or self._from_disk(digest)
        if compressed is None:
            self._start(digest, body)
            return response
        response.set_data(compressed)
        response.headers["Content-Encoding"] = "br"
        return response

    def _from_disk(self, digest: str) -> bytes | None:
        path = self.folder / f"{digest}.br"
        if not path.exists():
            return None
        self.ready[digest] = path.read_bytes()
        return self.ready[digest]

    def _start(self, digest: str, body: bytes) -> None:
        """Compress in a background thread (once per bundle)."""
        with self._lock:
            if digest in self.pending:
                return
            self.pending.add(digest)
        threading.Thread(target=self._compress, args=(digest, body), daemon=True).start()

    def _compress(self, digest: str, body: bytes) -> None:
        data = brotli.compress(body, quality=11)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = self.folder / f"{digest}.tmp{threading.get_ident()}"
            tmp.write_bytes(data)
            tmp.replace(self.folder / f"{digest}.br")
        except OSError:
            pass  # no writable temp folder: keep it in memory only
        self.ready[digest] = data
