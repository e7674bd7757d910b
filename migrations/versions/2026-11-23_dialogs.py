"""Dialogs: conversation state in the database, so restarts and other instances can continue it.

Revision ID: 6a5afe4ff144
Revises: 7c1e2a9d4b30
Create Date: 2026-11-23 01:36:07+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db.types import UTCDateTime

# revision identifiers, used by Alembic.
revision: str = "6a5afe4ff144"
down_revision: str | Sequence[str] | None = "7c1e2a9d4b30"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the dialogs table, one row per person, deleted with the person."""
    op.create_table(
        "dialogs",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=48), nullable=False),
        sa.Column("draft", sa.Text(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_dialogs_person_id_persons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_dialogs")),
    )


def downgrade() -> None:
    """Drop the dialogs table."""
    op.drop_table("dialogs")
