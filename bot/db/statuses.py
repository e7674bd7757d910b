"""The states and kinds the outbox and broadcasts go through, as StrEnums typed on the models.

The CHECK constraints of the tables (bot/db/models.py, migrations/) allow exactly these values.
"""

from __future__ import annotations

from enum import StrEnum


class OutboxStatus(StrEnum):
    """Where a message waiting to be sent is in its life: a reminder row or a broadcast delivery.

    pending -> claimed (with a lease) -> sent | pending again (retry, or released unsent) |
    failed | blocked (the person blocked the bot: deliveries only; a reminder waits, pending,
    for /start) | cancelled (no longer useful) | skipped.
    """

    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    FAILED = "failed"
    BLOCKED = "blocked"
    CANCELLED = "cancelled"
    SKIPPED = "skipped"


class ReminderKind(StrEnum):
    """Why a reminder is sent."""

    LEAD = "lead"  # before the deadline
    MISSED = "missed"  # the day after, once: what can still be done
    SNOOZE = "snooze"  # the person asked "remind me tomorrow"
    ALERT = "alert"  # to the staff of the associations the person shares deadlines with
    CHANGED = "changed"  # once, when a correction of the rules moved the deadline (or made it)
    STANDING = "standing"  # a step whose deadline may be running, its paper's date unknown


class BroadcastStatus(StrEnum):
    """A broadcast's life: composed, maybe scheduled, sent, finished or stopped."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    DONE = "done"
    CANCELLED = "cancelled"


class ThreadStatus(StrEnum):
    """A conversation with an association: open until a staff member closes it."""

    OPEN = "open"
    CLOSED = "closed"


class Direction(StrEnum):
    """Which way a relayed message goes."""

    IN = "in"  # from the person to the association's staff
    OUT = "out"  # from a staff member to the person


def _values(*members: StrEnum) -> list[str]:
    """Return the values a CHECK constraint allows."""
    return [member.value for member in members]


# A reminder is never "blocked" (it waits for the person's /start) nor "skipped".
REMINDER_STATUSES = [
    status for status in _values(*OutboxStatus) if status not in ("blocked", "skipped")
]
DELIVERY_STATUSES = _values(*OutboxStatus)
REMINDER_KINDS = _values(*ReminderKind)
BROADCAST_STATUSES = _values(*BroadcastStatus)
THREAD_STATUSES = _values(*ThreadStatus)
THREAD_DIRECTIONS = _values(*Direction)
