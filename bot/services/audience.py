"""Who receives a broadcast among the followers: filters by language, department and stage,
and "a deadline coming soon" (a situation and a window of days), stored with the broadcast."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from bot.db.broadcasts import Target
from bot.domain.situations import BY_ID as SITUATIONS_BY_ID
from bot.domain.situations import DEFAULT_WINDOW, WINDOWS


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

    def target(self, association_id: int | None) -> Target:
        """Return who this audience is among the followers of an association (None: among
        everyone who uses the bot), as the recipients query needs it."""
        situation = None if self.situation is None else SITUATIONS_BY_ID[self.situation]
        return Target(
            association_id=association_id,
            languages=self.languages,
            departments=self.departments,
            stages=self.stages,
            rules=None if situation is None else tuple(sorted(situation.rules)),
            due_within=timedelta(days=self.within_days),
        )
