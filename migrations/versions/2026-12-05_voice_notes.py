"""Voice notes: a person's choice to hear reminders, and an association's recorded voice.

- persons.voice_reminders: every reminder is also sent as a voice note (where a voice speaks the
  person's language);
- broadcasts.voices: JSON {language: Telegram file_id} of voice notes a staff member recorded for
  a broadcast's language versions ("default" for everyone else), sent after the text.

Revision ID: 3f1a9c5d7b24
Revises: 9d4c7b2e1a60
Create Date: 2026-12-05 00:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "3f1a9c5d7b24"
down_revision: str | Sequence[str] | None = "9d4c7b2e1a60"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the two columns."""
    with op.batch_alter_table("persons") as batch_op:
        batch_op.add_column(
            sa.Column("voice_reminders", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("broadcasts") as batch_op:
        batch_op.add_column(sa.Column("voices", sa.Text(), server_default="{}", nullable=False))


def downgrade() -> None:
    """Drop them (the choice and the recorded voices are lost; texts are kept)."""
    with op.batch_alter_table("broadcasts") as batch_op:
        batch_op.drop_column("voices")
    with op.batch_alter_table("persons") as batch_op:
        batch_op.drop_column("voice_reminders")
