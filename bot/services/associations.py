"""Use cases of associations: creation, staff invitations, following, counts, the audit log.

Permissions are decided by `bot.domain.permissions` only; this module looks up the actor's role
in the association concerned and refuses with `Refused` before doing anything.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import Clock
from bot.db.models import (
    Association,
    AuditEntry,
    Broadcast,
    Follow,
    Invite,
    Person,
    StaffMember,
)
from bot.domain.permissions import Action, Role, allowed
from bot.services.unit import Sessions

INVITE_LIFETIME = timedelta(days=7)
# Deep-link payloads (t.me/<bot>?start=<payload>): letters, digits, "_" and "-", at most 64.
INVITE_PREFIX, FOLLOW_PREFIX = "i_", "f_"


class Refused(Exception):
    """The actor may not do this (the handler answers politely; nothing was changed)."""


@dataclass(frozen=True)
class Membership:
    """A staff member's place in one association."""

    association_id: int
    name: str
    role: Role


@dataclass(frozen=True)
class Followed:
    """An association a person follows, as they see it."""

    id: int
    name: str
    shared: bool  # they share their deadlines with it (alerts to its staff)


@dataclass(frozen=True)
class Counts:
    """Followers of an association, counted by language, department and stage: never a person."""

    total: int
    by_language: dict[str, int]
    by_department: dict[str, int]
    by_stage: dict[str, int]


