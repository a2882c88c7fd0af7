"""Sample partnership register (issue 16, kind `alianza`): a few invented partnerships between
the sample's own JASS, as a clerk would type them (`;`-separated, dd/mm/yyyy, items in words).

Small on purpose (one per district of the first few with two registered JASS): it shows the
"did it work?" columns without changing any other sample figure. Nothing here is real.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

FILE = "alianzas.csv"
MAX_ROWS = 12
# (items as a clerk writes them, free topic, start, end, state) cycled over the pairs
ROWS = (
    ("Cloro residual", "", "15/03/2026", "", "activa"),
    ("cobra_cuota; rinde_cuentas", "", "02/02/2026", "30/11/2026", "activa"),
    ("", "Armado del libro de caja", "10/01/2025", "10/07/2025", "concluida"),
    ("plan_om", "", "01/09/2026", "", "propuesta"),
)


def rows(register: pd.DataFrame) -> pd.DataFrame:
    """Mentee = a district's second registered JASS, mentor = its first (codes sorted)."""
    pairs = []
    for _, group in register.sort_values("codigo_oc").groupby("ubigeo", sort=True):
        codes = group["codigo_oc"].tolist()
        if len(codes) >= 2:
            pairs.append((codes[1], codes[0]))
        if len(pairs) == MAX_ROWS:
            break
    out = []
    for i, (mentee, mentor) in enumerate(pairs):
        items, tema, start, end, state = ROWS[i % len(ROWS)]
        out.append([mentee, mentor, items, tema, start, end, state])
    columns = ["codigo_oc", "mentor_oc", "items", "tema", "fecha_inicio", "fecha_fin", "estado"]
    return pd.DataFrame(out, columns=columns)


def write(out: Path, register: pd.DataFrame) -> Path:
    path = Path(out) / FILE
    rows(register).to_csv(path, sep=";", index=False, encoding="utf-8", lineterminator="\n")
    return path
