"""Peer exchange (issue 16): the four derived intercambio tables.

Revision ID: 0005_i16
Revises: 0004_i19
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_i16"
down_revision = "0004_i19"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create intercambio_jass, intercambio_sugerencia, intercambio_atm and
    intercambio_atm_par (derived: the next derivation fills them)."""
    op.create_table(
        "intercambio_jass",
        sa.Column("codigo_oc", sa.String(40), primary_key=True),
        sa.Column("ubigeo", sa.String(6), nullable=False, index=True),
        sa.Column("grado", sa.String(1), nullable=False),
        sa.Column("grado_provisional", sa.Boolean()),
        sa.Column("puntaje", sa.Float()),
        sa.Column("items_debiles", sa.JSON(), nullable=False),
        sa.Column("n_sugerencias", sa.Integer(), nullable=False),
        sa.Column("sin_mentor", sa.JSON()),
        sa.Column("version_reglas", sa.Text(), nullable=False),
        sa.Column("calculado", sa.Date(), nullable=False),
    )
    op.create_table(
        "intercambio_sugerencia",
        sa.Column("codigo_oc", sa.String(40), primary_key=True),
        sa.Column("rango", sa.Integer(), primary_key=True),
        sa.Column("mentor_oc", sa.String(40), nullable=False, index=True),
        sa.Column("ubigeo", sa.String(6), nullable=False, index=True),
        sa.Column("ubigeo_mentor", sa.String(6), nullable=False),
        sa.Column("mismo_distrito", sa.Boolean(), nullable=False),
        sa.Column("distancia_km", sa.Float()),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("grado_mentor", sa.String(1), nullable=False),
        sa.Column("puntaje_mentor", sa.Float()),
        sa.Column("razones", sa.JSON(), nullable=False),
    )
    op.create_table(
        "intercambio_atm",
        sa.Column("ubigeo", sa.String(6), primary_key=True),
        sa.Column("anio", sa.Integer(), nullable=False),
        sa.Column("motivos", sa.JSON(), nullable=False),
        sa.Column("meta_anio", sa.Integer()),
        sa.Column("meta", sa.Integer()),
        sa.Column("n_pares", sa.Integer(), nullable=False),
        sa.Column("sin_par", sa.String(40)),
        sa.Column("calculado", sa.Date(), nullable=False),
    )
    op.create_table(
        "intercambio_atm_par",
        sa.Column("ubigeo", sa.String(6), primary_key=True),
        sa.Column("rango", sa.Integer(), primary_key=True),
        sa.Column("ubigeo_par", sa.String(6), nullable=False, index=True),
        sa.Column("nivel", sa.String(12), nullable=False),
        sa.Column("distancia_km", sa.Float()),
        sa.Column("actividades", sa.JSON(), nullable=False),
        sa.Column("actividades_meta", sa.JSON(), nullable=False),
    )


def downgrade() -> None:
    for name in (
        "intercambio_atm_par",
        "intercambio_atm",
        "intercambio_sugerencia",
        "intercambio_jass",
    ):
        op.drop_table(name)
