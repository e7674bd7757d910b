"""Use cases of broadcasts: compose, target, confirm (one delivery row per recipient), cancel.

A broadcast becomes rows in `deliveries` when it is confirmed; the reminder dispatcher sends them
after the reminders that are due (reminders keep priority), records each outcome, and marks the
broadcast done when none is left. A person gets a broadcast at most once: (broadcast, person) is
unique, and a delivery is claimed with a lease like a reminder.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import Clock
from bot.db.models import Broadcast, Delivery, Follow, Person, Reminder
from bot.domain.permissions import Action
from bot.domain.situations import BY_ID as SITUATIONS_BY_ID
from bot.domain.situations import DEFAULT_WINDOW, WINDOWS
from bot.services.associations import AssociationService, Refused, audit
from bot.services.unit import Sessions

D, P, F = Delivery.__table__, Person.__table__, Follow.__table__  # type: ignore[attr-defined]
R = Reminder.__table__  # type: ignore[attr-defined]
B = Broadcast.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Audience:
    """Who receives a broadcast among the followers: every filter left empty means everyone."""

    languages: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    # A situation (bot/domain/situations.py): one of its deadlines is open, not done, and ends
    # within `within_days` days of the moment the broadcast goes out.
    situation: str | None = None
    within_days: int = DEFAULT_WINDOW

    def to_json(self) -> str:
        """Serialise for the broadcasts table."""
        data: dict[str, Any] = {
            "languages": self.languages,
            "departments": self.departments,
            "stages": self.stages,
        }
        if self.situation is not None:
            data |= {"situation": self.situation, "within_days": self.within_days}
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> Audience:
        """Read back what to_json wrote (an unknown situation or window is dropped)."""
        data = json.loads(text or "{}")
        situation = data.get("situation")
        within = data.get("within_days", DEFAULT_WINDOW)
        return cls(
            tuple(data.get("languages", ())),
            tuple(data.get("departments", ())),
            tuple(data.get("stages", ())),
            situation if situation in SITUATIONS_BY_ID else None,
            within if within in WINDOWS else DEFAULT_WINDOW,
        )

    def with_situation(self, situation: str | None, within_days: int | None = None) -> Audience:
        """Return the audience targeting a situation (None: no situation filter)."""
        if situation is not None and situation not in SITUATIONS_BY_ID:
            raise ValueError(situation)
        if within_days is not None and within_days not in WINDOWS:
            raise ValueError(within_days)
        return replace(self, situation=situation, within_days=within_days or self.within_days)

    def toggled(self, dimension: str, value: str) -> Audience:
        """Return the audience with one value added to or removed from a filter."""
        current = getattr(self, dimension)
        values = tuple(v for v in current if v != value) if value in current else (*current, value)
        changes: dict[str, Any] = {dimension: values}
        return replace(self, **changes)


@dataclass(frozen=True)
class Draft:
    """A broadcast being composed or sent, as the staff member sees it."""

    id: int
    association_id: int | None
    author_id: int
    status: str
    waiting_for: str | None
    default_language: str
    texts: dict[str, str]
    audience: Audience
    progress_chat_id: int | None = None
    progress_message_id: int | None = None
    created_at: datetime | None = None
    send_at: datetime | None = None  # when a scheduled broadcast goes out


@dataclass
class Report:
    """Deliveries of a broadcast, by outcome."""

    broadcast_id: int
    status: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Return how many people the broadcast was for."""
        return sum(self.counts.values())

    def count(self, *statuses: str) -> int:
        """Return how many deliveries have one of these statuses."""
        return sum(self.counts.get(status, 0) for status in statuses)


