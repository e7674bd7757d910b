"""Use cases on a person: consent, profile answers, pause, export, erase."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.clock import Clock
from bot.db import repo
from bot.db import threads as threads_db
from bot.db.models import (
    Person,
)
from bot.domain.events import Procedure
from bot.services.plans import event_of
from bot.services.profile import Profile
from bot.services.unit import Sessions


@dataclass
class PeopleService:
    """Everything about a person except their dates and plan."""

    sessions: Sessions
    clock: Clock

    async def profile(self, chat_id: int) -> Profile | None:
        """Return the person of a chat, or None when they never consented (or were erased)."""
        async with self.sessions.begin() as session:
            person = await repo.person_by_chat(session=session, chat_id=chat_id)
            return None if person is None else _profile(person)

    async def consent(self, chat_id: int, language: str) -> Profile:
        """Record consent: the first time anything about the person is stored."""
        async with self.sessions.begin() as session:
            person = await repo.person_by_chat(session=session, chat_id=chat_id)
            if person is None:
                person = Person(chat_id=chat_id)
            now = self.clock.now()
            person.language, person.consented_at, person.active = language, now, True
            person.last_seen_at, person.inactivity_notice_at = now, None
            await repo.add_person(session=session, person=person)
            return _profile(person)

    async def update(self, chat_id: int, **answers: Any) -> Profile:
        """Change coded answers (language, department, stage, procedure, active) or the choice
        to hear reminders (voice_reminders)."""
        allowed = {"language", "department", "stage", "procedure", "active", "voice_reminders"}
        if not answers.keys() <= allowed:
            raise ValueError(f"cannot update {sorted(answers.keys() - allowed)}")
        async with self.sessions.begin() as session:
            person = await repo.person_by_chat(session=session, chat_id=chat_id)
            if person is None:
                raise LookupError("no person for this chat")
            for name, value in answers.items():
                setattr(person, name, value.value if isinstance(value, Procedure) else value)
            session.add(person)
            return _profile(person)

    async def erase(self, chat_id: int) -> bool:
        """Delete every row about the person, staff memberships included; tell whether there was
        anything. In a private chat the chat id is the person's Telegram user id."""
        async with self.sessions.begin() as session:
            return await repo.erase_everything_about(
                session=session, chat_id=chat_id, now=self.clock.now()
            )

    async def is_staff(self, user_id: int) -> bool:
        """Tell whether the user is on the staff of any association (so /delete concerns them)."""
        async with self.sessions.begin() as session:
            return await repo.is_staff(session=session, user_id=user_id)

    async def export(self, chat_id: int) -> dict[str, Any] | None:
        """Return everything stored about the person, as JSON-ready data."""
        async with self.sessions.begin() as session:
            person = await repo.person_by_chat(session=session, chat_id=chat_id)
            if person is None or person.id is None:
                return None
            dates = await repo.key_dates(session=session, person_id=person.id)
            reminders = await repo.all_reminders(session=session, person_id=person.id)
            saved = await repo.saved_conversation(session=session, person_id=person.id)
            followed = await repo.followed_associations(session=session, person_id=person.id)
            associations = [
                {"name": name, "deadlines_shared_since": shared and shared.isoformat()}
                for name, shared in followed
            ]
            done = await repo.completed_steps(session=session, person_id=person.id)
            completed = [
                {"rule": step.rule_id, "done_at": step.completed_at.isoformat()} for step in done
            ]
            received = await repo.received_broadcasts(session=session, person_id=person.id)
            broadcasts = [
                {"from": name, "received_at": sent.isoformat() if sent else None}
                for name, sent in received
            ]
            conversations = await threads_db.person_threads(session=session, person_id=person.id)
        return {
            "person": _person_dict(person),
            "dates": [_event_dict(row) for row in dates],
            "reminders": [
                {
                    "rule": r.rule_id,
                    "deadline": r.due_at.isoformat(),
                    "remind_at": r.remind_at.isoformat(),
                    "status": r.status,
                    "kind": r.kind,
                    "previous_deadline": r.previous_due_at.isoformat()
                    if r.previous_due_at
                    else None,
                }
                for r in reminders
            ],
            "conversation": None if saved is None else _draft(saved.step, saved.draft),
            "associations_followed": associations,
            "steps_done": completed,
            "messages_from_associations": broadcasts,
            # "Ask my association": what was written is not stored, only these facts.
            "conversations_with_associations": conversations,
        }


def _profile(person: Person) -> Profile:
    """Return the immutable view of a stored person."""
    return Profile(
        chat_id=person.chat_id,
        language=person.language or "en",
        department=person.department,
        procedure=Procedure(person.procedure) if person.procedure else None,
        stage=person.stage,
        active=person.active,
        consented_at=person.consented_at,
        created_at=person.created_at,
        voice_reminders=person.voice_reminders,
    )


def _person_dict(person: Person) -> dict[str, Any]:
    """Return the stored columns of a person that concern them."""
    return {
        "telegram_chat_id": person.chat_id,
        "language": person.language,
        "department": person.department,
        "procedure": person.procedure,
        "stage": person.stage,
        "reminders_active": person.active,
        "voice_reminders": person.voice_reminders,
        "consented_at": person.consented_at.isoformat() if person.consented_at else None,
        "created_at": person.created_at.isoformat(),
        "last_seen_at": person.last_seen_at.isoformat(),
        "inactivity_notice_at": (
            person.inactivity_notice_at.isoformat() if person.inactivity_notice_at else None
        ),
    }


def _event_dict(row: Any) -> dict[str, Any]:
    """Return a stored date as plain data."""
    event = event_of(row)
    return {
        "event": event.kind.value,
        "date": event.on.isoformat(),
        "time": event.at.isoformat(timespec="minutes") if event.at else None,
        "outcome": event.outcome.value if event.outcome else None,
        "received": event.received.value if event.received else None,
        "permit": event.permit.value if event.permit else None,
        "detained": event.detained.value if event.detained else None,
        "opened_on": event.opened_on.isoformat() if event.opened_on else None,
        "decided_on": event.decided_on.isoformat() if event.decided_on else None,
        "lawyer_notified_on": (
            event.lawyer_notified_on.isoformat() if event.lawyer_notified_on else None
        ),
        "estimated": event.estimated,
        "date_unknown": event.undated,
    }


def _draft(step: str, draft: str) -> dict[str, Any]:
    """Return a stored conversation state as data."""
    return {"step": step, **json.loads(draft or "{}")}
