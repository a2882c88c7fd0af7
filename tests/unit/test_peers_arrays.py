"""The array matcher (#18) against the matcher it replaced, one mentee at a time, kept here as
the reference: random warehouses, small chunks, every output column equal."""

from __future__ import annotations

import dataclasses
import math
import random
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest

from etl.derive import peers

# ------------------------------------------------------------------ the matcher before #18 ----
# fmt: off


class _Grid:
    """Mentors bucketed by cells about `radius` wide: a mentee looks at 3x3 cells only."""

    def __init__(self, lat: np.ndarray, lon: np.ndarray, radius_km: float):
        # 1 degree of latitude is ~111 km; of longitude, ~105 km at Peru's southern tip (18°S):
        # cells of radius/105 degrees are at least `radius` wide both ways there.
        self.size = max(radius_km, peers.EPS) / 105.0
        self.cells: dict[tuple[int, int], list[int]] = defaultdict(list)
        for i, (a, b) in enumerate(zip(lat.tolist(), lon.tolist(), strict=True)):
            if a == a and b == b:
                self.cells[(math.floor(a / self.size), math.floor(b / self.size))].append(i)

    def near(self, lat: float, lon: float) -> list[int]:
        if lat != lat or lon != lon:
            return []
        ci, cj = math.floor(lat / self.size), math.floor(lon / self.size)
        out: list[int] = []
        for di in (-1, 0, 1):
            for dj in (-1, 0, 1):
                out.extend(self.cells.get((ci + di, cj + dj), ()))
        return out


