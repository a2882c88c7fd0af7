"""Partnership register (issue 16, p16): the `alianza` input kind's table.

Revision ID: 0006_p16
Revises: 0005_i16
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_p16"
down_revision = "0005_i16"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create intercambio_alianza (an input: empty until a file or the accept button fills it)."""
    op.create_table(
        "intercambio_alianza",
        sa.Column("codigo_oc", sa.String(40), primary_key=True),
        sa.Column("mentor_oc", sa.String(40), primary_key=True),
        sa.Column("fecha_inicio", sa.Date(), primary_key=True),
        sa.Column("ubigeo", sa.String(6), nullable=False, index=True),
        sa.Column("ubigeo_mentor", sa.String(6), nullable=False),
        sa.Column("items", sa.Text()),
        sa.Column("tema", sa.Text()),
        sa.Column("fecha_fin", sa.Date()),
        sa.Column("estado", sa.String(12), nullable=False),
        sa.Column("carga_id", sa.Integer(), sa.ForeignKey("carga.id")),
    )


def downgrade() -> None:
    op.drop_table("intercambio_alianza")
