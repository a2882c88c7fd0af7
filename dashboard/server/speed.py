"""What keeps the dashboard fast (measured by `python -m benchmarks`; see benchmarks/README.md).

- `PageCache`: rendered pages kept per (page, URL parameters, data version). The data version
  is the newest load (`Warehouse.data_version`), so a new load invalidates every entry. Each
  process (each gunicorn worker) has its own small LRU.
- `slim_validation_layout`: Dash embeds its validation layout in every HTML page it serves.
  Its ids and component types are all the renderer checks, so the data props are emptied
  once (it is built from empty skeletons at start-up: dashboard/server/skeletons.py).
- `StaticBrotli`: the JavaScript bundles and the large assets are compressed once at
  brotli's best quality, in the background, and cached on disk; until then flask-compress
  serves them at its default, faster level.
- The partial plotly.js bundle: `assets/plotly-atm-<version>.min.js` (scatter, bar, pie and
  the district map's geo choropleth and scattergeo; 1.5 MB instead of 4.8 MB;
  scripts/build_plotly_bundle.sh). Since issue #18 it is not loaded with every page: dcc.Graph
  loads it when a chart first needs it, from the URL `assets/00-lazy.js` gives it
  (dashboard/server/firstview.py), never the full `plotly.min.js`. `full_plotly` switches back
  to the full bundle (the `scattermap` tile map needs it).
- `settle_heap`: the ~200,000 objects that importing dash, plotly and pandas and building the
  app leave behind are moved out of the garbage collector's sight once the app is built.
"""

from __future__ import annotations

import copy
import gc
import hashlib
import re
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
from flask import Response, g, has_request_context, request

from dashboard import urls

PAGE_CACHE_SIZE = 64


def settle_heap() -> None:
    """Collect once, then freeze what is left (`gc.freeze`): call it when the app is built,
    in the serving process only.

    Python's full collection walks every tracked object. After start-up that is ~200,000 of
    them (dash, plotly, pandas, the app), ~100 ms per walk, and a walk came every ~7 requests:
    a national goal export took ~50 ms, and ~160 ms every seventh time (measured with the
    collector on and off). Frozen objects are never walked again; everything created later
    is collected as before. Not called by `create_app`: tests build many apps in one process
    and frozen objects are never freed.
    """
    gc.collect()
    gc.freeze()


DASH_UPDATE = "/_dash-update-component"
ROUTER_OUTPUT = b"_pages_content"  # the page router's output id, in its request body
# Props that carry data rather than structure; the renderer's id check needs neither.
DATA_PROPS = ("figure", "options", "rowData", "data", "children_data")
STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/", urls.MAPS)
STATIC_MIN_BYTES = 50_000
CACHE_DIR = Path(tempfile.gettempdir()) / "atm-dashboard-br"
# The vendored partial bundle (built from npm plotly.js by scripts/build_plotly_bundle.sh, same
# version as the plotly.js the installed plotly package ships; assets/PLOTLY-LICENSE.txt) and
# the trace types it has.
PLOTLY_BASIC = "plotly-atm-4.1.1.min.js"
# basic's traces plus the geo ones of the district map (scripts/build_plotly_bundle.sh)
BASIC_TRACES = frozenset({"scatter", "bar", "pie", "choropleth", "scattergeo"})
# The full bundle, which dcc.Graph loads itself when `window.Plotly` is not defined.
PLOTLY_FULL = "/_dash-component-suites/plotly/package_data/plotly.min.js"
# Inserted after {%css%} by create_app. Empty: the partial bundle is an ordinary script tag,
# which the browser's preload scanner finds at once. (With the full bundle, dcc.Graph asks for
# it only once the first graph arrives, so full_plotly adds a preload hint for it.)
PRELOAD_FULL_PLOTLY = f'<link rel="preload" as="script" href="{PLOTLY_FULL}">'


# Sections that failed while the current page rendered (dashboard/page.py counts them), so a
# page showing an error alert is not cached.
SECTION_FAILURES: ContextVar[int] = ContextVar("section_failures", default=0)


class Lru:
    """A small thread-safe least-recently-used map: the one behind every cache here."""

    def __init__(self, size: int = PAGE_CACHE_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)


class PageCache:
    """Rendered pages, except pages showing a section error."""

    def __init__(self, size: int = PAGE_CACHE_SIZE) -> None:
        self._pages = Lru(size)

    def get_or_render(self, key: Hashable, render: Callable[[], Any]) -> Any:
        """The cached page for `key`, rendering (and keeping) it on a miss."""
        cached = self._pages.get(key)
        if cached is not None:
            return cached
        failures = SECTION_FAILURES.set(0)
        try:
            page = render()
            failed = SECTION_FAILURES.get() > 0
        finally:
            SECTION_FAILURES.reset(failures)
        if failed:  # a passing database error must not stick until the next load
            if has_request_context():
                g.atm_uncacheable = True  # nor its answer (RouterCache)
            return page
        self._pages.put(key, page)
        return page


