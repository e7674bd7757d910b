"""Where a typed message (or a voice note, photo, location) goes besides the bot's questions,
read once per message: a staff member's answer to a conversation ("Reply" pressed), an admin's
value for a field of their directory entry, or a person's message to the association they
write to ("Ask" pressed). One read instead of one per feature, on every message of everyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.clock import Clock
from bot.db import repo
from bot.db import threads as db
from bot.services.unit import Sessions

# A staff member's "Reply" or an admin's field applies to their next message within this time.
PRESS_LASTS = timedelta(minutes=30)
# After this long without a message, a person's next text is read as an answer to the bot
# again, not as a message to the association (they may have forgotten they were writing).
WRITING_LASTS = timedelta(hours=1)


@dataclass(frozen=True)
class Route:
    """What the sender of a message pressed last (None: nothing pending of that kind)."""

    reply_thread: int | None = None  # the conversation a staff member answers
    editing: tuple[int, str] | None = None  # (association, field) an admin fills in
    writing_to: int | None = None  # the association a person writes to


@dataclass
class RouteService:
    """Reads the pending presses of the user who sent a message."""

    sessions: Sessions
    clock: Clock

    async def of(self, user_id: int) -> Route:
        """Return where the user's next message goes, if they pressed something for it.

        Of a staff member's presses the latest wins ("Reply" or a directory field); answering
        the bot's questions ends a person's writing (ConversationStore.put).
        """
        now = self.clock.now()
        async with self.sessions.begin() as session:
            member = await db.pressed_member(
                session=session, user_id=user_id, since=now - PRESS_LASTS
            )
            person = await repo.person_by_chat(session=session, chat_id=user_id)
        writing = None
        if person is not None and person.writing_at and person.writing_at >= now - WRITING_LASTS:
            writing = person.writing_to
        if member is None:
            return Route(writing_to=writing)
        if member.editing is not None:
            return Route(editing=(member.association_id, member.editing), writing_to=writing)
        return Route(reply_thread=member.replying_to, writing_to=writing)
