"""Ask my association: conversations between a person and an association's staff.

- threads: one conversation of a person with an association (open until staff close it);
- thread_messages: the messages to relay, an outbox queue like reminders and deliveries (what a
  person writes is not stored: only where it is in their chat; staff replies keep their text);
- inbox_blocks: people an association no longer takes messages from;
- associations.hours, associations.thread_retention_days: when its staff read, and how long a
  closed conversation is kept;
- follows.ask_consented_at, follows.ask_shares: the person agreed to write, and to show their
  stage, department and open deadlines;
- persons.writing_to/writing_at, staff.replying_to/replying_at: where the next message goes.

Revision ID: 7f8b5597cc15
Revises: 3f1a9c5d7b24
Create Date: 2026-12-05 02:42:55+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db.types import UTCDateTime

# revision identifiers, used by Alembic.
revision: str = "7f8b5597cc15"
down_revision: str | Sequence[str] | None = "3f1a9c5d7b24"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the three tables and add the columns."""
    op.create_table(
        "inbox_blocks",
        sa.Column("association_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("blocked_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["association_id"],
            ["associations.id"],
            name=op.f("fk_inbox_blocks_association_id_associations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_inbox_blocks_person_id_persons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("association_id", "person_id", name=op.f("pk_inbox_blocks")),
    )
    op.create_table(
        "threads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("association_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("handler_id", sa.BigInteger(), nullable=True),
        sa.Column("shares_profile", sa.Boolean(), nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("waiting_since", UTCDateTime(), nullable=True),
        sa.Column("last_message_at", UTCDateTime(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint("status IN ('open', 'closed')", name=op.f("ck_threads_status")),
        sa.ForeignKeyConstraint(
            ["association_id"],
            ["associations.id"],
            name=op.f("fk_threads_association_id_associations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_threads_person_id_persons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_threads")),
    )
    with op.batch_alter_table("threads", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_threads_association_id"), ["association_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_threads_closed_at"), ["closed_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_threads_person_id"), ["person_id"], unique=False)

    op.create_table(
        "thread_messages",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source_chat_id", sa.BigInteger(), nullable=False),
        sa.Column("source_message_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.BigInteger(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("file_id", sa.String(length=256), nullable=True),
        sa.Column("delivered_to", sa.Text(), server_default="[]", nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("send_at", UTCDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("lease_until", UTCDateTime(), nullable=True),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=64), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("direction IN ('in', 'out')", name=op.f("ck_thread_messages_direction")),
        sa.CheckConstraint(
            "status IN ('pending', 'claimed', 'sent', 'failed', 'blocked', 'cancelled', 'skipped')",
            name=op.f("ck_thread_messages_status"),
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["threads.id"],
            name=op.f("fk_thread_messages_thread_id_threads"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_thread_messages")),
    )
    with op.batch_alter_table("thread_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_thread_messages_status_send_at"), ["status", "send_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_thread_messages_thread_id"), ["thread_id"], unique=False
        )

    with op.batch_alter_table("associations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hours", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("thread_retention_days", sa.Integer(), nullable=True))

    with op.batch_alter_table("follows", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ask_consented_at", UTCDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("ask_shares", sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.add_column(sa.Column("writing_to", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("writing_at", UTCDateTime(), nullable=True))

    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("replying_to", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("replying_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    """Drop them (every conversation is lost)."""
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_column("replying_at")
        batch_op.drop_column("replying_to")

    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.drop_column("writing_at")
        batch_op.drop_column("writing_to")

    with op.batch_alter_table("follows", schema=None) as batch_op:
        batch_op.drop_column("ask_shares")
        batch_op.drop_column("ask_consented_at")

    with op.batch_alter_table("associations", schema=None) as batch_op:
        batch_op.drop_column("thread_retention_days")
        batch_op.drop_column("hours")

    with op.batch_alter_table("thread_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_thread_messages_thread_id"))
        batch_op.drop_index(batch_op.f("ix_thread_messages_status_send_at"))

    op.drop_table("thread_messages")
    with op.batch_alter_table("threads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_threads_person_id"))
        batch_op.drop_index(batch_op.f("ix_threads_closed_at"))
        batch_op.drop_index(batch_op.f("ix_threads_association_id"))

    op.drop_table("threads")
    op.drop_table("inbox_blocks")
