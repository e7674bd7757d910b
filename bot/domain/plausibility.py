"""Dates that look wrong: asked about once before they are taken (pure).

A date can be possible and still unlikely: years ago for a step of a procedure that lasts months,
or before a step that must come first (a decision before the interview). The bot reads such a
date back with the reason and lets the person confirm it: they may well be right.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from bot.domain.events import EventKind

# Steps of the procedure in the order they happen: a date before an earlier step is doubtful.
ORDER = (
    EventKind.ENTERED_FRANCE,
    EventKind.CLAIM_PRESENTED,
    EventKind.CERTIFICATE_ISSUED,
    EventKind.OFPRA_REGISTRATION_LETTER,
    EventKind.OFPRA_INTERVIEW,
    EventKind.OFPRA_DECISION,
    EventKind.CNDA_APPEAL_REGISTERED,
    EventKind.CNDA_DECISION,
)
# Longer ago than this, a step of the asylum procedure is doubtful (papers that last for years,
# arrival and birth dates excepted).
LONG_AGO = timedelta(days=2 * 365)
KEPT_FOR_YEARS = frozenset(
    {
        EventKind.ENTERED_FRANCE,
        EventKind.CHILD_BORN,
        EventKind.RESIDENT_CARD_ISSUED,
        EventKind.MULTIYEAR_CARD_ISSUED,
        EventKind.PERMIT_EXPIRES,
    }
)
# An asylum certificate is valid at most 10 months: an end date further ahead is doubtful.
CERTIFICATE_AHEAD = timedelta(days=320)


class DoubtReason(StrEnum):
    """Why a date looks wrong."""

    LONG_AGO = "long_ago"
    FAR_AHEAD = "far_ahead"
    BEFORE = "before"  # before a step that comes earlier in the procedure
    AFTER = "after"  # after a step that comes later in the procedure


@dataclass(frozen=True)
class Doubt:
    """Why a date is asked about, and the other date it clashes with, if any."""

    reason: DoubtReason
    other: EventKind | None = None
    other_day: date | None = None


def doubt(kind: EventKind, day: date, today: date, known: Mapping[EventKind, date]) -> Doubt | None:
    """Return why `day` for `kind` looks wrong given today and the other known dates, if it does."""
    if kind not in KEPT_FOR_YEARS and day < today - LONG_AGO:
        return Doubt(DoubtReason.LONG_AGO)
    if kind is EventKind.CERTIFICATE_EXPIRES and day > today + CERTIFICATE_AHEAD:
        return Doubt(DoubtReason.FAR_AHEAD)
    if kind not in ORDER:
        return None
    position = ORDER.index(kind)
    for other, other_day in known.items():
        if other is kind or other not in ORDER:
            continue
        if ORDER.index(other) < position and day < other_day:
            return Doubt(DoubtReason.BEFORE, other, other_day)
        if ORDER.index(other) > position and day > other_day:
            return Doubt(DoubtReason.AFTER, other, other_day)
    return None
