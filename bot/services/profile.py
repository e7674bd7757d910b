"""What the conversation layer knows about a person: coded answers, never names or text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.events import Procedure


@dataclass(frozen=True)
class Profile:
    """A person who consented, as stored."""

    chat_id: int
    language: str
    department: str | None
    procedure: Procedure | None
    stage: str | None
    active: bool
    consented_at: datetime | None
    created_at: datetime
    voice_reminders: bool = False  # reminders are also sent as voice notes
