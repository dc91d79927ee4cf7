"""The article's genre as a column (the history lists and filters by it), filled from the JSON.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

#: Rows read at a time while filling the column (the analysis JSON can be large).
_BATCH = 200
#: The column's width: longer labels are not genres this code wrote, and are left out.
_WIDTH = 32


def genre_of(raw: str | None) -> str | None:
    """The genre label in a saved analysis JSON, or ``None`` (no genre, or not readable)."""
    try:
        data = json.loads(raw or "")
    except (TypeError, ValueError):
        return None
    genre = data.get("genre") if isinstance(data, dict) else None
    label = genre.get("label") if isinstance(genre, dict) else None
    if isinstance(label, str) and 0 < len(label) <= _WIDTH:
        return label
    return None


def upgrade() -> None:
    """Add ``genre`` (indexed), and fill it for the analyses saved before."""
    with op.batch_alter_table("analyses") as batch:
        batch.add_column(sa.Column("genre", sa.String(_WIDTH)))
        batch.create_index("ix_analyses_genre", ["genre"])
    table = sa.table(
        "analyses",
        sa.column("seq", sa.Integer),
        sa.column("analysis", sa.Text),
        sa.column("genre", sa.String),
    )
    conn = op.get_bind()
    last: int | None = None
    while True:
        query = sa.select(table.c.seq, table.c.analysis).order_by(table.c.seq).limit(_BATCH)
        if last is not None:
            query = query.where(table.c.seq > last)
        rows = conn.execute(query).all()
        if not rows:
            break
        for seq, raw in rows:
            label = genre_of(raw)
            if label is not None:
                conn.execute(table.update().where(table.c.seq == seq).values(genre=label))
        last = rows[-1][0]


def downgrade() -> None:
    """Drop the column and its index."""
    with op.batch_alter_table("analyses") as batch:
        batch.drop_index("ix_analyses_genre")
        batch.drop_column("genre")
