"""Dashboard accounts (usuario) and the account behind a dashboard upload (carga.cuenta).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create usuario; add carga.cuenta (nullable: command-line loads have no account)."""
    op.create_table(
        "usuario",
        sa.Column("usuario", sa.String(64), primary_key=True),
        sa.Column("rol", sa.String(16), nullable=False),
        sa.Column("distritos", sa.Text()),
        sa.Column("ong", sa.String(120)),
        sa.Column("clave_hash", sa.Text(), nullable=False),
        sa.Column("activo", sa.Boolean(), nullable=False),
        sa.Column("creado", sa.DateTime(), nullable=False),
        sa.Column("actualizado", sa.DateTime(), nullable=False),
    )
    with op.batch_alter_table("carga") as batch:
        batch.add_column(sa.Column("cuenta", sa.String(64), nullable=True))


def downgrade() -> None:
    """Drop carga.cuenta and usuario."""
    with op.batch_alter_table("carga") as batch:
        batch.drop_column("cuenta")
    op.drop_table("usuario")
