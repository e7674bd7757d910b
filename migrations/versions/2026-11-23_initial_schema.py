"""Initial schema: persons, their key dates, and the reminders queue.

Revision ID: 7c1e2a9d4b30
Revises:
Create Date: 2026-11-23 01:25:43+00:00

No column holds a name, a file number or free text from the person (see bot/db/models.py).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db.types import UTCDateTime

# revision identifiers, used by Alembic.
revision: str = "7c1e2a9d4b30"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REMINDER_STATUSES = "'pending', 'claimed', 'sent', 'failed', 'cancelled'"


def upgrade() -> None:
    """Create the three tables with their keys, constraints and indexes."""
    op.create_table(
        "persons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("department", sa.String(length=3), nullable=True),
        sa.Column("procedure", sa.String(length=16), nullable=True),
        sa.Column("stage", sa.String(length=32), nullable=True),
        sa.Column("consented_at", UTCDateTime(), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_persons")),
        sa.UniqueConstraint("chat_id", name=op.f("uq_persons_chat_id")),
    )
    op.create_table(
        "key_dates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=48), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("occurred_at", sa.Time(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("received", sa.String(length=8), nullable=True),
        sa.Column("permit", sa.String(length=16), nullable=True),
        sa.Column("opened_on", sa.Date(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("estimated", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_key_dates_person_id_persons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_key_dates")),
        sa.UniqueConstraint("person_id", "event", name=op.f("uq_key_dates_person_id_event")),
    )
    op.create_index(op.f("ix_key_dates_person_id"), "key_dates", ["person_id"])
    op.create_table(
        "reminders",
        # BIGSERIAL on PostgreSQL; SQLite only auto-increments a plain INTEGER PRIMARY KEY.
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.String(length=64), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("remind_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="pending", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("lease_until", UTCDateTime(), nullable=True),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=64), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(f"status IN ({REMINDER_STATUSES})", name=op.f("ck_reminders_status")),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_reminders_person_id_persons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
        sa.UniqueConstraint(
            "person_id",
            "rule_id",
            "due_at",
            "remind_at",
            name=op.f("uq_reminders_person_id_rule_id_due_at_remind_at"),
        ),
    )
    op.create_index(op.f("ix_reminders_status_remind_at"), "reminders", ["status", "remind_at"])


def downgrade() -> None:
    """Drop the three tables, children first."""
    op.drop_index(op.f("ix_reminders_status_remind_at"), table_name="reminders")
    op.drop_table("reminders")
    op.drop_index(op.f("ix_key_dates_person_id"), table_name="key_dates")
    op.drop_table("key_dates")
    op.drop_table("persons")
