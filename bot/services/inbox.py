"""Use cases of association staff answering the people who write to them ("Ask my association").

Every call checks that the user is on the staff of the conversation's association, at the
moment they act (permissions.Action.ANSWER_PEOPLE): a removed staff member loses the inbox at
once, and a forged button names a conversation that is not theirs to see. Operators are not let
in by their operator role: only an association's own staff read its conversations. Each action
is written to the audit log (who, which conversation; never a message's text).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import Clock
from bot.db import associations as associations_db
from bot.db import threads as db
from bot.db.models import Association, Person, StaffMember
from bot.db.models_threads import InboxBlock, Thread, ThreadMessage
from bot.db.statuses import Direction, ThreadStatus
from bot.db.threads import ThreadRow
from bot.domain.opening_hours import OpeningHours
from bot.domain.permissions import Action, allowed
from bot.services.associations import audit
from bot.services.unit import Sessions

# "Show the messages" copies at most this many of the person's latest messages again.
SHOWN_AGAIN = 10


class Acted(StrEnum):
    """What became of a staff member's action on a conversation."""

    DONE = "done"
    REFUSED = "refused"  # not on the staff of its association, or no such conversation
    CLOSED = "closed"  # the conversation is closed: nothing more can be sent in it
    TAKEN = "taken"  # "I'm handling this": a colleague handles it already (done anyway)


@dataclass(frozen=True)
class ThreadView:
    """A conversation as a staff member sees it: a number, never the person's identity."""

    id: int
    association_id: int
    association: str
    open: bool
    handler_id: int | None
    language: str | None
    person_id: int
    shares_profile: bool
    department: str | None
    stage: str | None
    waiting_since: datetime | None
    blocked: bool


@dataclass(frozen=True)
class InboxSection:
    """One association's open conversations, for /inbox."""

    association_id: int
    name: str
    threads: list[ThreadRow]
    hours: OpeningHours | None


@dataclass
class InboxService:
    """Conversations as their association's staff handle them."""

    sessions: Sessions
    clock: Clock

    async def sections(self, user_id: int) -> list[InboxSection]:
        """Return the open conversations of each association the user is staff of."""
        async with self.sessions.begin() as session:
            memberships = await associations_db.memberships(session=session, user_id=user_id)
            sections = []
            for association_id, name, _ in memberships:
                association = await session.get(Association, association_id)
                rows = await db.open_threads(session=session, association_id=association_id)
                hours = OpeningHours.from_json(association.hours if association else None)
                sections.append(InboxSection(association_id, name, rows, hours))
            return sections

    async def view(self, user_id: int, thread_id: int) -> ThreadView | None:
        """Return a conversation the user may see (staff of its association), else None."""
        async with self.sessions.begin() as session:
            return await _view(session, user_id, thread_id)

    async def view_to_block(self, user_id: int, thread_id: int) -> tuple[Acted, ThreadView | None]:
        """Return the conversation to ask before blocking its person (nothing changes yet)."""
        view = await self.view(user_id, thread_id)
        return (Acted.DONE if view else Acted.REFUSED), view

    async def take(self, user_id: int, thread_id: int) -> tuple[Acted, ThreadView | None]:
        """ "I'm handling this": the user handles the conversation (even if a colleague did)."""
        async with self.sessions.begin() as session:
            thread, refusal = await _open_thread_of_staff(session, user_id, thread_id)
            if thread is None:
                return refusal, None
            colleague = thread.handler_id not in (None, user_id)
            thread.handler_id = user_id
            session.add(thread)
            audit(session, user_id, thread.association_id, "thread_take", {"thread": thread_id})
            await session.flush()
            view = await _view(session, user_id, thread_id)
            return (Acted.TAKEN if colleague else Acted.DONE), view

    async def start_reply(self, user_id: int, thread_id: int) -> tuple[Acted, ThreadView | None]:
        """ "Reply": the user's next message (within routes.PRESS_LASTS) goes to the person."""
        async with self.sessions.begin() as session:
            thread, refusal = await _open_thread_of_staff(session, user_id, thread_id)
            if thread is None:
                return refusal, None
            member = await associations_db.staff_member(
                session=session, association_id=thread.association_id, user_id=user_id
            )
            assert member is not None  # checked by _open_thread_of_staff
            member.replying_to, member.replying_at = thread_id, self.clock.now()
            member.editing = None  # the latest press wins: an answer, not a directory field
            session.add(member)
            return Acted.DONE, await _view(session, user_id, thread_id)

    async def cancel_reply(self, user_id: int) -> None:
        """Forget a pressed "Reply" (in every association of the user)."""
        async with self.sessions.begin() as session:
            for member in await _memberships(session, user_id):
                if member.replying_to is not None:
                    member.replying_to, member.replying_at = None, None
                    session.add(member)

    async def reply(
        self,
        user_id: int,
        thread_id: int,
        *,
        chat_id: int,
        message_id: int,
        kind: str,
        body: str | None,
        file_id: str | None,
    ) -> tuple[Acted, ThreadView | None]:
        """Queue a staff member's message to the person (its text or file_id is kept until the
        conversation is erased: the association's content). The person no longer waits."""
        now = self.clock.now()
        async with self.sessions.begin() as session:
            thread, refusal = await _open_thread_of_staff(session, user_id, thread_id)
            if thread is None:
                return refusal, None
            session.add(
                ThreadMessage(
                    thread_id=thread_id,
                    direction=Direction.OUT,
                    kind=kind,
                    source_chat_id=chat_id,
                    source_message_id=message_id,
                    author_id=user_id,
                    body=body,
                    file_id=file_id,
                    send_at=now,
                    created_at=now,
                )
            )
            thread.waiting_since, thread.last_message_at = None, now
            thread.handler_id = thread.handler_id or user_id
            session.add(thread)
            for member in await _memberships(session, user_id):
                member.replying_to, member.replying_at = None, None
                session.add(member)
            audit(session, user_id, thread.association_id, "thread_reply", {"thread": thread_id})
            await session.flush()
            return Acted.DONE, await _view(session, user_id, thread_id)

    async def close(self, user_id: int, thread_id: int) -> tuple[Acted, ThreadView | None]:
        """Close a conversation; the person is told (a row "out" of kind "closed")."""
        now = self.clock.now()
        async with self.sessions.begin() as session:
            thread, refusal = await _open_thread_of_staff(session, user_id, thread_id)
            if thread is None:
                return refusal, None
            _close(session, thread, user_id, now, notify=True)
            audit(session, user_id, thread.association_id, "thread_close", {"thread": thread_id})
            await session.flush()
            return Acted.DONE, await _view(session, user_id, thread_id)

    async def block(self, user_id: int, thread_id: int) -> tuple[Acted, ThreadView | None]:
        """Take no more messages from the person of a conversation (which is closed, silently:
        the person learns it when they write again)."""
        now = self.clock.now()
        async with self.sessions.begin() as session:
            thread, refusal = await _thread_of_staff(session, user_id, thread_id)
            if thread is None:
                return refusal, None
            key = (thread.association_id, thread.person_id)
            if await session.get(InboxBlock, key) is None:
                session.add(
                    InboxBlock(
                        association_id=thread.association_id,
                        person_id=thread.person_id,
                        thread_id=thread_id,
                        blocked_by=user_id,
                        created_at=now,
                    )
                )
            if thread.status is ThreadStatus.OPEN:
                _close(session, thread, user_id, now, notify=False)
            audit(session, user_id, thread.association_id, "inbox_block", {"thread": thread_id})
            await session.flush()
            return Acted.DONE, await _view(session, user_id, thread_id)

    async def unblock(self, user_id: int, thread_id: int) -> tuple[Acted, ThreadView | None]:
        """Take messages from the person of a conversation again."""
        async with self.sessions.begin() as session:
            thread, refusal = await _thread_of_staff(session, user_id, thread_id)
            if thread is None:
                return refusal, None
            found = await session.get(InboxBlock, (thread.association_id, thread.person_id))
            if found is not None:
                await session.delete(found)
            audit(session, user_id, thread.association_id, "inbox_unblock", {"thread": thread_id})
            await session.flush()
            return Acted.DONE, await _view(session, user_id, thread_id)

    async def person_messages(self, user_id: int, thread_id: int) -> list[ThreadMessage]:
        """Return the person's latest messages of a conversation (to copy them again to the
        user), or nothing when the user may not see it."""
        async with self.sessions.begin() as session:
            thread, _ = await _thread_of_staff(session, user_id, thread_id)
            if thread is None:
                return []
            return await db.person_messages(session=session, thread_id=thread_id, limit=SHOWN_AGAIN)


