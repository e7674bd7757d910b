"""Turn `event=DATE[THH:MM][,option=value...]` command-line words into domain Facts."""

from __future__ import annotations

import argparse
from datetime import date, datetime, time
from typing import Any

from bot.domain.events import OPTION_TYPES, Event, EventKind, Facts, Procedure, parse_option

DATE_FORMAT_HELP = "YYYY-MM-DD, or YYYY-MM-DDTHH:MM for events with a time"
# Options that may be written after the date (`ofpra_decision=2026-05-04,outcome=rejected`) or
# given once as flags (`--outcome rejected`), which then apply to every event that takes them.
EVENT_OPTIONS = ("outcome", "received", "permit", "detained", "opened", "decided", "lawyer")
DATE_OPTIONS = {"opened": "opened_on", "decided": "decided_on", "lawyer": "lawyer_notified_on"}


class EventArgumentError(ValueError):
    """A command-line event is malformed; the message is one line for the person typing."""


def parse_facts(words: list[str], args: argparse.Namespace) -> Facts:
    """Build Facts from the event words and the global options."""
    if not words:
        raise EventArgumentError("give at least one event, e.g. certificate_issued=2026-03-02")
    events = [_parse_event(word, args) for word in words]
    kinds = [event.kind for event in events]
    duplicate = next((kind for kind in kinds if kinds.count(kind) > 1), None)
    if duplicate is not None:
        raise EventArgumentError(f"{duplicate.value} is given twice")
    procedure = Procedure(args.procedure) if args.procedure else None
    return Facts(department=args.department, events=tuple(events), procedure=procedure)


def _parse_event(word: str, args: argparse.Namespace) -> Event:
    """Parse one `name=DATE[,option=value]` word."""
    name, sep, rest = word.partition("=")
    if not sep or not rest:
        raise EventArgumentError(f"'{word}' should look like event=YYYY-MM-DD")
    kind = _kind(name.strip())
    moment, *pairs = rest.split(",")
    on, at = _moment(kind, moment.strip())
    options = _options(kind, pairs, args)
    return Event(kind, on, at=at, **options)


def _kind(name: str) -> EventKind:
    """Return the event kind with that name, or list the known ones."""
    try:
        return EventKind(name)
    except ValueError:
        known = ", ".join(kind.value for kind in EventKind)
        raise EventArgumentError(f"unknown event '{name}' (known events: {known})") from None


def _moment(kind: EventKind, text: str) -> tuple[date, time | None]:
    """Parse a date, or a date and a time for events counted in hours."""
    text = text.replace(" ", "T")
    timed = "T" in text
    if timed and not kind.spec.timed:
        raise EventArgumentError(f"{kind.value} takes a date only, without a time")
    try:
        parsed = datetime.strptime(text, "%Y-%m-%dT%H:%M" if timed else "%Y-%m-%d")
    except ValueError:
        raise EventArgumentError(
            f"{kind.value}: '{text}' is not a valid date ({DATE_FORMAT_HELP})"
        ) from None
    return parsed.date(), parsed.time() if timed else None


def _options(kind: EventKind, pairs: list[str], args: argparse.Namespace) -> dict[str, Any]:
    """Collect the options of one event: inline ones first, then the global flags."""
    given: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or key.strip() not in EVENT_OPTIONS:
            raise EventArgumentError(f"{kind.value}: unknown option '{pair}'")
        given[key.strip()] = value.strip()
    for key in EVENT_OPTIONS:
        flag = getattr(args, key, None)
        if flag is not None and key not in given and _accepts(kind, key):
            given[key] = flag
    return {_field(key): _value(kind, key, value) for key, value in given.items()}


def _accepts(kind: EventKind, key: str) -> bool:
    """Tell whether an event takes an option."""
    return _field(key) in kind.spec.options


def events_help() -> str:
    """Return every event and the options it takes, one per line, for `deadlines --help`."""
    lines = []
    for kind in EventKind:
        spec = kind.spec
        moment = "DATE[THH:MM]" if spec.timed else "DATE"
        options = []
        for key in EVENT_OPTIONS:
            field = _field(key)
            if field not in spec.options:
                continue
            values = "DATE" if key in DATE_OPTIONS else "|".join(m.value for m in OPTION_TYPES[key])
            options.append(f",{key}={values}")
        if "procedure" in spec.options:
            options.append("  (with --procedure)")
        lines.append(f"  {kind.value}={moment}{''.join(options)}")
    return "\n".join(lines)


def _field(key: str) -> str:
    """Return the Event field name of a command-line option."""
    return DATE_OPTIONS.get(key, key)


def _value(kind: EventKind, key: str, value: str) -> Any:
    """Convert an option's text to its typed value, refusing options the event does not take."""
    if not _accepts(kind, key):
        raise EventArgumentError(f"{kind.value} does not take the option {key}")
    if key in DATE_OPTIONS:
        try:
            return datetime.strptime(value, "%Y-%m-%d").date()
        except ValueError:
            raise EventArgumentError(f"{kind.value}: {key} '{value}' is not a valid date") from None
    try:
        return parse_option(key, value)
    except ValueError:
        raise EventArgumentError(f"{kind.value}: '{value}' is not a valid {key}") from None
