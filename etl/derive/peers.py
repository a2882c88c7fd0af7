"""Peer exchange (issue 16): which JASS could learn from which, and which ATM from which.

Our own rule, not an official one (data/intercambio.yaml, docs/intercambio.md): a weak JASS
(grade C or D, or a model item at zero) is matched with JASS of the same district or within a
radius that hold a FIRM A or B and score full marks on its weak items, of the same organisation
and system type; a struggling ATM with an operating one of its province, then department.

The matching functions are pure (DataFrames and Rules in, DataFrames out). `refresh` reads the
derived tables the rest of the derivation wrote and rewrites the four intercambio tables,
nationally: a match crosses district borders and mentors' capacity links far-apart mentees,
so a partial recomputation would have to chase every mentee within reach of a touched district
(measured on the national sample, the whole matcher costs a few seconds; see docs/intercambio.md).

Reasons are stored as codes and numbers, never words: etl/derive/peer_words.py renders them
in Spanish and English.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import json
import math
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
import orjson
import pandas as pd
import yaml
from sqlalchemy import Connection, String, delete, func, select, type_coerce, union

from etl import schema
from etl.derive import frames
from etl.evidence import Evidence, shipped

RULES_PATH = Path(__file__).resolve().parents[2] / "data" / "intercambio.yaml"
EARTH_KM = 6371.0088
EPS = 1e-9
# ATM activities compared between a struggling ATM and its pair, in display order.
ATM_ACTIVITIES = (
    "ordenanza",
    "responsable_designado",
    "poa_aprobado",
    "presupuesto_pia",
    "jass_registradas",
    "jass_visitadas",
)


@dataclass(frozen=True)
class Rules:
    version: str
    grados_aprendiz: frozenset[str]
    item_debil_max: float
    grados_mentor: frozenset[str]
    item_fuerte_min: float
    radio_km: float
    mismo_tipo_organizacion: bool
    mismo_tipo_sistema: bool
    capacidad_mentor: int
    sugerencias_max: int
    capacidad_par: int
    pares_max: int
    jass_registradas_min: float
    jass_visitadas_min: float


def load_rules(path: Path = RULES_PATH) -> Rules:
    """Read data/intercambio.yaml."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    j, a = raw["jass"], raw["atm"]
    return Rules(
        version=str(raw["version"]),
        grados_aprendiz=frozenset(j["grados_aprendiz"]),
        item_debil_max=float(j["item_debil_max"]),
        grados_mentor=frozenset(j["grados_mentor"]),
        item_fuerte_min=float(j["item_fuerte_min"]),
        radio_km=float(j["radio_km"]),
        mismo_tipo_organizacion=bool(j["mismo_tipo_organizacion"]),
        mismo_tipo_sistema=bool(j["mismo_tipo_sistema"]),
        capacidad_mentor=int(j["capacidad_mentor"]),
        sugerencias_max=int(j["sugerencias_max"]),
        capacidad_par=int(a["capacidad_par"]),
        pares_max=int(a["pares_max"]),
        jass_registradas_min=float(a["jass_registradas_min"]),
        jass_visitadas_min=float(a["jass_visitadas_min"]),
    )


@functools.cache
def shipped_rules() -> Rules:
    """The rules of data/intercambio.yaml, read once per process (the pages name the radius
    and the capacity on every render)."""
    return load_rules()


# ------------------------------------------------------------------ small pure rules ---------


def great_circle_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Haversine distance in km (NaN where a point is missing); arrays broadcast."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_KM * np.arcsin(np.sqrt(np.clip(h, 0, 1)))


def _plain(text: object) -> str:
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    folded = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return " ".join(folded.lower().split())


def org_class(text: object) -> str | None:
    """'Comité' and 'comite' are one type; blank is unknown (None)."""
    return _plain(text) or None


def system_class(text: object) -> str | None:
    """DATASS's system type as gravity/pumped and with/without treatment, e.g.
    'Gravedad sin tratamiento' -> 'gravedad_sin_tratamiento'; anything else unknown."""
    t = _plain(text)
    kind = "gravedad" if "graved" in t else "bombeo" if "bombeo" in t else None
    if kind is None:
        return None
    if "sin tratamiento" in t:
        return f"{kind}_sin_tratamiento"
    return f"{kind}_con_tratamiento" if "tratamiento" in t else kind


def weak_items(
    items: Mapping[str, float | None], grado: str, bajos: Iterable[str] | None, r: Rules
) -> list[str]:
    """The items a JASS needs help on: measured items at or below item_debil_max; for a C or D
    without one, the items that pull its score down most. Empty: not a mentee."""
    zero = [k for k, v in items.items() if v is not None and v <= r.item_debil_max + EPS]
    if zero:
        return zero
    return list(bajos or []) if grado in r.grados_aprendiz else []


def strong_items(items: Mapping[str, float | None], r: Rules) -> frozenset[str]:
    """Items at full marks."""
    return frozenset(k for k, v in items.items() if v is not None and v >= r.item_fuerte_min - EPS)


def can_mentor(grado: str, provisional: object, r: Rules) -> bool:
    """A firm A or B: a provisional grade never mentors (its evidence is incomplete), nor one
    whose provisional flag is unknown (a warehouse derived before issue 14)."""
    known = provisional is not None and provisional == provisional
    return grado in r.grados_mentor and known and not bool(provisional)


# ------------------------------------------------------------------ JASS matcher -------------

# Columns of the frame `match` takes, one row per JASS (its latest score):
# codigo_oc, ubigeo, grado, grado_provisional, puntaje, items (dict), items_bajos (list),
# latitud, longitud (its point, NaN unknown), tipo_organizacion, tipo_sistema (classes or None).
MENTEE_COLUMNS = [
    "codigo_oc",
    "ubigeo",
    "grado",
    "grado_provisional",
    "puntaje",
    "items_debiles",
    "n_sugerencias",
    "sin_mentor",
]
SUGGESTION_COLUMNS = [
    "codigo_oc",
    "rango",
    "mentor_oc",
    "ubigeo",
    "ubigeo_mentor",
    "mismo_distrito",
    "distancia_km",
    "items",
    "grado_mentor",
    "puntaje_mentor",
    "razones",
]


