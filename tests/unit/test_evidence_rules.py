"""Issue 14: one file for evidence rules; every number the UI shows comes from it (feature ev)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from dashboard import i18n
from etl import evidence
from etl.derive.health import load_model

SHIPPED = evidence.load_evidence()


def _custom(tmp_path: Path, **changes: str) -> Path:
    text = evidence.EVIDENCE_PATH.read_text(encoding="utf-8")
    for old, new in changes.items():
        assert old in text, old
        text = text.replace(old, new)
    p = tmp_path / "evidencia.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_ev001_model_reads_chlorine_range_and_thresholds_from_the_evidence_file(tmp_path):
    p = _custom(tmp_path, **{"maximo: 5.0": "maximo: 4.0", "oc_ab: 0.8": "oc_ab: 0.65"})
    m = load_model(evidence_path=p)
    assert m.umbrales["cloro_maximo_mg_l"] == 4.0 and m.salida["oc_ab"] == 0.65
    assert load_model().umbrales["cloro_maximo_mg_l"] == SHIPPED.cloro_max


@pytest.mark.parametrize(
    ("criterio", "key"),
    [
        ("cobertura_agua", "cobertura_agua"),
        ("oc_ab", "oc_ab"),
        ("oc_cloro_adecuado", "oc_cloro_adecuado"),
        ("oc_visitadas_12m", "oc_visitadas_12m"),
        ("oc_datos_recientes", "oc_datos_recientes"),
    ],
)
@pytest.mark.parametrize("lang", ["es", "en"])
def test_ev002_exit_labels_show_the_thresholds_of_the_file(
    monkeypatch, tmp_path, criterio, key, lang
):
    # An odd threshold no label could have hard-coded: the label must follow the file.
    p = _custom(tmp_path, **{f"  {key}: ": f"  {key}: 0.73 #"})
    monkeypatch.setattr(evidence, "shipped", lambda: evidence.load_evidence(p))
    text = i18n.label("criterio", criterio, lang)
    assert i18n.fmt_pct(0.73, lang, 0) in text, text
    monkeypatch.undo()
    assert i18n.fmt_pct(SHIPPED.salida[key], lang, 0) in i18n.label("criterio", criterio, lang)


def test_ev003_chlorine_range_and_months_in_labels_follow_the_file(monkeypatch, tmp_path):
    p = _custom(tmp_path, **{"minimo: 0.5": "minimo: 0.3", "lectura_cloro: 12": "lectura_cloro: 7"})
    monkeypatch.setattr(evidence, "shipped", lambda: evidence.load_evidence(p))
    text = i18n.label("criterio", "oc_cloro_adecuado", "es")
    assert "0,3–5,0 mg/L" in text and "7 meses" in text


def test_ev004_no_threshold_is_hard_coded_in_the_texts():
    # A percentage or chlorine threshold written into a label would not follow the file.
    pattern = re.compile(r"≥\s*\d+\s*%|\d[,.]\d\s*[–-]\s*\d[,.]\d\s*mg")
    offenders = [k for k, pair in i18n.TEXTS.items() for s in pair if pattern.search(s)] + [
        k for k, pair in i18n.CODES.items() for s in pair if pattern.search(s)
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("age_days", "counts"),
    [(30, True), (364, True), (396, False), (13 * 31, False)],  # 13 months old: expired
)
def test_ev005_validity_window_of_a_chlorine_reading(age_days, counts):
    ref = pd.Timestamp(2025, 6, 30)
    reading = ref - pd.Timedelta(days=age_days)
    assert (reading > SHIPPED.since("lectura_cloro", ref)) is counts


@pytest.mark.parametrize(
    ("mg_l", "ok"),
    [(0.49, False), (0.5, True), (1.2, True), (5.0, True), (5.5, False), (None, False)],
)
def test_ev006_chlorine_range_is_closed_and_bounded_above(mg_l, ok):
    assert bool(SHIPPED.in_range(pd.Series([mg_l], dtype=float)).iloc[0]) is ok