@dataclass
class BroadcastService:
    """Broadcasts of associations to their followers (and of operators to everyone)."""

    sessions: Sessions
    clock: Clock
    associations: AssociationService

    async def start(self, association_id: int | None, author: int, language: str) -> Draft:
        """Open a new draft for the author (dropping any older draft); it waits for the text.

        `association_id` None is the operator's broadcast to everyone who uses the bot.
        """
        await self._check(author, association_id, Action.BROADCAST)
        async with self.sessions.begin() as session:
            await self._drop_drafts(session, author)
            broadcast = Broadcast(
                association_id=association_id,
                author_id=author,
                waiting_for="text",
                default_language=language,
            )
            session.add(broadcast)
            await session.flush()
            return _draft(broadcast)

    async def current_draft(self, author: int) -> Draft | None:
        """Return the author's draft, if they are composing one."""
        async with self.sessions.begin() as session:
            broadcast = await self._draft_row(session, author)
            return None if broadcast is None else _draft(broadcast)

    async def write(self, author: int, text: str) -> Draft | None:
        """Store the text the draft was waiting for (the default text or one language's)."""
        if not await self._may_still(author):
            return None
        async with self.sessions.begin() as session:
            broadcast = await self._draft_row(session, author)
            if broadcast is None or broadcast.waiting_for in (None, "schedule"):
                return None
            texts = json.loads(broadcast.texts)
            target = broadcast.waiting_for
            language = target.split(":", 1)[1] if target.startswith("version:") else "default"
            texts[language] = text  # Telegram already limits what staff can type
            broadcast.texts, broadcast.waiting_for = json.dumps(texts), None
            session.add(broadcast)
            return _draft(broadcast)

    async def stop_waiting(self, author: int) -> Draft | None:
        """The author's next text is not for the draft any more (they went back)."""
        return await self._update(author, waiting_for=None)

    async def wait_for_schedule(self, author: int) -> Draft | None:
        """The author's next text is the date and time to send the draft."""
        return await self._update(author, waiting_for="schedule")

    async def wait_for_version(self, author: int, language: str) -> Draft | None:
        """The author's next text is the version for `language`."""
        return await self._update(author, waiting_for=f"version:{language}")

    async def set_audience(self, author: int, audience: Audience) -> Draft | None:
        """Change who will receive the draft."""
        return await self._update(author, audience=audience.to_json())

    async def discard(self, author: int) -> bool:
        """Drop the author's draft."""
        async with self.sessions.begin() as session:
            return await self._drop_drafts(session, author) > 0

    async def recipients(self, author: int) -> int:
        """Count who would receive the author's draft now."""
        async with self.sessions.begin() as session:
            broadcast = await self._draft_row(session, author)
            if broadcast is None:
                return 0
            query = _recipients(broadcast, self.clock.now())
            count = await (await session.connection()).execute(
                sa.select(sa.func.count()).select_from(query.subquery())
            )
            return int(count.scalar_one())

    async def confirm(self, author: int, progress_chat_id: int, progress_message_id: int) -> int:
        """Send the draft now: one delivery row per recipient, in one transaction; the count.

        Permission is checked again here: someone removed from the staff while composing cannot
        send.
        """
        if not await self._may_still(author):
            return 0
        async with self.sessions.begin() as session:
            broadcast = await self._draft_row(session, author)
            if broadcast is None or "default" not in json.loads(broadcast.texts):
                return 0
            broadcast.progress_chat_id = progress_chat_id
            broadcast.progress_message_id = progress_message_id
            return await self._launch(session, broadcast, author)

    async def schedule(
        self, author: int, at: datetime, progress_chat_id: int, progress_message_id: int
    ) -> Draft | None:
        """Keep the draft to send at `at` (in the future); the audience is counted then.

        The message that confirms the schedule becomes the progress message when it goes out.
        """
        if not await self._may_still(author) or at <= self.clock.now():
            return None
        async with self.sessions.begin() as session:
            broadcast = await self._draft_row(session, author)
            if broadcast is None or "default" not in json.loads(broadcast.texts):
                return None
            broadcast.status, broadcast.waiting_for, broadcast.send_at = "scheduled", None, at
            broadcast.progress_chat_id = progress_chat_id
            broadcast.progress_message_id = progress_message_id
            session.add(broadcast)
            details = {"broadcast": broadcast.id, "send_at": at.isoformat()}
            audit(session, author, broadcast.association_id, "schedule_broadcast", details)
            return _draft(broadcast)

    async def start_due(self) -> list[int]:
        """Send the scheduled broadcasts whose time has come; return their ids.

        The author's permission is checked at that moment: a broadcast scheduled by someone who
        has since left the staff is cancelled, not sent. Several instances may call this at once:
        the status change is conditional, so each broadcast starts once.
        """
        now = self.clock.now()
        async with self.sessions.begin() as session:
            rows = await (await session.connection()).execute(
                sa.select(B.c.id, B.c.author_id, B.c.association_id).where(
                    B.c.status == "scheduled", B.c.send_at <= now
                )
            )
            due = rows.all()
        started = []
        for broadcast_id, author, association_id in due:
            try:
                await self._check(author, association_id, Action.BROADCAST)
            except Refused:
                await self._cancel_scheduled(broadcast_id, "author_not_allowed")
                continue
            async with self.sessions.begin() as session:
                connection = await session.connection()
                taken = await connection.execute(
                    sa.update(B)
                    .where(B.c.id == broadcast_id, B.c.status == "scheduled")
                    .values(status="sending")
                )
                if not taken.rowcount:
                    continue  # another instance started it
                broadcast = await session.get(Broadcast, broadcast_id)
                assert broadcast is not None
                await self._launch(session, broadcast, author)
            started.append(broadcast_id)
        return started

    async def next_scheduled(self) -> datetime | None:
        """Return when the next scheduled broadcast goes out."""
        async with self.sessions.begin() as session:
            found = await (await session.connection()).execute(
                sa.select(sa.func.min(B.c.send_at)).where(B.c.status == "scheduled")
            )
            return found.scalar_one_or_none()

    async def _launch(self, session: AsyncSession, broadcast: Broadcast, author: int) -> int:
        """Write one delivery row per recipient, mark the broadcast sending, audit; the count."""
        now = self.clock.now()
        recipients = _recipients(broadcast, now).add_columns(
            sa.literal(broadcast.id).label("broadcast_id"),
            sa.literal("pending").label("status"),
            sa.literal(now, type_=D.c.send_at.type).label("send_at"),
        )
        connection = await session.connection()
        await connection.execute(
            sa.insert(D).from_select(["person_id", "broadcast_id", "status", "send_at"], recipients)
        )
        # Counted, not rowcount: psycopg reports -1 for INSERT ... SELECT on PostgreSQL.
        counted = await connection.execute(
            sa.select(sa.func.count()).where(D.c.broadcast_id == broadcast.id)
        )
        count = int(counted.scalar_one())
        broadcast.status, broadcast.waiting_for = "sending", None
        session.add(broadcast)
        details = {
            "broadcast": broadcast.id,
            "recipients": count,
            "audience": json.loads(broadcast.audience),
            "languages": sorted(json.loads(broadcast.texts)),
        }
        audit(session, author, broadcast.association_id, "broadcast", details)
        return count

    async def _cancel_scheduled(self, broadcast_id: int, reason: str) -> None:
        async with self.sessions.begin() as session:
            connection = await session.connection()
            result = await connection.execute(
                sa.update(B)
                .where(B.c.id == broadcast_id, B.c.status == "scheduled")
                .values(status="cancelled", finished_at=self.clock.now())
                .returning(B.c.association_id)
            )
            for (association_id,) in result.all():
                audit(session, None, association_id, "cancel_broadcast", {"reason": reason})

    async def cancel(self, broadcast_id: int, actor: int) -> Report | None:
        """Stop a broadcast: deliveries not yet sent are cancelled (staff of its association)."""
        async with self.sessions.begin() as session:
            found = await session.get(Broadcast, broadcast_id)
            association_id = None if found is None else found.association_id
        if found is None:
            return None
        await self._check(actor, association_id, Action.CANCEL_BROADCAST)
        async with self.sessions.begin() as session:
            broadcast = await session.get(Broadcast, broadcast_id)
            if broadcast is None:
                return None
            if broadcast.status in ("sending", "scheduled"):
                connection = await session.connection()
                await connection.execute(
                    sa.update(D)
                    .where(D.c.broadcast_id == broadcast_id, D.c.status == "pending")
                    .values(status="cancelled")
                )
                broadcast.status, broadcast.finished_at = "cancelled", self.clock.now()
                session.add(broadcast)
                details = {"broadcast": broadcast.id}
                audit(session, actor, broadcast.association_id, "cancel_broadcast", details)
            return await _report(session, broadcast)

    async def report(self, broadcast_id: int) -> Report | None:
        """Return the outcome counts of a broadcast."""
        async with self.sessions.begin() as session:
            broadcast = await session.get(Broadcast, broadcast_id)
            return None if broadcast is None else await _report(session, broadcast)

    async def history(
        self, association_id: int | None, actor: int, limit: int = 10
    ) -> list[tuple[Report, Draft]]:
        """Return the latest broadcasts with their reports (staff; None: the operators')."""
        await self._check(actor, association_id, Action.SEE_HISTORY)
        async with self.sessions.begin() as session:
            rows = await session.exec(
                select(Broadcast)
                .where(
                    col(Broadcast.association_id).is_(None)
                    if association_id is None
                    else Broadcast.association_id == association_id,
                    Broadcast.status != "draft",
                )
                .order_by(col(Broadcast.id).desc())
                .limit(limit)
            )
            return [(await _report(session, row), _draft(row)) for row in rows.all()]

    async def draft_by_id(self, broadcast_id: int) -> Draft | None:
        """Return a broadcast (for the dispatcher's progress messages)."""
        async with self.sessions.begin() as session:
            broadcast = await session.get(Broadcast, broadcast_id)
            return None if broadcast is None else _draft(broadcast)

    # -- internals -------------------------------------------------------------------------------

    async def _update(self, author: int, **values: Any) -> Draft | None:
        if not await self._may_still(author):
            return None
        async with self.sessions.begin() as session:
            broadcast = await self._draft_row(session, author)
            if broadcast is None:
                return None
            for name, value in values.items():
                setattr(broadcast, name, value)
            session.add(broadcast)
            return _draft(broadcast)

    async def _may_still(self, author: int) -> bool:
        """Check (raising Refused) that the author may still broadcast; False without a draft.

        Checked in its own short transaction, before the one that changes the draft (SQLite
        has one connection per process: sessions are never nested).
        """
        async with self.sessions.begin() as session:
            broadcast = await self._draft_row(session, author)
            association_id = None if broadcast is None else broadcast.association_id
        if broadcast is None:
            return False
        await self._check(author, association_id, Action.BROADCAST)
        return True

    async def _check(self, actor: int, association_id: int | None, action: Action) -> None:
        if association_id is None:  # the operator's broadcast to everyone
            if not self.associations.is_operator(actor):
                raise Refused(action.value)
            return
        await self.associations.check(actor, association_id, action)

    async def _draft_row(self, session: AsyncSession, author: int) -> Broadcast | None:
        query = (
            select(Broadcast)
            .where(Broadcast.author_id == author, Broadcast.status == "draft")
            .order_by(col(Broadcast.id).desc())
        )
        return (await session.exec(query)).first()

    async def _drop_drafts(self, session: AsyncSession, author: int) -> int:
        table = Broadcast.__table__  # type: ignore[attr-defined]
        result = await (await session.connection()).execute(
            sa.delete(table).where(table.c.author_id == author, table.c.status == "draft")
        )
        return int(result.rowcount or 0)


