"""Detector and span count as columns (the history lists them), filled from the saved JSON.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``detector`` and ``spans``, and fill them for the analyses saved before."""
    with op.batch_alter_table("analyses") as batch:
        batch.add_column(sa.Column("detector", sa.String(32)))
        batch.add_column(sa.Column("spans", sa.Integer))
    table = sa.table(
        "analyses",
        sa.column("seq", sa.Integer),
        sa.column("analysis", sa.Text),
        sa.column("detector", sa.String),
        sa.column("spans", sa.Integer),
    )
    conn = op.get_bind()
    for seq, raw in conn.execute(sa.select(table.c.seq, table.c.analysis)).all():
        data = json.loads(raw)
        conn.execute(
            table.update()
            .where(table.c.seq == seq)
            .values(detector=data["detector"]["name"], spans=len(data["spans"]))
        )


def downgrade() -> None:
    """Drop the two columns."""
    with op.batch_alter_table("analyses") as batch:
        batch.drop_column("spans")
        batch.drop_column("detector")
