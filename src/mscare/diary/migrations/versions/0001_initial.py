"""The first diary tables: therapy periods, relapses, symptom scores and tests, each keyed by owner and id.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def owned(name: str, *columns: sa.Column) -> None:
    op.create_table(
        name,
        sa.Column("owner_id", sa.String(64), nullable=False),
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=False), nullable=False),
        *columns,
        sa.PrimaryKeyConstraint("owner_id", "id", name=f"pk_{name}"),
    )


def upgrade() -> None:
    owned("diary_therapy",
          sa.Column("therapy_id", sa.String(80), nullable=False),
          sa.Column("start", sa.Date(), nullable=False),
          sa.Column("stop", sa.Date(), nullable=True),
          sa.Column("reason", sa.Text(), nullable=True))
    owned("diary_relapse",
          sa.Column("date", sa.Date(), nullable=False),
          sa.Column("symptoms", sa.Text(), nullable=False),
          sa.Column("treated_with", sa.String(80), nullable=True),
          sa.Column("recovery", sa.String(16), nullable=False))
    owned("diary_symptom",
          sa.Column("date", sa.Date(), nullable=False),
          sa.Column("symptom", sa.String(40), nullable=False),
          sa.Column("score", sa.Integer(), nullable=False),
          sa.Column("note", sa.Text(), nullable=True))
    owned("diary_test",
          sa.Column("date", sa.Date(), nullable=False),
          sa.Column("test", sa.Text(), nullable=False),
          sa.Column("due_id", sa.String(120), nullable=True),
          sa.Column("therapy_id", sa.String(80), nullable=True),
          sa.Column("result", sa.Text(), nullable=True))


def downgrade() -> None:
    for name in ("diary_test", "diary_symptom", "diary_relapse", "diary_therapy"):
        op.drop_table(name)
