"""Soak: the fuzz properties with many more examples (file readers, loader, callbacks)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import db, load
from tests.unit.test_fuzz_callbacks import (  # noqa: F401  (fixture)
    EXPORT_CASES,
    check_export,
    client,
    fuzz_all,
)
from tests.unit.test_fuzz_read import (  # noqa: F401  (fixture)
    SUFFIXES,
    check_load,
    check_read,
    file_contents,
    real_files,
)

pytestmark = pytest.mark.soak
LONG = settings(
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def test_soak_read_file(real_files):  # noqa: F811
    @LONG
    @given(data=st.data(), suffix=SUFFIXES)
    def prop(data, suffix):
        check_read(data.draw(file_contents(real_files)), suffix)

    prop()


def test_soak_loader_with_real_derive(tmp_path, real_files, monkeypatch):  # noqa: F811
    monkeypatch.setenv(load.ARCHIVE_ENV, str(tmp_path / "archive"))
    engine = db.make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    db.init_db(engine)

    @settings(LONG, max_examples=60)
    @given(data=st.data(), suffix=SUFFIXES)
    def prop(data, suffix):
        check_load(engine, data.draw(file_contents(real_files)), suffix, tmp_path)

    prop()
    engine.dispose()


def test_soak_callbacks(client):  # noqa: F811
    fuzz_all(client, settings(LONG, max_examples=300))


def test_soak_export_links(client):  # noqa: F811
    @settings(LONG, max_examples=1000)
    @given(case=EXPORT_CASES)
    def prop(case):
        check_export(client, *case)

    prop()
