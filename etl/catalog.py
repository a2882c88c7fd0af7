"""The goal catalogue (data/metas.yaml): goals as data, read and checked here.

Adding a year's goal means editing the YAML only. Every value that is our assumption rather
than an official figure carries a `*_supuesto` flag, which the dashboard shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml
from sqlalchemy import Connection, Table

from etl import schema
from etl.db import dialect_insert

CATALOG_PATH = Path(__file__).resolve().parent.parent / "data" / "metas.yaml"
ACTIVITY_KINDS = ("evidencia", "metrica")
METRIC_RULES = (
    "cp_con_diagnostico",
    "oc_registradas",
    "oc_reconocidas",
    "oc_visitadas",
    "oc_clorando",
    "atm_presupuesto_pia",
)


class CatalogError(ValueError):
    """The catalogue file is malformed; the message names the goal and field."""


@dataclass(frozen=True)
class Activity:
    id: str
    descripcion_es: str
    descripcion_en: str
    tipo: str
    puntos: float
    puntos_supuesto: bool
    regla: str | None = None
    umbral: float | None = None
    umbral_supuesto: bool = False
    anio_dato: int | None = None


@dataclass(frozen=True)
class Goal:
    anio: int
    numero: int
    nombre_es: str
    nombre_en: str
    fecha_limite: dt.date
    categorias: tuple[str, ...]
    categorias_supuesto: bool
    puntaje_minimo: float
    puntaje_minimo_supuesto: bool
    fuente: str
    verificado: bool
    actividades: tuple[Activity, ...]
    categorias_fuente: str = ""  # where the applicability rule comes from (shown on /metas)

    @property
    def key(self) -> tuple[int, int]:
        return (self.anio, self.numero)

    @property
    def puntaje_maximo(self) -> float:
        return sum(a.puntos for a in self.actividades)


@dataclass(frozen=True)
class Catalog:
    version: str
    goals: tuple[Goal, ...]

    def goal(self, anio: int, numero: int) -> Goal:
        return next(g for g in self.goals if g.key == (anio, numero))


def _activity(raw: dict, where: str) -> Activity:
    tipo = raw.get("tipo")
    if tipo not in ACTIVITY_KINDS:
        raise CatalogError(f"{where}: tipo must be one of {ACTIVITY_KINDS}, got {tipo!r}")
    if tipo == "metrica" and raw.get("regla") not in METRIC_RULES:
        raise CatalogError(
            f"{where}: regla must be one of {METRIC_RULES}, got {raw.get('regla')!r}"
        )
    return Activity(
        id=str(raw["id"]),
        descripcion_es=raw["descripcion_es"],
        descripcion_en=raw["descripcion_en"],
        tipo=tipo,
        puntos=float(raw["puntos"]),
        puntos_supuesto=bool(raw.get("puntos_supuesto", True)),
        regla=raw.get("regla"),
        umbral=None if raw.get("umbral") is None else float(raw["umbral"]),
        umbral_supuesto=bool(raw.get("umbral_supuesto", False)),
        anio_dato=raw.get("anio_dato"),
    )


def _goal(raw: dict) -> Goal:
    where = f"meta {raw.get('anio')}-{raw.get('numero')}"
    try:
        activities = tuple(
            _activity(a, f"{where}, actividad {a.get('id')}") for a in raw["actividades"]
        )
        goal = Goal(
            anio=int(raw["anio"]),
            numero=int(raw["numero"]),
            nombre_es=raw["nombre_es"],
            nombre_en=raw["nombre_en"],
            fecha_limite=_date(raw["fecha_limite"]),
            categorias=tuple(str(c) for c in raw["categorias"]),
            categorias_supuesto=bool(raw.get("categorias_supuesto", True)),
            puntaje_minimo=float(raw["puntaje_minimo"]),
            puntaje_minimo_supuesto=bool(raw.get("puntaje_minimo_supuesto", True)),
            fuente=str(raw.get("fuente", "")),
            verificado=bool(raw.get("verificado", False)),
            actividades=activities,
            categorias_fuente=str(raw.get("categorias_fuente", "")),
        )
    except KeyError as exc:
        raise CatalogError(f"{where}: missing field {exc}") from None
    if len({a.id for a in activities}) != len(activities):
        raise CatalogError(f"{where}: activity ids must be unique")
    return goal


def _date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def load_catalog(path: Path = CATALOG_PATH) -> Catalog:
    """Read and check the goal catalogue."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    goals = tuple(_goal(g) for g in raw["metas"])
    if len({g.key for g in goals}) != len(goals):
        raise CatalogError("duplicate (anio, numero) in the catalogue")
    return Catalog(version=str(raw["version"]), goals=goals)


def _goal_row(goal: Goal, version: str) -> dict:
    return {
        "anio": goal.anio,
        "numero": goal.numero,
        "nombre_es": goal.nombre_es,
        "nombre_en": goal.nombre_en,
        "fecha_limite": goal.fecha_limite,
        "categorias": ",".join(goal.categorias),
        "categorias_supuesto": goal.categorias_supuesto,
        "categorias_fuente": goal.categorias_fuente,
        "puntaje_minimo": goal.puntaje_minimo,
        "puntaje_minimo_supuesto": goal.puntaje_minimo_supuesto,
        "fuente": goal.fuente,
        "verificado": goal.verificado,
        "version_catalogo": version,
    }


def _activity_rows(goal: Goal) -> list[dict]:
    return [
        {
            "anio": goal.anio,
            "meta": goal.numero,
            "actividad": a.id,
            "orden": i,
            "descripcion_es": a.descripcion_es,
            "descripcion_en": a.descripcion_en,
            "tipo": a.tipo,
            "puntos": a.puntos,
            "puntos_supuesto": a.puntos_supuesto,
            "regla": a.regla,
            "umbral": a.umbral,
            "umbral_supuesto": a.umbral_supuesto,
            "anio_dato": a.anio_dato,
        }
        for i, a in enumerate(goal.actividades, start=1)
    ]


def sync_catalog(conn: Connection, catalog: Catalog | None = None) -> Catalog:
    """Write the catalogue into meta / meta_actividad (upsert; in the caller's transaction).

    Goals and activities removed from the file are deleted unless evidence still points at
    them (the foreign key keeps that evidence valid; the dashboard then shows it as orphaned).
    """
    catalog = catalog or load_catalog()
    for goal in catalog.goals:
        _upsert(conn, schema.meta, [_goal_row(goal, catalog.version)], ("anio", "numero"))
        _upsert(conn, schema.meta_actividad, _activity_rows(goal), ("anio", "meta", "actividad"))
    return catalog


def _upsert(conn: Connection, table: Table, rows: list[dict], key: tuple[str, ...]) -> None:
    if not rows:
        return
    stmt = dialect_insert(conn)(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=list(key),
        set_={c: stmt.excluded[c] for c in rows[0] if c not in key},
    )
    conn.execute(stmt, rows)
