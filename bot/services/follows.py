"""Use cases of a person and the associations they follow: follow by link, leave, share deadlines.

Only the person of the chat acts here, on their own follows: no role is needed. The queries are
in bot/db/follows.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import Clock
from bot.db import associations as associations_db
from bot.db import follows as db
from bot.db import repo
from bot.db.models import Association, Follow
from bot.services.unit import Sessions


@dataclass(frozen=True)
class Followed:
    """An association a person follows, as they see it."""

    id: int
    name: str
    shared: bool  # they share their deadlines with it (alerts to its staff)


@dataclass
class FollowService:
    """A person's follows."""

    sessions: Sessions
    clock: Clock

    async def follow(self, chat_id: int, follow_token: str) -> Association | None:
        """The person of this chat follows the association of the link (idempotent)."""
        async with self.sessions.begin() as session:
            association = await associations_db.association_by_follow_token(
                session=session, token=follow_token
            )
            person = await repo.person_by_chat(session=session, chat_id=chat_id)
            if association is None or association.id is None or person is None or person.id is None:
                return None
            found = await db.follow(
                session=session, person_id=person.id, association_id=association.id
            )
            if found is None:
                db.add_follow(session=session, person_id=person.id, association_id=association.id)
            return association

    async def unfollow(self, chat_id: int, association_id: int) -> bool:
        """Stop following an association; tell whether the person followed it."""
        async with self.sessions.begin() as session:
            follow = await _follow(session, chat_id, association_id)
            if follow is None:
                return False
            await db.delete_follow(session=session, follow=follow)
            return True

    async def share(self, chat_id: int, association_id: int, *, on: bool) -> bool:
        """Start or stop sharing deadlines with a followed association; False if not followed."""
        async with self.sessions.begin() as session:
            follow = await _follow(session, chat_id, association_id)
            if follow is None:
                return False
            follow.shared_at = (follow.shared_at or self.clock.now()) if on else None
            session.add(follow)
            return True

    async def follows(self, chat_id: int) -> list[Followed]:
        """Return the associations the person follows, and whether they share deadlines."""
        async with self.sessions.begin() as session:
            person = await repo.person_by_chat(session=session, chat_id=chat_id)
            if person is None or person.id is None:
                return []
            rows = await db.followed(session=session, person_id=person.id)
            return [Followed(a, name, shared is not None) for a, name, shared in rows]


async def _follow(session: AsyncSession, chat_id: int, association_id: int) -> Follow | None:
    """Return the follow of the person of a chat, if they follow the association."""
    person = await repo.person_by_chat(session=session, chat_id=chat_id)
    if person is None or person.id is None:
        return None
    return await db.follow(session=session, person_id=person.id, association_id=association_id)
