"""Erasing people inactive for a long time: persons.last_seen_at and persons.inactivity_notice_at.

Existing people count as seen when their row last changed (their last answer), so nobody is
warned on the day of the upgrade for time the bot did not measure.

Revision ID: 5b8d2e7f41c9
Revises: 3c9e1f6b2d4a
Create Date: 2026-11-23 14:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db.types import UTCDateTime

# revision identifiers, used by Alembic.
revision: str = "5b8d2e7f41c9"
down_revision: str | Sequence[str] | None = "3c9e1f6b2d4a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the two columns; last_seen_at starts at the row's last change."""
    with op.batch_alter_table("persons") as batch_op:
        batch_op.add_column(sa.Column("last_seen_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("inactivity_notice_at", UTCDateTime(), nullable=True))
    op.execute("UPDATE persons SET last_seen_at = COALESCE(updated_at, created_at)")
    with op.batch_alter_table("persons") as batch_op:
        batch_op.alter_column(
            "last_seen_at",
            existing_type=UTCDateTime(),
            nullable=False,
            server_default=sa.func.now(),
        )
        batch_op.create_index(op.f("ix_persons_last_seen_at"), ["last_seen_at"], unique=False)


def downgrade() -> None:
    """Drop the two columns."""
    with op.batch_alter_table("persons") as batch_op:
        batch_op.drop_index(op.f("ix_persons_last_seen_at"))
        batch_op.drop_column("inactivity_notice_at")
        batch_op.drop_column("last_seen_at")
