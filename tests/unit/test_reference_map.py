"""Issue 17: every district at its own point, and every district drawable on the map
(its own 2007 shape, its 2007 container's shape, or a labelled point)."""

from __future__ import annotations

import csv
import itertools
import json
import math
from pathlib import Path

import pytest

from etl import reference

ROOT = Path(__file__).resolve().parents[2]
BOUNDARIES = ROOT / "data" / "limites" / "distritos.geojson"
BASE_MAP = ROOT / "data" / "limites" / "peru_110m.json"
# ../shared beside the clone (CI), or beside the worktrees folder (/work/wt/<name>).
SHARED = next(
    (
        p / "shared" / "data"
        for p in (ROOT.parent, ROOT.parent.parent)
        if (p / "shared" / "data").is_dir()
    ),
    ROOT.parent / "shared" / "data",
)


@pytest.fixture(scope="module")
def rows() -> dict[str, dict]:
    return {r["ubigeo"]: r for r in reference.district_rows()}


@pytest.fixture(scope="module")
def shapes() -> dict[str, dict]:
    data = json.loads(BOUNDARIES.read_text(encoding="utf-8"))
    return {f["id"]: f["geometry"] for f in data["features"]}


def _polygons(geometry: dict) -> list:
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]


def _inside(x: float, y: float, ring: list) -> bool:
    hit = False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            hit = not hit
    return hit


def _km_to_shape(x: float, y: float, geometry: dict) -> float:
    """0 inside the shape, else the distance to its nearest edge (km, flat-earth)."""
    for poly in _polygons(geometry):
        if _inside(x, y, poly[0]) and not any(_inside(x, y, h) for h in poly[1:]):
            return 0.0
    k = math.cos(math.radians(y))
    best = math.inf
    for poly in _polygons(geometry):
        for ring in poly:
            for (ax, ay), (bx, by) in itertools.pairwise(ring):
                dx, dy = (bx - ax) * k, by - ay
                px, py = (x - ax) * k, y - ay
                t = max(0.0, min(1.0, (px * dx + py * dy) / (dx * dx + dy * dy or 1)))
                best = min(best, math.hypot(px - t * dx, py - t * dy))
    return best * 111.32


def test_ref001_every_district_has_its_own_point_or_none(rows):
    """No two districts share a point (the source has no shared points); a district without
    a point in the source has none, never a borrowed one."""
    points = [(r["latitud"], r["longitud"]) for r in rows.values() if r["latitud"]]
    assert len(points) == len(set(points))
    assert len(points) >= 1870
    for r in rows.values():
        assert r["coordenadas_fuente"] == ("distrito" if r["latitud"] else "")
        assert bool(r["latitud"]) == bool(r["longitud"])


def test_ref002_codes_are_inei_not_reniec(rows):
    """Joined by INEI code: Huaribamba is 090709 (RENIEC 080512); the two phantom codes the
    old package had (090708, 090712) are gone; Putumayo is 160801, not Maynas' 160109."""
    assert rows["090709"]["distrito"] == "Huaribamba"
    assert rows["090709"]["ubigeo_reniec"] == "080512"
    assert rows["090709"]["latitud"] == "-12.279722"
    assert not {"090708", "090712", "160109", "160114"} & set(rows)
    assert rows["160801"]["distrito"] == "Putumayo"
    assert rows["180107"]["distrito"] == "San Antonio"  # the source has no INEI code for it
    assert len(rows) == 1892


def test_ref003_own_point_lies_in_own_shape(rows, shapes):
    """A district's point is inside its own 2007 shape or within 5 km of it (capitals on a
    border, shapes simplified): a code mix-up (RENIEC for INEI) would put points in another
    district's shape, tens or hundreds of km away."""
    far = {}
    for code, geometry in shapes.items():
        r = rows[code]
        if r["latitud"]:
            km = _km_to_shape(float(r["longitud"]), float(r["latitud"]), geometry)
            if km > 5:
                far[code] = round(km)
    assert far == {}


def test_ref004_every_district_is_a_shape_a_container_or_a_point(rows, shapes):
    assert set(shapes) <= set(rows)  # every boundary id is a district of the reference
    kinds = {"poligono": 0, "contenedor": 0, "punto": 0}
    for code, r in rows.items():
        kinds[r["mapa"]] += 1
        if r["mapa"] == "poligono":
            assert code in shapes
        elif r["mapa"] == "contenedor":
            assert code not in shapes and r["contenedor_2007"] in shapes
            assert r["contenedor_fuente"] in {"cambios", "propio"}
        else:
            assert code not in shapes and r["latitud"], code
    assert kinds == {"poligono": 1826, "contenedor": 58, "punto": 8}


