"""Store and load the conversation state of a person (one row, written at once)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.db import repo
from bot.db.models import SavedConversation
from bot.domain.conversation import ConversationState
from bot.services.unit import Sessions


@dataclass
class ConversationStore:
    """Conversation state in the database: survives restarts, shared by every instance."""

    sessions: Sessions

    async def get(self, chat_id: int) -> ConversationState | None:
        """Return the person's conversation state, if a flow is in progress."""
        async with self.sessions.begin() as session:
            person = await repo.person_by_chat(session=session, chat_id=chat_id)
            if person is None or person.id is None:
                return None
            row = await repo.saved_conversation(session=session, person_id=person.id)
            return None if row is None else ConversationState.from_row(row.step, row.draft)

    async def put(self, chat_id: int, state: ConversationState) -> None:
        """Save the state (the person must have consented). The person answers the bot's
        questions: their next texts are answers, no longer messages to an association."""
        async with self.sessions.begin() as session:
            person = await repo.person_by_chat(session=session, chat_id=chat_id)
            if person is None or person.id is None:
                raise LookupError("no person for this chat")
            if person.writing_to is not None:
                person.writing_to, person.writing_at = None, None
                session.add(person)
            row = await repo.saved_conversation(session=session, person_id=person.id)
            if row is None:
                row = SavedConversation(person_id=person.id, step=state.step)
            row.step, row.draft = state.step, state.to_json()
            session.add(row)

    async def clear(self, chat_id: int) -> None:
        """Forget the state: the flow is over."""
        async with self.sessions.begin() as session:
            person = await repo.person_by_chat(session=session, chat_id=chat_id)
            if person is not None and person.id is not None:
                await repo.delete_saved_conversation(session=session, person_id=person.id)
