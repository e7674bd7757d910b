"""Second legal review: detention and the lawyer's notification on key dates, reminders about a
date the rules changed, and the state the application keeps about itself (the rules' hash).

- key_dates.detained ("yes" / "no"; NULL: not said, read as detained, the shorter period),
  key_dates.lawyer_notified_on (the day a legal-aid decision reached the lawyer) and
  key_dates.undated (the person has the paper but does not know its date);
- reminders of kind "changed": one message when a correction of the rules moved a person's
  deadline (previous_due_at holds the date they had been given) or gave them a new one; and of
  kind "standing": every few days while a step's deadline may be running, its date unknown;
- app_state: one row per key ("rules_hash": the rules file the plans were last computed with;
  "replan_lease": until when a replan is running, so only one instance runs it).

Revision ID: 9d4c7b2e1a60
Revises: 5b8d2e7f41c9
Create Date: 2026-12-04 19:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db.types import UTCDateTime

# revision identifiers, used by Alembic.
revision: str = "9d4c7b2e1a60"
down_revision: str | Sequence[str] | None = "5b8d2e7f41c9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = "kind IN ('lead', 'missed', 'snooze', 'alert', 'changed', 'standing')"
OLD_KINDS = "kind IN ('lead', 'missed', 'snooze', 'alert')"


def upgrade() -> None:
    """Add the columns, the reminder kind and the app_state table."""
    with op.batch_alter_table("key_dates") as batch_op:
        batch_op.add_column(sa.Column("detained", sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column("lawyer_notified_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("undated", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("reminders") as batch_op:
        batch_op.add_column(sa.Column("previous_due_at", UTCDateTime(), nullable=True))
        batch_op.drop_constraint(op.f("ck_reminders_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_reminders_kind"), KINDS)
    op.create_table(
        "app_state",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_app_state")),
    )


def downgrade() -> None:
    """Drop what the upgrade added (messages about changed dates cannot exist without it)."""
    op.drop_table("app_state")
    op.execute("DELETE FROM reminders WHERE kind IN ('changed', 'standing')")
    with op.batch_alter_table("reminders") as batch_op:
        batch_op.drop_constraint(op.f("ck_reminders_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_reminders_kind"), OLD_KINDS)
        batch_op.drop_column("previous_due_at")
    op.execute("DELETE FROM key_dates WHERE undated")
    with op.batch_alter_table("key_dates") as batch_op:
        batch_op.drop_column("undated")
        batch_op.drop_column("lawyer_notified_on")
        batch_op.drop_column("detained")