class RouterCache:
    """The page router's answers kept as JSON bytes per (request body, data version, account
    scope), so a page seen before is not serialised again: its cost stops growing with the
    page's size (a district with many JASS ships a big grid). A small LRU per process, like
    PageCache; registered last, so the login gate and the request guard run first.

    Each answer is also kept brotli-compressed (issue 18): flask-compress would compress a
    cached answer again on every request, and for a district of ~850 JASS (2.3 MB of JSON)
    that cost more than everything else the request did. A browser that takes brotli gets the
    kept bytes; any other gets the JSON, which flask-compress compresses as before."""

    def __init__(self, key_of: Callable[[], Hashable | None], size: int = PAGE_CACHE_SIZE):
        self.key_of = key_of  # (data version, scope key), None when the warehouse is unreadable
        self._answers = Lru(size)

    def register(self, app: Dash) -> None:
        app.server.before_request(self.before_request)
        app.server.after_request(self.after_request)

    def before_request(self) -> Response | None:
        """A cached answer for a router call seen before; otherwise note the key."""
        if request.method != "POST" or request.path != DASH_UPDATE:
            return None
        body = request.get_data(cache=True)  # kept for Dash, which reads it next
        if ROUTER_OUTPUT not in body:
            return None
        extra = self.key_of()
        if extra is None:
            return None
        key = (hashlib.sha256(body).digest(), extra)
        hit: Answer | None = self._answers.get(key)
        if hit is not None:
            return hit.response()
        g.atm_router_key = key
        return None

    def after_request(self, response: Response) -> Response:
        """Keep a fresh, complete, uncompressed router answer, and answer with its brotli
        bytes when the browser takes them (flask-compress, which runs next, then skips it)."""
        key = g.pop("atm_router_key", None)
        if (
            key is None
            or response.status_code != 200
            or g.get("atm_uncacheable")
            or response.direct_passthrough
            or "Content-Encoding" in response.headers
        ):
            return response
        answer = Answer(response.get_data())
        self._answers.put(key, answer)
        if answer.takes_brotli():
            response.set_data(answer.brotli())
            answer.mark(response)
        return response


ANSWER_BROTLI_QUALITY = 4  # flask-compress's default level: fast, and done once per answer
ANSWER_MIN_BYTES = 500  # below this compressing saves nothing (flask-compress's minimum)


class Answer:
    """A router answer: its JSON, and its brotli bytes once a browser has asked for them."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self._brotli: bytes | None = None

    def brotli(self) -> bytes:
        if self._brotli is None:  # two threads may both compress once: same bytes
            self._brotli = brotli.compress(self.raw, quality=ANSWER_BROTLI_QUALITY)
        return self._brotli

    def takes_brotli(self) -> bool:
        """Whether this request gets the brotli bytes (accepted, and worth compressing)."""
        return len(self.raw) >= ANSWER_MIN_BYTES and bool(request.accept_encodings.quality("br"))

    @staticmethod
    def mark(response: Response) -> None:
        response.headers["Content-Encoding"] = "br"
        response.headers["Vary"] = "Accept-Encoding"

    def response(self) -> Response:
        """The answer for this request: brotli when accepted and worth it, else the JSON."""
        if not self.takes_brotli():
            return Response(self.raw, mimetype="application/json")
        answer = Response(self.brotli(), mimetype="application/json")
        self.mark(answer)
        return answer


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
    """Keep the validation layout's ids and types only (called once it is built, at start-up:
    dashboard/server/skeletons.py)."""
    if app.validation_layout is not None:
        # A copy: the pages in it are the page cache's own objects.
        app.validation_layout = copy.deepcopy(app.validation_layout)
        _slim(app.validation_layout)


def full_plotly(app: Dash) -> None:
    """Serve the full plotly.js instead of the partial bundle (before the first request).

    The asset is left out of the page, so dcc.Graph loads the full bundle itself; the preload
    hint makes that download overlap the first page request.
    """
    skip = re.escape(PLOTLY_BASIC)
    current = app.config.assets_ignore
    if not current or skip not in current:
        app.config.assets_ignore = f"{current}|{skip}" if current else skip
    if PRELOAD_FULL_PLOTLY not in app.index_string:
        app.index_string = app.index_string.replace("{%css%}", "{%css%}\n" + PRELOAD_FULL_PLOTLY)


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
            or not request.path.startswith(STATIC_PREFIXES)
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
        response.vary.add("Accept-Encoding")
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