def _cell_size(radius_km: float) -> float:
    """Grid cells about `radius` wide, in degrees: a mentee looks at the 3x3 cells around its
    own. 1 degree of latitude is ~111 km; of longitude, ~105 km at Peru's southern tip (18°S):
    cells of radius/105 degrees are at least `radius` wide both ways there."""
    return max(radius_km, EPS) / 105.0


def _mentee_order(mentees: pd.DataFrame) -> pd.DataFrame:
    """The weakest first get first pick of mentors with capacity: D before C before the rest
    (a JASS of any grade with an item at zero), lowest score first, then by code."""
    rank = mentees["grado"].map({"D": 0, "C": 1}).fillna(2)
    score = pd.to_numeric(mentees["puntaje"], errors="coerce").fillna(-1.0)
    keyed = mentees.assign(_r=rank.to_numpy(), _s=score.to_numpy())
    return keyed.sort_values(["_r", "_s", "codigo_oc"], kind="stable")


def _reason_for(item: str, near_any: bool, strong_any: bool) -> str:
    """Why no suggested mentor covers `item` (codes: etl/derive/peer_words.py)."""
    if not near_any:
        return "sin_mentor_cerca"
    return "sin_cupo" if strong_any else "sin_fuerte_en_item"


class _Pool:
    """The mentors (firm A/B JASS) as arrays, for fast candidate look-ups."""

    def __init__(self, jass: pd.DataFrame, item_ids: list[str], r: Rules):
        ok = [
            can_mentor(g, p, r)
            for g, p in zip(jass["grado"].tolist(), jass["grado_provisional"].tolist(), strict=True)
        ]
        m = jass[np.array(ok, dtype=bool)].reset_index(drop=True)
        self.code = m["codigo_oc"].to_numpy(dtype=object)
        position = {c: i for i, c in enumerate(self.code.tolist())}
        self.position = position if len(position) == len(self.code) else None
        self.code_rank = np.argsort(np.argsort(self.code.astype(str), kind="stable"))
        self.ubigeo = m["ubigeo"].to_numpy(dtype=object)
        # Districts as integers, once per matcher (not per chunk): a mentee's district
        # compares equal to a mentor's by code; one no mentor has is -1.
        self.district_code = {u: k for k, u in enumerate(sorted(set(self.ubigeo.tolist())))}
        self.district = np.array(
            [self.district_code[u] for u in self.ubigeo.tolist()], dtype=np.int64
        )
        self.grade = m["grado"].to_numpy(dtype=object)
        self.lat = m["latitud"].to_numpy(dtype=float)
        self.lon = m["longitud"].to_numpy(dtype=float)
        self.score = pd.to_numeric(m["puntaje"], errors="coerce").fillna(0).to_numpy()
        self.org = m["tipo_organizacion"].to_numpy(dtype=object)
        self.sys = m["tipo_sistema"].to_numpy(dtype=object)
        # Classes as integers (-1 unknown) so the type filters are array comparisons.
        self.classes: dict[object, int] = {}
        self.org_code = np.array([self._class(t) for t in self.org], dtype=int)
        self.sys_code = np.array([self._class(t) for t in self.sys], dtype=int)
        col = {k: j for j, k in enumerate(item_ids)}
        self.strong = np.zeros((len(m), len(item_ids)), dtype=bool)
        for i, items in enumerate(m["items"]):
            for k in strong_items(items, r):
                self.strong[i, col[k]] = True
        # Each mentor's strong items as bits of one int: a mentee's cover is one `&`.
        self.mask = [sum(1 << int(j) for j in np.flatnonzero(row)) for row in self.strong]
        # The same as int64 for the array matcher, when the items fit in one (they are ~15).
        fits = len(item_ids) < 63
        self.bitmask = np.array(self.mask, dtype=np.int64) if fits else None
        self.cell = _cell_size(r.radio_km)
        self.load = np.zeros(len(m), dtype=int)

    def _class(self, value: object) -> int:
        if value is None or value != value:
            return -1
        return self.classes.setdefault(value, len(self.classes))


def _bits(mask: int) -> list[int]:
    return [j for j in range(mask.bit_length()) if mask >> j & 1]


def _pick(order: list[int], covers: list[int], room: np.ndarray, r: Rules) -> list[int]:
    """The best candidates with room, up to sugerencias_max; then one more per weak item still
    uncovered, if a candidate strong on it has room. In rank order. `covers`: bit masks."""
    picked = [k for k in order if room[k]][: r.sugerencias_max]
    covered = 0
    for k in picked:
        covered |= covers[k]
    for k in order:
        if k not in picked and room[k] and covers[k] & ~covered:
            picked.append(k)
            covered |= covers[k]
    rank = {k: i for i, k in enumerate(order)}
    return sorted(picked, key=rank.__getitem__)


class _Mentee(NamedTuple):
    """What the picking needs of one mentee."""

    codigo_oc: str
    ubigeo: str
    grado: str
    grado_provisional: object
    puntaje: object
    debiles_: list[str]
    tipo_organizacion: str | None
    tipo_sistema: str | None


# Mentees whose candidates are found and ranked together, as arrays: memory follows a chunk
# and its mentees' candidates (at 10× the JASS per district, 4,000 mentees took ~0.5 GB).
MATCH_CHUNK = 1000
MATCH_PAIRS = 1_000_000  # candidate pairs of a chunk, at most (one mentee's may be more)


