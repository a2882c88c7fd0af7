"""The deterministic sample-data generator: input files of every kind (docs/INPUTS.md), synthetic.

Everything here is invented: names, populations, visits, goal results. Distributions are tuned
so the dashboard shows what real data would look like (national rural baselines cited by PNSR
guides, 2020 and 2024: water coverage 75.6 and 78.8 %, excreta disposal 28.3 and 40.0 %, safe
water 3.8 and 3.0 %; the sample lands near ~77 %, ~35 %, ~3-4 %). Output depends only on the
arguments: the same (scale, seed, multiplier) gives byte-identical files on any day
(SAMPLE_AS_OF, never today).

The national sample tells the stories the three users come for (checked by
tests/integration/test_sample_roundtrip.py):
- goals (ministry analyst): each district's ATM had good or poor goal years (`buena_<year>`,
  varying by department); a good year means most CPs surveyed for DATASS, JASS registered,
  recognised and visited, POA and budget approved, evidence reported, so 45-75 % of the
  municipalities a goal applies to meet it. The official MEF result is the outcome the derive
  layer computes from these very tables, with ~5 % deliberate disagreements;
- JASS (ATM): latest grades roughly A 6 %, B 29 %, C 36 %, D 11 %, E 18 % (never visited and
  unregistered, so too little data);
- exit readiness (NGO director): three portfolios of ~30 districts; inside each, districts are
  ranked by maturity and given the readiness levers (ATM goal met, PIA, coverage, A/B grades,
  chlorination, visits, fresh data) of their stage: ~10 % ready, ~40 % on track, the rest not.

Files and formats (the loader is tested against exactly these variations):
- datass_consolidado.csv   `;`, decimal comma, UTF-8 with BOM, CRLF, dd/mm/yyyy, Sí/No
- datass_extracto_2026.xlsx DATASS module-extract names, sheet "Encuestas", SI/NO, Excel dates
- registro_oc.csv          `;`, cp1252, CRLF, dd/mm/yyyy, Sí/No, ubigeo as a number (lost zero)
- monitoreo_oc.csv         `,`, UTF-8, ISO dates, decimal point, 1/0
- atm.xlsx                 sheet "ATM", two title rows above the header, ubigeo numeric
- clasificacion_municipal.xlsx  sheet "Clasificacion", ubigeo as text
- avance_metas.csv         `,`, UTF-8, ISO dates
- resultado_mef.csv        `;`, UTF-8 with BOM, decimal comma, SI/NO
- cartera_ong.csv          `,`, UTF-8, dd/mm/yyyy
- alianzas.csv             `;`, UTF-8, dd/mm/yyyy, items in words (etl/sample_partnership.py)
A few deliberate mistakes (DELIBERATE_ERRORS) let the rejects workflow be shown.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from etl import catalog, reference, sample_partnership, sample_siasar, sources
from etl.derive import goals

SAMPLE_AS_OF = dt.date(2026, 10, 31)
SCALES = ("tiny", "small", "national")
TINY_PROVINCE = "0103"  # Bongará (Amazonas): 12 rural districts, department code with a zero
SMALL_DEPARTMENT = "06"  # Cajamarca: 127 districts, the most rural CPs of any department
LAST_YEAR = SAMPLE_AS_OF.year
FIRST_DATASS_YEAR = 2015
FIRST_VISIT_YEAR = 2022
_N_ATM = 1_450  # districts with an ATM by 2026 (a scale, not a count: ~1,400 are established)
_CAPACITY_SHIFT, _CAPACITY_SD = 0.45, 1.2  # JASS capacity: tunes the national grade shares
MEF_DISAGREEMENT = 0.05  # share of official results that differ from the computed outcome
GOAL_YEARS = (2015, 2016, 2017)  # years of the catalogue's goals: their metrics need data then
NATIONAL_CPS = 30_000
BAD_UBIGEO = "999999"

# Urban districts with no rural centro poblado: Lima Metropolitana, Callao, big department capitals.
_URBAN_PROVINCES = ("1501", "0701")
_URBAN_DISTRICTS = (
    "040101", "080101", "110101", "120101", "130101", "140101",
    "160101", "200101", "210101", "230101", "250101",
)  # fmt: skip
_COAST = ("04", "07", "11", "13", "14", "15", "18", "20", "23", "24")
_AMAZON = ("01", "16", "17", "22", "25")
_QUECHUA = {"03": 0.8, "05": 0.6, "08": 0.75, "09": 0.7, "10": 0.3, "12": 0.2, "21": 0.5}


@dataclass(frozen=True)
class SampleError:
    """A deliberate mistake planted in a sample file, and how many rows carry it per scale."""

    kind: str
    file: str
    problem: str  # the loader's problem code (etl/problems.py, docs/INPUTS.md)
    description: str
    counts: dict[str, int]


DELIBERATE_ERRORS: tuple[SampleError, ...] = (
    SampleError(
        "datass", "datass_consolidado.csv", "inconsistent",
        "poblacion_servicio_agua > total_poblacion", {"tiny": 1, "small": 2, "national": 10},
    ),
    SampleError(
        "datass", "datass_extracto_2026.xlsx", "out-of-range",
        "p100_TotalPoblacion of 250,000 or more (typing slip)", {"tiny": 0, "small": 1, "national": 3},
    ),
    SampleError(
        "registro_oc", "registro_oc.csv", "unknown-ubigeo",
        "ubigeo 999999", {"tiny": 0, "small": 1, "national": 3},
    ),
    SampleError(
        "monitoreo_oc", "monitoreo_oc.csv", "unknown-reference",
        "visit to a codigo_oc not in the register", {"tiny": 0, "small": 1, "national": 10},
    ),
    SampleError(
        "monitoreo_oc", "monitoreo_oc.csv", "out-of-range",
        "cloro_residual_mg_l = 25", {"tiny": 1, "small": 1, "national": 10},
    ),
    SampleError(
        "monitoreo_oc", "monitoreo_oc.csv", "duplicate-key",
        "a visit row repeated verbatim (the second copy is the reject)",
        {"tiny": 0, "small": 1, "national": 10},
    ),
    SampleError(
        "atm", "atm.xlsx", "unknown-ubigeo", "ubigeo 999999", {"tiny": 0, "small": 1, "national": 2}
    ),
    SampleError(
        "clasificacion_municipal", "clasificacion_municipal.xlsx", "unknown-ubigeo",
        "ubigeo 999999", {"tiny": 0, "small": 1, "national": 2},
    ),
    SampleError(
        "avance_metas", "avance_metas.csv", "unknown-reference",
        "actividad not in the goal catalogue", {"tiny": 0, "small": 1, "national": 3},
    ),
    SampleError(
        "resultado_mef", "resultado_mef.csv", "unknown-ubigeo",
        "ubigeo 999999", {"tiny": 0, "small": 1, "national": 2},
    ),
    SampleError(
        "cartera_ong", "cartera_ong.csv", "unknown-ubigeo",
        "ubigeo 999999", {"tiny": 0, "small": 1, "national": 1},
    ),
)  # fmt: skip


def expected_errors(scale: str) -> dict[str, int]:
    """Rows the loader must reject, per kind, in the sample of this scale."""
    out: dict[str, int] = {}
    for err in DELIBERATE_ERRORS:
        out[err.kind] = out.get(err.kind, 0) + err.counts[scale]
    return out


EXPECTED_ERRORS: dict[str, dict[str, int]] = {s: expected_errors(s) for s in SCALES}


def _errors(file: str, problem: str, scale: str) -> int:
    return next(
        e.counts[scale] for e in DELIBERATE_ERRORS if (e.file, e.problem) == (file, problem)
    )


# ---------------------------------------------------------------- helpers -----------------


def _rng(seed: int, stream: str) -> np.random.Generator:
    """One independent generator per stream, so changing one file's draws leaves others alone."""
    return np.random.default_rng([seed, zlib.crc32(stream.encode())])


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _pick(rng: np.random.Generator, options: list[str] | tuple[str, ...], n: int) -> np.ndarray:
    return np.asarray(options, dtype=object)[rng.integers(0, len(options), n)]


def _zfill(values: np.ndarray, width: int) -> pd.Series:
    return pd.Series(values).astype(str).str.zfill(width)


def _dates(year: np.ndarray, rng: np.random.Generator, lo: float = 0, hi: float = 1) -> pd.Series:
    """A random date in the given part [lo, hi) of each year, never after SAMPLE_AS_OF."""
    return _date_at(year, lo + (hi - lo) * rng.random(len(year)))


def _date_at(year: np.ndarray, frac: np.ndarray) -> pd.Series:
    """The date a fraction `frac` into each year (the sample's last year ends at SAMPLE_AS_OF)."""
    start = pd.to_datetime(pd.Series(year).astype(str) + "-01-01")
    length = np.where(year == LAST_YEAR, SAMPLE_AS_OF.timetuple().tm_yday, 365)
    return start + pd.to_timedelta(np.floor(frac * length).astype(int), unit="D")


def _yes_no(mask: pd.Series | np.ndarray, yes: str = "Sí", no: str = "No") -> pd.Series:
    """Booleans as text; missing values (NaN) stay blank."""
    s = pd.Series(mask)
    return pd.Series(np.where(s.isna(), "", np.where(s.fillna(False).astype(bool), yes, no)))


def _to01(mask: pd.Series) -> pd.Series:
    return mask.astype("boolean").astype("Int8")


# ---------------------------------------------------------------- districts ---------------


