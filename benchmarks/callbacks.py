"""Every registered server callback, called as the browser calls it, timed at three scopes.

The callbacks are enumerated from `app.callback_map` (never hard-coded). Each is exercised on a
page where its components exist: the page is rendered first through Dash's page router (the
same POST the browser makes), the callback's inputs and states are read from that rendered
tree, and the triggering input gets what a user would do (pick a department, click a cell).
Calls go through the Flask test client with the browser's `Accept-Encoding`, so the timing
includes JSON serialisation and compression.

Downloads are links, not callbacks (dashboard/exports.py): every export link found in the
rendered pages is fetched as the browser does (`GET /exportar/…`) and reported as
`download:<link id>` with the rows the file holds.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from dash import Dash
from sqlalchemy import func, select

from dashboard import create_app, exports
from dashboard.queries import Warehouse
from dashboard.server import speed
from dashboard.server.config import Settings
from etl import schema as s

ROUTER_INPUT = "_pages_location"
HEADERS = {"Accept-Encoding": "br, gzip", "Content-Type": "application/json"}
SCALES = ("national", "department", "district")


@dataclass(frozen=True)
class Codes:
    """Realistic choices: the department and district with the most JASS, and so on."""

    dep: str
    prov: str
    ubigeo: str
    codigo_oc: str
    ong: str | None
    anio: int


def pick_codes(wh: Warehouse) -> Codes:
    """The busiest department, province and district of the newest year (the worst case)."""
    rd = s.resumen_distrito
    anio = wh.latest_year() or 0

    def busiest(col: Any, *where: Any) -> str:
        stmt = select(col).where(rd.c.anio == anio, *where).group_by(col)
        return str(wh._scalar(stmt.order_by(func.sum(rd.c.n_oc).desc()).limit(1)))

    dep = busiest(rd.c.departamento)
    prov = busiest(rd.c.provincia, rd.c.departamento == dep)
    ubigeo = busiest(rd.c.ubigeo, rd.c.provincia == prov)
    orgs = wh.organisations(ubigeo)
    portfolios = wh.portfolios()
    return Codes(
        dep,
        prov,
        ubigeo,
        str(orgs["codigo_oc"].iloc[0]),
        portfolios[0] if portfolios else None,
        anio,
    )


def pages(codes: Codes) -> dict[str, list[str]]:
    """The pages of each scope, as path + query string."""
    ong = f"?ong={codes.ong}" if codes.ong else ""
    return {
        "national": ["/", "/metas", f"/salida{ong}", "/datos"],
        "department": [f"/?dep={codes.dep}", f"/metas?dep={codes.dep}"],
        "district": [
            f"/distrito/{codes.ubigeo}",
            f"/distrito/{codes.ubigeo}/ficha",
            f"/jass/{codes.codigo_oc}",
            f"/?dep={codes.dep}&prov={codes.prov}",
        ],
    }


def outputs_of(key: str) -> list[dict[str, str]]:
    """The outputs a callback_map key names ("..a.b...c.d.." for several; "@hash" dropped)."""
    parts = key.strip(".").split("...") if key.startswith("..") else [key]
    pairs = (part.split("@", 1)[0].rsplit(".", 1) for part in parts)
    return [{"id": cid, "property": prop} for cid, prop in pairs]


def payload(key: str, cb: dict[str, Any], values: dict[str, Any], trigger: str) -> dict:
    """The JSON body dash-renderer posts to /_dash-update-component."""
    outs = outputs_of(key)

    def items(deps: list[dict[str, str]]) -> list[dict[str, Any]]:
        return [{**d, "value": values.get(f"{d['id']}.{d['property']}")} for d in deps]

    return {
        "output": key,
        "outputs": outs if key.startswith("..") else outs[0],
        "inputs": items(cb["inputs"]),
        "state": items(cb["state"]),
        "changedPropIds": [trigger],
    }


def split_page(page: str) -> tuple[str, str]:
    """("/metas", "?dep=06") from "/metas?dep=06"."""
    path, _, query = page.partition("?")
    return path, f"?{query}" if query else ""


def walk(node: Any) -> Iterator[dict[str, Any]]:
    """Every component (its props) in a serialised Dash tree."""
    if isinstance(node, list):
        for item in node:
            yield from walk(item)
    elif isinstance(node, dict) and "props" in node:
        yield node["props"]
        for value in node["props"].values():
            yield from walk(value)


def props_by_id(tree: Any) -> dict[str, dict[str, Any]]:
    """Component props keyed by id."""
    return {p["id"]: p for p in walk(tree) if isinstance(p.get("id"), str)}


@dataclass
class Bench:
    """An app on a warehouse, its test client and the rendered pages."""

    app: Dash
    codes: Codes
    rendered: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)

    @classmethod
    def on(cls, db_url: str) -> Bench:
        """The app as `python app.py` builds it, on the given warehouse."""
        app = create_app(Settings(database_url=db_url))
        speed.settle_heap()  # as app.py does before serving
        client = app.server.test_client()
        client.get("/")  # Dash adds the page router on the first request
        return cls(app, pick_codes(app.server.config["WAREHOUSE"]))

    def router_key(self) -> str:
        """The callback_map key of Dash's page router."""
        return next(
            k for k, cb in self.app.callback_map.items() if _first_input(cb) == ROUTER_INPUT
        )

    def post(self, body: dict, encoded: bool = True) -> bytes:
        """One callback request; the response body (compressed when `encoded`)."""
        headers = HEADERS if encoded else {"Content-Type": "application/json"}
        client = self.app.server.test_client()
        response = client.post("/_dash-update-component", data=json.dumps(body), headers=headers)
        if response.status_code not in (200, 204):
            raise RuntimeError(f"{body['output']}: HTTP {response.status_code}")
        return response.get_data()

    def router_body(self, page: str) -> dict:
        """The router's request for a page."""
        path, search = split_page(page)
        key = self.router_key()
        values = {f"{ROUTER_INPUT}.pathname": path, f"{ROUTER_INPUT}.search": search}
        return payload(key, self.app.callback_map[key], values, f"{ROUTER_INPUT}.pathname")

    def components(self, page: str) -> dict[str, dict[str, Any]]:
        """The rendered page's components by id (rendered once)."""
        if page not in self.rendered:
            raw = json.loads(self.post(self.router_body(page), encoded=False))
            self.rendered[page] = props_by_id(raw["response"]["_pages_content"]["children"])
        return self.rendered[page]


