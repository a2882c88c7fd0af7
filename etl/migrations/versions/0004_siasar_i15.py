"""SIASAR systems, components, confirmed links and their derived tables (issue 15).

Revision ID: 0004_i15
Revises: 0004_i18
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_i15"
down_revision = "0004_i18"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create siasar_sistema, siasar_componente, siasar_vinculo, siasar_calc and
    siasar_discrepancia."""
    op.create_table(
        "siasar_sistema",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column(
            "ubigeo", sa.String(6), sa.ForeignKey("distrito.ubigeo"), nullable=False, index=True
        ),
        sa.Column("divisiones", sa.Text(), nullable=False),
        sa.Column("nombre", sa.Text()),
        sa.Column("pais", sa.Text()),
        sa.Column("fecha_encuesta", sa.Date()),
        sa.Column("fecha_validacion", sa.Date()),
        sa.Column("latitud", sa.Float()),
        sa.Column("longitud", sa.Float()),
        sa.Column("altitud", sa.Float()),
        sa.Column("codigo", sa.Text()),
        sa.Column("anio_construccion", sa.Integer()),
        sa.Column("n_comunidades", sa.Integer()),
        sa.Column("n_pse", sa.Integer()),
        sa.Column("comunidades", sa.Text()),
        sa.Column("pse", sa.Text()),
        sa.Column("pob_servida", sa.Float()),
        sa.Column("viv_servidas", sa.Float()),
        sa.Column("tipo_gravedad", sa.Boolean()),
        sa.Column("tipo_bombeo", sa.Boolean()),
        sa.Column("tipo_pozo_manual", sa.Boolean()),
        sa.Column("tipo_agua_lluvia", sa.Boolean()),
        sa.Column("agua_epoca_seca", sa.Boolean()),
        sa.Column("agua_epoca_lluvia", sa.Boolean()),
        sa.Column("carga_id", sa.Integer(), sa.ForeignKey("carga.id")),
    )
    op.create_table(
        "siasar_componente",
        sa.Column(
            "sistema_id", sa.String(40), sa.ForeignKey("siasar_sistema.id"), primary_key=True
        ),
        sa.Column("tipo", sa.String(20), primary_key=True),
        sa.Column("componente_id", sa.String(40), primary_key=True),
        sa.Column("componente_codigo", sa.Text()),
        sa.Column("estado", sa.String(1)),
        sa.Column("horas", sa.Float()),
        sa.Column("conexiones", sa.Integer()),
        sa.Column("micromed", sa.Integer()),
        sa.Column("micromed_opera", sa.Integer()),
        sa.Column("cloro_residual", sa.Float()),
        sa.Column("volumen", sa.Float()),
        sa.Column("volumen_ud", sa.Text()),
        sa.Column("tipo_fuente", sa.Text()),
        sa.Column("tipo_tratamiento", sa.Text()),
        sa.Column("carga_id", sa.Integer(), sa.ForeignKey("carga.id")),
    )
    op.create_table(
        "siasar_vinculo",
        sa.Column(
            "sistema_id", sa.String(40), sa.ForeignKey("siasar_sistema.id"), primary_key=True
        ),
        sa.Column(
            "codigo_oc",
            sa.String(40),
            sa.ForeignKey("organizacion_comunal.codigo_oc"),
            nullable=False,
        ),
        sa.Column("carga_id", sa.Integer(), sa.ForeignKey("carga.id")),
    )
    op.create_table(
        "siasar_calc",
        sa.Column("sistema_id", sa.String(40), primary_key=True),
        sa.Column("ubigeo", sa.String(6), nullable=False, index=True),
        sa.Column("indice_infraestructura", sa.Float()),
        sa.Column("grado", sa.String(1), nullable=False),
        sa.Column("componentes", sa.Integer(), nullable=False),
        sa.Column("codigo_oc", sa.String(40), index=True),
        sa.Column("vinculo", sa.String(12)),
        sa.Column("candidatos", sa.JSON()),
    )
    op.create_table(
        "siasar_discrepancia",
        sa.Column("codigo_oc", sa.String(40), primary_key=True),
        sa.Column("sistema_id", sa.String(40), primary_key=True),
        sa.Column("aspecto", sa.String(20), primary_key=True),
        sa.Column("ubigeo", sa.String(6), nullable=False, index=True),
        sa.Column("siasar", sa.Text(), nullable=False),
        sa.Column("fecha_siasar", sa.Date()),
        sa.Column("visita", sa.Text(), nullable=False),
        sa.Column("fecha_visita", sa.Date(), nullable=False),
    )


def downgrade() -> None:
    """Drop them, dependants first."""
    for name in (
        "siasar_discrepancia",
        "siasar_calc",
        "siasar_vinculo",
        "siasar_componente",
        "siasar_sistema",
    ):
        op.drop_table(name)
