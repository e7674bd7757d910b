"""Checks that a person's facts are possible before any deadline is computed."""

from __future__ import annotations

from datetime import date, timedelta

from bot.domain.events import CNDA_OUTCOMES, Event, EventKind, Facts, FactsError, Received

# No asylum paper the bot deals with predates this; anything older is a typing mistake.
EARLIEST_PLAUSIBLE = date(1950, 1, 1)
# Expiry dates and appointments further ahead than this are typing mistakes too.
FURTHEST_AHEAD = timedelta(days=366 * 11)


# A document cannot expire before it was issued.
EXPIRY_AFTER: dict[EventKind, tuple[EventKind, ...]] = {
    EventKind.CERTIFICATE_EXPIRES: (
        EventKind.CERTIFICATE_ISSUED,
        EventKind.CERTIFICATE_RENEWED,
        EventKind.REEXAMINATION_CERTIFICATE_ISSUED,
    ),
    EventKind.PERMIT_EXPIRES: (
        EventKind.PROTECTION_API_ISSUED,
        EventKind.RENEWAL_API_ISSUED,
        EventKind.RESIDENT_CARD_ISSUED,
        EventKind.MULTIYEAR_CARD_ISSUED,
    ),
}


def validate_facts(facts: Facts, *, today: date) -> None:
    """Raise FactsError with one clear sentence when the facts cannot be true."""
    for event in facts.events:
        _check_dates(event, today)
        _check_options(event, facts)
    _check_expiries(facts)


def _check_expiries(facts: Facts) -> None:
    """Refuse an expiry date that is not after the issue date of the same document."""
    for expiry_kind, issue_kinds in EXPIRY_AFTER.items():
        expiry = facts.event(expiry_kind)
        if expiry is None:
            continue
        for issue_kind in issue_kinds:
            issued = facts.event(issue_kind)
            if issued is not None and expiry.on <= issued.on:
                raise FactsError(
                    f"{expiry_kind.value}: {expiry.on.isoformat()} is not after "
                    f"{issue_kind.value} {issued.on.isoformat()}"
                )


def _check_dates(event: Event, today: date) -> None:
    """Refuse implausible dates, and future dates for events that must have happened."""
    name = event.kind.value
    if event.on < EARLIEST_PLAUSIBLE or event.on > today + FURTHEST_AHEAD:
        raise FactsError(f"{name}: {event.on.isoformat()} is not a plausible date")
    if event.on > today and not event.kind.spec.may_be_future:
        raise FactsError(
            f"{name}: {event.on.isoformat()} is in the future; this must already have happened"
        )
    if event.opened_on is not None and (event.opened_on < event.on or event.opened_on > today):
        raise FactsError(
            f"{name}: the day it was opened must be between the day it was posted and today"
        )
    if event.decided_on is not None and event.decided_on > event.on:
        raise FactsError(f"{name}: the decision cannot be dated after the day it reached you")


def _check_options(event: Event, facts: Facts) -> None:
    """Refuse a missing or impossible option (procedure, outcome, how it was received, permit)."""
    name = event.kind.value
    for option in sorted(event.kind.spec.required):
        value = facts.procedure if option == "procedure" else getattr(event, option)
        if value is None:
            raise FactsError(f"{name} needs the option --{option}")
    if event.kind is EventKind.CNDA_DECISION and event.outcome not in CNDA_OUTCOMES:
        raise FactsError(f"{name}: the CNDA decides rejected, refugee or subsidiary")
    if event.opened_on is not None and event.received is not Received.ONLINE:
        raise FactsError(f"{name}: an opening day only applies to a decision received online")
    if event.at is not None and not event.kind.spec.timed:
        raise FactsError(f"{name}: this event takes a date only, without a time")
