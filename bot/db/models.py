"""Database tables: who to remind, the dates they gave us, and the reminders to send.

Privacy is a core promise of this bot: no names, no file or case numbers (AGDREF, Ofpra, OFII), no
addresses and no free text typed by the person are ever stored. A person is only a Telegram chat id
plus a few coded answers (language, department, procedure, stage); key dates are dates and coded
values; reminders carry rule ids and error codes, never message text. Anything added here must keep
that promise: if a column could hold what a person typed, it does not belong in the database.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from bot.db.statuses import (
    BROADCAST_STATUSES,
    DELIVERY_STATUSES,
    REMINDER_KINDS,
    REMINDER_STATUSES,
    BroadcastStatus,
    OutboxStatus,
    ReminderKind,
)
from bot.db.types import StrEnumType, UTCDateTime

# Set before any table is declared: SQLAlchemy names constraints when they attach to a table.
# Named constraints let Alembic's batch mode rebuild SQLite tables and drop constraints by name.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Return the current aware UTC time (default for bookkeeping columns only)."""
    return datetime.now(UTC)


class Person(SQLModel, table=True):
    """Someone who started the bot in a private chat; identified by the chat id alone."""

    __tablename__ = "persons"

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_type=sa.BigInteger, unique=True)
    language: str | None = Field(default=None, max_length=16)
    department: str | None = Field(default=None, max_length=3)
    procedure: str | None = Field(default=None, max_length=16)
    stage: str | None = Field(default=None, max_length=32)
    consented_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # False once the person blocked the bot or sent /stop: nothing more is sent to them.
    active: bool = Field(default=True, sa_column_kwargs={"server_default": sa.true()})
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(
        default_factory=utcnow, sa_type=UTCDateTime, sa_column_kwargs={"onupdate": utcnow}
    )
    # The last message or button press from the person (kept to the day): after INACTIVITY_MONTHS
    # without one they are told, and erased INACTIVITY_NOTICE_DAYS after the notice.
    last_seen_at: datetime = Field(
        default_factory=utcnow,
        sa_type=UTCDateTime,
        index=True,
        sa_column_kwargs={"server_default": sa.func.now()},
    )
    inactivity_notice_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Every reminder is also sent as a voice note (where a voice speaks the person's language).
    voice_reminders: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    # "Ask my association": the association their next messages go to, since when (bot/db/threads).
    writing_to: int | None = None
    writing_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class KeyDate(SQLModel, table=True):
    """One event of the procedure as printed on the person's papers (local dates, Europe/Paris)."""

    __tablename__ = "key_dates"
    __table_args__ = (sa.UniqueConstraint("person_id", "event"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="persons.id", ondelete="CASCADE", index=True)
    event: str = Field(max_length=48)
    occurred_on: date
    occurred_at: time | None = None
    outcome: str | None = Field(default=None, max_length=16)
    received: str | None = Field(default=None, max_length=8)
    permit: str | None = Field(default=None, max_length=16)
    # "yes" / "no": detained or under house arrest when notified; None: not said (read as yes).
    detained: str | None = Field(default=None, max_length=3)
    opened_on: date | None = None
    decided_on: date | None = None
    lawyer_notified_on: date | None = None
    # The person did not know the date: the earliest plausible one was used (deadlines err early).
    estimated: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    # The person has the paper but no idea of its date: occurred_on is the day they said so.
    undated: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(
        default_factory=utcnow, sa_type=UTCDateTime, sa_column_kwargs={"onupdate": utcnow}
    )


class Reminder(SQLModel, table=True):
    """One message to send at `remind_at` about the deadline `due_at`; the database is the queue."""

    __tablename__ = "reminders"
    __table_args__ = (
        sa.UniqueConstraint("person_id", "rule_id", "due_at", "remind_at", "kind"),
        sa.CheckConstraint(sa.column("status").in_(REMINDER_STATUSES), name="status"),
        sa.CheckConstraint(sa.column("kind").in_(REMINDER_KINDS), name="kind"),
        # The dispatcher's sweep: pending (or lease-expired claimed) rows due before now.
        sa.Index(None, "status", "remind_at"),
    )

    # SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
    id: int | None = Field(
        default=None,
        primary_key=True,
        sa_type=sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
    )
    # No index of its own: the unique key (person_id, rule_id, ...) serves lookups and cascades.
    person_id: int = Field(foreign_key="persons.id", ondelete="CASCADE")
    rule_id: str = Field(max_length=64)
    due_at: datetime = Field(sa_type=UTCDateTime)
    remind_at: datetime = Field(sa_type=UTCDateTime)
    kind: ReminderKind = Field(
        default=ReminderKind.LEAD,
        sa_type=StrEnumType(ReminderKind, 8),
        sa_column_kwargs={"server_default": "lead"},
    )
    status: OutboxStatus = Field(
        default=OutboxStatus.PENDING,
        sa_type=StrEnumType(OutboxStatus, 16),
        sa_column_kwargs={"server_default": "pending"},
    )
    attempts: int = Field(default=0, sa_column_kwargs={"server_default": sa.text("0")})
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # An error code such as "forbidden" or "timeout", never an exception's text.
    last_error: str | None = Field(default=None, max_length=64)
    # Kind "changed": the due date the person had been given before the rules were corrected.
    previous_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AppState(SQLModel, table=True):
    """What the application remembers about itself: the rules' hash, a running replan's lease."""

    __tablename__ = "app_state"

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(sa_type=sa.Text)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SavedConversation(SQLModel, table=True):
    """Where a person is in a conversation with the bot, so any instance can take the next message.

    `draft` is JSON of coded answers given so far (event names, ISO dates, option values): never
    text the person typed. Written in the same transaction as the answer that changes it.
    """

    __tablename__ = "dialogs"  # the first schema's name, kept (a rename is a migration)

    person_id: int = Field(primary_key=True, foreign_key="persons.id", ondelete="CASCADE")
    step: str = Field(max_length=48)
    draft: str = Field(default="{}", sa_type=sa.Text)
    updated_at: datetime = Field(
        default_factory=utcnow, sa_type=UTCDateTime, sa_column_kwargs={"onupdate": utcnow}
    )


class CompletedStep(SQLModel, table=True):
    """A deadline the person marked done ("Done" under a reminder): no more reminders for it."""

    __tablename__ = "completed_steps"

    person_id: int = Field(primary_key=True, foreign_key="persons.id", ondelete="CASCADE")
    rule_id: str = Field(primary_key=True, max_length=64)
    completed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# -- Associations -------------------------------------------------------------------------------
# What associations write (broadcast texts) is stored: it is their content, not a person's. What
# links a person to an association (following, deliveries) is deleted with the person.

STAFF_ROLES = ("admin", "staff")


class Association(SQLModel, table=True):
    """An association (SPADA, legal aid group, shelter) that people follow in the bot."""

    __tablename__ = "associations"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    # The public follow link's token (t.me/<bot>?start=f_<token>): printed on posters, not secret.
    follow_token: str = Field(max_length=32, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # When its staff read messages (JSON of bot.domain.opening_hours; None: not said), and how
    # many days a closed conversation is kept (None: the operator's THREAD_RETENTION_DAYS).
    hours: str | None = Field(default=None, sa_type=sa.Text)
    thread_retention_days: int | None = None


class StaffMember(SQLModel, table=True):
    """A Telegram user who works for an association, as admin or staff."""

    __tablename__ = "staff"
    __table_args__ = (
        sa.UniqueConstraint("association_id", "user_id"),
        sa.CheckConstraint(sa.column("role").in_(STAFF_ROLES), name="role"),
    )

    id: int | None = Field(default=None, primary_key=True)
    association_id: int = Field(foreign_key="associations.id", ondelete="CASCADE")
    user_id: int = Field(sa_type=sa.BigInteger, index=True)
    role: str = Field(max_length=8)
    # The language they read the bot in when they joined: alerts about deadlines use it.
    language: str | None = Field(default=None, max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # The conversation their next message answers ("Reply" pressed), and when they pressed it;
    # or the field of their association's directory entry their next message fills in.
    replying_to: int | None = None
    replying_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    editing: str | None = Field(default=None, max_length=16)


class Invite(SQLModel, table=True):
    """A one-time invitation to join an association's staff; only the token's hash is kept."""

    __tablename__ = "invites"
    __table_args__ = (sa.CheckConstraint(sa.column("role").in_(STAFF_ROLES), name="role"),)

    id: int | None = Field(default=None, primary_key=True)
    association_id: int = Field(foreign_key="associations.id", ondelete="CASCADE")
    role: str = Field(max_length=8)
    token_hash: str = Field(max_length=64, unique=True)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_by: int | None = Field(default=None, sa_type=sa.BigInteger)  # None: the operator
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Follow(SQLModel, table=True):
    """A person follows an association: they receive its broadcasts. Shares nothing by itself.

    `shared_at` is set when the person chose to share their deadlines with the association: its
    staff are then alerted when one of them is 3 days away and not marked done. Cleared when they
    stop sharing or leave.
    """

    __tablename__ = "follows"

    person_id: int = Field(primary_key=True, foreign_key="persons.id", ondelete="CASCADE")
    association_id: int = Field(
        primary_key=True, foreign_key="associations.id", ondelete="CASCADE", index=True
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    shared_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # "Ask <association>": when the person agreed to write to its staff through the bot, and
    # whether its staff see their stage, department and open deadlines with their messages.
    ask_consented_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ask_shares: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})


class Broadcast(SQLModel, table=True):
    """A message from an association (or the operator: association_id None) to its followers.

    `texts` is JSON {language: HTML text}, with the `default` language's text for everyone else;
    `audience` is JSON of filters (languages, departments, stages). Counts are kept up to date by
    the dispatcher for the report; the progress message is edited as deliveries go out.
    """

    __tablename__ = "broadcasts"
    __table_args__ = (
        sa.CheckConstraint(sa.column("status").in_(BROADCAST_STATUSES), name="status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    association_id: int | None = Field(
        default=None, foreign_key="associations.id", ondelete="CASCADE", index=True
    )
    author_id: int = Field(sa_type=sa.BigInteger, index=True)
    status: BroadcastStatus = Field(
        default=BroadcastStatus.DRAFT, sa_type=StrEnumType(BroadcastStatus, 16)
    )
    # What the author's next text message is for, while composing: "text" or "version:<lang>".
    waiting_for: str | None = Field(default=None, max_length=24)
    default_language: str = Field(default="fr", max_length=16)
    texts: str = Field(default="{}", sa_type=sa.Text)
    # JSON {language: Telegram file_id}: voice notes a staff member recorded for the versions.
    voices: str = Field(default="{}", sa_type=sa.Text, sa_column_kwargs={"server_default": "{}"})
    audience: str = Field(default="{}", sa_type=sa.Text)
    send_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    progress_chat_id: int | None = Field(default=None, sa_type=sa.BigInteger)
    progress_message_id: int | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Delivery(SQLModel, table=True):
    """One broadcast to one person: claimed and sent by the dispatcher, never twice."""

    __tablename__ = "deliveries"
    __table_args__ = (
        sa.UniqueConstraint("broadcast_id", "person_id"),
        sa.CheckConstraint(sa.column("status").in_(DELIVERY_STATUSES), name="status"),
        sa.Index(None, "status", "send_at"),
    )

    id: int | None = Field(
        default=None,
        primary_key=True,
        sa_type=sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
    )
    broadcast_id: int = Field(foreign_key="broadcasts.id", ondelete="CASCADE")
    person_id: int = Field(foreign_key="persons.id", ondelete="CASCADE", index=True)
    status: OutboxStatus = Field(
        default=OutboxStatus.PENDING, sa_type=StrEnumType(OutboxStatus, 16)
    )
    send_at: datetime = Field(sa_type=UTCDateTime)
    attempts: int = Field(default=0, sa_column_kwargs={"server_default": sa.text("0")})
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, max_length=64)


class AuditEntry(SQLModel, table=True):
    """Who used an association's power, and when: invites, staff, broadcasts (counts only)."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    actor_id: int | None = Field(default=None, sa_type=sa.BigInteger)  # None: the operator's CLI
    association_id: int | None = Field(default=None, index=True)
    action: str = Field(max_length=32)
    details: str = Field(default="{}", sa_type=sa.Text)


# The conversations of "Ask my association" (their own module; registered with the rest).
from bot.db import models_threads as models_threads  # noqa: E402