def _first_input(cb: dict[str, Any]) -> str:
    return cb["inputs"][0]["id"] if cb["inputs"] else ""


def server_callbacks(app: Dash) -> dict[str, dict[str, Any]]:
    """callback_map without the clientside callbacks (they never reach the server)."""
    return {k: cb for k, cb in app.callback_map.items() if cb.get("callback") is not None}


def clientside_callbacks(app: Dash) -> list[str]:
    """Outputs of clientside callbacks (listed in the results, not timed)."""
    server = set(server_callbacks(app))
    return [k for k in app.callback_map if k not in server]


TRIGGER_PREFERENCE = {"national": "ov-dep", "department": "ov-prov", "district": "ov-dist"}


def user_value(bench: Bench, comp: dict[str, dict[str, Any]], dep: dict[str, str]) -> Any:
    """What a user would send through an input: a choice, a click, a button press."""
    codes, cid, prop = bench.codes, dep["id"], dep["property"]
    if prop == "n_clicks":
        return 1
    if prop == "clickData":
        return {"points": [{"curveNumber": 1, "pointIndex": 0, "customdata": codes.ubigeo}]}
    if prop == "cellClicked":
        rows = comp.get(cid, {}).get("rowData") or [{}]
        return {"colId": "nombre", "rowIndex": 0, "value": rows[0].get("nombre"), "data": rows[0]}
    chosen = {
        "ov-dep": codes.dep,
        "ov-prov": codes.prov,
        "ov-dist": codes.ubigeo,
        "go-dep": codes.dep,
        "ov-year": codes.anio,
        "ov-ind": "continuidad",
        "ex-org": codes.ong,
    }
    if cid in chosen:
        return chosen[cid]
    options = comp.get(cid, {}).get("options") or [{}]
    return options[-1].get("value")


def case(bench: Bench, key: str, cb: dict[str, Any], page: str, scale: str) -> dict | None:
    """The request a user makes through this callback on this page; None if not on the page."""
    comp = bench.components(page)
    deps = [*cb["inputs"], *cb["state"]]
    if not all(d["id"] in comp for d in deps):
        return None
    values = {f"{d['id']}.{d['property']}": comp[d["id"]].get(d["property"]) for d in deps}
    wanted = TRIGGER_PREFERENCE.get(scale)
    trigger = next((d for d in cb["inputs"] if d["id"] == wanted), cb["inputs"][0])
    values[f"{trigger['id']}.{trigger['property']}"] = user_value(bench, comp, trigger)
    return payload(key, cb, values, f"{trigger['id']}.{trigger['property']}")