def token_hash(token: str) -> str:
    """Return the stored form of an invite token (only its SHA-256 is kept)."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class AssociationService:
    """Associations, their staff and their followers."""

    sessions: Sessions
    clock: Clock
    operators: frozenset[int] = frozenset()

    # -- roles ---------------------------------------------------------------------------------

    async def role(self, user_id: int, association_id: int) -> Role | None:
        """Return the user's role in the association, or None."""
        async with self.sessions.begin() as session:
            return await _role(session, user_id, association_id)

    async def memberships(self, user_id: int) -> list[Membership]:
        """Return the associations where the user is staff, by name."""
        async with self.sessions.begin() as session:
            rows = await session.exec(
                select(StaffMember.association_id, Association.name, StaffMember.role)
                .join(Association, col(Association.id) == StaffMember.association_id)
                .where(StaffMember.user_id == user_id)
                .order_by(Association.name)
            )
            return [Membership(a, name, Role(role)) for a, name, role in rows.all()]

    def is_operator(self, user_id: int) -> bool:
        """Tell whether the user is one of BOT_OPERATOR_IDS."""
        return user_id in self.operators

    async def check(self, user_id: int, association_id: int, action: Action) -> Role | None:
        """Return the user's role if they may do `action` in the association, else raise Refused."""
        role = await self.role(user_id, association_id)
        if not allowed(role, action, operator=self.is_operator(user_id)):
            raise Refused(action.value)
        return role

    # -- creation and invitations --------------------------------------------------------------

    async def create(self, name: str, actor: int | None = None) -> tuple[Association, str]:
        """Create an association; return it and a one-time invite token for its first admin.

        `actor` None is the operator's command line; a Telegram user must be an operator.
        """
        if actor is not None and not allowed(
            None, Action.CREATE_ASSOCIATION, operator=self.is_operator(actor)
        ):
            raise Refused(Action.CREATE_ASSOCIATION.value)
        cleaned = " ".join(name.split())
        if not 1 <= len(cleaned) <= 120:
            raise ValueError("an association's name has 1 to 120 characters")
        async with self.sessions.begin() as session:
            association = Association(name=cleaned, follow_token=secrets.token_urlsafe(12))
            session.add(association)
            await session.flush()
            assert association.id is not None
            token = await self._new_invite(session, association.id, Role.ADMIN, actor)
            audit(session, actor, association.id, "create_association", {})
            return association, token

    async def invite(self, association_id: int, role: Role, actor: int | None) -> str:
        """Return a one-time invite token for a new staff member (admins and operators only).

        `actor` None is the operator's command line.
        """
        action = Action.INVITE_ADMIN if role is Role.ADMIN else Action.INVITE_STAFF
        if actor is not None:
            await self.check(actor, association_id, action)
        async with self.sessions.begin() as session:
            return await self._new_invite(session, association_id, role, actor)

    async def _new_invite(
        self, session: AsyncSession, association_id: int, role: Role, actor: int | None
    ) -> str:
        token = secrets.token_urlsafe(24)  # 32 characters, 192 bits
        session.add(
            Invite(
                association_id=association_id,
                role=role.value,
                token_hash=token_hash(token),
                expires_at=self.clock.now() + INVITE_LIFETIME,
                created_by=actor,
            )
        )
        audit(session, actor, association_id, "invite", {"role": role.value})
        return token

    async def redeem(
        self, token: str, user_id: int, language: str | None = None
    ) -> Membership | None:
        """Use an invite: the user joins the association's staff. None if unknown, used or expired.

        The invite is marked used in the same conditional UPDATE that checks it, so a token works
        once even when two people press it at the same moment.
        """
        now = self.clock.now()
        async with self.sessions.begin() as session:
            table = Invite.__table__  # type: ignore[attr-defined]
            used = await (await session.connection()).execute(
                sa.update(table)
                .where(
                    table.c.token_hash == token_hash(token),
                    table.c.used_at.is_(None),
                    table.c.expires_at > now,
                )
                .values(used_at=now)
                .returning(table.c.association_id, table.c.role)
            )
            row = used.first()
            if row is None:
                return None
            association_id, role = int(row[0]), Role(row[1])
            existing = (
                await session.exec(
                    select(StaffMember).where(
                        StaffMember.association_id == association_id,
                        StaffMember.user_id == user_id,
                    )
                )
            ).first()
            if existing is None:
                session.add(
                    StaffMember(
                        association_id=association_id,
                        user_id=user_id,
                        role=role,
                        language=language,
                    )
                )
            else:
                if role is Role.ADMIN:
                    existing.role = role.value
                existing.language = language or existing.language
                session.add(existing)
            audit(session, user_id, association_id, "join_staff", {"role": role.value})
            name = (await session.get(Association, association_id)).name  # type: ignore[union-attr]
            return Membership(association_id, name, role)

    async def staff(self, association_id: int, actor: int) -> list[tuple[int, Role]]:
        """Return the staff (Telegram user ids and roles) of an association (admins only)."""
        await self.check(actor, association_id, Action.LIST_STAFF)
        async with self.sessions.begin() as session:
            rows = await session.exec(
                select(StaffMember.user_id, StaffMember.role)
                .where(StaffMember.association_id == association_id)
                .order_by(col(StaffMember.id))
            )
            return [(user, Role(role)) for user, role in rows.all()]

    async def remove_staff(self, association_id: int, user_id: int, actor: int) -> bool:
        """Remove someone from the staff at once; the last admin cannot be removed."""
        await self.check(actor, association_id, Action.REMOVE_STAFF)
        async with self.sessions.begin() as session:
            member = (
                await session.exec(
                    select(StaffMember).where(
                        StaffMember.association_id == association_id,
                        StaffMember.user_id == user_id,
                    )
                )
            ).first()
            if member is None:
                return False
            if member.role == Role.ADMIN.value:
                admins = await session.exec(
                    select(sa.func.count()).where(
                        StaffMember.association_id == association_id,
                        StaffMember.role == Role.ADMIN.value,
                    )
                )
                if admins.one() <= 1:
                    raise Refused("last_admin")
            await session.delete(member)
            # What they scheduled for the association does not go out without them.
            scheduled = await (await session.connection()).execute(
                sa.update(Broadcast.__table__)  # type: ignore[attr-defined]
                .where(
                    col(Broadcast.association_id) == association_id,
                    col(Broadcast.author_id) == user_id,
                    col(Broadcast.status) == "scheduled",
                )
                .values(status="cancelled", finished_at=self.clock.now())
            )
            details = {"scheduled_cancelled": int(scheduled.rowcount or 0)}
            audit(session, actor, association_id, "remove_staff", details)
            return True

    # -- followers -----------------------------------------------------------------------------

    async def follow(self, chat_id: int, follow_token: str) -> Association | None:
        """The person of this chat follows the association of the link (idempotent)."""
        async with self.sessions.begin() as session:
            query = select(Association).where(Association.follow_token == follow_token)
            association = (await session.exec(query)).first()
            person = await _person(session, chat_id)
            if association is None or association.id is None or person is None or person.id is None:
                return None
            if await session.get(Follow, (person.id, association.id)) is None:
                session.add(Follow(person_id=person.id, association_id=association.id))
            return association

    async def unfollow(self, chat_id: int, association_id: int) -> bool:
        """Stop following an association; tell whether the person followed it."""
        async with self.sessions.begin() as session:
            follow = await _follow(session, chat_id, association_id)
            if follow is None:
                return False
            await session.delete(follow)
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
            person = await _person(session, chat_id)
            if person is None:
                return []
            rows = await session.exec(
                select(Follow.association_id, Association.name, Follow.shared_at)
                .join(Association, col(Association.id) == Follow.association_id)
                .where(Follow.person_id == person.id)
                .order_by(Association.name)
            )
            return [Followed(a, name, shared is not None) for a, name, shared in rows.all()]

    async def counts(self, association_id: int | None, actor: int) -> Counts:
        """Count the followers by language, department and stage (staff only; counts only).

        `association_id` None counts everyone who agreed to use the bot (operators only).
        """
        if association_id is None:
            if not allowed(None, Action.BROADCAST_TO_EVERYONE, operator=self.is_operator(actor)):
                raise Refused(Action.BROADCAST_TO_EVERYONE.value)
            query = select(Person.language, Person.department, Person.stage).where(
                col(Person.consented_at).is_not(None)
            )
        else:
            await self.check(actor, association_id, Action.SEE_COUNTS)
            query = (
                select(Person.language, Person.department, Person.stage)
                .join(Follow, col(Follow.person_id) == Person.id)
                .where(Follow.association_id == association_id)
            )
        async with self.sessions.begin() as session:
            rows = (await session.exec(query.where(col(Person.active).is_(True)))).all()
        return Counts(
            total=len(rows),
            by_language=dict(Counter(row[0] or "?" for row in rows).most_common()),
            by_department=dict(Counter(row[1] or "?" for row in rows).most_common()),
            by_stage=dict(Counter(row[2] or "?" for row in rows).most_common()),
        )

    async def name(self, association_id: int) -> str | None:
        """Return an association's name."""
        async with self.sessions.begin() as session:
            association = await session.get(Association, association_id)
            return None if association is None else association.name

    async def follow_token(self, association_id: int, actor: int) -> str:
        """Return the public follow token of an association (staff only)."""
        await self.check(actor, association_id, Action.SHOW_FOLLOW_LINK)
        async with self.sessions.begin() as session:
            association = await session.get(Association, association_id)
            assert association is not None
            return association.follow_token


async def _role(session: AsyncSession, user_id: int, association_id: int) -> Role | None:
    row = (
        await session.exec(
            select(StaffMember.role).where(
                StaffMember.user_id == user_id, StaffMember.association_id == association_id
            )
        )
    ).first()
    return None if row is None else Role(row)


async def _follow(session: AsyncSession, chat_id: int, association_id: int) -> Follow | None:
    person = await _person(session, chat_id)
    return None if person is None else await session.get(Follow, (person.id, association_id))


async def _person(session: AsyncSession, chat_id: int) -> Person | None:
    return (await session.exec(select(Person).where(Person.chat_id == chat_id))).first()


def audit(
    session: AsyncSession,
    actor: int | None,
    association_id: int | None,
    action: str,
    details: dict[str, Any],
) -> None:
    """Add an audit entry (who, when, what; counts, never message text or a person's data)."""
    session.add(
        AuditEntry(
            actor_id=actor,
            association_id=association_id,
            action=action,
            details=json.dumps(details, sort_keys=True),
        )
    )
