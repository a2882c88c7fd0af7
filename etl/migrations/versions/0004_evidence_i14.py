"""Issue 14, honest numbers: how sure a grade is, and the basis of safe water.

The source of each goal's applicability rule (meta.categorias_fuente, filled by the next load
from data/metas.yaml), and derived columns (every derive rewrites them): a grade's provisional flag and reasons
(puntaje_oc, resumen_oc), provisional counts per district (resumen_distrito), and per coverage
row the CPs whose provider has a chlorine reading within its validity; the parts of a
JASS's visit priority (resumen_oc.prioridad_base, poblacion_servida).

Revision ID: 0004_i14
Revises: 0004_i17
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_i14"
down_revision = "0004_i17"
branch_labels = None
depends_on = None

# (name, type) per table; fresh Column objects are built per call (Column.copy is deprecated).
COLUMNS: dict[str, list[tuple[str, type]]] = {
    "meta": [("categorias_fuente", sa.Text)],
    "puntaje_oc": [
        ("grado_provisional", sa.Boolean),
        ("motivo_provisional", sa.JSON),
    ],
    "resumen_oc": [
        ("grado_provisional", sa.Boolean),
        ("motivo_provisional", sa.JSON),
        ("prioridad_base", sa.Float),
        ("poblacion_servida", sa.Integer),
    ],
    "resumen_distrito": [
        ("n_oc_provisional", sa.Integer),
        ("n_oc_ab_provisional", sa.Integer),
    ],
    "cobertura": [
        ("n_cp_cloro_vigente", sa.Integer),
    ],
}


def upgrade() -> None:
    """Add the issue-14 derived columns (nullable: the next derive fills them)."""
    for table, cols in COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for name, kind in cols:
                batch.add_column(sa.Column(name, kind(), nullable=True))


def downgrade() -> None:
    """Drop the issue-14 derived columns."""
    for table, cols in COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for name, _ in reversed(cols):
                batch.drop_column(name)
