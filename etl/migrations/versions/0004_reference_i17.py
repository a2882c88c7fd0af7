"""District reference of issue 17: RENIEC code, poverty, IDH, food vulnerability, map drawing.

The rows themselves are refreshed from data/distritos_inei.csv by `init_db`
(`reference.refresh_districts`), so a warehouse made with the old reference gets every
district's own point after this migration.

Revision ID: 0004_i17
Revises: 0004_i15
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_i17"
down_revision = "0004_i15"
branch_labels = None
depends_on = None

COLUMNS = (
    ("ubigeo_reniec", sa.String(6)),
    ("pobreza_total_pct", sa.Float()),
    ("pobreza_extrema_pct", sa.Float()),
    ("idh_2019", sa.Float()),
    ("vulnerabilidad_alimentaria", sa.Float()),
    ("mapa", sa.String(10)),
    ("contenedor_2007", sa.String(6)),
    ("contenedor_fuente", sa.String(8)),
)


def upgrade() -> None:
    """Add the reference columns to distrito (nullable)."""
    with op.batch_alter_table("distrito") as batch:
        for name, kind in COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("distrito") as batch:
        for name, _kind in reversed(COLUMNS):
            batch.drop_column(name)
