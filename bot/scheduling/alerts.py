"""Who is alerted when a person's shared deadline is 3 days away: the staff of the associations
that person follows and chose to share their deadlines with. Looked up when the alert is sent, so
someone who stopped sharing, left the association, or left its staff is never told."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.db.models import Association, Follow, Person, StaffMember

A, F = Association.__table__, Follow.__table__  # type: ignore[attr-defined]
S, P = StaffMember.__table__, Person.__table__  # type: ignore[attr-defined]
STAFF_DEFAULT_LANGUAGE = "fr"


@dataclass(frozen=True)
class AlertRecipient:
    """A staff member to alert, in the language they chose in the bot, else the one they joined
    the staff in, else French."""

    association: str
    user_id: int
    language: str


async def recipients(session: AsyncSession, person_id: int) -> list[AlertRecipient]:
    """Return the staff to alert about this person's deadline (nobody if they share with none)."""
    staff_person = P.alias("staff_person")
    query = (
        sa.select(
            A.c.name,
            S.c.user_id,
            sa.func.coalesce(staff_person.c.language, S.c.language, STAFF_DEFAULT_LANGUAGE),
        )
        .select_from(F)
        .join(A, A.c.id == F.c.association_id)
        .join(S, S.c.association_id == F.c.association_id)
        .outerjoin(staff_person, staff_person.c.chat_id == S.c.user_id)
        .where(F.c.person_id == person_id, F.c.shared_at.is_not(None))
        .order_by(A.c.name, S.c.user_id)
    )
    rows = (await (await session.connection()).execute(query)).all()
    return [AlertRecipient(name, user_id, language) for name, user_id, language in rows]
