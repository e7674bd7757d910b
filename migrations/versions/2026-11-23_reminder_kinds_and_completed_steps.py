"""Reminder kinds (lead, missed, snooze) and the steps a person marked done.

Revision ID: 908043d8188a
Revises: 6a5afe4ff144
Create Date: 2026-11-23 02:15:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db.types import UTCDateTime

# revision identifiers, used by Alembic.
revision: str = "908043d8188a"
down_revision: str | Sequence[str] | None = "6a5afe4ff144"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add reminders.kind (existing rows are lead reminders) and the completed_steps table."""
    op.create_table(
        "completed_steps",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.String(length=64), nullable=False),
        sa.Column("completed_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_completed_steps_person_id_persons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", "rule_id", name=op.f("pk_completed_steps")),
    )
    with op.batch_alter_table("reminders") as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=8), server_default="lead", nullable=False)
        )
        batch_op.create_check_constraint(
            op.f("ck_reminders_kind"), "kind IN ('lead', 'missed', 'snooze')"
        )


def downgrade() -> None:
    """Drop the kind column and the completed_steps table."""
    with op.batch_alter_table("reminders") as batch_op:
        batch_op.drop_constraint(op.f("ck_reminders_kind"), type_="check")
        batch_op.drop_column("kind")
    op.drop_table("completed_steps")
