"""Use cases of a person who writes to an association they follow ("Ask my association").

The person agrees once per association (and chooses whether its staff see their stage,
department and open deadlines); then their messages are queued to be relayed. Nothing the person
wrote is stored: a row names the message in their chat, and the bot copies it to the staff.
The queries are in bot/db/threads.py; the relaying itself in bot/scheduling/relaying.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import Clock
from bot.db import follows as follows_db
from bot.db import repo
from bot.db import threads as db
from bot.db.models import Association, Follow, Person
from bot.db.models_threads import Thread, ThreadMessage
from bot.db.statuses import Direction
from bot.domain.opening_hours import OpeningHours
from bot.services.unit import Sessions

# A person may give this many messages to relay in an hour, and in a day (every association).
HOURLY_LIMIT = 20
DAILY_LIMIT = 60
RELAYED_KINDS = frozenset({"text", "voice", "photo", "document"})


class Relayed(StrEnum):
    """What became of a message a person gave to relay."""

    QUEUED = "queued"
    NOT_FOLLOWED = "not_followed"  # no such association among those they follow
    NO_CONSENT = "no_consent"  # they have not agreed to write to it yet
    BLOCKED = "blocked"  # its staff no longer take their messages
    TOO_MANY = "too_many"  # the hourly or daily limit


@dataclass(frozen=True)
class AskTarget:
    """An association the person follows, as the "Ask" screens need it."""

    id: int
    name: str
    consented: bool
    hours: OpeningHours | None


@dataclass(frozen=True)
class RelayResult:
    """The outcome of a message given to relay, and what the person is told."""

    outcome: Relayed
    target: AskTarget | None = None
    # The first message since staff last answered (or of a new conversation): the person is
    # told when to expect an answer; later ones are only acknowledged.
    first_of_turn: bool = False


@dataclass
class AskingService:
    """A person's conversations with the associations they follow."""

    sessions: Sessions
    clock: Clock
    hourly_limit: int = HOURLY_LIMIT
    daily_limit: int = DAILY_LIMIT

    async def targets(self, chat_id: int) -> list[AskTarget]:
        """Return the associations the person follows (by name), each with their agreement."""
        async with self.sessions.begin() as session:
            person = await repo.person_by_chat(session=session, chat_id=chat_id)
            if person is None or person.id is None:
                return []
            followed = await follows_db.followed(session=session, person_id=person.id)
            found = []
            for association_id, _, _ in followed:
                target = await _target(session, person.id, association_id)
                if target is not None:
                    found.append(target)
            return found

    async def target(self, chat_id: int, association_id: int) -> AskTarget | None:
        """Return one association the person follows, or None if they do not follow it."""
        async with self.sessions.begin() as session:
            person = await repo.person_by_chat(session=session, chat_id=chat_id)
            if person is None or person.id is None:
                return None
            return await _target(session, person.id, association_id)

    async def agree(self, chat_id: int, association_id: int, *, shares: bool) -> bool:
        """Record the person's agreement to write to a followed association; False if they do
        not follow it."""
        async with self.sessions.begin() as session:
            person, follow = await _person_follow(session, chat_id, association_id)
            if person is None or follow is None:
                return False
            follow.ask_consented_at = follow.ask_consented_at or self.clock.now()
            follow.ask_shares = shares
            session.add(follow)
            return True

    async def start_writing(self, chat_id: int, association_id: int) -> AskTarget | None:
        """Send the person's next messages to the association (followed, agreed); None if not."""
        async with self.sessions.begin() as session:
            person, follow = await _person_follow(session, chat_id, association_id)
            if person is None or follow is None or follow.ask_consented_at is None:
                return None
            person.writing_to, person.writing_at = association_id, self.clock.now()
            session.add(person)
            assert person.id is not None
            return await _target(session, person.id, association_id)

    async def stop_writing(self, chat_id: int) -> None:
        """The person's next texts are answers to the bot again."""
        async with self.sessions.begin() as session:
            person = await repo.person_by_chat(session=session, chat_id=chat_id)
            if person is not None and person.writing_to is not None:
                person.writing_to, person.writing_at = None, None
                session.add(person)

    async def relay(
        self, chat_id: int, association_id: int, message_id: int, kind: str
    ) -> RelayResult:
        """Queue one message of the person (text, voice, photo, document) for the staff.

        It joins the person's open conversation with the association, or opens one. Refused when
        the person does not follow the association, has not agreed, is blocked by its staff, or
        gave too many messages lately (HOURLY_LIMIT, DAILY_LIMIT).
        """
        assert kind in RELAYED_KINDS, kind
        now = self.clock.now()
        async with self.sessions.begin() as session:
            person, follow = await _person_follow(session, chat_id, association_id)
            if person is None or person.id is None or follow is None:
                return RelayResult(Relayed.NOT_FOLLOWED)
            target = await _target(session, person.id, association_id)
            if follow.ask_consented_at is None:
                return RelayResult(Relayed.NO_CONSENT, target)
            if await db.is_blocked(
                session=session, association_id=association_id, person_id=person.id
            ):
                return RelayResult(Relayed.BLOCKED, target)
            if await self._too_many(session, person.id, now):
                return RelayResult(Relayed.TOO_MANY, target)
            thread = await db.open_thread(
                session=session, person_id=person.id, association_id=association_id
            )
            if thread is None:
                thread = Thread(
                    association_id=association_id,
                    person_id=person.id,
                    shares_profile=follow.ask_shares,
                    opened_at=now,
                )
            first = thread.waiting_since is None
            thread.waiting_since = thread.waiting_since or now
            thread.last_message_at = now
            session.add(thread)
            await session.flush()
            assert thread.id is not None
            session.add(
                ThreadMessage(
                    thread_id=thread.id,
                    direction=Direction.IN,
                    kind=kind,
                    source_chat_id=chat_id,
                    source_message_id=message_id,
                    send_at=now,
                    created_at=now,
                )
            )
            person.writing_to, person.writing_at = association_id, now
            session.add(person)
            return RelayResult(Relayed.QUEUED, target, first)

    async def _too_many(self, session: AsyncSession, person_id: int, now: datetime) -> bool:
        """Tell whether the person reached the hourly or the daily limit of messages to relay."""
        hour = await db.sent_by_person_since(
            session=session, person_id=person_id, since=now - timedelta(hours=1)
        )
        if hour >= self.hourly_limit:
            return True
        day = await db.sent_by_person_since(
            session=session, person_id=person_id, since=now - timedelta(days=1)
        )
        return day >= self.daily_limit


async def _person_follow(
    session: AsyncSession, chat_id: int, association_id: int
) -> tuple[Person | None, Follow | None]:
    """Return the person of the chat and their follow of the association (None if absent)."""
    person = await repo.person_by_chat(session=session, chat_id=chat_id)
    if person is None or person.id is None:
        return None, None
    found = await follows_db.follow(
        session=session, person_id=person.id, association_id=association_id
    )
    return person, found


async def _target(session: AsyncSession, person_id: int, association_id: int) -> AskTarget | None:
    """Return a followed association as the "Ask" screens need it."""
    follow = await follows_db.follow(
        session=session, person_id=person_id, association_id=association_id
    )
    association = await session.get(Association, association_id)
    if follow is None or association is None or association.id is None:
        return None
    return AskTarget(
        association.id,
        association.name,
        follow.ask_consented_at is not None,
        OpeningHours.from_json(association.hours),
    )
