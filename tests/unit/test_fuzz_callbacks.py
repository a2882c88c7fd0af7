"""Callback inputs no one expected: POST /_dash-update-component with random payloads.

For every registered callback, hypothesis sends wrongly typed or random values for its
inputs and states. The answer must be handled: 2xx (an update, or 204 PreventUpdate) or 4xx,
never a 500. Short run here; tests/soak/test_fuzz_soak.py runs many more examples.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard import create_app
from dashboard.pages import SOURCES
from dashboard.server.config import Settings
from etl import db, load, sample

SHORT = settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63)
    | st.floats(allow_nan=False)
    | st.text(max_size=40)
    | st.sampled_from(["010101", "99", "", "../../etc", "OC010301011", "2024", "en"]),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=8,
)

STORE_VALUES = st.dictionaries(
    st.sampled_from(["lang", "dep", "prov", "dist", "anio", "ind", "meta", "org", "x"]),
    JSON_VALUES,
    max_size=5,
)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    """A test client of the app on the tiny sample warehouse."""
    root = tmp_path_factory.mktemp("fzcb")
    url = f"sqlite:///{root / 'w.db'}"
    engine = db.make_engine(url)
    db.init_db(engine)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(load.ARCHIVE_ENV, str(root / "archive"))
        load.load_paths(engine, sample.write_sample(root / "in", scale="tiny"))
    engine.dispose()
    return create_app(Settings(database_url=url)).server.test_client()


def split_outputs(output: str) -> list[dict] | dict:
    """Dash's output string as the browser sends it: one dict, or a list for '..a.b...c.d..'."""
    if not output.startswith(".."):
        return dict(zip(("id", "property"), output.rsplit(".", 1), strict=True))
    parts = output.strip(".").split("...")
    return [dict(zip(("id", "property"), p.rsplit(".", 1), strict=True)) for p in parts]


def payload(dep: dict, values: list) -> dict:
    """The request body for callback `dep` with the given input and state values."""
    args = [*dep["inputs"], *dep.get("state", [])]
    filled = [{**a, "value": v} for a, v in zip(args, values, strict=False)]
    n_in = len(dep["inputs"])
    first = dep["inputs"][0]
    return {
        "output": dep["output"],
        "outputs": split_outputs(dep["output"]),
        "inputs": filled[:n_in],
        "state": filled[n_in:],
        "changedPropIds": [f"{first['id']}.{first['property']}"],
    }


def callbacks(client) -> list[dict]:
    return client.get("/_dash-dependencies").get_json()


def first_input(dep: dict) -> str:
    return f"{dep['inputs'][0]['id']}.{dep['inputs'][0]['property']}"


def fuzz_all(client, examples: settings) -> int:
    """Every callback: random values → a handled answer (never 5xx). Returns how many."""
    swept = [d for d in callbacks(client) if not d.get("clientside_function")]
    for dep in swept:
        fuzz_one(client, dep, examples)
    return len(swept)


def strategy_for(arg: dict) -> st.SearchStrategy:
    """Random values for one callback argument.

    Page-state stores get random dicts most of the time (any value in test_fzc003). The
    browser's address is always text: random text for Dash's router (a non-string pathname
    is refused by dashboard.server.guard, test_fzc006).
    """
    if arg["id"].endswith("-state"):
        return STORE_VALUES
    if arg["id"] == "_pages_location" and arg["property"] == "pathname":
        return st.text(max_size=60).map(lambda t: "/" + t)  # a browser's pathname
    if arg["id"] == "_pages_location":
        return st.text(max_size=60)
    return JSON_VALUES


def fuzz_one(client, dep: dict, examples: settings) -> None:
    """One callback: random values for its inputs and states; the answer is handled."""
    args = [*dep["inputs"], *dep.get("state", [])]
    strategies = [strategy_for(a) for a in args]

    @examples
    @given(values=st.tuples(*strategies).map(list))
    def prop(values):
        resp = client.post("/_dash-update-component", json=payload(dep, values))
        assert resp.status_code < 500, (dep["output"], values, resp.get_data(as_text=True)[:300])

    prop()


