"""A session version per account (usuario.sesion): changing it ends every session of the account.

Revision ID: 0004_i19
Revises: 0004_i14
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_i19"
down_revision = "0004_i14"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add usuario.sesion. Existing accounts get '' (their current cookies, which carry no
    version, stop working: everyone logs in once after the upgrade)."""
    with op.batch_alter_table("usuario") as batch:
        batch.add_column(
            sa.Column("sesion", sa.String(64), nullable=False, server_default=sa.text("''"))
        )


def downgrade() -> None:
    with op.batch_alter_table("usuario") as batch:
        batch.drop_column("sesion")
