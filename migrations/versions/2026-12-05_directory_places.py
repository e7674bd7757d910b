"""Help near you: the directory of help, and what a staff member types into it.

- places: an entry (department, kind, address, hours, languages, what it does, how to reach it,
  its location for the map, the day it was last verified), either an association's own (written
  by its admins) or the operator's (imported from their data file, with its source);
- staff.editing: the field of their association's entry their next message fills in.

Revision ID: 2869ac8f282e
Revises: 7f8b5597cc15
Create Date: 2026-12-05 03:27:06+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db.types import UTCDateTime

# revision identifiers, used by Alembic.
revision: str = "2869ac8f282e"
down_revision: str | Sequence[str] | None = "7f8b5597cc15"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the table and add the column."""
    op.create_table(
        "places",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("association_id", sa.Integer(), nullable=True),
        sa.Column("key", sa.String(length=64), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("department", sa.String(length=3), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("hours", sa.Text(), nullable=True),
        sa.Column("languages", sa.Text(), nullable=True),
        sa.Column("services", sa.Text(), nullable=True),
        sa.Column("contact", sa.Text(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("verified_on", sa.Date(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["association_id"],
            ["associations.id"],
            name=op.f("fk_places_association_id_associations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_places")),
        sa.UniqueConstraint("association_id", name=op.f("uq_places_association_id")),
        sa.UniqueConstraint("key", name=op.f("uq_places_key")),
    )
    with op.batch_alter_table("places", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_places_department"), ["department"], unique=False)

    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("editing", sa.String(length=16), nullable=True))


def downgrade() -> None:
    """Drop them (the directory entries are lost)."""
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_column("editing")

    with op.batch_alter_table("places", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_places_department"))

    op.drop_table("places")