def timed(request: Callable[[], Any], calls: int) -> tuple[Any, dict[str, Any]]:
    """One warm-up request (`first_ms`: the uncached cost, its answer returned), then p50/p95
    over `calls` more."""
    start = time.perf_counter()
    answer = request()
    first = (time.perf_counter() - start) * 1000
    samples = []
    for _ in range(calls):
        start = time.perf_counter()
        request()
        samples.append((time.perf_counter() - start) * 1000)
    return answer, {
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(percentile(samples, 95), 1),
        "first_ms": round(first, 1),
        "calls": calls,
    }


def time_calls(bench: Bench, body: dict, calls: int) -> dict[str, Any]:
    """A callback's timings and sizes (JSON, and compressed on the wire)."""
    encoded, figures = timed(lambda: bench.post(body), calls)
    return {
        **figures,
        "bytes": len(bench.post(body, encoded=False)),
        "compressed_bytes": len(encoded),
    }


def percentile(samples: list[float], pct: float) -> float:
    """The nearest-rank percentile (no interpolation past the slowest call)."""
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def output_name(key: str) -> str:
    """`callback:<output id>` (the first output's id)."""
    return f"callback:{outputs_of(key)[0]['id']}"


def measure_router(bench: Bench, calls: int) -> list[dict[str, Any]]:
    """The page router on every page of every scope."""
    name = output_name(bench.router_key())
    out = []
    for scale, urls in pages(bench.codes).items():
        for page in urls:
            figures = time_calls(bench, bench.router_body(page), calls)
            out.append({"name": name, "scale": scale, "page": page, **figures})
    return out


def measure_others(bench: Bench, calls: int) -> list[dict[str, Any]]:
    """Every other server callback at each scope where its components exist."""
    out = []
    router = bench.router_key()
    for key, cb in server_callbacks(bench.app).items():
        if key == router:
            continue
        for scale, urls in pages(bench.codes).items():
            found = ((page, case(bench, key, cb, page, scale)) for page in urls)
            page, body = next(((p, b) for p, b in found if b is not None), (None, None))
            if body is not None:
                figures = time_calls(bench, body, calls)
                out.append(
                    {
                        "name": output_name(key),
                        "scale": scale,
                        "page": page,
                        "output": key.split("@")[0],
                        "trigger": cb["inputs"][0]["id"],
                        **figures,
                    }
                )
    return out


def export_links(comp: dict[str, dict[str, Any]]) -> dict[str, str]:
    """The export links of a rendered page: link id → href."""
    return {
        cid: str(p["href"])
        for cid, p in comp.items()
        if str(p.get("href") or "").startswith(exports.ROUTE + "/")
    }


def time_download(bench: Bench, href: str, calls: int) -> dict[str, Any]:
    """An export link's timings, the file's bytes and its rows."""
    client = bench.app.server.test_client()

    def get() -> Any:
        response = client.get(href, headers={"Accept-Encoding": HEADERS["Accept-Encoding"]})
        if response.status_code != 200:
            raise RuntimeError(f"{href}: HTTP {response.status_code}")
        response.get_data()  # a CSV is streamed: the download is the whole file, read
        return response

    response, figures = timed(get, calls)
    rows = int(response.headers.get(exports.ROWS_HEADER, 0))
    return {**figures, "bytes": len(response.get_data()), "rows": rows}


def measure_downloads(bench: Bench, calls: int) -> list[dict[str, Any]]:
    """Every export link at each scope where a page shows it (its first such page)."""
    out = []
    for scale, urls in pages(bench.codes).items():
        seen: set[str] = set()
        for page in urls:
            for link, href in export_links(bench.components(page)).items():
                if link in seen:
                    continue
                seen.add(link)
                figures = time_download(bench, href, calls)
                out.append({"name": f"download:{link}", "scale": scale, "page": page, **figures})
    return out


def measure_callbacks(db_url: str, calls: int) -> list[dict[str, Any]]:
    """Every server callback and every export link on the warehouse at db_url."""
    bench = Bench.on(db_url)
    results = [
        *measure_router(bench, calls),
        *measure_others(bench, calls),
        *measure_downloads(bench, calls),
    ]
    for key in clientside_callbacks(bench.app):
        results.append({"name": f"clientside:{outputs_of(key)[0]['id']}", "skipped": "clientside"})
    bench.app.server.config["WAREHOUSE"].engine.dispose()
    return results
