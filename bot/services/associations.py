"""Use cases of associations: creation, staff invitations and removal, follower counts, the
audit log.

Permissions are decided by `bot.domain.permissions` only; this module looks up the actor's role
in the association concerned and refuses with `Refused` before doing anything. The queries are
in bot/db/associations.py.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import Clock
from bot.db import associations as db
from bot.db import broadcasts as broadcasts_db
from bot.db import follows as follows_db
from bot.db.models import Association, Invite, StaffMember
from bot.domain.disclosure import (
    DEFAULT_THRESHOLD,
    Disclosed,
    DisclosedGroups,
    disclose,
    disclose_groups,
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
class Counts:
    """Followers of an association by language, department and stage, as staff may see them:
    no count below the threshold, no group that small named (bot/domain/disclosure.py)."""

    total: Disclosed
    by_language: DisclosedGroups
    by_department: DisclosedGroups
    by_stage: DisclosedGroups


def token_hash(token: str) -> str:
    """Return the stored form of an invite token (only its SHA-256 is kept)."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class AssociationService:
    """Associations, their staff, and what their staff may know of their followers."""

    sessions: Sessions
    clock: Clock
    operators: frozenset[int] = frozenset()
    threshold: int = DEFAULT_THRESHOLD  # no count below it is shown to staff

    # -- roles ---------------------------------------------------------------------------------

    async def role(self, user_id: int, association_id: int) -> Role | None:
        """Return the user's role in the association, or None."""
        async with self.sessions.begin() as session:
            role = await db.role_of(session=session, user_id=user_id, association_id=association_id)
            return None if role is None else Role(role)

    async def memberships(self, user_id: int) -> list[Membership]:
        """Return the associations where the user is staff, by name."""
        async with self.sessions.begin() as session:
            rows = await db.memberships(session=session, user_id=user_id)
            return [Membership(a, name, Role(role)) for a, name, role in rows]

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
            association = await db.add_association(
                session=session,
                association=Association(name=cleaned, follow_token=secrets.token_urlsafe(12)),
            )
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
        invite = Invite(
            association_id=association_id,
            role=role.value,
            token_hash=token_hash(token),
            expires_at=self.clock.now() + INVITE_LIFETIME,
            created_by=actor,
        )
        db.add_invite(session=session, invite=invite)
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
            used = await db.use_invite(session=session, token_hash=token_hash(token), now=now)
            if used is None:
                return None
            association_id, role = used[0], Role(used[1])
            existing = await db.staff_member(
                session=session, association_id=association_id, user_id=user_id
            )
            if existing is None:
                member = StaffMember(
                    association_id=association_id, user_id=user_id, role=role, language=language
                )
            else:
                member = existing
                if role is Role.ADMIN:
                    member.role = role.value
                member.language = language or member.language
            session.add(member)
            audit(session, user_id, association_id, "join_staff", {"role": role.value})
            found = await db.association(session=session, association_id=association_id)
            assert found is not None
            return Membership(association_id, found.name, role)

    async def pending_invites(
        self, association_id: int, actor: int
    ) -> list[tuple[int, Role, datetime]]:
        """Return the invitations not used yet: (id, role, expiry) (admins only)."""
        await self.check(actor, association_id, Action.LIST_STAFF)
        async with self.sessions.begin() as session:
            found = await db.pending_invites(
                session=session, association_id=association_id, now=self.clock.now()
            )
        return [(invite_id, Role(role), expiry) for invite_id, role, expiry in found]

    async def cancel_invite(self, association_id: int, invite_id: int, actor: int) -> bool:
        """End an invitation not used yet, so its link no longer works (admins only; audited)."""
        await self.check(actor, association_id, Action.INVITE_STAFF)
        async with self.sessions.begin() as session:
            role = await db.cancel_invite(
                session=session,
                association_id=association_id,
                invite_id=invite_id,
                now=self.clock.now(),
            )
            if role is None:
                return False
            if role == Role.ADMIN.value:
                await self.check(actor, association_id, Action.INVITE_ADMIN)
            audit(session, actor, association_id, "cancel_invite", {"role": role})
            return True

    async def admins(self, association_id: int) -> list[tuple[int, str]]:
        """Return (Telegram user id, language) of an association's admins, to tell them when
        someone joins with an invitation (they sent it, or another admin did)."""
        async with self.sessions.begin() as session:
            found = await db.admins(session=session, association_id=association_id)
        return [(user, language or "fr") for user, language in found]

    async def sole_admin_of(self, user_id: int) -> list[str]:
        """Return the names of the associations whose only admin is this user."""
        async with self.sessions.begin() as session:
            return await db.sole_admin_of(session=session, user_id=user_id)

    # -- staff ---------------------------------------------------------------------------------

    async def staff(self, association_id: int, actor: int) -> list[tuple[int, Role]]:
        """Return the staff (Telegram user ids and roles) of an association (admins only)."""
        await self.check(actor, association_id, Action.LIST_STAFF)
        async with self.sessions.begin() as session:
            rows = await db.staff(session=session, association_id=association_id)
            return [(user, Role(role)) for user, role in rows]

    async def remove_staff(self, association_id: int, user_id: int, actor: int) -> bool:
        """Remove someone from the staff at once; the last admin cannot be removed."""
        await self.check(actor, association_id, Action.REMOVE_STAFF)
        async with self.sessions.begin() as session:
            member = await db.staff_member(
                session=session, association_id=association_id, user_id=user_id
            )
            if member is None:
                return False
            if member.role == Role.ADMIN.value:
                admins = await db.count_staff_with_role(
                    session=session, association_id=association_id, role=Role.ADMIN.value
                )
                if admins <= 1:
                    raise Refused("last_admin")
            await db.delete_staff_member(session=session, member=member)
            # What they scheduled for the association does not go out without them.
            cancelled = await broadcasts_db.cancel_scheduled_by(
                session=session, association_id=association_id, author=user_id, now=self.clock.now()
            )
            # Nor does a draft wait for them: a "send later" draft would otherwise take what they
            # type next (their own answers to the bot included) as its date.
            await broadcasts_db.delete_drafts(
                session=session, author=user_id, association_id=association_id
            )
            details = {"scheduled_cancelled": cancelled, "removed": member.id}
            audit(session, actor, association_id, "remove_staff", details)
            return True

    # -- what staff see of an association ------------------------------------------------------

    async def counts(self, association_id: int | None, actor: int) -> Counts:
        """Count the followers by language, department and stage (staff only; counts only, none
        below the threshold). Each look is written to the audit log.

        `association_id` None counts everyone who agreed to use the bot (operators only).
        """
        if association_id is None:
            if not allowed(None, Action.BROADCAST_TO_EVERYONE, operator=self.is_operator(actor)):
                raise Refused(Action.BROADCAST_TO_EVERYONE.value)
        else:
            await self.check(actor, association_id, Action.SEE_COUNTS)
        async with self.sessions.begin() as session:
            rows = await follows_db.follower_profiles(
                session=session, association_id=association_id
            )
            audit(session, actor, association_id, "see_counts", {})
        k = self.threshold
        return Counts(
            total=disclose(len(rows), k),
            by_language=disclose_groups(Counter(row[0] or "?" for row in rows), k),
            by_department=disclose_groups(Counter(row[1] or "?" for row in rows), k),
            by_stage=disclose_groups(Counter(row[2] or "?" for row in rows), k),
        )

    async def name(self, association_id: int) -> str | None:
        """Return an association's name."""
        async with self.sessions.begin() as session:
            found = await db.association(session=session, association_id=association_id)
            return None if found is None else found.name

    async def follow_token(self, association_id: int, actor: int) -> str:
        """Return the public follow token of an association (staff only)."""
        await self.check(actor, association_id, Action.SHOW_FOLLOW_LINK)
        async with self.sessions.begin() as session:
            found = await db.association(session=session, association_id=association_id)
            assert found is not None
            return found.follow_token


def audit(
    session: AsyncSession,
    actor: int | None,
    association_id: int | None,
    action: str,
    details: dict[str, Any],
) -> None:
    """Add an audit entry (who, when, what; counts, never message text or a person's data)."""
    db.add_audit_entry(
        session=session,
        actor=actor,
        association_id=association_id,
        action=action,
        details=json.dumps(details, sort_keys=True),
    )