def _recipients(broadcast: Broadcast, now: datetime) -> sa.Select[Any]:
    """Select the ids of the people a broadcast is for: followers (or everyone), filtered.

    A situation is read from the reminder rows, which mirror each person's open deadlines: a
    deadline is open and not done while one of its reminders (lead, snooze or the "missed"
    message) is still pending; marking it done, or moving past it, cancels them.
    """
    audience = Audience.from_json(broadcast.audience)
    query = sa.select(P.c.id.label("person_id")).where(
        P.c.active.is_(True), P.c.consented_at.is_not(None)
    )
    if broadcast.association_id is not None:
        query = query.join(F, F.c.person_id == P.c.id).where(
            F.c.association_id == broadcast.association_id
        )
    if audience.languages:
        query = query.where(P.c.language.in_(audience.languages))
    if audience.departments:
        query = query.where(P.c.department.in_(audience.departments))
    if audience.stages:
        query = query.where(P.c.stage.in_(audience.stages))
    if audience.situation is not None:
        rules = sorted(SITUATIONS_BY_ID[audience.situation].rules)
        near = sa.exists().where(
            R.c.person_id == P.c.id,
            R.c.rule_id.in_(rules),
            R.c.kind.in_(("lead", "snooze", "missed")),
            R.c.status.in_(("pending", "claimed")),
            R.c.due_at > now,
            R.c.due_at <= now + timedelta(days=audience.within_days),
        )
        query = query.where(near)
    return query


async def _report(session: AsyncSession, broadcast: Broadcast) -> Report:
    rows = await (await session.connection()).execute(
        sa.select(D.c.status, sa.func.count())
        .where(D.c.broadcast_id == broadcast.id)
        .group_by(D.c.status)
    )
    assert broadcast.id is not None
    return Report(broadcast.id, broadcast.status, {status: int(n) for status, n in rows.all()})


def _draft(broadcast: Broadcast) -> Draft:
    assert broadcast.id is not None
    return Draft(
        id=broadcast.id,
        association_id=broadcast.association_id,
        author_id=broadcast.author_id,
        status=broadcast.status,
        waiting_for=broadcast.waiting_for,
        default_language=broadcast.default_language,
        texts=json.loads(broadcast.texts),
        audience=Audience.from_json(broadcast.audience),
        progress_chat_id=broadcast.progress_chat_id,
        progress_message_id=broadcast.progress_message_id,
        created_at=broadcast.created_at,
        send_at=broadcast.send_at,
    )
