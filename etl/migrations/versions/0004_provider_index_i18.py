"""An index on diagnostico_cp.codigo_oc: the incremental derivation looks up the centros
poblados an organisation provides for (etl/derive/incremental.py).

Revision ID: 0004_i18
Revises: 0003
"""

from __future__ import annotations

from alembic import op

revision = "0004_i18"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ix_diagnostico_cp_codigo_oc."""
    op.create_index("ix_diagnostico_cp_codigo_oc", "diagnostico_cp", ["codigo_oc"])


def downgrade() -> None:
    """Drop ix_diagnostico_cp_codigo_oc."""
    op.drop_index("ix_diagnostico_cp_codigo_oc", table_name="diagnostico_cp")
