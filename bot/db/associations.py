"""Queries over associations, their staff, invitations and the audit log.

Keyword-only, take a session, never commit (services own the unit of work and the rules: who
may do what is decided in bot/services/associations.py, not here).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.db.models import Association, AuditEntry, Invite, StaffMember


async def add_association(*, session: AsyncSession, association: Association) -> Association:
    """Insert an association and return it with its id."""
    session.add(association)
    await session.flush()
    return association


async def association(*, session: AsyncSession, association_id: int) -> Association | None:
    """Return an association by id."""
    return await session.get(Association, association_id)


async def association_by_follow_token(*, session: AsyncSession, token: str) -> Association | None:
    """Return the association whose public follow link carries this token."""
    query = select(Association).where(Association.follow_token == token)
    return (await session.exec(query)).first()


async def role_of(*, session: AsyncSession, user_id: int, association_id: int) -> str | None:
    """Return the stored role of a Telegram user in an association, or None."""
    query = select(StaffMember.role).where(
        StaffMember.user_id == user_id, StaffMember.association_id == association_id
    )
    return (await session.exec(query)).first()


async def memberships(*, session: AsyncSession, user_id: int) -> list[tuple[int, str, str]]:
    """Return (association id, name, role) of every association where the user is staff, by
    name."""
    query = (
        select(StaffMember.association_id, Association.name, StaffMember.role)
        .join(Association, col(Association.id) == StaffMember.association_id)
        .where(StaffMember.user_id == user_id)
        .order_by(Association.name)
    )
    return [(a, name, role) for a, name, role in (await session.exec(query)).all()]


async def staff_member(
    *, session: AsyncSession, association_id: int, user_id: int
) -> StaffMember | None:
    """Return the staff row of a user in an association."""
    query = select(StaffMember).where(
        StaffMember.association_id == association_id, StaffMember.user_id == user_id
    )
    return (await session.exec(query)).first()


async def staff(*, session: AsyncSession, association_id: int) -> list[tuple[int, str]]:
    """Return (Telegram user id, role) of an association's staff, in the order they joined."""
    query = (
        select(StaffMember.user_id, StaffMember.role)
        .where(StaffMember.association_id == association_id)
        .order_by(col(StaffMember.id))
    )
    return [(user, role) for user, role in (await session.exec(query)).all()]


async def admins(*, session: AsyncSession, association_id: int) -> list[tuple[int, str | None]]:
    """Return (Telegram user id, language) of an association's admins."""
    query = (
        select(StaffMember.user_id, StaffMember.language)
        .where(StaffMember.association_id == association_id, StaffMember.role == "admin")
        .order_by(col(StaffMember.id))
    )
    return [(user, language) for user, language in (await session.exec(query)).all()]


async def sole_admin_of(*, session: AsyncSession, user_id: int) -> list[str]:
    """Return the names of the associations whose only admin is this user."""
    other = sa.alias(StaffMember.__table__)  # type: ignore[attr-defined]
    others = (
        sa.select(sa.func.count())
        .select_from(other)
        .where(
            other.c.association_id == StaffMember.association_id,
            other.c.role == "admin",
            other.c.user_id != user_id,
        )
        .scalar_subquery()
    )
    query = (
        select(Association.name)
        .join(StaffMember, col(StaffMember.association_id) == col(Association.id))
        .where(StaffMember.user_id == user_id, StaffMember.role == "admin", others == 0)
        .order_by(col(Association.name))
    )
    return list((await session.exec(query)).all())


async def count_staff_with_role(*, session: AsyncSession, association_id: int, role: str) -> int:
    """Count the staff of an association who have this role."""
    query = select(sa.func.count()).where(
        StaffMember.association_id == association_id, StaffMember.role == role
    )
    return int((await session.exec(query)).one())


async def delete_staff_member(*, session: AsyncSession, member: StaffMember) -> None:
    """Remove a staff row (their access ends with the transaction)."""
    await session.delete(member)


def add_invite(*, session: AsyncSession, invite: Invite) -> None:
    """Insert an invitation (only its token's hash is stored) with the next flush."""
    session.add(invite)


async def pending_invites(
    *, session: AsyncSession, association_id: int, now: datetime
) -> list[tuple[int, str, datetime]]:
    """Return (id, role, expiry) of an association's invitations neither used nor expired."""
    query = (
        select(Invite.id, Invite.role, Invite.expires_at)
        .where(
            Invite.association_id == association_id,
            col(Invite.used_at).is_(None),
            Invite.expires_at > now,
        )
        .order_by(col(Invite.id))
    )
    return [(int(i or 0), role, at) for i, role, at in (await session.exec(query)).all()]


async def cancel_invite(
    *, session: AsyncSession, association_id: int, invite_id: int, now: datetime
) -> str | None:
    """End an unused invitation of the association now; return its role (None: none such)."""
    table = Invite.__table__  # type: ignore[attr-defined]
    ended = await (await session.connection()).execute(
        sa.update(table)
        .where(
            table.c.id == invite_id,
            table.c.association_id == association_id,
            table.c.used_at.is_(None),
            table.c.expires_at > now,
        )
        .values(expires_at=now)
        .returning(table.c.role)
    )
    found = ended.first()
    return None if found is None else str(found[0])


async def use_invite(
    *, session: AsyncSession, token_hash: str, now: datetime
) -> tuple[int, str] | None:
    """Mark an unused, unexpired invitation used; return its (association id, role), else None.

    One conditional UPDATE checks and uses it, so a token works once even when two people press
    it at the same moment.
    """
    table = Invite.__table__  # type: ignore[attr-defined]
    used = await (await session.connection()).execute(
        sa.update(table)
        .where(
            table.c.token_hash == token_hash,
            table.c.used_at.is_(None),
            table.c.expires_at > now,
        )
        .values(used_at=now)
        .returning(table.c.association_id, table.c.role)
    )
    row = used.first()
    return None if row is None else (int(row[0]), str(row[1]))


def add_audit_entry(
    *,
    session: AsyncSession,
    actor: int | None,
    association_id: int | None,
    action: str,
    details: str,
) -> None:
    """Insert an audit entry (details already serialised) with the next flush."""
    session.add(
        AuditEntry(actor_id=actor, association_id=association_id, action=action, details=details)
    )


async def staff_rows(*, session: AsyncSession, user_id: int) -> list[StaffMember]:
    """Return every staff row of a Telegram user (one per association)."""
    query = select(StaffMember).where(StaffMember.user_id == user_id)
    return list((await session.exec(query)).all())


async def all_associations(*, session: AsyncSession) -> list[Association]:
    """Return every association, by id."""
    return list((await session.exec(select(Association).order_by(col(Association.id)))).all())
