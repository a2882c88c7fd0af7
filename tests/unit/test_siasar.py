"""SIASAR reference formulas and grade scale (docs/puntajes.md), hand-computed."""

from __future__ import annotations

import math

import pytest

from etl.derive import siasar


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (1.0, "A"),
        (0.9, "A"),
        (0.8999, "B"),
        (0.7, "B"),
        (0.6999, "C"),
        (0.4, "C"),
        (0.3999, "D"),
        (0.0, "D"),
        (None, "E"),
        (math.nan, "E"),
        (-0.01, "E"),
        (1.01, "E"),
    ],
)
def test_sia001_grade_boundaries(score, expected):
    assert siasar.grade(score) == expected


def test_sia002_water_service_level_capped_at_coverage():
    # (0.8, 0.6, 1.0, 0.9) capped at 0.7 -> (0.7, 0.6, 0.7, 0.7): mean 0.675.
    assert siasar.water_service_level(0.8, 0.6, 1.0, 0.9, coverage=0.7) == pytest.approx(0.675)
    assert siasar.water_service_level(0.8, 0.6, 1.0, 0.9) == pytest.approx(0.825)


def test_sia003_sanitation_and_system_means():
    assert siasar.sanitation_level(1.0, 0.5, 0.5, 0.0) == pytest.approx(0.5)
    assert siasar.system_index(1.0, 0.7, 0.4, 0.1) == pytest.approx(0.55)


def test_sia004_geometric_means_and_zero_rule():
    # (1 × 0.7 × 0.7 × 1)^(1/4) = sqrt(0.7)
    assert siasar.infrastructure(1.0, 0.7, 0.7, 1.0) == pytest.approx(math.sqrt(0.7))
    assert siasar.infrastructure(1.0, 1.0, 0.0, 1.0) == 0.0
    assert siasar.community_index(0.5, 0.5, 0.5, 0.5) == pytest.approx(0.5)
    assert siasar.community_index(0.9, 0.8, 0.0, 1.0) == 0.0


@pytest.mark.parametrize("bad", [-0.1, 1.2, math.nan])
def test_sia005_inputs_outside_unit_interval_raise(bad):
    with pytest.raises(ValueError):
        siasar.system_index(bad, 0.5, 0.5, 0.5)
    with pytest.raises(ValueError):
        siasar.infrastructure(0.5, 0.5, 0.5, bad)


def test_sia006_colours_and_state_scores():
    assert siasar.GRADE_COLORS["A"] == "#54BA46" and siasar.GRADE_COLORS["E"] == "#AAAAAA"
    assert siasar.STATE_SCORE == {"A": 1.0, "B": 0.7, "C": 0.4, "D": 0.0}
