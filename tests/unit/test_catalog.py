"""The goal catalogue is data: read, checked, synced into the warehouse."""

import textwrap

import pytest
from sqlalchemy import func, select

from etl import catalog, schema


def test_cat001_shipped_catalogue_has_the_six_goals():
    cat = catalog.load_catalog()
    assert {g.key for g in cat.goals} == {
        (2015, 11),
        (2015, 40),
        (2016, 35),
        (2016, 42),
        (2017, 35),
        (2017, 41),
    }
    for goal in cat.goals:
        assert goal.puntaje_minimo <= goal.puntaje_maximo
        assert not goal.verificado  # nothing here was read from an official table


def test_cat002_sync_is_idempotent(engine):
    with engine.begin() as conn:
        catalog.sync_catalog(conn)
        catalog.sync_catalog(conn)
    with engine.connect() as conn:
        n_goals = conn.execute(select(func.count()).select_from(schema.meta)).scalar_one()
        n_acts = conn.execute(select(func.count()).select_from(schema.meta_actividad)).scalar_one()
    assert n_goals == 6
    assert n_acts == sum(len(g.actividades) for g in catalog.load_catalog().goals)


def test_cat003_bad_rule_is_named(tmp_path):
    path = tmp_path / "metas.yaml"
    path.write_text(
        textwrap.dedent("""
        version: x
        metas:
          - {anio: 2030, numero: 1, nombre_es: a, nombre_en: a, fecha_limite: 2030-12-31,
             categorias: [A], puntaje_minimo: 1,
             actividades: [{id: m, descripcion_es: d, descripcion_en: d, tipo: metrica,
                            regla: no_such_rule, puntos: 1}]}
    """)
    )
    with pytest.raises(catalog.CatalogError, match=r"2030-1.*no_such_rule"):
        catalog.load_catalog(path)
