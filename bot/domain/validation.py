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
    _check_legal_aid(facts)


def _check_legal_aid(facts: Facts) -> None:
    """Refuse a legal-aid request before the decision it is for, or a decision before it."""
    requested = facts.event(EventKind.LEGAL_AID_REQUESTED)
    decided = facts.event(EventKind.LEGAL_AID_DECIDED)
    decision = facts.event(EventKind.OFPRA_DECISION)
    if requested is not None and decision is not None and requested.on < decision.on:
        raise FactsError(
            f"legal_aid_requested: {requested.on.isoformat()} is before the Ofpra decision "
            f"reached you ({decision.on.isoformat()})"
        )
    if requested is not None and decided is not None and decided.on < requested.on:
        raise FactsError(
            f"legal_aid_decided: {decided.on.isoformat()} is before the request "
            f"({requested.on.isoformat()})"
        )


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
    if event.lawyer_notified_on is not None and not (
        event.on - FURTHEST_AHEAD <= event.lawyer_notified_on <= today
    ):
        raise FactsError(f"{name}: the day the lawyer was notified must be a past date")


def _check_options(event: Event, facts: Facts) -> None:
    """Refuse a missing or impossible option (procedure, outcome, how it was received, permit)."""
    name = event.kind.value
    if event.kind is EventKind.CNDA_DECISION and event.outcome not in CNDA_OUTCOMES:
        raise FactsError(f"{name}: the CNDA decides rejected, refugee or subsidiary")
    if event.opened_on is not None and event.received is not Received.ONLINE:
        raise FactsError(f"{name}: an opening day only applies to a decision received online")
    if event.at is not None and not event.kind.spec.timed:
        raise FactsError(f"{name}: this event takes a date only, without a time")