def _close(
    session: AsyncSession, thread: Thread, user_id: int, now: datetime, *, notify: bool
) -> None:
    """Close a conversation (the person told with a "closed" row unless `notify` is False)."""
    thread.status, thread.closed_at, thread.waiting_since = ThreadStatus.CLOSED, now, None
    session.add(thread)
    if notify and thread.id is not None:
        session.add(
            ThreadMessage(
                thread_id=thread.id,
                direction=Direction.OUT,
                kind="closed",
                source_chat_id=user_id,
                source_message_id=0,
                author_id=user_id,
                send_at=now,
                created_at=now,
            )
        )


async def _memberships(session: AsyncSession, user_id: int) -> list[StaffMember]:
    """Return the user's staff rows (one per association)."""
    return await associations_db.staff_rows(session=session, user_id=user_id)


async def _thread_of_staff(
    session: AsyncSession, user_id: int, thread_id: int
) -> tuple[Thread | None, Acted]:
    """Return the conversation if the user is on its association's staff now."""
    thread = await db.thread(session=session, thread_id=thread_id)
    if thread is None:
        return None, Acted.REFUSED
    role = await associations_db.role_of(
        session=session, user_id=user_id, association_id=thread.association_id
    )
    if not allowed(role, Action.ANSWER_PEOPLE):  # never as an operator: the staff's own only
        return None, Acted.REFUSED
    return thread, Acted.DONE


async def _open_thread_of_staff(
    session: AsyncSession, user_id: int, thread_id: int
) -> tuple[Thread | None, Acted]:
    """Return the conversation if the user is on its staff and it is still open."""
    thread, refusal = await _thread_of_staff(session, user_id, thread_id)
    if thread is not None and thread.status is not ThreadStatus.OPEN:
        return None, Acted.CLOSED
    return thread, refusal


async def _view(session: AsyncSession, user_id: int, thread_id: int) -> ThreadView | None:
    """Return the conversation as the user (staff of its association) sees it."""
    thread, _ = await _thread_of_staff(session, user_id, thread_id)
    if thread is None or thread.id is None:
        return None
    association = await session.get(Association, thread.association_id)
    person = await session.get(Person, thread.person_id)
    assert association is not None and person is not None
    blocked = await db.is_blocked(
        session=session, association_id=thread.association_id, person_id=thread.person_id
    )
    shares = thread.shares_profile
    return ThreadView(
        thread.id,
        thread.association_id,
        association.name,
        thread.status is ThreadStatus.OPEN,
        thread.handler_id,
        person.language,
        thread.person_id,
        shares,
        person.department if shares else None,
        person.stage if shares else None,
        thread.waiting_since,
        blocked,
    )
