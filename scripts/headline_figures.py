"""Headline figures of a warehouse, for before/after notes (issue 14).

    python scripts/headline_figures.py sqlite:///path/to/warehouse.db [--anio 2026]

Prints the national grade distribution (with the provisional share when the warehouse has
it), safe water, sanitation, goals met per goal (computed and MEF) and districts ready to
exit, from the derived tables the dashboard reads. Works on warehouses before and after the
issue-14 columns exist.
"""

from __future__ import annotations

import argparse
import datetime as dt

from sqlalchemy import create_engine, inspect, text


def _cols(engine, table: str) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns(table)}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("db")
    p.add_argument("--anio", type=int, default=dt.date.today().year)
    a = p.parse_args()
    eng = create_engine(a.db)
    with eng.connect() as c:
        q = lambda sql, **kw: c.execute(text(sql), kw).fetchall()  # noqa: E731
        ro = _cols(eng, "resumen_oc")
        print("== JASS grades (resumen_oc, latest) ==")
        rows = q("SELECT grado, COUNT(*) FROM resumen_oc GROUP BY grado ORDER BY grado")
        total = sum(n for _, n in rows) or 1  # an empty warehouse prints zeros
        for g, n in rows:
            print(f"  {g}: {n} ({n / total:.1%})")
        if "grado_provisional" in ro:
            prov = q(
                "SELECT grado, COUNT(*) FROM resumen_oc WHERE grado_provisional GROUP BY grado"
            )
            np_ = sum(n for _, n in prov)
            print(f"  provisional: {np_} ({np_ / total:.1%}) by grade {dict(prov)}")
            firm = q(
                "SELECT COUNT(*) FROM resumen_oc WHERE grado IN ('A','B') AND NOT grado_provisional"
            )[0][0]
            print(f"  firm A+B: {firm} ({firm / total:.1%})")
        ab = sum(n for g, n in rows if g in ("A", "B"))
        print(f"  A+B (any): {ab} ({ab / total:.1%})  total {total}")
        print("== Coverage, nation, latest view (cobertura anio 0) ==")
        cc = _cols(eng, "cobertura")
        extra = [
            x
            for x in ("n_cp_cloro_vigente", "viviendas_saneamiento", "viviendas_base_saneamiento")
            if x in cc
        ]
        sel = ", ".join(
            [
                "n_cp",
                "poblacion_rural",
                "cobertura_agua",
                "cobertura_agua_segura",
                "cobertura_saneamiento",
                *extra,
            ]
        )
        for r in q(f"SELECT {sel} FROM cobertura WHERE nivel='nacion' AND anio=0"):
            print(
                "  "
                + ", ".join(
                    f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}"
                    for k, v in r._mapping.items()
                )
            )
        print("== Goals (avance_meta_calc) ==")
        for r in q(
            "SELECT anio, meta, SUM(aplica), SUM(estado='cumplida'), SUM(estado='no_cumplida'),"
            " SUM(mef_cumplio IS NOT NULL AND aplica), SUM(mef_cumplio=1 AND aplica),"
            " SUM(discrepancia=1) FROM avance_meta_calc GROUP BY anio, meta ORDER BY anio, meta"
        ):
            print(
                f"  {r[0]}-{r[1]}: aplica={r[2]} cumplida={r[3]} no_cumplida={r[4]}"
                f" mef_known={r[5]} mef_met={r[6]} discrepancias={r[7]}"
            )
        print(f"== Exit readiness (salida_distrito, anio {a.anio}) ==")
        for r in q(
            "SELECT estado, COUNT(*) FROM salida_distrito WHERE anio=:y GROUP BY estado", y=a.anio
        ):
            print(f"  {r[0]}: {r[1]}")
        atm = q("SELECT SUM(atm_operativa), COUNT(*) FROM resumen_distrito WHERE anio=:y", y=a.anio)
        print(f"  atm_operativa {a.anio}: {atm[0][0]} of {atm[0][1]}")
        crit = q("SELECT criterios FROM salida_distrito WHERE anio=:y", y=a.anio)
        import json

        met: dict[str, int] = {}
        for (cj,) in crit:
            for x in json.loads(cj) if isinstance(cj, str) else cj:
                met[x["criterio"]] = met.get(x["criterio"], 0) + bool(x["cumple"])
        print(f"  criteria met: {met}")


if __name__ == "__main__":
    main()
