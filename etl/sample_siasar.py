"""SIASAR-shaped sample sheets (issue 15): what a region's "download data by country" gives,
for the sample's own districts and JASS, as legacy .xls files written by etl/xls.py.

The columns and values copy the shape of the real Peru export (system_distribution.PE.xls):
`divisiones` in capital words, states "A - BUENO" … "D - CAIDO", survey dates of 2015-2016,
the provider (PSE) named as the JASS is, or (one system in six) in words no register uses,
so the data page has systems left for a person to link; half of those are confirmed in a
`siasar_vinculo` file. The catchment and treatment sheets use our reading of the exporter's
column prefixes (capt_, trat_): the real export's were not available. Nothing here is real data.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from etl import reference, xls
from etl.siasar_places import name_key

FILES = (
    "siasar_system.xls",
    "siasar_system_distribution.xls",
    "siasar_system_storage.xls",
    "siasar_system_catchment.xls",
    "siasar_system_treatment.xls",
    "siasar_vinculos.csv",
)
MAX_SYSTEMS = 3000  # a region's export, not the country's: keeps `make run` quick
STATES = np.array(["A - BUENO", "B - REGULAR", "C - MALO", "D - CAIDO"], dtype=object)
SYSTEM_COLUMNS = [
    "fecha_encuesta", "fecha_validacion", "nombre", "ID", "pais", "divisiones", "latitud",
    "longitud", "altitud", "codigo", "otras_divisiones", "año", "n_comunidades", "n_PSE",
    "comunidades", "PSE", "pob_servida", "viv_servidas", "tipo_gravedad", "tipo_bombeo",
    "tipo_pozo_manual", "tipo_agua_lluvia", "agua_epoca_seca", "agua_epoca_lluvia",
]  # fmt: skip


def _places() -> dict[str, str]:
    """ubigeo → "DEPARTAMENTO,PROVINCIA,DISTRITO" as SIASAR writes it."""
    return {
        r["ubigeo"]: ",".join(name_key(r[k]) for k in ("departamento", "provincia", "distrito"))
        for r in reference.district_rows()
    }


def systems(register: pd.DataFrame, seed: int) -> pd.DataFrame:
    """One SIASAR system per sampled JASS of the register."""
    rng = np.random.default_rng([seed, 15])
    r = register.assign(ubigeo=register["ubigeo"].astype(str).str.zfill(6))
    r = r[rng.random(len(r)) < 0.7].head(MAX_SYSTEMS).reset_index(drop=True)
    n = len(r)
    places = _places()
    community = r["nombre"].str.replace(r"^(JASS|Comité|Asociación)\s+(de\s+)?", "", regex=True)
    unnamed = rng.random(n) < 1 / 6
    start = dt.date(2015, 3, 1)
    surveyed = [start + dt.timedelta(days=int(d)) for d in rng.integers(0, 640, n)]
    gravity = rng.random(n) < 0.85
    return pd.DataFrame({
        "_codigo_oc": r["codigo_oc"],
        "_sin_nombre": unnamed,
        "fecha_encuesta": surveyed,
        "fecha_validacion": None,
        "nombre": "Sistema de " + community.str.upper(),
        "ID": 500000 + np.arange(n),
        "pais": "Perú",
        "divisiones": r["ubigeo"].map(places),
        "latitud": None, "longitud": None, "altitud": None, "codigo": None,
        "otras_divisiones": None,
        "año": rng.integers(1985, 2015, n),
        "n_comunidades": 1, "n_PSE": 1,
        "comunidades": community.str.upper(),
        "PSE": np.where(unnamed, "Prestador de " + community.str.lower(), r["nombre"].str.lower()),
        "pob_servida": np.round(rng.uniform(60, 900, n), 2),
        "viv_servidas": rng.integers(12, 180, n),
        "tipo_gravedad": np.where(gravity, "SI", "NO"),
        "tipo_bombeo": np.where(gravity, "NO", "SI"),
        "tipo_pozo_manual": "NO", "tipo_agua_lluvia": "NO",
        "agua_epoca_seca": np.where(rng.random(n) < 0.1, "SI", "NO"),
        "agua_epoca_lluvia": "NO",
    })  # fmt: skip


def _states(rng: np.random.Generator, n: int, p: list[float]) -> np.ndarray:
    return STATES[rng.choice(4, n, p=p)]


def write(out: Path, register: pd.DataFrame, seed: int = 2026) -> list[Path]:
    """Write the SIASAR sample files (FILES) into `out`; return their paths."""
    s = systems(register, seed)
    rng = np.random.default_rng([seed, 16])
    n = len(s)
    dist = s.assign(
        dist_ID=700000 + np.arange(n),
        dist_codigo="DI01",
        dist_horas=rng.choice([24, 24, 12, 8, 4], n),
        dist_conexiones=s["viv_servidas"],
        dist_micromed=0,
        dist_micromed_opera=0,
        dist_estado=_states(rng, n, [0.6, 0.15, 0.15, 0.1]),
    )
    two = rng.random(n) < 0.2  # a fifth of the systems have a second tank
    tanks = pd.concat([s, s[two]]).sort_values("ID", kind="stable").reset_index(drop=True)
    k = len(tanks)
    store = tanks.assign(
        almc_ID=800000 + np.arange(k),
        almc_codigo=np.where(tanks["ID"].duplicated(), "AL02", "AL01"),
        almc_volumen=rng.choice([5000, 10000, 20000], k),
        almc_volumen_ud="LITROS",
        almc_estado=_states(rng, k, [0.35, 0.2, 0.2, 0.25]),
    )
    catch = s.assign(
        capt_ID=900000 + np.arange(n),
        capt_codigo="CA01",
        capt_tipo_fuente=_pick(rng, ["MANANTIAL", "QUEBRADA", "POZO"], n),
        capt_estado=_states(rng, n, [0.5, 0.25, 0.15, 0.1]),
    )
    chlorinated = s[rng.random(n) < 0.35]
    m = len(chlorinated)
    treat = chlorinated.assign(
        trat_ID=950000 + np.arange(m),
        trat_codigo="TR01",
        trat_tipo="CLORACION",
        trat_estado=_states(rng, m, [0.4, 0.2, 0.2, 0.2]),
    )
    paths = [out / name for name in FILES]
    for path, frame in zip(paths, (s, dist, store, catch, treat), strict=False):
        _write(path, frame)
    confirmed = s[s["_sin_nombre"]].iloc[::2]
    links = pd.DataFrame({"siasar_id": confirmed["ID"], "codigo_oc": confirmed["_codigo_oc"]})
    title = "Vínculos SIASAR - JASS confirmados por la ATM tras visitarlos (datos de muestra, no reales)"
    with paths[-1].open("w", encoding="utf-8", newline="") as fh:
        fh.write(title + "\n")  # a title row above the header, as clerks write them
        links.to_csv(fh, sep=";", index=False, lineterminator="\n")
    return paths


def _pick(rng: np.random.Generator, options: list[str], n: int) -> np.ndarray:
    return np.asarray(options, dtype=object)[rng.integers(0, len(options), n)]


def _write(path: Path, frame: pd.DataFrame) -> None:
    frame = frame[[c for c in frame.columns if not c.startswith("_")]]
    rows = [list(frame.columns)] + [
        [_cell(v) for v in row] for row in frame.itertuples(index=False)
    ]
    xls.write_workbook(path, "Sheet1", rows)


def _cell(value: object) -> xls.Cell:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value  # type: ignore[return-value]
