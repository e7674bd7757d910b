"""Sharing deadlines with an association: follows.shared_at, the reminders' "alert" kind, and
the language of each staff member (the alerts are written in it).

An alert is a reminder row of kind "alert" for the staff of the associations a person shares
their deadlines with; it may fall at the same moment as a lead reminder of the same deadline, so
the kind joins the reminders' unique key.

Revision ID: 3c9e1f6b2d4a
Revises: 7adadc2fccc3
Create Date: 2026-11-23 09:10:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db.types import UTCDateTime

# revision identifiers, used by Alembic.
revision: str = "3c9e1f6b2d4a"
down_revision: str | Sequence[str] | None = "7adadc2fccc3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_KEY = ["person_id", "rule_id", "due_at", "remind_at"]


def upgrade() -> None:
    """Add follows.shared_at, staff.language, the alert kind, and kind in the reminders' key."""
    with op.batch_alter_table("follows") as batch_op:
        batch_op.add_column(sa.Column("shared_at", UTCDateTime(), nullable=True))
    with op.batch_alter_table("staff") as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=16), nullable=True))
    with op.batch_alter_table("reminders") as batch_op:
        batch_op.drop_constraint(op.f("ck_reminders_kind"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_reminders_kind"), "kind IN ('lead', 'missed', 'snooze', 'alert')"
        )
        batch_op.drop_constraint(
            op.f("uq_reminders_person_id_rule_id_due_at_remind_at"), type_="unique"
        )
        batch_op.create_unique_constraint(
            op.f("uq_reminders_person_id_rule_id_due_at_remind_at_kind"), [*OLD_KEY, "kind"]
        )


def downgrade() -> None:
    """Drop alerts (they cannot exist without the kind), then restore the previous schema."""
    op.execute("DELETE FROM reminders WHERE kind = 'alert'")
    with op.batch_alter_table("reminders") as batch_op:
        batch_op.drop_constraint(
            op.f("uq_reminders_person_id_rule_id_due_at_remind_at_kind"), type_="unique"
        )
        batch_op.create_unique_constraint(
            op.f("uq_reminders_person_id_rule_id_due_at_remind_at"), OLD_KEY
        )
        batch_op.drop_constraint(op.f("ck_reminders_kind"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_reminders_kind"), "kind IN ('lead', 'missed', 'snooze')"
        )
    with op.batch_alter_table("staff") as batch_op:
        batch_op.drop_column("language")
    with op.batch_alter_table("follows") as batch_op:
        batch_op.drop_column("shared_at")
