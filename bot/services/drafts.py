"""Composing a broadcast: the author's one draft, its texts, its audience, who it would reach.

An author has at most one draft; every change checks again, in its own short transaction, that
they may still broadcast for the draft's association. Sending, scheduling and reports are
bot/services/broadcasts.py; the queries are in bot/db/broadcasts.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.clock import Clock
from bot.db import broadcasts as db
from bot.db.models import Broadcast
from bot.domain.disclosure import Disclosed, disclose
from bot.domain.permissions import Action
from bot.services.associations import AssociationService, Refused, audit
from bot.services.audience import Audience
from bot.services.unit import Sessions


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
    voices: dict[str, str] = field(default_factory=dict)  # version: recorded voice's file_id


@dataclass
class DraftService:
    """The author's draft, before it is sent or scheduled."""

    sessions: Sessions
    clock: Clock
    associations: AssociationService

    async def start(self, association_id: int | None, author: int, language: str) -> Draft:
        """Open a new draft for the author (dropping any older draft); it waits for the text.

        `association_id` None is the operator's broadcast to everyone who uses the bot.
        """
        await self._check(author, association_id, Action.BROADCAST)
        async with self.sessions.begin() as session:
            await db.delete_drafts(session=session, author=author)
            broadcast = Broadcast(
                association_id=association_id,
                author_id=author,
                waiting_for="text",
                default_language=language,
            )
            return draft_of(await db.add_broadcast(session=session, broadcast=broadcast))

    async def current_draft(self, author: int) -> Draft | None:
        """Return the author's draft, if they are composing one."""
        async with self.sessions.begin() as session:
            broadcast = await db.draft(session=session, author=author)
            return None if broadcast is None else draft_of(broadcast)

    async def write(self, author: int, text: str) -> Draft | None:
        """Store the text the draft was waiting for (the default text or one language's)."""
        if not await self._may_still(author):
            return None
        async with self.sessions.begin() as session:
            broadcast = await db.draft(session=session, author=author)
            if broadcast is None or broadcast.waiting_for in (None, "schedule"):
                return None
            texts = json.loads(broadcast.texts)
            target = broadcast.waiting_for
            language = target.split(":", 1)[1] if target.startswith("version:") else "default"
            texts[language] = text  # Telegram already limits what staff can type
            broadcast.texts, broadcast.waiting_for = json.dumps(texts), None
            session.add(broadcast)
            return draft_of(broadcast)

    async def attach_voice(self, author: int, file_id: str) -> Draft | None:
        """Keep a voice note the author recorded with the version they are writing (the main
        text otherwise); it is sent after that version's text."""
        if not await self._may_still(author):
            return None
        async with self.sessions.begin() as session:
            broadcast = await db.draft(session=session, author=author)
            if broadcast is None or broadcast.waiting_for == "schedule":
                return None
            target = broadcast.waiting_for or ""
            language = target.split(":", 1)[1] if target.startswith("version:") else "default"
            voices = json.loads(broadcast.voices or "{}")
            voices[language] = file_id
            broadcast.voices = json.dumps(voices)
            session.add(broadcast)
            return draft_of(broadcast)

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
            return await db.delete_drafts(session=session, author=author) > 0

    async def reach(self, author: int) -> Disclosed:
        """Return who the draft would reach now, as its author may see it (audited): for an
        association, no number below the threshold; the operators' broadcast to everyone is
        counted exactly."""
        async with self.sessions.begin() as session:
            broadcast = await db.draft(session=session, author=author)
            if broadcast is None:
                return disclose(0, 0)
            count = await db.count_recipients(
                session=session, target=target_of(broadcast), now=self.clock.now()
            )
            threshold = 0 if broadcast.association_id is None else self.associations.threshold
            shown = disclose(count, threshold)
            details = {"broadcast": broadcast.id, "shown": shown.value}
            audit(session, author, broadcast.association_id, "preview_audience", details)
            return shown

    async def recipients(self, author: int) -> int:
        """Count who would receive the author's draft now (exact: not for staff's eyes)."""
        async with self.sessions.begin() as session:
            broadcast = await db.draft(session=session, author=author)
            if broadcast is None:
                return 0
            target = target_of(broadcast)
            return await db.count_recipients(session=session, target=target, now=self.clock.now())

    async def _update(self, author: int, **values: Any) -> Draft | None:
        if not await self._may_still(author):
            return None
        async with self.sessions.begin() as session:
            broadcast = await db.draft(session=session, author=author)
            if broadcast is None:
                return None
            for name, value in values.items():
                setattr(broadcast, name, value)
            session.add(broadcast)
            return draft_of(broadcast)

    async def _may_still(self, author: int) -> bool:
        """Check (raising Refused) that the author may still broadcast; False without a draft.

        Checked in its own short transaction, before the one that changes the draft (SQLite
        has one connection per process: sessions are never nested).
        """
        async with self.sessions.begin() as session:
            broadcast = await db.draft(session=session, author=author)
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


def target_of(broadcast: Broadcast) -> db.Target:
    """Return who a broadcast is for: its audience among its association's followers."""
    return Audience.from_json(broadcast.audience).target(broadcast.association_id)


def draft_of(broadcast: Broadcast) -> Draft:
    """Return a broadcast row as its author sees it."""
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
        voices=json.loads(broadcast.voices or "{}"),
    )
