"""Tables of "Ask my association" (conversations between a person and an association's staff)
and of "Help near you" (associations' own entries in the directory).

What a person writes is never stored: a relayed message is a row naming the message in the
person's own chat (chat id, message id), and the bot copies it to the staff with Telegram's
copyMessage. What staff write back is the association's content, as broadcasts are: its text (or
the Telegram file_id of a voice note or photo) is kept until it is delivered and the conversation
is erased. Rows go through the outbox like reminders and broadcasts (bot/db/outbox.py).
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from bot.db.models import utcnow
from bot.db.statuses import (
    DELIVERY_STATUSES,
    THREAD_DIRECTIONS,
    THREAD_STATUSES,
    OutboxStatus,
    ThreadStatus,
)
from bot.db.types import StrEnumType, UTCDateTime


class Thread(SQLModel, table=True):
    """A conversation of one person with one association's staff, open until staff close it."""

    __tablename__ = "threads"
    __table_args__ = (sa.CheckConstraint(sa.column("status").in_(THREAD_STATUSES), name="status"),)

    id: int | None = Field(default=None, primary_key=True)
    association_id: int = Field(foreign_key="associations.id", ondelete="CASCADE", index=True)
    person_id: int = Field(foreign_key="persons.id", ondelete="CASCADE", index=True)
    status: ThreadStatus = Field(default=ThreadStatus.OPEN, sa_type=StrEnumType(ThreadStatus, 8))
    # The staff member (Telegram user id) who pressed "I'm handling this"; None: nobody yet.
    handler_id: int | None = Field(default=None, sa_type=sa.BigInteger)
    # The person agreed that staff see their stage, department and open deadlines.
    shares_profile: bool = False
    opened_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # The person's oldest message not answered yet (None: staff answered the last one).
    waiting_since: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_message_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)


class ThreadMessage(SQLModel, table=True):
    """One message of a conversation, to relay: "in" from the person, "out" from the staff."""

    __tablename__ = "thread_messages"
    __table_args__ = (
        sa.CheckConstraint(sa.column("status").in_(DELIVERY_STATUSES), name="status"),
        sa.CheckConstraint(sa.column("direction").in_(THREAD_DIRECTIONS), name="direction"),
        sa.Index(None, "status", "send_at"),
    )

    id: int | None = Field(
        default=None,
        primary_key=True,
        sa_type=sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
    )
    thread_id: int = Field(foreign_key="threads.id", ondelete="CASCADE", index=True)
    direction: str = Field(max_length=3)
    kind: str = Field(max_length=16)  # text, voice, photo, document
    # Where the message was written: the person's chat ("in") or the staff member's ("out").
    source_chat_id: int = Field(sa_type=sa.BigInteger)
    source_message_id: int
    author_id: int | None = Field(default=None, sa_type=sa.BigInteger)  # "out": the staff member
    # "out" only: the staff member's text (HTML) or caption, and the file_id of a voice or photo.
    body: str | None = Field(default=None, sa_type=sa.Text)
    file_id: str | None = Field(default=None, max_length=256)
    # "in": the staff (Telegram user ids, JSON) who already got it, when a passing fault kept it
    # from the others: the row is retried for those only.
    delivered_to: str = Field(
        default="[]", sa_type=sa.Text, sa_column_kwargs={"server_default": "[]"}
    )
    status: OutboxStatus = Field(
        default=OutboxStatus.PENDING, sa_type=StrEnumType(OutboxStatus, 16)
    )
    send_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    attempts: int = Field(default=0, sa_column_kwargs={"server_default": sa.text("0")})
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class InboxBlock(SQLModel, table=True):
    """A person an association's staff no longer take messages from (audited; erased with the
    person)."""

    __tablename__ = "inbox_blocks"

    association_id: int = Field(primary_key=True, foreign_key="associations.id", ondelete="CASCADE")
    person_id: int = Field(primary_key=True, foreign_key="persons.id", ondelete="CASCADE")
    thread_id: int  # the conversation it was decided in, to show staff (not a reference)
    blocked_by: int = Field(sa_type=sa.BigInteger)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Place(SQLModel, table=True):
    """An entry of the directory of help ("Help near you"): where a place is, when it is open,
    what it does. Either an association's own (written by its admins: it is the source), or the
    operator's (imported from their data file, each with its source). Shown to people of its
    department while verified within the last 12 months."""

    __tablename__ = "places"

    id: int | None = Field(default=None, primary_key=True)
    association_id: int | None = Field(
        default=None, foreign_key="associations.id", ondelete="CASCADE", unique=True
    )
    key: str | None = Field(default=None, max_length=64, unique=True)  # the operator's file
    name: str | None = Field(
        default=None, max_length=120
    )  # the operator's (else the association's)
    source: str | None = Field(default=None, sa_type=sa.Text)  # the operator's entries
    department: str | None = Field(default=None, max_length=3, index=True)
    kind: str | None = Field(default=None, max_length=16)  # bot.domain.directory.KINDS
    address: str | None = Field(default=None, sa_type=sa.Text)
    hours: str | None = Field(default=None, sa_type=sa.Text)
    languages: str | None = Field(default=None, sa_type=sa.Text)
    services: str | None = Field(default=None, sa_type=sa.Text)
    contact: str | None = Field(default=None, sa_type=sa.Text)
    latitude: float | None = None
    longitude: float | None = None
    verified_on: date | None = None
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
