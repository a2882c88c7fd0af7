"""What the warehouse holds: rows per table, the last load, data dates, and the rejects."""

from __future__ import annotations

import json

import pandas as pd
from sqlalchemy import Engine, func, select

from etl import schema

REJECT_COLUMNS = (
    "carga", "fecha_carga", "archivo", "hoja", "fila", "columna", "valor", "codigo",
    "mensaje", "sugerencia", "datos",
)  # fmt: skip
DATA_DATES = (
    ("ultima_fecha_encuesta", schema.diagnostico_cp.c.fecha_encuesta),
    ("ultimo_anio_diagnostico", schema.diagnostico_cp.c.anio),
    ("ultima_fecha_visita", schema.visita.c.fecha_visita),
    ("ultimo_anio_metas", schema.avance_meta.c.anio),
)


def has_loads(engine: Engine) -> bool:
    """Whether any load has been recorded."""
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(schema.carga)).scalar_one() > 0


def _counts(conn, tables) -> dict[str, int]:
    return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in tables}


def _last_load(conn) -> dict | None:
    c = schema.carga
    row = conn.execute(select(c).order_by(c.c.id.desc()).limit(1)).mappings().first()
    return dict(row) if row else None


def warehouse_status(engine: Engine) -> dict:
    """Rows per table (inputs, derived, audit), the last load and the latest data dates."""
    with engine.connect() as conn:
        return {
            "tablas": _counts(conn, schema.INPUT_TABLES),
            "derivadas": _counts(conn, schema.DERIVED_TABLES),
            "auditoria": _counts(conn, schema.AUDIT_TABLES),
            "ultima_carga": _last_load(conn),
            "fechas": {
                name: conn.execute(select(func.max(col))).scalar() for name, col in DATA_DATES
            },
        }


def render_text(info: dict) -> str:
    """The status as lines a person reads in a terminal."""
    lines = ["Filas por tabla / rows per table:"]
    for group in ("tablas", "derivadas", "auditoria"):
        lines += [f"  {name:<26}{n:>10,}" for name, n in info[group].items()]
    last = info["ultima_carga"]
    if last:
        lines.append(
            f"Última carga / last load: #{last['id']} {last['iniciada']:%Y-%m-%d %H:%M} "
            f"por {last['usuario']} en {last['equipo']}: {last['estado']} "
            f"({last['filas_cargadas']} cargadas, {last['filas_rechazadas']} rechazadas)"
        )
    else:
        lines.append("Sin cargas todavía / no load yet.")
    lines.append("Datos / data:")
    lines += [
        f"  {name:<26}{value if value is not None else '—'}"
        for name, value in info["fechas"].items()
    ]
    return "\n".join(lines)


def rejects_frame(engine: Engine) -> pd.DataFrame:
    """The rejected rows with their problems, most recent load first (Spanish column names)."""
    r, a, c = schema.rechazo, schema.carga_archivo, schema.carga
    query = (
        select(
            c.c.id.label("carga"),
            c.c.iniciada.label("fecha_carga"),
            r.c.archivo,
            r.c.hoja,
            r.c.fila,
            r.c.columna,
            r.c.valor,
            r.c.codigo,
            r.c.mensaje_es.label("mensaje"),
            r.c.sugerencia_es.label("sugerencia"),
            r.c.datos,
        )
        .join(a, r.c.carga_archivo_id == a.c.id)
        .join(c, a.c.carga_id == c.c.id)
        .order_by(c.c.id.desc(), r.c.archivo, r.c.hoja, r.c.fila, r.c.id)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    frame = pd.DataFrame([dict(row) for row in rows], columns=list(REJECT_COLUMNS))
    frame["datos"] = frame["datos"].map(
        lambda d: json.dumps(d, ensure_ascii=False) if d is not None else ""
    )
    return frame