class _Pool:
    """The mentors (firm A/B JASS) as arrays, for fast candidate look-ups."""

    def __init__(self, jass: pd.DataFrame, item_ids: list[str], r: peers.Rules):
        ok = [
            peers.can_mentor(g, p, r)
            for g, p in zip(jass["grado"], jass["grado_provisional"], strict=True)
        ]
        m = jass[np.array(ok, dtype=bool)].reset_index(drop=True)
        self.code = m["codigo_oc"].to_numpy(dtype=object)
        self.code_rank = np.argsort(np.argsort(self.code.astype(str), kind="stable"))
        self.ubigeo = m["ubigeo"].to_numpy(dtype=object)
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
            for k in peers.strong_items(items, r):
                self.strong[i, col[k]] = True
        self.by_district: dict[str, list[int]] = defaultdict(list)
        for i, u in enumerate(self.ubigeo.tolist()):
            self.by_district[u].append(i)
        # Each mentor's strong items as bits of one int: a mentee's cover is one `&`.
        self.mask = [sum(1 << int(j) for j in np.flatnonzero(row)) for row in self.strong]
        self.grid = _Grid(self.lat, self.lon, r.radio_km)
        self.load = np.zeros(len(m), dtype=int)

    def _class(self, value: object) -> int:
        if value is None or value != value:
            return -1
        return self.classes.setdefault(value, len(self.classes))

    def near(self, m, r: peers.Rules) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(candidates, distance km, same district): of its district or within the radius,
        of the same organisation and system type when both are known, not itself."""
        found = self.by_district.get(m.ubigeo, []) + self.grid.near(m.latitud, m.longitud)
        cand = np.array(list(set(found)), dtype=int)  # order is irrelevant: ranked() is total
        cand = cand[self.code[cand] != m.codigo_oc]
        dist = peers.great_circle_km(m.latitud, m.longitud, self.lat[cand], self.lon[cand])
        same = self.ubigeo[cand] == m.ubigeo
        keep = same | (dist <= r.radio_km + peers.EPS)
        for on, mine, theirs in (
            (r.mismo_tipo_organizacion, m.tipo_organizacion, self.org_code),
            (r.mismo_tipo_sistema, m.tipo_sistema, self.sys_code),
        ):
            if on and mine is not None:
                t = theirs[cand]
                keep &= (t == self.classes.get(mine, -2)) | (t == -1)
        return cand[keep], dist[keep], same[keep]

    def ranked(self, cand, dist, same, weak: np.ndarray) -> np.ndarray:
        """The candidates strong on a weak item, best first: same district, more weak items
        covered, nearer, higher score, code."""
        n = self.strong[np.ix_(cand, weak)].sum(axis=1)
        km = np.where(np.isnan(dist), np.inf, dist)
        order = np.lexsort((self.code_rank[cand], -self.score[cand], km, -n, ~same))
        return order[n[order] > 0]


def reference_match(jass: pd.DataFrame, r: peers.Rules) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(mentees, suggestions) for every JASS of the frame (see the column notes above).

    Candidates of a mentee: firm A/B JASS other than itself, of its district or within
    radio_km, of the same organisation and system type when known, at full marks on at least
    one of its weak items. Ranked: same district first, more of its weak items covered, nearer,
    higher score, code. Taken in that order while they have capacity, up to sugerencias_max,
    then one more per weak item still uncovered if a strong mentor with capacity exists.
    """
    jass = jass.reset_index(drop=True)
    item_ids = sorted({k for items in jass["items"] for k in items})
    col = {k: j for j, k in enumerate(item_ids)}
    pool = _Pool(jass, item_ids, r)
    weak = [
        peers.weak_items(i, g, b, r)
        for i, g, b in zip(jass["items"], jass["grado"], jass["items_bajos"], strict=True)
    ]
    jass = jass.assign(debiles_=weak)
    mentee_rows: list[dict] = []
    suggestion_rows: list[dict] = []
    for m in peers._mentee_order(jass.loc[[len(w) > 0 for w in weak]]).itertuples(index=False):
        cand, dist, same = pool.near(m, r)
        weak_idx = np.array([col[w] for w in m.debiles_], dtype=int)
        wmask = sum(1 << int(j) for j in weak_idx)
        order = pool.ranked(cand, dist, same, weak_idx).tolist()
        covers = [pool.mask[c] & wmask for c in cand.tolist()]
        picked = peers._pick(order, covers, pool.load[cand] < r.capacidad_mentor, r)
        covered = strong_any = 0
        for k in order:
            strong_any |= covers[k]
        for rank, k in enumerate(picked, start=1):
            c = int(cand[k])
            pool.load[c] += 1
            covered |= covers[k]
            d = None if np.isnan(dist[k]) else round(float(dist[k]), 1)
            items = [item_ids[j] for j in peers._bits(covers[k])]
            suggestion_rows.append(
                {
                    "codigo_oc": m.codigo_oc,
                    "rango": rank,
                    "mentor_oc": pool.code[c],
                    "ubigeo": m.ubigeo,
                    "ubigeo_mentor": pool.ubigeo[c],
                    "mismo_distrito": bool(same[k]),
                    "distancia_km": d,
                    "items": [w for w in m.debiles_ if w in items],
                    "grado_mentor": pool.grade[c],
                    "puntaje_mentor": float(pool.score[c]),
                    "razones": peers._reasons(
                        [w for w in m.debiles_ if w in items],
                        bool(same[k]),
                        d,
                        m,
                        pool.org[c],
                        pool.sys[c],
                    ),
                }
            )
        sin = [
            {
                "item": w,
                "motivo": peers._reason_for(w, len(cand) > 0, bool(strong_any >> col[w] & 1)),
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
    return (
        pd.DataFrame(mentee_rows, columns=peers.MENTEE_COLUMNS),
        pd.DataFrame(suggestion_rows, columns=peers.SUGGESTION_COLUMNS),
    )


def reference_chlorine_runs(readings: pd.DataFrame, lo: float, hi: float) -> dict[str, dict]:
    """codigo_oc -> the run of its latest chlorine readings within [lo, hi]: how many, since
    when, and the last one. `readings`: codigo_oc, fecha_visita, cloro_residual_mg_l."""
    out: dict[str, dict] = {}
    rd = readings.dropna(subset=["cloro_residual_mg_l"])
    rd = rd.sort_values(["codigo_oc", "fecha_visita"], ascending=[True, False])
    for code, group in rd.groupby("codigo_oc", sort=False):
        values = group["cloro_residual_mg_l"].to_numpy(dtype=float)
        inside = (values >= lo - peers.EPS) & (values <= hi + peers.EPS)
        n = int(np.argmin(inside)) if not inside.all() else len(inside)
        if n:
            dates = group["fecha_visita"].to_numpy()
            out[str(code)] = {
                "lecturas": n,
                "desde": pd.Timestamp(dates[n - 1]).date().isoformat(),
                "ultima_mg_l": round(float(values[0]), 2),
            }
    return out



# fmt: on
# ------------------------------------------------------------------ the comparison ----------

ITEMS = ("cloro_residual", "tiene_operador", "cuota", "libro_caja", "reuniones")


def _random_jass(seed: int, n: int) -> pd.DataFrame:
    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        lat = rnd.uniform(-12.4, -12.0) if rnd.random() > 0.1 else math.nan
        items = {k: rnd.choice([0.0, 0.5, 1.0, 1.0, None]) for k in ITEMS if rnd.random() > 0.1}
        rows.append(
            {
                "codigo_oc": f"OC{rnd.randrange(10**6):06d}{i}",
                "ubigeo": rnd.choice(["010101", "010102", "010103", "020101"]),
                "grado": rnd.choice("ABBCD"),
                "grado_provisional": rnd.choice([False, False, True, None]),
                "puntaje": round(rnd.random(), 3),
                "items": items or {"cloro_residual": 0.0},
                "items_bajos": rnd.sample(ITEMS, 2),
                "latitud": lat,
                "longitud": rnd.uniform(-77.4, -77.0) if lat == lat else math.nan,
                "tipo_organizacion": rnd.choice(["jass", "comite", None]),
                "tipo_sistema": rnd.choice(["gravedad_sin_tratamiento", "bombeo", None]),
            }
        )
    return pd.DataFrame(rows)


@pytest.mark.parametrize("seed", range(6))
def test_peer_arrays_match_the_reference(seed, monkeypatch):
    monkeypatch.setattr(peers, "MATCH_CHUNK", 17)  # many chunks
    monkeypatch.setattr(peers, "MATCH_PAIRS", 300 + 100 * seed)  # sized by pairs too
    rules = dataclasses.replace(peers.load_rules(), radio_km=8.0 + seed, capacidad_mentor=2)
    frame = _random_jass(seed, 150)
    want = reference_match(frame, rules)
    got = peers.match(frame, rules)
    assert len(want[1]) > 20  # suggestions were made: the comparison has something to compare
    pd.testing.assert_frame_equal(got[0], want[0])
    pd.testing.assert_frame_equal(got[1], want[1])


def test_chlorine_runs_match_the_reference():
    rnd = random.Random(3)
    readings = pd.DataFrame(
        {
            "codigo_oc": [rnd.choice(["A", "B", "C", "D"]) for _ in range(300)],
            "fecha_visita": pd.to_datetime("2024-01-01")
            + pd.to_timedelta([rnd.randrange(700) for _ in range(300)], unit="D"),
            "cloro_residual_mg_l": [
                rnd.choice([0.1, 0.5, 0.8, 1.2, None, 0.5, 0.6]) for _ in range(300)
            ],
        }
    )
    want = reference_chlorine_runs(readings, 0.5, 1.0)
    assert want  # some runs
    assert peers.chlorine_runs(readings, 0.5, 1.0) == want
    assert peers.chlorine_runs(readings.iloc[:0], 0.5, 1.0) == {}


@pytest.mark.parametrize("seed", range(4))
def test_pick_bits_matches_pick(seed):
    """The array picking (#18, l18) picks what `_pick` picks, in the same order."""
    rnd = random.Random(seed)
    rules = dataclasses.replace(peers.load_rules(), sugerencias_max=1 + seed % 3)
    for _ in range(200):
        n = rnd.randrange(0, 40)
        covers = [rnd.choice([0, 1, 2, 4, 8, 3, 12, 16]) for _ in range(n)]
        room = np.array([rnd.random() < 0.6 for _ in range(n)], dtype=bool)
        want = peers._pick(list(range(n)), covers, room, rules)
        assert peers._pick_bits(np.array(covers, dtype=np.int64), room, rules) == want


def test_peer_arrays_without_bitmask_match_the_reference(monkeypatch):
    """The path for models with 63 items or more (Python masks, no int64 bits) gives the same."""
    init = peers._Pool.__init__

    def no_bits(self, *args, **kwargs):
        init(self, *args, **kwargs)
        self.bitmask = None

    monkeypatch.setattr(peers._Pool, "__init__", no_bits)
    monkeypatch.setattr(peers, "MATCH_CHUNK", 17)
    rules = dataclasses.replace(peers.load_rules(), radio_km=9.0, capacidad_mentor=2)
    frame = _random_jass(1, 150)
    want = reference_match(frame, rules)
    got = peers.match(frame, rules)
    assert len(want[1]) > 20
    pd.testing.assert_frame_equal(got[0], want[0])
    pd.testing.assert_frame_equal(got[1], want[1])
