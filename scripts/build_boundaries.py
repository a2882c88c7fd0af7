"""Build the map's boundary files in data/limites/ from the shared INEI 2007 limits.

    .venv/bin/python scripts/build_boundaries.py [--shared ../shared/data]

Source: `limites/` of the shared data (juaneladio/peru-geojson, MPL-2.0: the files written
here are derived from it and stay under MPL-2.0, data/limites/LICENSE and NOTICE.md).

- `distritos.geojson`: one feature per 2007 district shape, `id` = today's INEI ubigeo (the
  two Maynas districts re-coded to Putumayo province in 2014 carry their new codes), no
  properties; coordinates rounded to 3 decimals (~110 m) with repeated points dropped. Rounding
  is the same for both sides of a shared border, so neighbours still meet exactly (a
  per-polygon simplification would open slivers between them). Features without geometry
  (eight in the source) are left out: the reference marks those districts `mapa=punto`.
- `peru_110m.json`: the base map plotly's `geo` subplot insists on loading (it is asked for as
  `<topojsonURL>/south-america_110m.json` whenever a trace has a `locationmode`, even one drawn
  from our GeoJSON). Ours, served by the app, holds Peru's 25 departments: `land` (their fill)
  and `rivers`, their borders as lines, because plotly draws the rivers layer *above* a
  choropleth: the department outlines on top of the districts, with no extra trace to catch
  the mouse.

Rings are written clockwise (holes anticlockwise): plotly's geo (d3-geo) reads the other
winding as "the whole globe except this polygon".
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "limites"
# ../shared beside the clone (CI), or beside the worktrees folder (/work/wt/<name>).
SHARED = next(
    (
        p / "shared" / "data"
        for p in (ROOT.parent, ROOT.parent.parent)
        if (p / "shared" / "data").is_dir()
    ),
    ROOT.parent / "shared" / "data",
)
DIGITS = 3

Ring = list[list[float]]


def _area2(ring: Ring) -> float:
    """Twice the signed planar area: positive when anticlockwise (lon east, lat north)."""
    return sum(
        x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True)
    )


def round_ring(ring: Ring, hole: bool) -> Ring | None:
    """Rounded, without repeated points, closed, wound for d3-geo; None if it collapses."""
    out: Ring = []
    for x, y in ring:
        point = [round(x, DIGITS), round(y, DIGITS)]
        if not out or point != out[-1]:
            out.append(point)
    if len(out) > 1 and out[0] == out[-1]:
        out.pop()
    if len(out) < 3 or _area2(out) == 0:
        return None
    if (_area2(out) > 0) != hole:  # exterior clockwise, hole anticlockwise
        out.reverse()
    return [*out, out[0]]


def polygons(geometry: dict[str, Any]) -> list[list[Ring]]:
    """The geometry's polygons, each a list of rounded rings (exterior first)."""
    parts = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    result = []
    for part in parts:
        outer = round_ring(part[0], hole=False)
        if outer is None:
            continue  # an islet smaller than the rounding
        holes = [r for r in (round_ring(h, hole=True) for h in part[1:]) if r is not None]
        result.append([outer, *holes])
    return result


def _geometry(parts: list[list[Ring]]) -> dict[str, Any]:
    if len(parts) == 1:
        return {"type": "Polygon", "coordinates": parts[0]}
    return {"type": "MultiPolygon", "coordinates": parts}


def recoded(shared: Path) -> dict[str, str]:
    """2007 code -> today's code for the districts re-coded since (cambios: reasignado)."""
    with (shared / "ubigeo" / "cambios-2007-2026.csv").open(encoding="utf-8") as fh:
        return {
            r["ubigeo_2007"]: r["ubigeo_2026"]
            for r in csv.DictReader(fh)
            if r["nivel"] == "distrito" and r["tipo"] == "reasignado"
        }


def districts(shared: Path) -> dict[str, Any]:
    source = json.loads((shared / "limites" / "peru_distrital_simple.geojson").read_text("utf-8"))
    codes = recoded(shared)
    features = []
    for feature in source["features"]:
        geometry = feature.get("geometry")
        if not geometry or not geometry.get("coordinates"):
            continue
        parts = polygons(geometry)
        if not parts:
            raise SystemExit(f"{feature['properties']['IDDIST']}: nothing left after rounding")
        code = feature["properties"]["IDDIST"]
        features.append(
            {"type": "Feature", "id": codes.get(code, code), "geometry": _geometry(parts)}
        )
    features.sort(key=lambda f: f["id"])
    return {"type": "FeatureCollection", "features": features}


def base_map(shared: Path) -> dict[str, Any]:
    """A TopoJSON with `land` (department polygons) and `rivers` (their borders as lines).

    Without a `transform` TopoJSON arcs are plain coordinates; each ring is its own arc."""
    source = json.loads(
        (shared / "limites" / "peru_departamental_simple.geojson").read_text("utf-8")
    )
    arcs: list[Ring] = []
    land, lines = [], []
    for feature in sorted(source["features"], key=lambda f: f["properties"]["FIRST_IDDP"]):
        polys = []
        for poly in polygons(feature["geometry"]):
            refs = []
            for ring in poly:
                arcs.append(ring)
                refs.append([len(arcs) - 1])
                lines.append([len(arcs) - 1])
            polys.append(refs)
        land.append(
            {"type": "MultiPolygon", "arcs": polys, "id": feature["properties"]["FIRST_IDDP"]}
        )
    empty = {"type": "GeometryCollection", "geometries": []}
    return {
        "type": "Topology",
        "arcs": arcs,
        "objects": {
            "land": {"type": "GeometryCollection", "geometries": land},
            "rivers": {"type": "MultiLineString", "arcs": lines},
            **dict.fromkeys(("ocean", "lakes", "countries", "coastlines", "subunits"), empty),
        },
    }


def _dump(data: dict[str, Any], path: Path) -> int:
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")
    return len(text) + 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED, help="shared/data folder")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    size = _dump(districts(args.shared), args.out / "distritos.geojson")
    print(f"distritos.geojson: {size:,} B")
    size = _dump(base_map(args.shared), args.out / "peru_110m.json")
    print(f"peru_110m.json: {size:,} B")
    license_text = (args.shared / "limites" / "LICENSE").read_text(encoding="utf-8")
    (args.out / "LICENSE").write_text(license_text, encoding="utf-8")


if __name__ == "__main__":
    main()