def _all_districts(seed: int) -> pd.DataFrame:
    """All 1,892 districts with latent attributes (drawn nationally so scales agree)."""
    d = pd.DataFrame(reference.district_rows())
    for col in ("latitud", "longitud", "altitud_m"):
        d[col] = pd.to_numeric(d[col], errors="coerce")
        d[col] = d[col].fillna(d.groupby(d.ubigeo.str[:4])[col].transform("mean"))
        d[col] = d[col].fillna(d.groupby(d.ubigeo.str[:2])[col].transform("mean"))
    dep = d.ubigeo.str[:2]
    d["efecto"] = np.where(dep.isin(_COAST), 0.6, np.where(dep.isin(_AMAZON), -0.6, 0.0))
    d["urbano"] = d.ubigeo.str[:4].isin(_URBAN_PROVINCES) | d.ubigeo.isin(_URBAN_DISTRICTS)
    rng = _rng(seed, "districts")
    weight = rng.lognormal(0.0, 0.7, len(d)) * np.where(dep.isin(_COAST), 0.6, 1.0)
    weight = np.where(d.urbano, 0.0, weight)
    d["n_cp"] = np.where(d.urbano, 0, np.maximum(1, np.round(weight / weight.sum() * NATIONAL_CPS)))
    d["n_cp"] = d.n_cp.astype(int)
    fx = _rng(seed, "district-effects")
    deps = np.unique(dep)  # how strong each regional government's support to the ATMs is
    d["efecto_dep"] = dep.map(dict(zip(deps, fx.normal(0, 0.5, len(deps)), strict=True)))
    _portfolio_districts(d, _rng(seed, "ngo"))
    d["categoria"], d["viv_base"] = _categories(d, rng)
    d["anio_atm"] = _atm_years(d, rng)
    d["diligencia"] = rng.normal(0, 1, len(d)) + d.efecto_dep + 0.5 * d.ong.ne("")
    _performance(d, fx)
    return d


