"""Soak: 30 SIGKILLs at seeded random moments during loads of the small sample."""

from __future__ import annotations

import pytest

from tests.integration.test_crash import inputs, run_kills  # noqa: F401  (fixture)

pytestmark = pytest.mark.soak


def test_soak_crash_30_kills(db_url, inputs, tmp_path):  # noqa: F811
    tally = run_kills(db_url, inputs, tmp_path, n=30, seed=2026)
    print(tally)
    assert tally["rolled_back"] >= 10, tally
