"""Evidence rules (data/evidencia.yaml): how long evidence stays valid, the chlorine range,
exit thresholds and priority weights, in one file that code and dashboard labels both read.

Pure and cached: the dashboard formats its labels from the same numbers the ETL applied.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

EVIDENCE_PATH = Path(__file__).resolve().parents[1] / "data" / "evidencia.yaml"


@dataclass(frozen=True)
class Evidence:
    version: str
    validez_meses: dict[str, float]
    cloro_min: float
    cloro_max: float
    salida: dict = field(default_factory=dict)
    prioridad: dict[str, float] = field(default_factory=dict)

    def months(self, kind: str) -> int:
        """Validity of one kind of evidence, in months."""
        return int(self.validez_meses[kind])

    def since(self, kind: str, ref: pd.Timestamp) -> pd.Timestamp:
        """The oldest date at which evidence of `kind` still counts on `ref` (exclusive)."""
        return pd.Timestamp(ref) - pd.DateOffset(months=self.months(kind))

    def in_range(self, mg_l: pd.Series) -> pd.Series:
        """Residual chlorine within [min, max] (NaN -> False)."""
        return pd.to_numeric(mg_l, errors="coerce").between(self.cloro_min, self.cloro_max)


def load_evidence(path: Path = EVIDENCE_PATH) -> Evidence:
    """Read the evidence-rules file."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    cl = raw["cloro_mg_l"]
    return Evidence(
        version=str(raw["version"]),
        validez_meses={k: float(v) for k, v in raw["validez_meses"].items()},
        cloro_min=float(cl["minimo"]),
        cloro_max=float(cl["maximo"]),
        salida=dict(raw.get("salida", {})),
        prioridad={k: float(v) for k, v in raw.get("prioridad", {}).items()},
    )


@functools.lru_cache(maxsize=1)
def shipped() -> Evidence:
    """The shipped file, read once per process (labels call this on every render)."""
    return load_evidence()