def _categories(d: pd.DataFrame, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """PI category by an urbanity rank (A 40, B 200, C 560, D rest) and 2015 urban dwellings."""
    score = (
        rng.normal(0, 1, len(d))
        + 5 * d.urbano
        + 1.5 * d.ubigeo.str.endswith("01")
        + 2 * d.ubigeo.str[2:].eq("0101")
        + 0.4 * d.ubigeo.str[:2].isin(_COAST)
    )
    rank = np.argsort(np.argsort(-score.to_numpy()))
    cat = np.select([rank < 40, rank < 240, rank < 800], ["A", "B", "C"], "D")
    viv = np.select(
        [cat == "A", cat == "B", cat == "C"],
        [
            np.clip(rng.lognormal(np.log(30_000), 0.6, len(d)), 8_000, 400_000),
            np.clip(rng.lognormal(np.log(4_000), 0.5, len(d)), 1_500, 20_000),
            np.exp(rng.uniform(np.log(500), np.log(3_000), len(d))),
        ],
        np.clip(rng.lognormal(np.log(220), 0.5, len(d)), 30, 470),
    )
    return cat, np.round(viv).astype(int)


def _atm_years(d: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Year each district created its ATM (0: none); ~1,450 rural districts have one by 2026.

    The 2015 goals pushed the larger municipalities (A-C) to create theirs in 2015, the smaller
    ones (D) in 2016. NGO-supported districts all have one; where the NGO's exit story needs
    the ATM's last goal (2017) met, it exists by 2016.
    """
    big = d.categoria.isin(["A", "B", "C"]).to_numpy()
    ngo = d.ong.ne("").to_numpy()
    score = rng.normal(0, 1, len(d)) + 0.8 * big + 0.8 * d.efecto_dep.to_numpy() + 9 * ngo
    has = np.argsort(np.argsort(-(score - 20 * d.urbano.to_numpy()))) < _N_ATM
    years = np.arange(2015, LAST_YEAR + 1)
    rest = np.full(len(years) - 3, 1.0)
    p_big = np.r_[0.85, 0.07, 0.03, rest * 0.05 / rest.sum()]
    p_small = np.r_[0.15, 0.7, 0.08, rest * 0.07 / rest.sum()]
    year = np.where(big, rng.choice(years, len(d), p=p_big), rng.choice(years, len(d), p=p_small))
    year = np.where(d.ong_atm.to_numpy(), np.minimum(year, 2016), year)
    return np.where(has, year, 0)


def _performance(d: pd.DataFrame, rng: np.random.Generator) -> None:
    """Whether each district's ATM worked well in each goal year (`buena_<year>`).

    A good year is what the goal stories hang on: the ATM surveyed most CPs for DATASS,
    registered and visited its JASS, approved its POA and budget, and reported its evidence.
    """
    for year in GOAL_YEARS:
        ready = (d.anio_atm > 0) & (d.anio_atm <= year)
        good = 1.5 + d.diligencia + rng.normal(0, 0.8, len(d)) > 0
        d[f"buena_{year}"] = ready & good
    ngo = d.ong.ne("")
    d.loc[ngo, "buena_2017"] = d.ong_atm[ngo]  # the exit story's ATM criterion (last goal met)


def _scale_filter(d: pd.DataFrame, scale: str) -> pd.DataFrame:
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}, got {scale!r}")
    if scale == "tiny":
        d = d[d.ubigeo.str[:4] == TINY_PROVINCE]
    elif scale == "small":
        d = d[d.ubigeo.str[:2] == SMALL_DEPARTMENT]
    return d.reset_index(drop=True)


# ---------------------------------------------------------------- centros poblados --------

_ROOTS = (
    "Pampa Grande", "Huayllabamba", "Chontapampa", "Santa Rosa", "San Isidro", "Llactapampa",
    "Cruzpata", "Quinuapata", "Collpa", "Huancapampa", "Rumichaca", "Tambillo", "Cochabamba",
    "Paccha", "Tingo", "Lucma", "Shapaja", "Chuquibamba", "Uchumarca", "Laguna Seca", "Chaquil",
    "Molinopampa", "Pomacochas", "Nuevo Progreso", "La Florida", "El Porvenir", "Buenos Aires",
    "Naranjitos", "Cedropampa", "Jucusbamba", "Yambrasbamba", "San Martín", "Huaylla", "Ayapata",
    "Ccochaccasa", "Puca Puca", "Santa Cruz", "San Juan", "Las Palmas", "Miraflores", "Marcapata",
    "Ñahuinpuquio", "Chacapampa", "Totora", "Quishuar", "Yanacancha", "Pucará", "Achamal",
)  # fmt: skip
_SUFFIXES = ("", "", "", "", "", " Alto", " Bajo", " Grande", " Chico", " Nuevo", " I", " II")
_FIRST = (
    "María", "Juan", "Rosa", "José", "Carmen", "Luis", "Julia", "Pedro", "Elena", "Víctor",
    "Norma", "Teodoro", "Dionisia", "Hilario", "Flor", "Santos", "Marleny", "Edwin", "Yolanda",
    "Wilmer", "Nélida", "Segundo", "Gladys", "Fortunato",
)  # fmt: skip
_SURNAMES = (
    "Quispe", "Mamani", "Huamán", "Flores", "Condori", "Chávez", "Rojas", "Ramos", "Sánchez",
    "Vásquez", "Díaz", "Torres", "Mendoza", "Cruz", "Tafur", "Chuquimango", "Llanos", "Inga",
    "Yupanqui", "Pariona", "Guevara", "Culqui", "Tantaleán", "Ñaupari",
)  # fmt: skip


def _centros_poblados(d: pd.DataFrame, rng: np.random.Generator, mult: int) -> pd.DataFrame:
    """One row per rural CP with its static attributes (population, water system, latent)."""
    counts = d.n_cp.to_numpy() * mult
    cp = d.loc[np.repeat(d.index, counts), ["ubigeo", "departamento", "provincia", "distrito"]]
    for col in ("efecto", "latitud", "longitud", "altitud_m", "anio_atm"):
        cp[col] = np.repeat(d[col].to_numpy(), counts)
    cp = cp.reset_index(drop=True)
    n = len(cp)
    cp["ubigeo_cp"] = cp.ubigeo + _zfill(cp.groupby("ubigeo").cumcount().to_numpy() + 1, 4)
    cp["nombre"] = pd.Series(_pick(rng, _ROOTS, n)) + _pick(rng, _SUFFIXES, n)
    cp["poblacion"] = np.clip(rng.lognormal(np.log(150), 0.95, n), 12, 60_000).round()
    cp["hogar"] = rng.uniform(3.2, 4.6, n)
    logpop = np.log(cp.poblacion / 150)
    water = _sigmoid(2.6 + cp.efecto + 0.45 * logpop + rng.normal(0, 0.6, n))
    cp["tiene_sistema"] = rng.random(n) < water
    cp["anio_sistema"] = np.where(rng.random(n) < 0.8, 0, rng.integers(2015, LAST_YEAR, n))
    cp["frac_servida"] = rng.beta(9, 1.6, n)
    san = _sigmoid(-0.95 + 0.8 * cp.efecto + 0.35 * logpop + rng.normal(0, 0.8, n))
    cp["tiene_excretas"] = rng.random(n) < san
    cp["anio_excretas"] = np.where(rng.random(n) < 0.75, 0, rng.integers(2015, LAST_YEAR, n))
    cp["latitud"] = np.clip(cp.latitud + rng.normal(0, 0.04, n), -18.3, -0.05).round(6)
    cp["longitud"] = np.clip(cp.longitud + rng.normal(0, 0.04, n), -81.3, -68.7).round(6)
    cp["altitud_m"] = np.clip(cp.altitud_m * rng.lognormal(0, 0.1, n), 5, 4_900).round()
    _everyone(cp, np.repeat(d.ong_cobertura.to_numpy(), counts), rng)
    return cp


def _everyone(cp: pd.DataFrame, lever: np.ndarray, rng: np.random.Generator) -> None:
    """NGO districts whose exit story has "everyone" served: every CP has a system, nearly
    every household connected."""
    n = len(cp)
    cp["tiene_sistema"] = cp.tiene_sistema | lever
    cp["anio_sistema"] = np.where(lever, 0, cp.anio_sistema)
    cp["frac_servida"] = np.where(lever, rng.beta(40, 1, n), cp.frac_servida)


def _jass(cp: pd.DataFrame, d: pd.DataFrame, rng) -> tuple[pd.DataFrame, pd.Series]:
    """Group CPs with a water system into JASS (most serve one CP, some 2-3); codes and latents."""
    sys_idx = np.flatnonzero(cp.tiene_sistema.to_numpy())
    sizes = rng.choice([1, 2, 3], len(sys_idx), p=[0.92, 0.06, 0.02])
    group = np.searchsorted(np.cumsum(sizes), np.arange(len(sys_idx)), side="right")
    # A group never spans two districts: split it at the district boundary.
    key = pd.Series(group).astype(str) + cp.ubigeo.to_numpy()[sys_idx]
    gid = pd.factorize(key)[0]
    members = pd.DataFrame({"g": gid, "ubigeo_cp": cp.ubigeo_cp.to_numpy()[sys_idx]})
    first = members.drop_duplicates("g").set_index("g")
    j = pd.DataFrame({"ubigeo": first.ubigeo_cp.str[:6], "ubigeo_cp": first.ubigeo_cp})
    j["ubigeo_cps"] = members.groupby("g").ubigeo_cp.agg(";".join)
    j = j.reset_index(drop=True)
    j["codigo_oc"] = "OC" + j.ubigeo + _zfill(j.groupby("ubigeo").cumcount().to_numpy() + 1, 3)
    cp_of = cp.set_index("ubigeo_cp")
    j["nombre"] = "JASS " + cp_of.nombre.reindex(j.ubigeo_cp).to_numpy()
    _jass_latents(j, cp_of.reindex(j.ubigeo_cp), d, rng)
    codes = pd.Series(j.codigo_oc.to_numpy()[gid], index=members.ubigeo_cp.to_numpy())
    return j, codes.reindex(cp.ubigeo_cp).reset_index(drop=True)


def _jass_latents(j: pd.DataFrame, cp: pd.DataFrame, d: pd.DataFrame, rng) -> None:
    """Capacity (strong vs weak JASS), its yearly trend, and register status.

    Capacity rises with a working ATM (diligencia) and with NGO support, most where the NGO's
    exit story has the district's JASS graded A/B; NGO districts register nearly every JASS.
    """
    n = len(j)
    dd = d.set_index("ubigeo").reindex(j.ubigeo)
    ngo, dil = dd.ong.ne("").to_numpy(), dd.diligencia.to_numpy()
    j["anio_atm"] = cp.anio_atm.to_numpy()
    has_atm = j.anio_atm.to_numpy() > 0
    boost = _CAPACITY_SHIFT + 0.25 * dil + ngo * (0.2 + 1.5 * dd.ong_ab.to_numpy())
    j["capacidad"] = (
        rng.normal(0, _CAPACITY_SD, n) + 0.25 * cp.efecto.to_numpy() + 0.3 * has_atm + boost
    )
    j["tendencia"] = rng.normal(0, 0.15, n) + 0.05 * ngo
    j["tipo"] = rng.choice(
        ["JASS", "Comité", "Asociación", "Cooperativa", "Otro"], n, p=[0.86, 0.07, 0.04, 0.01, 0.02]
    )
    j.loc[j.tipo != "JASS", "nombre"] = j.tipo + j.nombre.str[4:].radd(" de")
    good = dd[[f"buena_{y}" for y in GOAL_YEARS]].any(axis=1).to_numpy()  # ran a campaign
    p_reg = _sigmoid(0.1 + 0.5 * j.capacidad + 0.5 * has_atm + 0.3 * dil + 1.2 * good)
    j["registrada"] = rng.random(n) < p_reg
    p_rec = _sigmoid(1.3 + 0.5 * j.capacidad + 0.3 * dil + 1.2 * good)
    j["reconocida"] = j.registrada & (rng.random(n) < p_rec)
    j["clora_sistema"] = rng.random(n) < _sigmoid(-1.0 + 0.6 * j.capacidad)
    j["tipo_sistema"] = rng.choice(
        ["Gravedad sin tratamiento", "Gravedad con tratamiento", "Bombeo sin tratamiento",
         "Bombeo con tratamiento"], n, p=[0.7, 0.18, 0.08, 0.04],
    )  # fmt: skip
    j["tipo_fuente"] = rng.choice(
        ["Manantial", "Quebrada", "Río", "Pozo"], n, p=[0.7, 0.15, 0.1, 0.05]
    )
    j["asociados"] = np.maximum(5, rng.poisson(45, n))
    j["u_cloro"] = rng.random(n)  # persistent: a JASS that chlorinates tends to keep doing it
    _ngo_jass(j, dd, rng)
    j["anio_registro"] = _registration_years(j, dd, rng)


def _ngo_jass(j: pd.DataFrame, dd: pd.DataFrame, rng: np.random.Generator) -> None:
    """NGO support: JASS registered; chlorinating well where the exit story says so.

    `cloro_mu` / `cloro_sd` are the log-mean and spread of a JASS's residual-chlorine readings.
    """
    n = len(j)
    ngo, clean = dd.ong.ne("").to_numpy(), dd.ong_cloro.to_numpy()
    j["registrada"] = j.registrada | (ngo & ((rng.random(n) < 0.97) | dd.ong_visitas.to_numpy()))
    j["reconocida"] = j.reconocida | (j.registrada & ngo & (rng.random(n) < 0.9))
    j["clora_sistema"] = j.clora_sistema | clean
    j["u_cloro"] = np.where(clean, 0.15 * j.u_cloro, j.u_cloro)
    j["cloro_mu"] = np.where(clean, np.log(1.0), np.log(0.22))
    j["cloro_sd"] = np.where(clean, 0.3, 0.75)


def _registration_years(j: pd.DataFrame, dd: pd.DataFrame, rng: np.random.Generator):
    """Year each JASS entered the municipal register (0: never registered).

    An ATM registers most of its JASS in a campaign: its first good goal year, else a year or
    two after it was created; a few municipalities kept a register before (2008-2014).
    """
    n = len(j)
    atm = j.anio_atm.to_numpy()
    good = np.column_stack([dd[f"buena_{y}"].to_numpy() for y in GOAL_YEARS])
    first_good = np.asarray(GOAL_YEARS)[good.argmax(axis=1)]
    campaign = np.where(good.any(axis=1), first_good, atm + rng.geometric(0.5, n) - 1)
    year = campaign + np.where(rng.random(n) < 0.92, 0, rng.integers(1, 6, n))
    year = np.where(atm > 0, year, rng.integers(2012, LAST_YEAR + 1, n))
    year = np.where(rng.random(n) < 0.08, rng.integers(2008, 2015, n), year)
    return np.where(j.registrada, np.minimum(year, LAST_YEAR), 0)


def _chlorinates(j: pd.DataFrame, idx: np.ndarray, cap: np.ndarray, rng) -> np.ndarray:
    """Whether a JASS chlorinates at a survey or visit (same rule in DATASS and visits)."""
    p = _sigmoid(-2.9 + 1.1 * cap + 1.6 * j.clora_sistema.to_numpy()[idx])
    return 0.8 * j.u_cloro.to_numpy()[idx] + 0.2 * rng.random(len(idx)) < p


def _capacity(j: pd.DataFrame, idx: np.ndarray, year: np.ndarray, rng: np.random.Generator):
    """A JASS's capacity in a given year: its level, its trend, and this year's noise."""
    cap = j.capacidad.to_numpy()[idx] + j.tendencia.to_numpy()[idx] * (year - 2024)
    return cap + rng.normal(0, 0.3, len(idx))


# ---------------------------------------------------------------- DATASS surveys ----------

# Mean share of CPs surveyed per year outside the goal years (2015-2017: see _survey_share).
_SURVEY_P = {2018: 0.12, 2019: 0.12, 2020: 0.06, 2021: 0.12, 2022: 0.2, 2023: 0.25, 2024: 0.3,
             2025: 0.35, 2026: 0.3}  # fmt: skip


def _survey_share(d: pd.DataFrame, year: int, rng: np.random.Generator) -> np.ndarray:
    """Each district's chance of surveying a CP in `year`.

    In a goal year an ATM that worked well surveyed nearly all its CPs (the goals' DATASS
    metric), a weak one some, and districts without an ATM few. NGO districts with a DATASS
    update campaign survey nearly all CPs in the last year.
    """
    n = len(d)
    if year in GOAL_YEARS:
        ready = ((d.anio_atm > 0) & (d.anio_atm <= year)).to_numpy()
        weak = np.where(ready, rng.beta(2, 2.5, n), rng.beta(1, 4, n))
        return np.where(d[f"buena_{year}"].to_numpy(), rng.beta(24, 1.2, n), weak)
    mean = _SURVEY_P.get(year, 0.1)
    p = rng.beta(mean * 8, (1 - mean) * 8, n)
    if year == LAST_YEAR:
        p = np.where(d.ong_encuesta.to_numpy(), 0.97, p)
    return p


def _survey_years(cp: pd.DataFrame, d: pd.DataFrame, seed: int, first_year: int):
    """Which (CP, year) pairs have a DATASS survey (DataFrame cp, anio); every CP has one."""
    rng = _rng(seed, "survey-years")
    years = np.arange(first_year, LAST_YEAR + 1)
    dd = d.set_index("ubigeo")
    districts, d_idx = np.unique(cp.ubigeo.to_numpy(), return_inverse=True)
    dd = dd.reindex(districts)
    p = np.column_stack([_survey_share(dd, int(y), rng) for y in years])  # a dozen years
    surveyed = rng.random((len(cp), len(years))) < p[d_idx]
    none = ~surveyed.any(axis=1)
    surveyed[none, rng.integers(len(years) - 5, len(years) - 1, none.sum())] = True
    rows, cols = np.nonzero(surveyed)
    return pd.DataFrame({"cp": rows, "anio": years[cols]})


def _surveys(cp, d, j, oc: pd.Series, seed: int, first_year: int) -> pd.DataFrame:
    """One DATASS row per surveyed (CP, year), canonical columns, values typed."""
    rng = _rng(seed, "surveys")
    sy = _survey_years(cp, d, seed, first_year)
    c = cp.iloc[sy.cp.to_numpy()].reset_index(drop=True)
    year = sy.anio.to_numpy()
    n = len(c)
    s = pd.DataFrame({"ubigeo_cp": c.ubigeo_cp, "centro_poblado": c.nombre.str.upper()})
    for col in ("departamento", "provincia", "distrito"):
        s[col] = c[col].str.upper()
    s = pd.concat([s, _utm(c)], axis=1)
    pop = np.maximum(10, np.round(c.poblacion * 1.01 ** (year - 2026) * rng.lognormal(0, 0.03, n)))
    hab = np.ceil(pop / c.hogar).astype(int)
    s["total_viviendas"] = hab + rng.binomial(hab, 0.12)
    s["viviendas_habitadas"] = hab
    s["total_poblacion"] = pop.astype(int)
    community = _community(cp, _rng(seed, "community")).iloc[sy.cp.to_numpy()]
    s = pd.concat([s, community.reset_index(drop=True)], axis=1)
    has = c.tiene_sistema & ((c.anio_sistema == 0) | (c.anio_sistema <= year))
    frac = np.clip(c.frac_servida + rng.normal(0, 0.03, n), 0.3, 1.0)
    s["sistema_agua"] = has
    s["viviendas_conexion"] = np.where(has, np.round(hab * frac), 0).astype(int)
    s["poblacion_servicio_agua"] = np.where(has, np.round(pop * frac), 0).astype(int)
    s["sistema_disposicion_excretas"] = c.tiene_excretas & (
        (c.anio_excretas == 0) | (c.anio_excretas <= year)
    )
    provider = _provider(c, j, oc.iloc[sy.cp.to_numpy()].to_numpy(), year, has.to_numpy(), rng)
    s = pd.concat([s, provider], axis=1)
    s["fecha_encuesta"] = _dates(year, rng, 0.05, 0.95)
    s["anio"] = year
    return s


def _utm(c: pd.DataFrame) -> pd.DataFrame:
    """Approximate UTM (WGS84, southern zones 17-19) from lat/lon: plausible, not survey-grade."""
    zone = np.floor((c.longitud + 180) / 6).astype(int) + 1
    central = zone * 6 - 183
    east = 500_000 + (c.longitud - central) * 111_320 * np.cos(np.radians(c.latitud)) * 0.9996
    north = 10_000_000 + c.latitud * 110_574
    return pd.DataFrame({
        "zona_utm_wgs84": zone.astype(str) + "S",
        "coordenadas_este": east.round(0),
        "coordenadas_norte": north.round(0),
        "latitud": c.latitud,
        "longitud": c.longitud,
        "altitud": c.altitud_m,
    })  # fmt: skip


def _community(c: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Language, electricity, schools and health post of a CP (larger CPs have more)."""
    n = len(c)
    logpop = np.log(c.poblacion.to_numpy() / 150)
    quechua = c.ubigeo.str[:2].map(_QUECHUA).fillna(0.03).to_numpy()
    out = {"lengua_predominante": np.where(rng.random(n) < quechua, "Quechua", "Castellano")}
    out["energia_electrica"] = rng.random(n) < _sigmoid(1.2 + logpop)
    out["internet"] = rng.random(n) < _sigmoid(-1.5 + logpop)
    base = {"establecimiento_salud": -1.2, "pronoei": -0.3, "primaria": 1.0, "secundaria": -1.0}
    for name, a in base.items():
        exists = rng.random(n) < _sigmoid(a + 1.2 * logpop)
        out[name] = exists
        out[f"{name}_agua"] = pd.Series(rng.random(n) < 0.7).where(exists)
        out[f"funciona_{name}"] = pd.Series(rng.random(n) < 0.9).where(exists)
        out[f"{name}_banios"] = pd.Series(rng.random(n) < 0.6).where(exists)
    return pd.DataFrame(out)


def _provider(c, j, oc: np.ndarray, year: np.ndarray, has: np.ndarray, rng) -> pd.DataFrame:
    """The provider (JASS) answers of a survey: management, fee, chlorination, system type."""
    n = len(c)
    jidx = pd.Index(j.codigo_oc).get_indexer(pd.Series(oc).fillna(""))
    ok = has & (jidx >= 0)
    ji = np.where(ok, jidx, 0)
    cap = _capacity(j, ji, year, rng)
    jj = j.iloc[ji].reset_index(drop=True)

    def flag(x: np.ndarray) -> pd.Series:
        return pd.Series(rng.random(n) < _sigmoid(x)).where(ok)

    charges = flag(0.9 + cap)
    chlor_sys = pd.Series(jj.clora_sistema.to_numpy() | (rng.random(n) < 0.05)).where(ok)
    asoc = np.round(jj.asociados * rng.uniform(0.9, 1.1, n))
    out = pd.DataFrame({
        "codigo_ps": pd.Series(np.where(ok, jj.codigo_oc, None), dtype="str"),
        "prestador_servicio": pd.Series(np.where(ok, jj.nombre.str.upper(), None), dtype="str"),
        "tipo_organizacion_comunal": pd.Series(np.where(ok, jj.tipo, None), dtype="str"),
        "total_asociados": pd.Series(asoc).where(ok).astype("Int64"),
        "cobra_cuota": charges,
        "cuota_familiar": pd.Series(rng.choice([1, 1.5, 2, 2.5, 3, 4, 5, 8, 10], n)).where(
            charges.fillna(False).astype(bool)
        ),
        "tipo_cobro": pd.Series("Cuota fija", index=range(n), dtype="str").where(
            charges.fillna(False).astype(bool)
        ),
        "asociados_morosos": pd.Series(
            rng.binomial(asoc.astype(int), _sigmoid(-1.2 - 0.7 * cap))
        ).where(ok).astype("Int64"),
        "tiene_operador": flag(0.6 + cap),
        "registro_cloro_residual": flag(-1.6 + 0.9 * cap),
        "codigo_fuente": pd.Series(np.where(ok, "FTE" + c.ubigeo_cp, None), dtype="str"),
        "fuente_principal": pd.Series(
            np.where(ok, jj.tipo_fuente + " " + c.nombre, None), dtype="str"
        ),
        "tipo_fuente": pd.Series(np.where(ok, jj.tipo_fuente, None), dtype="str"),
        "servicio_agua_continuo": flag(0.4 + cap),
        "sistema_cloracion": chlor_sys,
        "realiza_cloracion": pd.Series(_chlorinates(j, ji, cap, rng)).where(ok),
        "tipo_sistema_agua": pd.Series(np.where(ok, jj.tipo_sistema, None), dtype="str"),
    })  # fmt: skip
    kinds = _pick(rng, ["Goteo", "Hipoclorador por erosión", "Dosificador"], n)
    out["tipo_sistema_cloracion"] = pd.Series(kinds, dtype="str").where(
        chlor_sys.fillna(False).astype(bool)
    )
    return out


# ---------------------------------------------------------------- ATM visits --------------


def _visit_effort(d: pd.DataFrame, years: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Per district and year, the chance that its ATM follows a given registered JASS.

    Goal years: most JASS when the ATM worked well (nearly all in 2017, whose goals count
    visits), a fifth otherwise. Later years: a steady district effort; NGO districts follow
    closely, and in the last year visit (nearly) every JASS only where the NGO's exit story
    has them visited.
    """
    base = rng.beta(3, 1.6, len(d))
    weak = rng.beta(1, 4, len(d))
    ngo = d.ong.ne("").to_numpy()
    cols = []
    for year in years:
        if year in GOAL_YEARS:
            full = 0.95 if year == GOAL_YEARS[-1] else 0.7  # the 2017 goals count visits
            cols.append(np.where(d[f"buena_{year}"].to_numpy(), full, weak))
        elif year == LAST_YEAR:
            cols.append(np.where(ngo, np.where(d.ong_visitas.to_numpy(), 0.99, 0.35), base))
        else:
            cols.append(np.where(ngo, np.maximum(base, 0.8), base))
    return np.column_stack(cols)


def _visit_pairs(j: pd.DataFrame, d: pd.DataFrame, seed: int, first_year: int) -> pd.DataFrame:
    """(JASS, year, visit number) for registered JASS the district's ATM follows that year.

    Visits run from `first_year` on, plus the goal years (one visit each: the goals' metric).
    """
    rng = _rng(seed, "visit-pairs")
    years = np.union1d(GOAL_YEARS, np.arange(first_year, LAST_YEAR + 1))
    districts, d_idx = np.unique(j.ubigeo.to_numpy(), return_inverse=True)
    effort = _visit_effort(d.set_index("ubigeo").reindex(districts), years, rng)[d_idx]
    atm, reg = j.anio_atm.to_numpy()[:, None], j.anio_registro.to_numpy()[:, None]
    can = (reg > 0) & (reg <= years) & (atm > 0) & (atm <= years)
    follow = can & (rng.random((len(j), len(years))) < effort)
    ji, yi = np.nonzero(follow)
    regular = years[yi] >= first_year
    times = np.where(regular, 1 + rng.binomial(2, 0.1, len(ji)), 1)
    starts = np.repeat(np.cumsum(times) - times, times)
    return pd.DataFrame({
        "j": np.repeat(ji, times),
        "anio": np.repeat(years[yi], times),
        "k": np.arange(times.sum()) - starts,
        "n": np.repeat(times, times),
    })  # fmt: skip


_OBSERVATIONS = (
    "", "", "", "", "", "", "Sin observaciones", "Falta insumo de cloro", "Reservorio con fisuras",
    "Consejo directivo por renovar", "Operador capacitado en cloración", "Fuga en línea de conducción",
    "Se recomienda actualizar el padrón de asociados",
)  # fmt: skip


def _visits(j: pd.DataFrame, d: pd.DataFrame, seed: int, first_year: int) -> pd.DataFrame:
    """One row per ATM visit: the sustainability indicators, driven by the JASS's capacity."""
    rng = _rng(seed, "visits")
    v = _visit_pairs(j, d, seed, first_year)
    ji, year, n = v.j.to_numpy(), v.anio.to_numpy(), len(v)
    cap = _capacity(j, ji, year, rng)
    # Visits in a year fall in distinct parts of it, so one JASS never has two on one day.
    lo, width = v.k.to_numpy() / v.n.to_numpy(), 1 / v.n.to_numpy()
    fecha = _date_at(year, lo + width * rng.random(n) * 0.95)
    chlorinates = _chlorinates(j, ji, cap, rng)
    residual = np.where(
        chlorinates,
        np.clip(rng.lognormal(j.cloro_mu.to_numpy()[ji], j.cloro_sd.to_numpy()[ji]), 0.05, 2.5),
        np.where(rng.random(n) < 0.8, 0.0, 0.1),
    ).round(2)
    total = np.round(j.asociados.to_numpy()[ji] * rng.uniform(0.9, 1.1, n)).astype(int)
    charges = rng.random(n) < _sigmoid(1.0 + cap)

    def flag(x: np.ndarray) -> pd.Series:
        return _to01(pd.Series(rng.random(n) < _sigmoid(x)))

    out = pd.DataFrame({
        "codigo_oc": j.codigo_oc.to_numpy()[ji],
        "fecha_visita": fecha.dt.date,
        "ubigeo": j.ubigeo.to_numpy()[ji],
        "cloro_residual_mg_l": pd.Series(residual).where(rng.random(n) > 0.06),
        "realiza_cloracion": _to01(pd.Series(chlorinates)),
        "registro_cloro_residual": flag(-1.0 + cap + 1.5 * chlorinates),
        "cobra_cuota": _to01(pd.Series(charges)),
        "cuota_familiar": pd.Series(rng.choice([1, 1.5, 2, 3, 4, 5, 6, 10], n)).where(charges),
        "asociados_al_dia": np.where(charges, rng.binomial(total, _sigmoid(0.8 + 0.8 * cap)), 0),
        "total_asociados": total,
        "libro_caja_al_dia": flag(0.2 + cap),
        "fondos_disponibles": flag(-0.2 + cap),
        "tiene_operador": flag(0.8 + cap),
        "operador_remunerado": flag(-0.8 + cap),
        "plan_om": flag(-0.5 + cap),
        "reuniones_consejo_6m": rng.poisson(np.exp(0.7 + 0.4 * np.clip(cap, -3, 3))),
        "rinde_cuentas_12m": flag(0.3 + cap),
        "continuidad_horas": np.where(
            rng.random(n) < _sigmoid(0.8 + cap), 24.0, rng.integers(4, 21, n).astype(float)
        ),
    })  # fmt: skip
    return pd.concat([out, _infrastructure(cap, rng)], axis=1)


def _infrastructure(cap: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """Component grades A-D, source protection and the visitor's note, from capacity."""
    n = len(cap)
    out = pd.DataFrame(index=range(n))
    for name, offset in (("captacion", 0.1), ("conduccion", 0.0), ("almacenamiento", -0.1),
                         ("distribucion", -0.3)):  # fmt: skip
        s = cap + offset + rng.normal(0, 0.6, n)
        out[f"estado_{name}"] = np.select([s > 1.2, s > 0.0, s > -1.1], ["A", "B", "C"], "D")
    out["fuente_protegida"] = _to01(pd.Series(rng.random(n) < _sigmoid(0.2 + 0.8 * cap)))
    out["observaciones"] = _pick(rng, _OBSERVATIONS, n)
    return out


# ---------------------------------------------------------------- register, ATM, PI -------


def _abbrev(names: pd.Series) -> pd.Series:
    """'MD' + the first letters of a district's name, as in 'Ordenanza Municipal N° 012-2015-MDJUM'."""
    ascii_ = names.str.normalize("NFKD").str.encode("ascii", "ignore").str.decode("ascii")
    return "MD" + ascii_.str.replace(r"[^A-Za-z]", "", regex=True).str[:3].str.upper()


def _register(j: pd.DataFrame, names: pd.Series, seed: int) -> pd.DataFrame:
    """The municipal register (libro de registro) rows of the registered JASS."""
    rng = _rng(seed, "register")
    r = j[j.registrada].reset_index(drop=True)
    n = len(r)
    reg_year = r.anio_registro.to_numpy()
    const_year = np.minimum(rng.integers(1995, 2020, n), reg_year - 1)
    fecha_reg = _dates(reg_year, rng)
    number = _zfill(r.groupby("ubigeo").cumcount().to_numpy() + 1, 3)
    abbr = _abbrev(names.reindex(r.ubigeo).reset_index(drop=True))
    res_date = np.minimum(
        fecha_reg + pd.to_timedelta(rng.integers(10, 90, n), unit="D"), pd.Timestamp(SAMPLE_AS_OF)
    )
    start = _date_at(rng.integers(2022, LAST_YEAR + 1, n), rng.random(n))
    term = rng.choice([2, 3], n, p=[0.6, 0.4])
    end = start + pd.to_timedelta(term * 365 - 1, unit="D")
    out = pd.DataFrame({
        "codigo_oc": r.codigo_oc,
        "nombre": r.nombre,
        "ubigeo": r.ubigeo.astype(int),  # as Excel leaves it: 010301 becomes 10301
        "ubigeo_cp": r.ubigeo_cps,
        "tipo_organizacion": r.tipo,
        "fecha_constitucion": _dates(const_year, rng).dt.date,
        "numero_registro": "RMOC-" + number + "-" + pd.Series(reg_year).astype(str),
        "fecha_registro": fecha_reg.dt.date,
        "resolucion_reconocimiento": ("RA N° " + number + "-" + res_date.dt.year.astype(str)
                                      + "-" + abbr).where(r.reconocida),
        "fecha_resolucion": res_date.dt.date.where(r.reconocida),
        "consejo_inicio": start.dt.date,
        "consejo_fin": end.dt.date,
        "mujeres_consejo": rng.choice([0, 1, 2, 3], n, p=[0.3, 0.35, 0.25, 0.1]),
        "total_asociados": r.asociados,
        "estatuto_aprobado": rng.random(n) < 0.8,
        "reglamento_aprobado": rng.random(n) < 0.65,
        "presidente": _person(rng, n),
    })  # fmt: skip
    return out


def _person(rng: np.random.Generator, n: int) -> pd.Series:
    """A synthetic full name (first name and two surnames); never a real person's record."""
    first = pd.Series(_pick(rng, _FIRST, n))
    return first + " " + _pick(rng, _SURNAMES, n) + " " + _pick(rng, _SURNAMES, n)


def _atm_rows(d: pd.DataFrame, seed: int) -> pd.DataFrame:
    """One row per district with an ATM and year, from the year it was created."""
    rng = _rng(seed, "atm")
    a = d[d.anio_atm > 0].reset_index(drop=True)
    span = LAST_YEAR - a.anio_atm.to_numpy() + 1
    idx = np.repeat(np.arange(len(a)), span)
    created = a.anio_atm.to_numpy()[idx]
    year = created + np.arange(len(idx)) - np.repeat(np.cumsum(span) - span, span)
    age, dil = year - created, a.diligencia.to_numpy()[idx]
    abbr = _abbrev(a.distrito)[idx].reset_index(drop=True)
    num = _zfill(rng.integers(1, 40, len(a)), 3)[idx].reset_index(drop=True)
    ord_date = _dates(a.anio_atm.to_numpy(), rng, 0, 0.6)
    designated = rng.random(len(idx)) < _sigmoid(0.6 + 0.5 * age + dil)
    has_pia = rng.random(len(idx)) < _sigmoid(1.2 + 0.3 * age + dil)
    poa = rng.random(len(idx)) < _sigmoid(0.3 * age + dil)
    _goal_year_plans(a.iloc[idx].reset_index(drop=True), year, has_pia, poa, rng)
    pia = np.where(has_pia, np.round(rng.lognormal(np.log(25_000), 0.8, len(idx)), -2), 0.0)
    share = rng.beta(6, 2, len(idx)) * np.where(year == LAST_YEAR, 0.75, 1.0)
    out = pd.DataFrame({
        "ubigeo": a.ubigeo.to_numpy()[idx].astype(int),
        "anio": year,
        "ordenanza_atm": "OM N° " + num + "-" + pd.Series(created).astype(str) + "-" + abbr,
        "fecha_ordenanza": ord_date.dt.date.to_numpy()[idx],
        "responsable_designado": designated,
        "fecha_designacion": (ord_date.to_numpy()[idx] + np.timedelta64(30, "D")),
        "poa_aprobado": poa,
        "presupuesto_pia": pia,
        "presupuesto_ejecutado": np.round(pia * share, 2),
        "personal_atm": 1 + rng.poisson(0.8, len(idx)),
        "kit_cloro_residual": rng.random(len(idx)) < _sigmoid(-0.5 + 0.25 * age + dil),
    })  # fmt: skip
    out["fecha_designacion"] = out.fecha_designacion.where(designated)
    return out


def _goal_year_plans(a: pd.DataFrame, year: np.ndarray, pia: np.ndarray, poa: np.ndarray, rng):
    """Align the ATM rows with the stories: a good goal year has its POA approved and (for
    the next year's opening budget, goal 2016-35) a PIA line; NGO exit levers set this year's.
    """
    for y in GOAL_YEARS:
        good = a[f"buena_{y}"].to_numpy()
        now = year == y
        poa[now] = rng.random(now.sum()) < np.where(good[now], 0.92, 0.3)
        nxt = year == y + 1
        pia[nxt] = rng.random(nxt.sum()) < np.where(good[nxt], 0.95, 0.35)
    last = (year == LAST_YEAR) & a.ong.ne("").to_numpy()
    pia[last] = a.ong_pia.to_numpy()[last]


CLASSIFICATION_YEARS = (2015, 2016, 2017, 2024, 2025, 2026)


def _classification(d: pd.DataFrame) -> pd.DataFrame:
    """PI category per district and year; C/D follow the 500-urban-dwellings line as it grows."""
    years = np.array(CLASSIFICATION_YEARS)
    idx = np.repeat(np.arange(len(d)), len(years))
    year = np.tile(years, len(d))
    viv = np.round(d.viv_base.to_numpy()[idx] * 1.02 ** (year - 2015)).astype(int)
    cat = d.categoria.to_numpy()[idx]
    cat = np.where(np.isin(cat, ["C", "D"]), np.where(viv >= 500, "C", "D"), cat)
    return pd.DataFrame(
        {
            "ubigeo": d.ubigeo.to_numpy()[idx],
            "anio": year,
            "categoria": cat,
            "viviendas_urbanas": viv,
        }
    )


# ---------------------------------------------------------------- goals -------------------

_DOCUMENTS = {
    "rof": "Ordenanza Municipal N° {n}-{y}-{m} (modifica ROF)",
    "informe_tecnico": "Informe Técnico N° {n}-{y}-{m}/ATM",
    "acuerdo_concejo": "Acuerdo de Concejo N° {n}-{y}-{m}",
    "ordenanza": "Ordenanza Municipal N° {n}-{y}-{m}",
    "resolucion_responsable": "Resolución de Alcaldía N° {n}-{y}-{m}",
    "poa": "Resolución de Alcaldía N° {n}-{y}-{m} (aprueba POA)",
    "fichas_datass": "Oficio N° {n}-{y}-{m}/ATM (fichas DATASS firmadas)",
}
_DEFAULT_DOCUMENT = "Documento N° {n}-{y}-{m}"


def _applicable(goal: catalog.Goal, d: pd.DataFrame, clas: pd.DataFrame) -> pd.DataFrame:
    """Districts the goal applies to: their category in the goal year (nearest known year)."""
    year = min(CLASSIFICATION_YEARS, key=lambda y: abs(y - goal.anio))
    cats = clas[clas.anio == year].set_index("ubigeo").categoria
    mask = cats.reindex(d.ubigeo).isin(goal.categorias).to_numpy()
    return d[mask & ~d.urbano.to_numpy()].reset_index(drop=True)


# Chance of each evidence state (cumplida, en_proceso, no_iniciada) by how the ATM did that
# year: 0 no ATM yet, 1 an ATM that worked poorly, 2 one that worked well.
_EVIDENCE_P = np.array([[0.03, 0.2, 0.77], [0.45, 0.3, 0.25], [0.93, 0.05, 0.02]])


def _good_year(a: pd.DataFrame, year: int) -> np.ndarray:
    """Whether each district's ATM worked well in `year` (goal years: `buena_<year>`)."""
    col = f"buena_{year}"
    if col in a:
        return a[col].to_numpy(dtype=bool)
    return ((a.anio_atm > 0) & (a.anio_atm <= year) & (a.diligencia > -0.5)).to_numpy()


def _goal_status(goal: catalog.Goal, a: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Per (district, evidence activity): cumplida / en_proceso / no_iniciada / '' (no report)."""
    evid = [x for x in goal.actividades if x.tipo == "evidencia"]
    good = _good_year(a, goal.anio)
    ready = (a.anio_atm.to_numpy() > 0) & (a.anio_atm.to_numpy() <= goal.anio)
    cum = _EVIDENCE_P.cumsum(axis=1)[np.where(good, 2, np.where(ready, 1, 0))]
    u = rng.random((len(a), len(evid)))
    status = np.where(u < cum[:, :1], "cumplida", "no_iniciada").astype(object)
    status[(u >= cum[:, :1]) & (u < cum[:, 1:2])] = "en_proceso"
    status[a.silencioso.to_numpy() & ~good, :] = ""  # municipalities that report nothing
    return status


def _evidence(goal: catalog.Goal, a: pd.DataFrame, status: np.ndarray, rng) -> pd.DataFrame:
    """avance_metas rows of one goal (long format), documents and dates for started work."""
    evid = [x.id for x in goal.actividades if x.tipo == "evidencia"]
    di, ai = np.nonzero(status != "")
    est = status[di, ai]
    started = est != "no_iniciada"
    num = _zfill(rng.integers(1, 60, len(di)), 3)
    abbr = _abbrev(a.distrito.iloc[di].reset_index(drop=True))
    template = pd.Series([_DOCUMENTS.get(evid[k], _DEFAULT_DOCUMENT) for k in ai], dtype="str")
    doc = pd.Series(
        [t.format(n=n, y=goal.anio, m=m) for t, n, m in zip(template, num, abbr, strict=True)],
        dtype="str",
    )  # one string per evidence row: a few thousand nationally
    fecha = _evidence_dates(goal, len(di), rng)
    return pd.DataFrame({
        "ubigeo": a.ubigeo.to_numpy()[di],
        "anio": goal.anio,
        "meta": goal.numero,
        "actividad": np.asarray(evid, dtype=object)[ai],
        "estado": est,
        "fecha": fecha.dt.date.where(started),
        "documento": doc.where(started),
    })  # fmt: skip


LATE_EVIDENCE = 0.03  # share of evidence filed after the goal's deadline (the MEF ignores it)


def _evidence_dates(goal: catalog.Goal, n: int, rng: np.random.Generator) -> pd.Series:
    """Evidence dates between 1 January of the goal's year and its deadline; a few
    (LATE_EVIDENCE) 1–60 days after it, so the deadline rule has something to show."""
    start = pd.Timestamp(goal.anio, 1, 1)
    span = (pd.Timestamp(goal.fecha_limite) - start).days
    days = np.floor(rng.random(n) * (span + 1)).astype(int)
    late = rng.random(n) < LATE_EVIDENCE
    days = np.where(late, span + rng.integers(1, 61, n), days)
    out = pd.Series(start + pd.to_timedelta(days, unit="D"))
    return out.where(out <= pd.Timestamp(SAMPLE_AS_OF), pd.Timestamp(SAMPLE_AS_OF))


def _goals(d: pd.DataFrame, clas: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Evidence of goal activities (avance_metas) for every goal and applicable district."""
    rng = _rng(seed, "goals")
    d = d.assign(silencioso=rng.random(len(d)) < 0.12)
    evidence = []
    for goal in catalog.load_catalog().goals:  # a handful of goals; each vectorised
        a = _applicable(goal, d, clas)
        evidence.append(_evidence(goal, a, _goal_status(goal, a, rng), rng))
    return pd.concat(evidence, ignore_index=True)


def _goal_frames(d: pd.DataFrame, smp: Sample) -> dict[str, pd.DataFrame]:
    """The raw tables as the loader stores them, limited to what goal progress reads."""
    s, reg, v, atm = smp.surveys, smp.register, smp.visits, smp.atm
    diag = pd.DataFrame(
        {
            "ubigeo_cp": s.ubigeo_cp,
            "ubigeo": s.ubigeo_cp.str[:6],
            "anio": s.anio,
            # Goal metrics count only surveys dated by the deadline (issue 14).
            "fecha_encuesta": pd.to_datetime(s.fecha_encuesta),
        }
    )
    providers = diag.assign(codigo_oc=s.codigo_ps)[s.codigo_ps.notna().to_numpy()]
    registered = pd.DataFrame({"codigo_oc": reg.codigo_oc, "ubigeo": _zfill(reg.ubigeo, 6)})
    orgs = pd.concat([registered, providers[["codigo_oc", "ubigeo"]]])
    registro = reg[["codigo_oc", "resolucion_reconocimiento"]].assign(
        fecha_constitucion=pd.to_datetime(reg.fecha_constitucion),
        fecha_registro=pd.to_datetime(reg.fecha_registro),
        fecha_resolucion=pd.to_datetime(reg.fecha_resolucion),
    )
    visitas = v[["codigo_oc", "ubigeo"]].assign(
        fecha_visita=pd.to_datetime(v.fecha_visita), realiza_cloracion=v.realiza_cloracion.eq(1)
    )
    return {
        "distrito": d[["ubigeo"]],
        "centro_poblado": diag.drop_duplicates("ubigeo_cp")[["ubigeo_cp", "ubigeo"]],
        "diagnostico": diag,
        "orgs": orgs.drop_duplicates("codigo_oc"),
        "registro": registro,
        "visitas": visitas,
        "atm": atm.assign(ubigeo=_zfill(atm.ubigeo, 6).to_numpy()),
        "clasificacion": smp.classification,
        "avance": smp.evidence,
        "mef": pd.DataFrame(columns=["ubigeo", "anio", "meta", "cumplio", "puntaje"]),
    }


def _official_results(d: pd.DataFrame, smp: Sample, seed: int) -> pd.DataFrame:
    """resultado_mef stand-ins: the goal outcome the derive layer computes from these very
    tables, with a few deliberate disagreements (MEF_DISAGREEMENT) so the flag can be shown.
    """
    rng = _rng(seed, "mef")
    cat = catalog.load_catalog()
    calc = goals.goal_progress(_goal_frames(d, smp), cat, SAMPLE_AS_OF)
    urban = set(d.ubigeo[d.urbano])
    calc = calc[calc.aplica.astype(bool) & ~calc.ubigeo.isin(urban)].reset_index(drop=True)
    top = calc.puntaje_maximo.to_numpy(dtype=float)
    score = 100 * calc.puntaje.to_numpy(dtype=float) / top
    floor = 100 * calc.puntaje_minimo.to_numpy(dtype=float) / top
    met = calc.estado.eq("cumplida").to_numpy()
    flip = rng.random(len(calc)) < MEF_DISAGREEMENT
    official = met ^ flip
    # A flipped result gets a score on its side of the minimum (a document the MEF accepted
    # or refused), so the official file stays consistent with itself.
    nudge = rng.uniform(0.5, 10, len(calc))
    score = np.where(flip & official, np.maximum(score, floor + nudge), score)
    score = np.where(flip & ~official, np.minimum(score, floor - nudge), score)
    return pd.DataFrame({
        "ubigeo": calc.ubigeo, "anio": calc.anio, "meta": calc.meta,
        "puntaje": np.clip(score, 0, 100).round(1), "cumplio": official,
    })  # fmt: skip


# Name, preferred departments, and an anchor province where the NGO always works (so the tiny
# sample, Bongará, has NGO districts; Gran Chimú is Cascas's province, the seed's example).
_NGOS = (
    ("Water For People (muestra)", ("06", "13"), "1311"),
    ("ONG Agua Andina (muestra)", ("08", "03", "21"), None),
    ("Fondo Rural Sostenible (muestra)", ("01", "22"), TINY_PROVINCE),
)
_NGO_SIZE = (27, 35)  # districts per portfolio (nationally)
_ANCHOR_SIZE = 2
# Exit-readiness stories (docs/puntajes.md, «Preparación para la salida»). Each portfolio district is ranked by maturity inside
# its portfolio: the top share is ready (every lever in place), the next on track (1-2 levers
# missing), the rest not ready (3-5 missing). Missing levers are drawn with these weights:
# coverage and chlorination are what NGOs struggle with most, the ATM's budget least.
_STAGES = (0.1, 0.4)  # shares of a portfolio: ready, on track
_MISSING_WEIGHT = {
    "atm": 1.0,
    "pia": 0.7,
    "cobertura": 3.0,
    "ab": 2.0,
    "cloro": 2.5,
    "visitas": 1.8,
}


def _portfolio_districts(d: pd.DataFrame, rng: np.random.Generator) -> None:
    """Mark the districts of the three NGO portfolios (`ong`, dates) and their exit levers.

    Chosen nationally, so every scale shows the same portfolios (the part inside it).
    """
    d["ong"] = ""
    rural = d.n_cp.to_numpy() > 0
    for name, deps, anchor in _NGOS:
        free = rural & d.ong.eq("").to_numpy()
        u = rng.random(len(d))
        in_anchor = d.ubigeo.str.startswith(anchor or "-").to_numpy() & free
        first = np.flatnonzero(in_anchor)[np.argsort(u[in_anchor])][:_ANCHOR_SIZE]
        prefer = d.ubigeo.str[:2].isin(deps).to_numpy() & free
        prefer[first] = False
        size = int(rng.integers(*_NGO_SIZE)) - len(first)
        rest = np.flatnonzero(prefer)[np.argsort(u[prefer])][:size]
        d.loc[np.r_[first, rest], "ong"] = name
    start = rng.integers(2016, 2023, len(d))
    d["ong_inicio"] = _dates(start, rng)
    d["ong_salida"] = _dates(rng.integers(2027, 2032, len(d)), rng)
    maturity = pd.Series(rng.normal(0, 1, len(d)) + 0.15 * (LAST_YEAR - start), index=d.index)
    _exit_levers(d, maturity.groupby(d.ong).rank(ascending=False, pct=True).to_numpy(), rng)


def _exit_levers(d: pd.DataFrame, rank: np.ndarray, rng: np.random.Generator) -> None:
    """`ong_<lever>` flags: which readiness criteria the generator puts in place (see _STAGES).

    `ong_encuesta` is a DATASS update campaign this year: recent data on every JASS even where
    the ATM did not visit them all; some districts missing visits lack it too.
    """
    n, ngo = len(d), d.ong.ne("").to_numpy()
    ready, on_track = rank <= _STAGES[0], rank <= _STAGES[0] + _STAGES[1]
    k = np.where(ready, 0, np.where(on_track, rng.integers(1, 3, n), rng.integers(3, 6, n)))
    keys = np.log(list(_MISSING_WEIGHT.values())) + rng.gumbel(size=(n, len(_MISSING_WEIGHT)))
    missing = np.argsort(np.argsort(-keys, axis=1), axis=1) < k[:, None]
    for col, lever in enumerate(_MISSING_WEIGHT):
        d[f"ong_{lever}"] = ngo & ~missing[:, col]
    no_visits = missing[:, list(_MISSING_WEIGHT).index("visitas")]
    room = ~on_track | (k < 2)  # one more missing criterion keeps the district's stage
    d["ong_encuesta"] = ngo & no_visits & ~(room & (rng.random(n) < 0.5))


def _portfolios(d: pd.DataFrame) -> pd.DataFrame:
    """cartera_ong rows: the portfolio districts inside this scale."""
    p = d[d.ong.ne("")].sort_values(["ong", "ubigeo"], key=_ngo_order, kind="stable")
    return pd.DataFrame({
        "ubigeo": p.ubigeo.to_numpy(),
        "organizacion": p.ong.to_numpy(),
        "fecha_inicio": p.ong_inicio.dt.strftime("%d/%m/%Y").to_numpy(),
        "fecha_salida_prevista": p.ong_salida.dt.strftime("%d/%m/%Y").to_numpy(),
    })  # fmt: skip


def _ngo_order(col: pd.Series) -> pd.Series:
    """Sort key: NGOs in _NGOS order, districts by code."""
    if col.name != "ong":
        return col
    return col.map({name: k for k, (name, _, _) in enumerate(_NGOS)})


# ---------------------------------------------------------------- deliberate errors -------


def _rows(rng: np.random.Generator, candidates: np.ndarray, k: int) -> np.ndarray:
    return np.sort(rng.choice(candidates, size=min(k, len(candidates)), replace=False))


def _spoil_surveys(s: pd.DataFrame, scale: str, rng: np.random.Generator) -> None:
    """Served population above the population (CSV) and a population typo (2026 extract)."""
    k = _errors("datass_consolidado.csv", "inconsistent", scale)
    spare = s.sistema_agua & (s.anio < LAST_YEAR) & ~s.anio.isin(GOAL_YEARS)  # keep goal stories
    pick = _rows(rng, np.flatnonzero(spare), k)
    s.loc[pick, "poblacion_servicio_agua"] = s.total_poblacion[pick] + rng.integers(
        5, 60, len(pick)
    )
    k = _errors("datass_extracto_2026.xlsx", "out-of-range", scale)
    pick = _rows(rng, np.flatnonzero(s.anio == LAST_YEAR), k)
    s.loc[pick, "total_poblacion"] = 250_000 + s.total_poblacion[pick]


def _spoil_visits(v: pd.DataFrame, j: pd.DataFrame, scale: str, rng) -> pd.DataFrame:
    """Chlorine of 25 mg/L, visits to unregistered codes, and verbatim duplicate rows."""
    k_cl = _errors("monitoreo_oc.csv", "out-of-range", scale)
    k_ref = _errors("monitoreo_oc.csv", "unknown-reference", scale)
    k_dup = _errors("monitoreo_oc.csv", "duplicate-key", scale)
    spare = np.flatnonzero(~pd.to_datetime(v.fecha_visita).dt.year.isin(GOAL_YEARS))
    pick = rng.permutation(_rows(rng, spare, k_cl + k_ref + k_dup))
    v.loc[pick[:k_cl], "cloro_residual_mg_l"] = 25.0
    ghosts = v.loc[pick[k_cl : k_cl + k_ref]].copy()
    count = j.groupby("ubigeo").size()
    beyond = count.reindex(ghosts.ubigeo).to_numpy() + 1 + np.arange(len(ghosts))
    ghosts["codigo_oc"] = "OC" + ghosts.ubigeo + _zfill(beyond, 3).to_numpy()
    dups = v.loc[pick[k_cl + k_ref :]]
    v = pd.concat([v, ghosts, dups], ignore_index=True)
    return v.sort_values(["ubigeo", "codigo_oc", "fecha_visita"], kind="stable", ignore_index=True)


def _bad_district_rows(frame: pd.DataFrame, k: int, rng, key: str | None = None) -> pd.DataFrame:
    """Append k copies of real rows moved to a district code that does not exist (999999).

    `key` names a column made distinct among the copies (a year), so only the code is wrong.
    """
    if k == 0:
        return frame
    bad = frame.iloc[_rows(rng, np.arange(len(frame)), k)].copy()
    bad["ubigeo"] = int(BAD_UBIGEO) if pd.api.types.is_integer_dtype(frame.ubigeo) else BAD_UBIGEO
    if key is not None:
        bad[key] = LAST_YEAR - np.arange(len(bad))
    if "codigo_oc" in bad:
        bad["codigo_oc"] = "OC" + BAD_UBIGEO + _zfill(np.arange(1, len(bad) + 1), 3).to_numpy()
    return pd.concat([frame, bad], ignore_index=True)


def _bad_results(res: pd.DataFrame, k: int, rng: np.random.Generator) -> pd.DataFrame:
    """Append k results for district 999999, one per distinct goal (so keys stay unique)."""
    if k == 0:
        return res
    bad = res.drop_duplicates(["anio", "meta"]).head(k).copy()
    bad["ubigeo"] = BAD_UBIGEO
    return pd.concat([res, bad], ignore_index=True)


def _bad_activities(ev: pd.DataFrame, k: int, rng: np.random.Generator) -> pd.DataFrame:
    """Append k evidence rows whose activity id is not in the catalogue (a typo by a clerk)."""
    if k == 0:
        return ev
    base = ev.drop_duplicates(["ubigeo", "anio", "meta"])
    bad = base.iloc[_rows(rng, np.arange(len(base)), k)].copy()
    bad["actividad"] = "ordenanza_atm"
    return pd.concat([ev, bad], ignore_index=True)


# ---------------------------------------------------------------- writers -----------------

_EXTRACT_COLUMNS = {
    "CentroPoblado_Nombre": None,  # "<code> - <NAME>", built below
    "Distrito_Nombre": "distrito",
    "Provincia_Nombre": "provincia",
    "lat": "latitud",
    "lon": "longitud",
    "FechaModificacion_Encuesta": "fecha_encuesta",
    "p100_TotalPoblacion": "total_poblacion",
    "p100_ViviendasHabitadas": "viviendas_habitadas",
    "p105_TieneSistemaAgua": "sistema_agua",
    "p105c_NumeroPoblacionConAccesoServicio": "poblacion_servicio_agua",
    "p105c_TotalViviendasConConexion": "viviendas_conexion",
    "p107_CuentaSistemaDisposicionExcretas": "sistema_disposicion_excretas",
    "Nombre_PrestadorServicio": "prestador_servicio",
    "codigo_ps": "codigo_ps",
    "p206_PrestadorServicioAyS_OperadorGasfitero": "tiene_operador",
    "p207C1_PrestadorServicioAySTieneDocumentosDeGestion_RegistorCloroResidual": (
        "registro_cloro_residual"
    ),
    "p213_NumeroAsociadosInscritosEnPadronPrestadorServicio": "total_asociados",
    "p214_PrestadorServicioSaneamientoCobraCuotaFamiliar": "cobra_cuota",
    "p216_CuotaFamiliarPromedio": "cuota_familiar",
    "p217_AsociadosMorososCuotaFamiliar": "asociados_morosos",
    "p302_ServicioAguaContinuo24Horas": "servicio_agua_continuo",
    "p315_TieneSistemaCloracion": "sistema_cloracion",
    "p315a_RealizaCloracionAgua": "realiza_cloracion",
    "p334_TipoSistemaAguaCuenta": "tipo_sistema_agua",
}
_FIXED_CREATED = dt.datetime(2026, 10, 31, 12, 0, 0)


def _bool_columns(kind: sources.Kind) -> list[str]:
    return [f.name for f in kind.fields if f.type == "bool"]


def _datass_csv(s: pd.DataFrame, path: Path) -> None:
    """The regional consolidation: canonical names, `;`, decimal comma, BOM, Sí/No."""
    out = s[[f.name for f in sources.DATASS.fields]].copy()
    for col in _bool_columns(sources.DATASS):
        out[col] = _yes_no(out[col]).to_numpy()
    out["fecha_encuesta"] = out.fecha_encuesta.dt.strftime("%d/%m/%Y")
    out.to_csv(path, sep=";", decimal=",", index=False, encoding="utf-8-sig", lineterminator="\r\n")


def _datass_extract(s: pd.DataFrame) -> pd.DataFrame:
    """The 2026 surveys under DATASS module-extract column names, SI/NO booleans."""
    out = pd.DataFrame({"CentroPoblado_Nombre": s.ubigeo_cp + " - " + s.centro_poblado})
    bools = set(_bool_columns(sources.DATASS))
    for name, col in _EXTRACT_COLUMNS.items():
        if col is not None:
            out[name] = _yes_no(s[col], "SI", "NO").to_numpy() if col in bools else s[col]
    return out


def _cells(frame: pd.DataFrame) -> list[tuple]:
    """Rows of Python values for xlsxwriter: dates as datetime.date, missing as None."""
    cols = []
    for name in frame.columns:
        col = frame[name]
        if pd.api.types.is_datetime64_any_dtype(col):
            col = col.dt.date
        values = col.astype(object).where(col.notna(), None).tolist()
        cols.append([None if v == "" else v for v in values])
    return list(zip(*cols, strict=True))


def _write_xlsx(path: Path, sheet: str, frame: pd.DataFrame, title: str | None = None) -> None:
    """One sheet with xlsxwriter; fixed document dates so the bytes depend only on the data."""
    wb = xlsxwriter.Workbook(
        path,
        {"constant_memory": True, "default_date_format": "dd/mm/yyyy", "strings_to_numbers": False},
    )
    wb.set_properties({"created": _FIXED_CREATED, "author": "etl.sample (datos sintéticos)"})
    ws = wb.add_worksheet(sheet)
    row = 0
    if title:  # clerks put a title and a blank row above the header; the loader finds it
        ws.write_string(0, 0, title)
        row = 2
    ws.write_row(row, 0, list(frame.columns))
    for i, values in enumerate(_cells(frame), start=row + 1):
        ws.write_row(i, 0, values)
    wb.close()


def _register_csv(r: pd.DataFrame, path: Path) -> None:
    """Windows-1252, `;`, dd/mm/yyyy, Sí/No: a register kept in Excel and saved as CSV."""
    out = r.copy()
    for col in ("estatuto_aprobado", "reglamento_aprobado"):
        out[col] = _yes_no(out[col]).to_numpy()
    for col in ("fecha_constitucion", "fecha_registro", "fecha_resolucion", "consejo_inicio",
                "consejo_fin"):  # fmt: skip
        out[col] = pd.to_datetime(out[col]).dt.strftime("%d/%m/%Y")
    out.to_csv(path, sep=";", index=False, encoding="cp1252", lineterminator="\r\n")


def _bool_text(frame: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    out = frame.copy()
    for col in cols:
        out[col] = _yes_no(out[col]).to_numpy()
    return out


# ---------------------------------------------------------------- assembly ----------------


@dataclass
class Sample:
    """The generated tables before formatting (tests and benchmarks inspect them)."""

    districts: pd.DataFrame
    centros_poblados: pd.DataFrame
    jass: pd.DataFrame
    surveys: pd.DataFrame
    register: pd.DataFrame
    visits: pd.DataFrame
    atm: pd.DataFrame
    classification: pd.DataFrame
    evidence: pd.DataFrame
    results: pd.DataFrame
    portfolios: pd.DataFrame


def build_sample(scale: str = "tiny", seed: int = 2026, multiplier: int = 1) -> Sample:
    """Generate every table of the sample (errors included) without writing files."""
    if multiplier < 1:
        raise ValueError(f"multiplier must be >= 1, got {multiplier}")
    d = _scale_filter(_all_districts(seed), scale)
    first_datass = max(1995, FIRST_DATASS_YEAR - 3 * (multiplier - 1))
    first_visit = max(1995, FIRST_VISIT_YEAR - 2 * (multiplier - 1))
    cp = _centros_poblados(d, _rng(seed, "cps"), multiplier)
    j, oc_of_cp = _jass(cp, d, _rng(seed, "jass"))
    reg = _register(j, d.set_index("ubigeo").distrito, seed)
    clas = _classification(d)
    smp = Sample(
        d, cp, j, _surveys(cp, d, j, oc_of_cp, seed, first_datass), reg,
        _visits(j, d, seed, first_visit), _atm_rows(d, seed), clas, _goals(d, clas, seed),
        pd.DataFrame(), _portfolios(d),
    )  # fmt: skip
    smp.results = _official_results(d, smp, seed)  # from the clean tables
    _spoil(smp, scale, _rng(seed, "errors"))
    return smp


def _spoil(smp: Sample, scale: str, err: np.random.Generator) -> None:
    """Plant the DELIBERATE_ERRORS of this scale in the tables."""
    _spoil_surveys(smp.surveys, scale, err)
    k = _errors("registro_oc.csv", "unknown-ubigeo", scale)
    smp.register = _bad_district_rows(smp.register, k, err)
    smp.visits = _spoil_visits(smp.visits, smp.jass, scale, err)
    smp.atm = _bad_district_rows(smp.atm, _errors("atm.xlsx", "unknown-ubigeo", scale), err, "anio")
    k = _errors("clasificacion_municipal.xlsx", "unknown-ubigeo", scale)
    smp.classification = _bad_district_rows(smp.classification, k, err, "anio")
    k = _errors("avance_metas.csv", "unknown-reference", scale)
    smp.evidence = _bad_activities(smp.evidence, k, err)
    k = _errors("resultado_mef.csv", "unknown-ubigeo", scale)
    smp.results = _bad_results(smp.results, k, err)
    k = _errors("cartera_ong.csv", "unknown-ubigeo", scale)
    smp.portfolios = _bad_district_rows(smp.portfolios, k, err)


def write_sample(
    out: Path, scale: str = "tiny", seed: int = 2026, multiplier: int = 1
) -> list[Path]:
    """Write input files of every kind into `out` (created); return their paths, sorted."""
    smp = build_sample(scale, seed, multiplier)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    s = smp.surveys
    _datass_csv(s[s.anio < LAST_YEAR], out / "datass_consolidado.csv")
    extract = _datass_extract(s[s.anio == LAST_YEAR].reset_index(drop=True))
    _write_xlsx(out / "datass_extracto_2026.xlsx", "Encuestas", extract)
    _register_csv(smp.register, out / "registro_oc.csv")
    smp.visits.to_csv(out / "monitoreo_oc.csv", index=False, encoding="utf-8", lineterminator="\n")
    atm = _bool_text(smp.atm, _bool_columns(sources.ATM))
    _write_xlsx(out / "atm.xlsx", "ATM", atm, title="Registro de ATM (datos de muestra)")
    _write_xlsx(out / "clasificacion_municipal.xlsx", "Clasificacion", smp.classification)
    smp.evidence.to_csv(
        out / "avance_metas.csv", index=False, encoding="utf-8", lineterminator="\n"
    )
    res = smp.results.assign(cumplio=_yes_no(smp.results.cumplio, "SI", "NO").to_numpy())
    res.to_csv(
        out / "resultado_mef.csv", sep=";", decimal=",", index=False, encoding="utf-8-sig",
        lineterminator="\r\n",
    )  # fmt: skip
    smp.portfolios.to_csv(
        out / "cartera_ong.csv", index=False, encoding="utf-8", lineterminator="\n"
    )
    sample_siasar.write(out, smp.register, seed)  # issue 15: SIASAR-shaped .xls sheets
    sample_partnership.write(out, smp.register)  # issue 16: a few partnerships
    return sorted(out / name for name in FILES)


FILES = (
    "alianzas.csv",
    "atm.xlsx",
    "avance_metas.csv",
    "cartera_ong.csv",
    "clasificacion_municipal.xlsx",
    "datass_consolidado.csv",
    "datass_extracto_2026.xlsx",
    "monitoreo_oc.csv",
    "registro_oc.csv",
    "resultado_mef.csv",
    *sample_siasar.FILES,
)
