"""Every input kind is complete (in the spirit of sqlite-utils' test_docs.py): a kind added to
etl/sources.py without its tables, its writer, its section in docs/INPUTS.md or its sample
generator fails here, and so does a field that is read, checked and silently dropped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from etl import load, reach, read, sample, schema, sources
from etl.derive import frames

ROOT = Path(__file__).resolve().parents[2]
KINDS = list(sources.KINDS.values())
NAMES = [k.name for k in KINDS]


def _sections() -> dict[str, str]:
    """docs/INPUTS.md's `### N. ...` sections, each under every kind named in its heading."""
    text = (ROOT / "docs" / "INPUTS.md").read_text(encoding="utf-8")
    found: dict[str, str] = {}
    for part in re.split(r"^(?=### )", text, flags=re.MULTILINE)[1:]:
        heading = part.splitlines()[0]
        for name in re.findall(r"`([a-z_]+)`", heading):
            found[name] = part
    return found


SECTIONS = _sections()


def _columns(kind: sources.Kind) -> set[str]:
    return {c.name for t in kind.tables for c in t.columns}


@pytest.mark.parametrize("kind", KINDS, ids=NAMES)
def test_kind001_has_warehouse_tables(kind):
    assert kind.tables, f"{kind.name}: no table to write to"
    for table in kind.tables:
        assert schema.metadata.tables.get(table.name) is table, (kind.name, table.name)


@pytest.mark.parametrize("kind", KINDS, ids=NAMES)
def test_kind002_has_a_writer(kind):
    assert callable(load.WRITERS[kind.name])
    if kind.writer is None:  # the default writer upserts on the first table's primary key
        key = {c.name for c in kind.tables[0].primary_key.columns}
        assert key == set(kind.key), f"{kind.name}: give it a writer (etl/writers.py)"


@pytest.mark.parametrize("kind", KINDS, ids=NAMES)
def test_kind003_has_a_section_in_docs_inputs(kind):
    assert kind.name in SECTIONS, f"docs/INPUTS.md: no `### N. ...` heading names `{kind.name}`"


def test_kind004_the_sample_generator_writes_every_kind(tmp_path):
    """The tiny sample (etl/sample.py, etl/sample_siasar.py), read back and recognised."""
    recognised = set()
    for path in sample.write_sample(tmp_path, scale="tiny"):
        for table in read.read_file(path):
            recognised.add(read.recognise(list(table.frame.columns)).kind.name)
    assert recognised == set(NAMES)


@pytest.mark.parametrize("kind", KINDS, ids=NAMES)
def test_kind005_every_field_is_stored_or_declared_dropped(kind):
    fields = {f.name for f in kind.fields}
    columns = _columns(kind)
    assert set(kind.dropped) <= fields and set(kind.renamed) <= fields, kind.name
    assert not set(kind.dropped) & set(kind.renamed), kind.name
    assert set(kind.renamed.values()) <= columns, kind.name
    lost = fields - columns - set(kind.renamed) - set(kind.dropped)
    assert not lost, f"{kind.name}: stored nowhere, not declared dropped: {sorted(lost)}"
    kept = set(kind.dropped) & columns
    assert not kept, f"{kind.name}: declared dropped but a column of its tables: {sorted(kept)}"


@pytest.mark.parametrize("kind", [k for k in KINDS if k.dropped], ids=lambda k: k.name)
def test_kind006_dropped_fields_are_said_in_the_docs(kind):
    """Its section has a paragraph starting *Not stored* naming each dropped field."""
    section = SECTIONS[kind.name]
    (paragraph,) = [p for p in section.split("\n\n") if p.startswith("*Not stored*")]
    missing = [name for name in kind.dropped if f"`{name}`" not in paragraph]
    assert not missing, (kind.name, missing)


def test_kind007_lists_of_kinds_are_derived_from_the_entries():
    assert tuple(NAMES) == sources.LOAD_ORDER
    assert set(load.WRITERS) == set(NAMES)
    assert {k.name for k in KINDS if k.atm} == reach.ATM_KINDS
    assert {k.name for k in KINDS if k.siasar_export} == sources.SIASAR_KINDS
    assert set(reach.EXTRA_REFERENCES) == {k.name for k in KINDS if k.adds_ubigeo}
    for kind in KINDS:
        for name, table in kind.frames.items():
            assert frames.SOURCES[name] is table and table in kind.tables, (kind.name, name)


def test_kind008_frame_names_are_unique():
    names = [name for k in KINDS for name in k.frames]
    assert len(names) == len(set(names)) and "distrito" not in names


@pytest.mark.parametrize("name", sorted(sources.UNDERIVED_KINDS))
def test_kind009_underived_kinds_are_not_read_by_any_derivation(name):
    """A load of only these kinds skips the derivation (etl/load.py `_kept_derivation`): that
    holds while no module of etl/derive names their tables. A derivation that starts reading
    one must declare it in the kind's `frames`, which takes the kind out of the set."""
    tables = {t.name for t in sources.KINDS[name].tables}
    for module in (ROOT / "etl" / "derive").glob("*.py"):
        text = module.read_text(encoding="utf-8")
        named = {t for t in tables if re.search(rf"\b{t}\b", text)}
        assert not named, f"{module.name} reads {named}: add it to the kind's frames"


def test_kind010_the_underived_kinds_are_the_page_only_ones():
    assert {"alianza", "cartera_ong"} == sources.UNDERIVED_KINDS
    for name in sources.UNDERIVED_KINDS:
        kind = sources.KINDS[name]
        assert not kind.frames and not kind.siasar_export
