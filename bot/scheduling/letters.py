"""What a claimed outbox row sends: its messages, their lane, and what a refusal means.

Written from the row alone (and, for an alert, the staff to tell): the rule, the due moment,
the kind, the person's language and department. No plan is computed per message.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.db.outbox import Outcome
from bot.db.outbox_deliveries import BroadcastText, ClaimedDelivery
from bot.db.outbox_reminders import AlertRecipient, ClaimedReminder
from bot.domain.rules.model import RuleBook
from bot.i18n import translator
from bot.sending import Lane
from bot.views.broadcasts import delivered
from bot.views.common import Outgoing, Screen
from bot.views.reminder import reminder_message
from bot.views.staff import alert_message


@dataclass(frozen=True)
class Skip:
    """A row not sent, and the outcome recorded for it with an error code."""

    outcome: Outcome
    code: str


# The person blocked the bot: they become inactive (a reminder waits for their /start).
PERSON_GONE = Skip(Outcome.BLOCKED, "forbidden")
# Every staff member to alert blocked the bot: the alert fails; the person stays active.
STAFF_UNREACHABLE = Skip(Outcome.FAILED, "forbidden")


@dataclass(frozen=True)
class Letter:
    """The messages of one row, in order, to (chat id, screen)."""

    messages: Sequence[tuple[int, Outgoing]]
    lane: Lane
    # An alert is sent when at least one staff member got it; a broadcast in two parts is sent
    # when both went out.
    one_suffices: bool = False
    refused: Skip = PERSON_GONE
    # A reminder the person asked to hear: once its text is sent, read aloud in this language.
    voice: str | None = None
    # A broadcast's recorded voice note (Telegram file_id), sent after its text.
    recorded: str | None = None
    # With one_suffices: the kinds of message that make the row sent (empty: any). A person's
    # message relayed to staff is sent when one of them got its copy, not only its header.
    decisive: tuple[type, ...] = ()
    # With one_suffices: records which chats got their decisive message when a passing fault
    # kept it from others; the row is then retried, for those others only.
    remember: Callable[[list[int]], Awaitable[None]] | None = None

    def counts(self, message: Outgoing) -> bool:
        """Tell whether this message, once taken, counts towards the row being sent."""
        return not self.decisive or isinstance(message, self.decisive)


def reminder_letter(
    claim: ClaimedReminder,
    book: RuleBook,
    now: datetime,
    recipients: list[AlertRecipient] | None = None,
    *,
    spoken: frozenset[str] = frozenset(),
) -> Letter | Skip:
    """Write a reminder to the person, or an alert to the staff in `recipients` (kind alert);
    a reminder in a language of `spoken` carries a "Listen" button."""
    rule = book.by_id.get(claim.rule_id)
    if rule is None:  # a rule removed from the rules file since the row was planned
        return Skip(Outcome.FAILED, "unknown_rule")
    if claim.kind == "alert":
        if not recipients:  # the person no longer shares their deadlines with anyone
            return Skip(Outcome.CANCELLED, "not_shared")
        due = claim.due_at.astimezone(now.tzinfo)
        alerts = [
            (
                target.user_id,
                Screen(
                    alert_message(
                        translator(target.language),
                        target.association,
                        rule,
                        due,
                        now,
                        claim.chat_id,
                    )
                ),
            )
            for target in recipients
        ]
        return Letter(alerts, Lane.ALERT, one_suffices=True, refused=STAFF_UNREACHABLE)
    screen = reminder_message(
        translator(claim.language, speaks=claim.language in spoken),
        rule,
        claim.due_at,
        now,
        claim.kind,
        claim.previous_due_at,
        claim.department,
    )
    spoken_too = claim.language if claim.voice and claim.language in spoken else None
    return Letter([(claim.chat_id, screen)], Lane.REMINDER, voice=spoken_too)


def delivery_letter(claim: ClaimedDelivery, text: BroadcastText) -> Letter:
    """Write a broadcast to one follower: the bot's line naming the sender, then the text."""
    parts = delivered(
        translator(claim.language), text.for_language(claim.language), text.association
    )
    messages = [(claim.chat_id, Screen(part)) for part in parts]
    return Letter(messages, Lane.BROADCAST, recorded=text.voice_for(claim.language))
