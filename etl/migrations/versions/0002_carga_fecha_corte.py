"""carga.fecha_corte: the date derivations were computed as of.

Warehouses made before this column existed get it as NULL for their past loads (the
dashboard then falls back to the load's own date, as it did before).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add carga.fecha_corte (nullable)."""
    with op.batch_alter_table("carga") as batch:
        batch.add_column(sa.Column("fecha_corte", sa.Date(), nullable=True))


def downgrade() -> None:
    """Drop carga.fecha_corte."""
    with op.batch_alter_table("carga") as batch:
        batch.drop_column("fecha_corte")