def test_ref005_created_district_points_fall_in_their_container(rows, shapes):
    for r in rows.values():
        if r["mapa"] == "contenedor" and r["latitud"] and r["contenedor_fuente"] == "cambios":
            km = _km_to_shape(
                float(r["longitud"]), float(r["latitud"]), shapes[r["contenedor_2007"]]
            )
            assert km < 5, (r["ubigeo"], km)


def test_ref006_boundary_files_are_small_rounded_and_licensed():
    assert BOUNDARIES.stat().st_size <= 800_000
    text = BOUNDARIES.read_text(encoding="utf-8")
    assert '"properties"' not in text
    numbers = json.loads(text)["features"][0]["geometry"]["coordinates"][0][0]
    assert all(round(v, 3) == v for v in numbers)
    license_text = (BOUNDARIES.parent / "LICENSE").read_text(encoding="utf-8")
    assert license_text.startswith("Mozilla Public License Version 2.0")
    base = json.loads(BASE_MAP.read_text(encoding="utf-8"))
    assert len(base["objects"]["land"]["geometries"]) == 25


def test_ref007_rings_wind_clockwise_for_d3(shapes):
    """d3-geo (plotly's geo) fills the whole globe around an anticlockwise exterior ring."""
    for geometry in shapes.values():
        for poly in _polygons(geometry):
            ring = poly[0]
            area2 = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in itertools.pairwise(ring))
            assert area2 < 0


@pytest.mark.skipif(not SHARED.exists(), reason="shared data not present")
def test_ref008_build_scripts_reproduce_the_shipped_files(tmp_path):
    """The reference and boundary files are exactly what the scripts make from the sources."""
    import runpy
    import sys

    for script, outputs in (
        ("build_districts.py", ["--out", str(tmp_path / "d.csv")]),
        ("build_boundaries.py", ["--out", str(tmp_path / "limites")]),
    ):
        argv = sys.argv
        sys.argv = [script, "--shared", str(SHARED), *outputs]
        try:
            runpy.run_path(str(ROOT / "scripts" / script), run_name="__main__")
        finally:
            sys.argv = argv
    shipped = reference.DISTRICTS_CSV.read_text(encoding="utf-8")
    assert (tmp_path / "d.csv").read_text(encoding="utf-8") == shipped
    for name in ("distritos.geojson", "peru_110m.json"):
        built = (tmp_path / "limites" / name).read_bytes()
        assert built == (BOUNDARIES.parent / name).read_bytes(), name


def test_ref009_warehouse_districts_carry_the_reference(engine):
    from sqlalchemy import select

    from etl import schema

    d = schema.distrito
    with engine.connect() as conn:
        row = conn.execute(
            select(d.c.latitud, d.c.pobreza_total_pct, d.c.mapa, d.c.contenedor_2007).where(
                d.c.ubigeo == "090725"
            )
        ).one()
    assert tuple(row) == (None, None, "contenedor", "090718")


def test_ref010_an_older_warehouse_is_refreshed(engine):
    """A warehouse made with the old reference (a province point, no poverty) gets the new
    values on the next init_db, once; a second run writes nothing."""
    from sqlalchemy import select, update

    from etl import db, schema

    d = schema.distrito
    with engine.begin() as conn:
        conn.execute(
            update(d)
            .where(d.c.ubigeo == "010102")
            .values(latitud=-6.2294, coordenadas_fuente="provincia", pobreza_total_pct=None)
        )
    db.init_db(engine)
    with engine.begin() as conn:
        row = conn.execute(
            select(d.c.latitud, d.c.coordenadas_fuente, d.c.pobreza_total_pct).where(
                d.c.ubigeo == "010102"
            )
        ).one()
        assert tuple(row) == (-6.0325, "distrito", 36.5199)
        assert reference.refresh_districts(conn) == 0


def test_ref011_csv_has_no_stray_values():
    with reference.DISTRICTS_CSV.open(encoding="utf-8") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    for row in csv.DictReader(lines):
        assert "NA" not in row.values(), row["ubigeo"]