def test_fzc001_every_callback_survives_random_inputs(client):
    assert fuzz_all(client, SHORT) >= 4  # navigation + router callbacks


def test_fzc003_district_grid_click_with_a_non_dict_store(client):
    (dep,) = [d for d in callbacks(client) if first_input(d) == "di-grid.cellClicked"]
    resp = client.post("/_dash-update-component", json=payload(dep, [None, 1]))
    assert resp.status_code < 500


# A grid's filter model, shaped like the real thing but with any values: reaches the filter
# evaluation (dashboard/gridmodel.py), not only the JSON parsing.
CONDITIONS = st.fixed_dictionaries(
    {
        "filterType": st.sampled_from(["text", "number", "date", "set"]),
        "type": st.sampled_from(
            ["contains", "equals", "notEqual", "blank", "notBlank", "inRange", "lessThan", "x"]
        ),
        "filter": JSON_VALUES,
        "filterTo": JSON_VALUES,
    }
)
FILTER_MODELS = st.dictionaries(
    st.sampled_from(["nombre", "grado", "puntaje", "ubigeo", "otra"]),
    CONDITIONS
    | st.fixed_dictionaries(
        {
            "filterType": st.sampled_from(["text", "number"]),
            "operator": st.sampled_from(["AND", "OR", "XOR"]),
            "conditions": st.lists(CONDITIONS, max_size=3),
        }
    ),
    max_size=3,
)
EXPORT_PARAMS = st.fixed_dictionaries(
    {},
    optional={
        "filtro": FILTER_MODELS.map(json.dumps)
        | JSON_VALUES.map(json.dumps)
        | st.text(max_size=60),
        "orden": JSON_VALUES.map(json.dumps) | st.just('[["nombre","desc"],["puntaje","asc"]]'),
        "distrito": st.sampled_from(["010305", "10305", "999999", "", "../x"])
        | st.text(max_size=8),
        "lang": st.sampled_from(["es", "en", "xx"]),
        "dep": st.text(max_size=4),
        "meta": st.text(max_size=8),
        "ong": st.text(max_size=12),
        "anio": st.text(max_size=5),
    },
)
EXPORT_CASES = st.tuples(
    st.sampled_from([*SOURCES, "nope", "../etc"]),
    st.sampled_from(["csv", "xlsx", "pdf"]),
    EXPORT_PARAMS,
)


def check_export(client, table: str, fmt: str, params: dict) -> None:
    """A hand-edited or truncated export link: a file, a 400 or a 404, never a 500."""
    resp = client.get(f"/exportar/{table}.{fmt}", query_string=params)
    assert resp.status_code in (200, 400, 404), (table, fmt, params, resp.status_code)


@settings(SHORT, max_examples=60)  # a GET of a small table: cheap enough for more
@given(case=EXPORT_CASES)
def test_fzc005_export_links_with_random_parameters(client, case):
    check_export(client, *case)


@pytest.mark.parametrize(
    "body", [b"null", b"[]", b"{}", b'{"output": 1}', b'{"output": "x.y", "inputs": 3}']
)
def test_fzc004_non_object_json_body(client, body):
    resp = client.post("/_dash-update-component", data=body, content_type="application/json")
    assert resp.status_code < 500


def test_fzc002_garbage_bodies_are_rejected_not_crashed(client):
    # Well-formed JSON of the wrong shape is refused by dashboard.server.guard: see test_fzc004.
    for body in (b"", b"{", b"not json"):
        resp = client.post("/_dash-update-component", data=body, content_type="application/json")
        assert resp.status_code < 500, body


def test_fzc006_router_with_a_null_pathname(client):
    resp = client.post("/_dash-update-component", json=payload(router(client), [None, None]))
    assert resp.status_code < 500


def router(client) -> dict:
    return next(d for d in callbacks(client) if first_input(d) == "_pages_location.pathname")