def match(jass: pd.DataFrame, r: Rules) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(mentees, suggestions) for every JASS of the frame (see the column notes above).

    Candidates of a mentee: firm A/B JASS other than itself, of its district or within
    radio_km, of the same organisation and system type when known, at full marks on at least
    one of its weak items. Ranked: same district first, more of its weak items covered, nearer,
    higher score, code. Taken in that order while they have capacity, up to sugerencias_max,
    then one more per weak item still uncovered if a strong mentor with capacity exists.

    A mentee's candidates and their ranking do not depend on the others, so they are found
    and sorted for a chunk of mentees at once (`_Candidates`); only the picking, which uses up
    mentors' capacity, goes mentee by mentee, weakest first.
    """
    mentee_rows: list[dict] = []
    suggestion_rows: list[dict] = []
    for mentees, suggestions in match_rows(jass, r):
        mentee_rows += mentees
        suggestion_rows += suggestions
    return (
        pd.DataFrame(mentee_rows, columns=MENTEE_COLUMNS),
        pd.DataFrame(suggestion_rows, columns=SUGGESTION_COLUMNS),
    )


def match_rows(jass: pd.DataFrame, r: Rules) -> Iterator[tuple[list[dict], list[dict]]]:
    """`match`'s rows (mentee rows, suggestion rows), one chunk of mentees at a time, in the
    order `match` picks them (the mentors' capacity carries over from chunk to chunk): a
    mentee's rows are final once its chunk is yielded, so `refresh` writes them and lets them
    go (issue 18: at 10x, all of them held at once took ~0.7 GB)."""
    jass = jass.reset_index(drop=True)
    item_ids = sorted({k for items in jass["items"] for k in items})
    col = {k: j for j, k in enumerate(item_ids)}
    pool = _Pool(jass, item_ids, r)
    weak = [
        weak_items(i, g, b, r)
        for i, g, b in zip(
            jass["items"].tolist(),
            jass["grado"].tolist(),
            jass["items_bajos"].tolist(),
            strict=True,
        )
    ]
    jass = jass.assign(debiles_=weak)
    ordered = _mentee_order(jass.loc[[len(w) > 0 for w in weak]]).reset_index(drop=True)
    for start, end in _chunks(pool, ordered):
        mentee_rows: list[dict] = []
        suggestion_rows: list[dict] = []
        chunk = ordered.iloc[start:end].reset_index(drop=True)
        found = _Candidates(pool, chunk, col, r)
        # Plain lists, not itertuples (which walks pandas' arrays element by element).
        rows = zip(*(chunk[c].tolist() for c in _Mentee._fields), strict=True)
        for i, m in enumerate(itertools.starmap(_Mentee, rows)):
            _match_one(m, found, i, pool, item_ids, col, r, mentee_rows, suggestion_rows)
        yield mentee_rows, suggestion_rows


def _chunks(pool: _Pool, ordered: pd.DataFrame) -> list[tuple[int, int]]:
    """Consecutive mentees, up to MATCH_CHUNK and about MATCH_PAIRS candidate pairs at most
    (one mentee at least): a dense area (10× the JASS in the same cells) has thousands of
    mentors around every mentee, and a chunk's pairs are its memory."""
    most = _pairs(
        pool,
        ordered["ubigeo"].to_numpy(dtype=object),
        ordered["latitud"].to_numpy(dtype=float),
        ordered["longitud"].to_numpy(dtype=float),
        counts=True,
    )
    out, start = [], 0
    while start < len(ordered):
        total = np.cumsum(most[start : start + MATCH_CHUNK])
        end = start + max(1, int(np.searchsorted(total, MATCH_PAIRS, side="right")))
        out.append((start, end))
        start = end
    return out


class _Candidates:
    """Every (mentee, mentor) candidate pair of a chunk of mentees, as arrays: what
    `_Pool.near` and `_Pool.ranked` give one mentee at a time, sorted by mentee and rank."""

    def __init__(self, pool: _Pool, chunk: pd.DataFrame, col: dict[str, int], r: Rules):
        n = len(chunk)
        lat = chunk["latitud"].to_numpy(dtype=float)
        lon = chunk["longitud"].to_numpy(dtype=float)
        ubigeo = chunk["ubigeo"].to_numpy(dtype=object)
        mi, cj = _pairs(pool, ubigeo, lat, lon)
        codes = chunk["codigo_oc"].tolist()
        if pool.position is not None:  # not itself: as integers (mentor codes are unique)
            own = np.array([pool.position.get(c, -1) for c in codes], dtype=np.int64)
            other = cj != own[mi]
        else:
            other = pool.code[cj] != np.array(codes, dtype=object)[mi]
        keep = other
        for on, mine, theirs in (
            (r.mismo_tipo_organizacion, chunk["tipo_organizacion"], pool.org_code),
            (r.mismo_tipo_sistema, chunk["tipo_sistema"], pool.sys_code),
        ):
            if on:
                # -3: the mentee's type is unknown (no filter); -2: a type no mentor has.
                code = np.array(
                    [-3 if t is None else pool.classes.get(t, -2) for t in mine.tolist()],
                    dtype=int,
                )
                t, c = theirs[cj], code[mi]
                keep &= (c == -3) | (t == c) | (t == -1)
        # The type filters first (integer comparisons), the distance only for the pairs left.
        mi, cj = mi[keep], cj[keep]
        dist = great_circle_km(lat[mi], lon[mi], pool.lat[cj], pool.lon[cj])
        same = pool.district[cj] == _district_codes(pool, ubigeo)[mi]
        near = same | (dist <= r.radio_km + EPS)
        mi, cj, dist, same = mi[near], cj[near], dist[near], same[near]
        self.near_any = np.bincount(mi, minlength=n) > 0
        if pool.bitmask is not None:  # weak items covered: one AND and a popcount per pair
            wmask = np.array(
                [sum(1 << col[w] for w in items) for items in chunk["debiles_"]], dtype=np.int64
            )
            bits = pool.bitmask[cj] & wmask[mi]
            covered = np.bitwise_count(bits).astype(np.int64)
        else:
            bits = None
            weak = np.zeros((n, len(col)), dtype=bool)
            for i, items in enumerate(chunk["debiles_"]):
                weak[i, [col[w] for w in items]] = True
            covered = (pool.strong[cj] & weak[mi]).sum(axis=1)
        # Only pairs covering a weak item are ranked (dropping the others first leaves the
        # order of the rest as it was: the sort keys decide it).
        useful = np.flatnonzero(covered > 0)
        mi, cj, dist, same, covered = (
            mi[useful],
            cj[useful],
            dist[useful],
            same[useful],
            covered[useful],
        )
        bits = None if bits is None else bits[useful]
        km = np.where(np.isnan(dist), np.inf, dist)
        order = np.lexsort((pool.code_rank[cj], -pool.score[cj], km, -covered, ~same, mi))
        self.mentor = cj[order]
        self.dist = dist[order]
        self.same = same[order]
        # Each pair's cover of the mentee's weak items as bits (None: the items do not fit
        # an int64 and `_match_one` uses the pool's Python masks).
        self.bits = None if bits is None else bits[order]
        self.bounds = np.searchsorted(mi[order], np.arange(n + 1))

    def of(self, i: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Mentee i's ranked candidates (mentor positions), their distances and districts."""
        s, e = self.bounds[i], self.bounds[i + 1]
        return self.mentor[s:e], self.dist[s:e], self.same[s:e]

    def bits_of(self, i: int) -> np.ndarray | None:
        """Mentee i's candidates' covers (`bits`), in rank order."""
        return None if self.bits is None else self.bits[self.bounds[i] : self.bounds[i + 1]]


def _pairs(pool: _Pool, ubigeo: np.ndarray, lat: np.ndarray, lon: np.ndarray, counts: bool = False):
    """(mentee, mentor) pairs of the same district or of the 3x3 grid cells around the
    mentee (`_cell_size`), each pair once; with `counts`, only how many each mentee has at
    most (to size the chunks)."""
    size = pool.cell
    m_ok = ~(np.isnan(pool.lat) | np.isnan(pool.lon))
    big = np.int64(1) << 32
    mi_cell = np.floor(np.where(m_ok, pool.lat, 0) / size).astype(np.int64)
    mj_cell = np.floor(np.where(m_ok, pool.lon, 0) / size).astype(np.int64)
    mentor_cell = mi_cell * big + mj_cell
    ok = ~(np.isnan(lat) | np.isnan(lon))
    ci = np.where(ok, np.floor(np.where(ok, lat, 0) / size), 0).astype(np.int64)
    cj = np.where(ok, np.floor(np.where(ok, lon, 0) / size), 0).astype(np.int64)
    keys, owners = [], []
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            keys.append((ci + di) * big + (cj + dj))
            owners.append(np.flatnonzero(ok))
    cell_keys = np.concatenate([k[ok] for k in keys]) if len(lat) else np.array([], np.int64)
    cell_owner = np.concatenate(owners) if len(lat) else np.array([], np.int64)
    mentor_district = pool.district
    mentee_district = _district_codes(pool, ubigeo)
    all_m = np.ones(len(pool.lat), dtype=bool)
    if counts:
        n = len(ubigeo)
        return _matches(mentor_cell, m_ok, cell_keys, cell_owner, n) + _matches(
            mentor_district, all_m, mentee_district, np.arange(n, dtype=np.int64), n
        )
    grid_m, grid_c = _lookup(mentor_cell, m_ok, cell_keys, cell_owner)
    dist_m, dist_c = _lookup(
        mentor_district, all_m, mentee_district, np.arange(len(ubigeo), dtype=np.int64)
    )
    # A mentor of the district in the 3x3 cells is a grid pair already: each pair once.
    in_grid = (
        ok[dist_m]
        & m_ok[dist_c]
        & (np.abs(ci[dist_m] - mi_cell[dist_c]) <= 1)
        & (np.abs(cj[dist_m] - mj_cell[dist_c]) <= 1)
    )
    return (
        np.concatenate([grid_m, dist_m[~in_grid]]),
        np.concatenate([grid_c, dist_c[~in_grid]]),
    )


def _district_codes(pool: _Pool, ubigeo: np.ndarray) -> np.ndarray:
    """Mentees' districts as the pool's district codes (-1: a district without mentors)."""
    code = pool.district_code
    return np.array([code.get(u, -1) for u in ubigeo.tolist()], dtype=np.int64)


def _matches(
    mentor_key: np.ndarray, mentor_ok: np.ndarray, keys: np.ndarray, owners: np.ndarray, n: int
) -> np.ndarray:
    """How many mentors' keys equal one of each owner's `keys` (`_lookup` without the pairs)."""
    sorted_keys = np.sort(mentor_key[mentor_ok])
    found = np.searchsorted(sorted_keys, keys, "right") - np.searchsorted(sorted_keys, keys)
    return np.bincount(owners, weights=found, minlength=n)


def _lookup(
    mentor_key: np.ndarray, mentor_ok: np.ndarray, keys: np.ndarray, owners: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(owner, mentor) for every mentor whose key equals one of `keys` (owned by a mentee)."""
    idx = np.flatnonzero(mentor_ok)
    idx = idx[np.argsort(mentor_key[idx], kind="stable")]
    sorted_keys = mentor_key[idx]
    lo = np.searchsorted(sorted_keys, keys, side="left")
    hi = np.searchsorted(sorted_keys, keys, side="right")
    counts = hi - lo
    owner = np.repeat(owners, counts)
    starts = np.repeat(lo - np.cumsum(counts) + counts, counts)
    pos = np.arange(int(counts.sum()), dtype=np.int64) + starts
    return owner.astype(np.int64), idx[pos].astype(np.int64)


def _match_one(m, found: _Candidates, i, pool, item_ids, col, r, mentee_rows, suggestion_rows):
    """Pick mentee `m`'s mentors among its ranked candidates and write its rows."""
    cand, dist, same = found.of(i)
    room = pool.load[cand] < r.capacidad_mentor
    bits = found.bits_of(i)
    if bits is not None:  # picked and covered with array operations
        picked = _pick_bits(bits, room, r)
        strong_any = int(np.bitwise_or.reduce(bits)) if len(bits) else 0
        covers = dict(zip(picked, bits[picked].tolist(), strict=True))
    else:
        wmask = sum(1 << col[w] for w in m.debiles_)
        covers = dict(enumerate(pool.mask[c] & wmask for c in cand.tolist()))
        picked = _pick(list(range(len(cand))), list(covers.values()), room, r)
        strong_any = 0
        for c in covers.values():
            strong_any |= c
    covered = 0
    for rank, k in enumerate(picked, start=1):
        c = cand[k]
        pool.load[c] += 1
        covered |= covers[k]
        d = None if np.isnan(dist[k]) else round(float(dist[k]), 1)
        items = [item_ids[j] for j in _bits(covers[k])]
        mine = [w for w in m.debiles_ if w in items]
        suggestion_rows.append(
            {
                "codigo_oc": m.codigo_oc,
                "rango": rank,
                "mentor_oc": pool.code[c],
                "ubigeo": m.ubigeo,
                "ubigeo_mentor": pool.ubigeo[c],
                "mismo_distrito": bool(same[k]),
                "distancia_km": d,
                "items": mine,
                "grado_mentor": pool.grade[c],
                "puntaje_mentor": float(pool.score[c]),
                "razones": _reasons(mine, bool(same[k]), d, m, pool.org[c], pool.sys[c]),
            }
        )
    near_any = bool(found.near_any[i])
    sin = [
        {
            "item": w,
            "motivo": _reason_for(w, near_any, bool(strong_any >> col[w] & 1)),
            "radio_km": r.radio_km,
        }
        for w in m.debiles_
        if not covered >> col[w] & 1
    ]
    mentee_rows.append(
        {
            "codigo_oc": m.codigo_oc,
            "ubigeo": m.ubigeo,
            "grado": m.grado,
            "grado_provisional": m.grado_provisional,
            "puntaje": m.puntaje,
            "items_debiles": list(m.debiles_),
            "n_sugerencias": len(picked),
            "sin_mentor": sin or None,
        }
    )


def _pick_bits(bits: np.ndarray, room: np.ndarray, r: Rules) -> list[int]:
    """`_pick` over candidates in rank order (positions), their cover masks as an int64
    array: the scan for an uncovered item jumps from one pick to the next instead of
    walking every candidate (a mentee in a dense area has hundreds)."""
    free = np.flatnonzero(room)
    picked = free[: r.sugerencias_max].tolist()
    covered = int(np.bitwise_or.reduce(bits[picked])) if picked else 0
    rest = free[r.sugerencias_max :]
    while len(rest):
        new = (bits[rest] & ~covered) != 0
        if not new.any():
            break
        at = int(np.argmax(new))
        k = int(rest[at])
        picked.append(k)
        covered |= int(bits[k])
        rest = rest[at + 1 :]
    return picked  # already in rank order: positions only grow


def _reasons(
    items: list[str], same: bool, km: float | None, mentee, org: object, sys: object
) -> list[dict]:
    """Structured reasons of one suggestion; evidence per item is added by `with_evidence`."""
    out: list[dict] = [{"codigo": "item", "item": i} for i in items]
    out.append({"codigo": "mismo_distrito" if same else "distancia", "km": km})
    if sys is not None and sys == mentee.tipo_sistema:
        out.append({"codigo": "mismo_tipo_sistema", "tipo": sys})
    if org is not None and org == mentee.tipo_organizacion:
        out.append({"codigo": "mismo_tipo_organizacion", "tipo": org})
    return out


def streaks(history: pd.DataFrame, r: Rules) -> dict[tuple[str, str], tuple[int, dt.date]]:
    """(codigo_oc, item) -> (how many of its latest assessments in a row are at full marks,
    the date of the first of them). `history`: codigo_oc, fecha_evaluacion, items (dict)."""
    if history.empty:
        return {}
    h = history.sort_values(["codigo_oc", "fecha_evaluacion"], ascending=[True, False])
    codes = h["codigo_oc"].to_numpy()
    values = pd.DataFrame(h["items"].tolist()).astype(float)
    full = (values >= r.item_fuerte_min - EPS).astype(int)
    # Still in the run: every assessment from the newest down to this one at full marks.
    running = full.groupby(codes).cumprod().to_numpy(dtype=bool)
    days = pd.to_datetime(h["fecha_evaluacion"]).to_numpy().astype("datetime64[D]").astype(int)
    start = np.where(running, days[:, None], np.iinfo(np.int64).max)
    counts = pd.DataFrame(running, columns=values.columns).groupby(codes).sum().stack()
    firsts = pd.DataFrame(start, columns=values.columns).groupby(codes).min().stack()
    on = (counts > 0).to_numpy()  # the two stacks share their index (same groups, columns)
    epoch = dt.date(1970, 1, 1)
    return {
        (str(code), item): (n, epoch + dt.timedelta(days=d))
        for (code, item), n, d in zip(
            counts.index[on],
            counts.to_numpy()[on].tolist(),
            firsts.to_numpy()[on].tolist(),
            strict=True,
        )
    }


def chlorine_runs(readings: pd.DataFrame, lo: float, hi: float) -> dict[str, dict]:
    """codigo_oc -> the run of its latest chlorine readings within [lo, hi]: how many, since
    when, and the last one. `readings`: codigo_oc, fecha_visita, cloro_residual_mg_l."""
    out: dict[str, dict] = {}
    rd = readings.dropna(subset=["cloro_residual_mg_l"])
    rd = rd.sort_values(["codigo_oc", "fecha_visita"], ascending=[True, False])
    if rd.empty:
        return out
    # Each organisation's readings are consecutive, newest first: its run ends at its first
    # reading out of range (found for all at once, not group by group).
    codes = rd["codigo_oc"].to_numpy(dtype=object)
    values = rd["cloro_residual_mg_l"].to_numpy(dtype=float)
    dates = rd["fecha_visita"].to_numpy()
    inside = (values >= lo - EPS) & (values <= hi + EPS)
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    ends = np.r_[starts[1:], len(codes)]
    outside = np.flatnonzero(~inside)
    if len(outside):
        at = np.searchsorted(outside, starts)
        last = outside[np.minimum(at, len(outside) - 1)]
        first_out = np.where(at < len(outside), last, len(codes))
    else:  # every reading in range (a small set of mentors): each run is all its readings
        first_out = np.full(len(starts), len(codes))
    runs = np.minimum(first_out, ends) - starts
    for s, n in zip(starts[runs > 0].tolist(), runs[runs > 0].tolist(), strict=True):
        out[str(codes[s])] = {
            "lecturas": n,
            "desde": pd.Timestamp(dates[s + n - 1]).date().isoformat(),
            "ultima_mg_l": round(float(values[s]), 2),
        }
    return out


def with_evidence(
    suggestions: pd.DataFrame,
    runs: Mapping[tuple[str, str], tuple[int, dt.date]],
    chlorine: Mapping[str, dict],
) -> pd.DataFrame:
    """The suggestions with each item reason's evidence: the mentor's run of assessments at
    full marks on it and, for residual chlorine, its run of readings within range."""
    out = []
    for mentor, reasons in zip(suggestions["mentor_oc"], suggestions["razones"], strict=True):
        rows = []
        for reason in reasons:
            reason = dict(reason)
            if reason["codigo"] == "item":
                n, since = runs.get((mentor, reason["item"]), (0, None))
                reason |= {"evaluaciones": n, "desde": since.isoformat() if since else None}
                if reason["item"] == "cloro_residual" and mentor in chlorine:
                    reason |= chlorine[mentor]
            rows.append(reason)
        out.append(rows)
    return suggestions.assign(razones=out)


# ------------------------------------------------------------------ ATM pairs ----------------

# Columns of the frame `atm_pairs` takes, one row per district with an ATM in the warehouse:
# ubigeo, provincia, departamento, latitud, longitud, anio (the year judged), operativa (bool),
# meta_anio, meta (latest applicable goal, or NaN), meta_estado, faltantes (list of that goal's
# missing activities), and one column per ATM_ACTIVITIES: True / False / None (not in data).
AT_RISK_COLUMNS = ["ubigeo", "anio", "motivos", "meta_anio", "meta", "n_pares", "sin_par"]
PAIR_COLUMNS = [
    "ubigeo",
    "rango",
    "ubigeo_par",
    "nivel",
    "distancia_km",
    "actividades",
    "actividades_meta",
]


def at_risk_reasons(row: Mapping) -> list[str]:
    """Why an ATM needs a pair: it does not operate, or it missed its latest goal."""
    out = []
    if not bool(row["operativa"]):
        out.append("atm_no_operativa")
    if row.get("meta_estado") in ("no_cumplida", "en_riesgo"):
        out.append(f"meta_{row['meta_estado']}")
    return out


def is_model_atm(row: Mapping) -> bool:
    """Operates in the year judged and met its latest applicable goal (if it had one)."""
    return bool(row["operativa"]) and row.get("meta_estado") in ("cumplida", None)


def activity_gaps(mentee: Mapping, mentor: Mapping) -> list[dict]:
    """Activities the pair has done and the struggling ATM has not (or the data does not say:
    `hecha` None, shown as "sin dato")."""
    return [
        {"actividad": a, "hecha": mentee.get(a)}
        for a in ATM_ACTIVITIES
        if mentor.get(a) is True and mentee.get(a) is not True
    ]


def goal_gaps(mentee: Mapping, mentor: Mapping) -> list[str]:
    """Activities of the struggling ATM's missed goal that the pair scored in the same goal."""
    if mentee.get("meta_estado") not in ("no_cumplida", "en_riesgo"):
        return []
    same = (mentee.get("meta_anio"), mentee.get("meta")) == (
        mentor.get("meta_anio"),
        mentor.get("meta"),
    )
    if not same:
        return []
    theirs = set(mentor.get("faltantes") or [])
    return [a for a in mentee.get("faltantes") or [] if a not in theirs]


def atm_pairs(districts: pd.DataFrame, r: Rules) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(at-risk ATMs, their pairs). A pair is an ATM of the same province, else of the same
    department, that operates and met its latest goal; ranked by how many activities it has
    that the other lacks, then distance between the district points, then code; each pair
    suggested to at most capacidad_par ATMs, the at-risk ones taken by code."""
    rows = districts.sort_values("ubigeo").to_dict("records")
    models = [d for d in rows if is_model_atm(d)]
    load: dict[str, int] = defaultdict(int)
    risk_rows, pair_rows = [], []
    for d in rows:
        reasons = at_risk_reasons(d)
        if not reasons:
            continue
        picked: list[tuple[dict, float | None, list, list]] = []
        level_used = None
        for level in ("provincia", "departamento"):
            pool = [
                m
                for m in models
                if m[level] == d[level]
                and m["ubigeo"] != d["ubigeo"]
                and load[m["ubigeo"]] < r.capacidad_par
            ]
            if pool:
                level_used = level
                picked = _rank_pairs(d, pool)[: r.pares_max]
                break
        for rank, (m, km, gaps, goal) in enumerate(picked, start=1):
            load[m["ubigeo"]] += 1
            pair_rows.append(
                {
                    "ubigeo": d["ubigeo"],
                    "rango": rank,
                    "ubigeo_par": m["ubigeo"],
                    "nivel": level_used,
                    "distancia_km": km,
                    "actividades": gaps,
                    "actividades_meta": goal,
                }
            )
        risk_rows.append(
            {
                "ubigeo": d["ubigeo"],
                "anio": d["anio"],
                "motivos": reasons,
                "meta_anio": d.get("meta_anio"),
                "meta": d.get("meta"),
                "n_pares": len(picked),
                "sin_par": None if picked else _no_pair_reason(d, models),
            }
        )
    return pd.DataFrame(risk_rows, columns=AT_RISK_COLUMNS), pd.DataFrame(
        pair_rows, columns=PAIR_COLUMNS
    )


def _rank_pairs(d: Mapping, pool: list[dict]) -> list[tuple[dict, float | None, list, list]]:
    ranked = []
    for m in pool:
        km = float(great_circle_km(d["latitud"], d["longitud"], m["latitud"], m["longitud"]))
        km_or_none = None if km != km else round(km, 1)
        ranked.append((m, km_or_none, activity_gaps(d, m), goal_gaps(d, m)))
    return sorted(
        ranked,
        key=lambda x: (
            -(len(x[2]) + len(x[3])),
            math.inf if x[1] is None else x[1],
            x[0]["ubigeo"],
        ),
    )


def _no_pair_reason(d: Mapping, models: list[dict]) -> str:
    """Why an at-risk ATM got no pair: no model ATM in its department, or all are taken."""
    if any(m["departamento"] == d["departamento"] and m["ubigeo"] != d["ubigeo"] for m in models):
        return "pares_sin_cupo"
    return "sin_atm_modelo_en_departamento"


# ------------------------------------------------------------------ database -----------------


def refresh(
    conn: Connection,
    as_of: dt.date,
    rules: Rules | None = None,
    evidence: Evidence | None = None,
) -> dict[str, int]:
    """Rewrite the four intercambio tables from the derived and raw tables, nationally (see
    the module docstring), in the caller's transaction. Returns the row counts written."""
    r = rules or load_rules()  # read per derivation, as the model is: an edit takes effect
    ev = evidence or shipped()
    for table in reversed(schema.PEER_TABLES):
        conn.execute(delete(table))
    counts = {"intercambio_jass": 0, "intercambio_sugerencia": 0}
    mentor_evidence = _MentorEvidence(conn, r, ev)
    for mentee_rows, suggestion_rows in match_rows(_jass_frame(conn), r):
        mentees = pd.DataFrame(mentee_rows, columns=MENTEE_COLUMNS)
        mentees = mentees.assign(version_reglas=r.version, calculado=as_of)
        suggestions = pd.DataFrame(suggestion_rows, columns=SUGGESTION_COLUMNS)
        counts["intercambio_jass"] += _insert(conn, schema.intercambio_jass, mentees)
        counts["intercambio_sugerencia"] += _insert(
            conn, schema.intercambio_sugerencia, mentor_evidence.added_to(suggestions)
        )
    risk, pairs = atm_pairs(_district_frame(conn, r), r)
    risk = risk.assign(calculado=as_of)
    return counts | {
        "intercambio_atm": _insert(conn, schema.intercambio_atm, risk),
        "intercambio_atm_par": _insert(conn, schema.intercambio_atm_par, pairs),
    }


def _insert(conn: Connection, table, df: pd.DataFrame) -> int:
    """The derivations' own fast writer (etl/derive/frames.py)."""
    if df.empty:
        return 0
    return frames.write(conn, table, df)


def _plain_rows(rows) -> list[tuple]:
    """Driver rows as plain tuples: pandas probes each Row object's attributes otherwise."""
    return [tuple(r) for r in rows]


def _as_text(column):
    """A JSON column read as its text (decoded by `_loads`, with orjson: the stdlib decoder
    SQLAlchemy uses took ~1.5 s of the matcher on the national warehouse)."""
    return type_coerce(column, String)


def _loads(value: object) -> object:
    """JSON text as Python values; a driver that decodes JSON itself (psycopg) gives them
    already. orjson refuses the NaN the stdlib writes: those few go through json."""
    if not isinstance(value, (str, bytes)):
        return value
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError:
        return json.loads(value)


def _jass_frame(conn: Connection) -> pd.DataFrame:
    """One row per JASS with a latest score: grade, items, point, organisation and system type."""
    p, o = schema.puntaje_oc, schema.organizacion_comunal
    rows = frames.fetch(
        conn,
        select(
            p.c.codigo_oc,
            p.c.ubigeo,
            p.c.grado,
            p.c.grado_provisional,
            p.c.puntaje,
            _as_text(p.c["items"]),
            _as_text(p.c.items_bajos),
            o.c.tipo_organizacion,
        )
        .join(o, o.c.codigo_oc == p.c.codigo_oc)
        .where(p.c.es_ultima.is_(True)),
    )
    cols = ["codigo_oc", "ubigeo", "grado", "grado_provisional", "puntaje", "items"]
    df = pd.DataFrame(rows, columns=[*cols, "items_bajos", "tipo_organizacion"])
    # The driver's boolean (0/1 on SQLite) as SQLAlchemy gives it: True / False / None.
    df["grado_provisional"] = pd.Series(
        [None if v is None or v != v else bool(v) for v in df["grado_provisional"].tolist()],
        index=df.index,
        dtype=object,
    )
    df["items"] = [_loads(v) for v in df["items"]]
    df["items_bajos"] = [_loads(v) for v in df["items_bajos"]]
    classes = {t: org_class(t) for t in set(df["tipo_organizacion"].tolist())}
    df["tipo_organizacion"] = [classes[t] for t in df["tipo_organizacion"].tolist()]
    points = _points(conn)
    df["latitud"] = df["codigo_oc"].map(points["latitud"])
    df["longitud"] = df["codigo_oc"].map(points["longitud"])
    df["tipo_sistema"] = df["codigo_oc"].map(_systems(conn)).astype(object)
    df["tipo_sistema"] = df["tipo_sistema"].where(df["tipo_sistema"].notna(), None)
    return df


def _points(conn: Connection) -> pd.DataFrame:
    """Each JASS's point: the mean of the centros poblados it serves (register CP lists and
    DATASS provider codes) that have coordinates."""
    cp, link, d = schema.centro_poblado, schema.oc_centro_poblado, schema.diagnostico_cp
    served = union(
        select(link.c.codigo_oc, link.c.ubigeo_cp),
        select(d.c.codigo_oc, d.c.ubigeo_cp).where(d.c.codigo_oc.is_not(None)),
    ).subquery()
    rows = frames.fetch(
        conn,
        select(served.c.codigo_oc, cp.c.latitud, cp.c.longitud)
        .join(cp, cp.c.ubigeo_cp == served.c.ubigeo_cp)
        .where(cp.c.latitud.is_not(None) & cp.c.longitud.is_not(None)),
    )
    df = pd.DataFrame(rows, columns=["codigo_oc", "latitud", "longitud"])
    return df.groupby("codigo_oc")[["latitud", "longitud"]].mean()


def _systems(conn: Connection) -> dict[str, str]:
    """Each JASS's system class: the most common among the CPs it runs (DATASS, latest
    survey per CP); ties by name, so the answer does not depend on row order."""
    s = schema.sistema_agua
    rows = frames.fetch(
        conn, select(s.c.codigo_oc, s.c.tipo_sistema_agua).where(s.c.codigo_oc.is_not(None))
    )
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    classes: dict[object, str | None] = {}  # a few distinct texts over ~100k rows
    for code, text in rows:
        cls = classes[text] if text in classes else classes.setdefault(text, system_class(text))
        if cls:
            counts[code][cls] += 1
    return {code: min(c, key=lambda k: (-c[k], k)) for code, c in counts.items()}


def _in_chunks(conn: Connection, query_of, codes: list[str]) -> list:
    out: list = []
    for start in range(0, len(codes), 500):
        out += frames.fetch(conn, query_of(codes[start : start + 500]))
    return out


# Mentors whose score history is read and reduced together (issue 18): the history of every
# suggested mentor at once (10x: 78k mentors, 706k assessments as dicts) took ~1.2 GB.
HISTORY_CHUNK = 5000


class _MentorEvidence:
    """The evidence of the mentors the suggestions cite (`streaks`, `chlorine_runs`), read
    once per mentor, HISTORY_CHUNK mentors at a time, as chunks of suggestions arrive: a
    mentor's runs depend on its own history only, so they are those one read of every
    suggested mentor gives."""

    def __init__(self, conn: Connection, r: Rules, ev: Evidence) -> None:
        self.conn, self.r, self.ev = conn, r, ev
        self.runs: dict[tuple[str, str], tuple[int, dt.date]] = {}
        self.chlorine: dict[str, dict] = {}
        self.seen: set[str] = set()

    def added_to(self, suggestions: pd.DataFrame) -> pd.DataFrame:
        """`with_evidence` of the suggestions, their new mentors read first."""
        if suggestions.empty:
            return suggestions
        new = sorted(set(suggestions["mentor_oc"].tolist()) - self.seen)
        for start in range(0, len(new), HISTORY_CHUNK):
            part = new[start : start + HISTORY_CHUNK]
            self.runs.update(streaks(_history(self.conn, part), self.r))
            readings = _readings(self.conn, part)
            self.chlorine.update(chlorine_runs(readings, self.ev.cloro_min, self.ev.cloro_max))
        self.seen.update(new)
        return with_evidence(suggestions, self.runs, self.chlorine)


def _history(conn: Connection, codes: list[str]) -> pd.DataFrame:
    p = schema.puntaje_oc
    rows = _in_chunks(
        conn,
        lambda part: select(p.c.codigo_oc, p.c.fecha_evaluacion, _as_text(p.c["items"])).where(
            p.c.codigo_oc.in_(part)
        ),
        codes,
    )
    df = pd.DataFrame(rows, columns=["codigo_oc", "fecha_evaluacion", "items"])
    df["items"] = [_loads(v) for v in df["items"]]
    return df


def _readings(conn: Connection, codes: list[str]) -> pd.DataFrame:
    v = schema.visita
    rows = _in_chunks(
        conn,
        lambda part: select(v.c.codigo_oc, v.c.fecha_visita, v.c.cloro_residual_mg_l).where(
            v.c.codigo_oc.in_(part) & v.c.cloro_residual_mg_l.is_not(None)
        ),
        codes,
    )
    return pd.DataFrame(rows, columns=["codigo_oc", "fecha_visita", "cloro_residual_mg_l"])


def _district_frame(conn: Connection, r: Rules) -> pd.DataFrame:
    """One row per district with an ATM in the warehouse, judged in the latest summary year:
    operating, latest applicable goal, and each of ATM_ACTIVITIES (None: not in the data)."""
    rd, atm = schema.resumen_distrito, schema.atm
    year = conn.execute(select(func.max(rd.c.anio))).scalar()
    with_atm = set(conn.execute(select(atm.c.ubigeo).distinct()).scalars())
    if year is None or not with_atm:
        return pd.DataFrame(columns=["ubigeo"])
    dist = schema.distrito
    rows = conn.execute(
        select(
            dist.c.ubigeo,
            dist.c.provincia,
            dist.c.departamento,
            dist.c.latitud,
            dist.c.longitud,
            rd.c.atm_operativa,
            rd.c.pct_oc_visitadas_12m,
        ).join(rd, (rd.c.ubigeo == dist.c.ubigeo) & (rd.c.anio == year))
    ).all()
    cols = ["ubigeo", "provincia", "departamento", "latitud", "longitud", "operativa", "visitadas"]
    df = pd.DataFrame(_plain_rows(rows), columns=cols)
    df = df[df["ubigeo"].isin(with_atm)].reset_index(drop=True)
    df["anio"] = int(year)
    facts = _atm_facts(conn, int(year))
    registered = _registered_share(conn)
    goals = _latest_goals(conn)
    records = []
    for d in df.to_dict("records"):
        f = facts.get(d["ubigeo"], {})
        share = registered.get(d["ubigeo"])
        visited = d.pop("visitadas")
        d |= {
            "ordenanza": f.get("ordenanza"),
            "responsable_designado": f.get("responsable_designado"),
            "poa_aprobado": f.get("poa_aprobado"),
            "presupuesto_pia": f.get("presupuesto_pia"),
            "jass_registradas": None if share is None else share >= r.jass_registradas_min - EPS,
            "jass_visitadas": None if visited is None else visited >= r.jass_visitadas_min - EPS,
        }
        d |= goals.get(d["ubigeo"], {"meta_anio": None, "meta": None, "meta_estado": None})
        records.append(d)
    return pd.DataFrame(records)


def _atm_facts(conn: Connection, year: int) -> dict[str, dict]:
    """ATM facts of `year` (its own row; the ordinance from any row up to it): True / False,
    None when the district has no row that year or the cell is blank."""
    a = schema.atm
    out: dict[str, dict] = {}
    query = select(
        a.c.ubigeo,
        a.c.anio,
        a.c.ordenanza_atm,
        a.c.fecha_ordenanza,
        a.c.responsable_designado,
        a.c.poa_aprobado,
        a.c.presupuesto_pia,
    ).where(a.c.anio <= year)
    for ubigeo, anio, ord_text, ord_date, head, poa, pia in conn.execute(query):
        f = out.setdefault(ubigeo, {"ordenanza": False})
        f["ordenanza"] = f["ordenanza"] or bool(ord_text) or ord_date is not None
        if anio == year:
            f["responsable_designado"] = head
            f["poa_aprobado"] = poa
            f["presupuesto_pia"] = None if pia is None else pia > 0
    return out


def _registered_share(conn: Connection) -> dict[str, float]:
    """Share of each district's JASS in the municipal register (resumen_oc.registrada)."""
    ro = schema.resumen_oc
    rows = conn.execute(select(ro.c.ubigeo, ro.c.registrada)).all()
    df = pd.DataFrame(_plain_rows(rows), columns=["ubigeo", "registrada"])
    return df.groupby("ubigeo")["registrada"].mean().to_dict()


def _latest_goals(conn: Connection) -> dict[str, dict]:
    """Each district's latest year with an applicable goal: met when all that year's goals
    are; otherwise the first one missed, with its missing activities."""
    g = schema.avance_meta_calc
    rows = conn.execute(
        select(g.c.ubigeo, g.c.anio, g.c.meta, g.c.estado, g.c.faltantes)
        .where(g.c.aplica.is_(True))
        .order_by(g.c.ubigeo, g.c.anio.desc(), g.c.meta)
    ).all()
    out: dict[str, dict] = {}
    for ubigeo, anio, meta, estado, faltantes in rows:
        current = out.get(ubigeo)
        if current is not None and current["meta_anio"] != anio:
            continue  # an older year
        entry = {"meta_anio": anio, "meta": meta, "meta_estado": estado, "faltantes": faltantes}
        if current is None or (current["meta_estado"] == "cumplida" and estado != "cumplida"):
            out[ubigeo] = entry
    return out
