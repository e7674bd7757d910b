"""Load and validate the deadline rules file into frozen `Rule` models.

The loader refuses the whole file on the first problem, with one line naming the rule and the
field: a rule without a source, an unknown unit, event or counting, a duplicate id, a bad date.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Iterable, Mapping
from datetime import date
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from bot.domain.events import OPTION_TYPES, EventKind
from bot.domain.prefectures import all_prefectures
from bot.domain.receivers import Receiver
from bot.domain.rules.model import (
    UNKNOWN,
    Actor,
    Condition,
    Counting,
    Direction,
    Expiry,
    Guidance,
    InForce,
    Rule,
    RuleBook,
    StageGuide,
    Suspension,
    Unit,
    Variant,
)

RULES_FILE = "deadline_rules.toml"
TITLE_LIMIT = 60  # the first line of a card, read on a small phone
CONDITION_NAMES = frozenset(
    {"procedure", "department", "outcome", "received", "permit", "detained"}
)
E = TypeVar("E", bound=StrEnum)


class RulesError(ValueError):
    """The rules file is invalid; the message says where and why, in one line."""


@cache
def default_rulebook() -> RuleBook:
    """Return the rules shipped with the package (loaded and validated once)."""
    return parse_rules(shipped_rules_text(), RULES_FILE)


@cache
def rules_fingerprint() -> str:
    """Return the SHA-256 of the shipped rules file: a change means every plan is recomputed."""
    return hashlib.sha256(shipped_rules_text().encode("utf-8")).hexdigest()


def shipped_rules_text() -> str:
    """Return the text of the rules file shipped with the package."""
    return resources.files("bot.domain.rules").joinpath(RULES_FILE).read_text("utf-8")


def load_rules(path: Path) -> RuleBook:
    """Load and validate a rules file from disk."""
    return parse_rules(path.read_text("utf-8"), path.name)


def parse_rules(text: str, origin: str = RULES_FILE) -> RuleBook:
    """Parse the TOML text of a rules file into a validated RuleBook."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RulesError(f"{origin}: not valid TOML ({error})") from None
    raw_rules = data.get("rule")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise RulesError(f"{origin}: no [[rule]] tables found")
    defaults = data.get("defaults", {})
    rules = tuple(
        _rule(raw, defaults, f"{origin}: rule #{n}") for n, raw in enumerate(raw_rules, 1)
    )
    _check_unique([rule.id for rule in rules], f"{origin}: duplicate rule id")
    _check_references(rules, origin)
    stages = tuple(
        _stage(raw, f"{origin}: stage #{n}") for n, raw in enumerate(data.get("stage", []), 1)
    )
    _check_unique([stage.id for stage in stages], f"{origin}: duplicate stage id")
    return RuleBook(rules=rules, stages=stages)


def _rule(raw: Mapping[str, Any], defaults: Mapping[str, Any], where: str) -> Rule:
    """Validate one [[rule]] table."""
    rule_id = _text(raw, "id", where)
    where = f"{where.rsplit(':', 1)[0]}: rule '{rule_id}'"
    unit = _choice(Unit, raw, "unit", where)
    counting = _choice(Counting, raw, "counting", where)
    duration = _integer(raw, "duration", where, minimum=0)
    if duration == 0 and counting not in (Counting.APPOINTMENT, Counting.END_OF_MONTH):
        raise RulesError(
            f"{where}: duration must be > 0 (only 'appointment' and 'end_of_month' may use 0)"
        )
    if (counting is Counting.ELAPSED) != (
        unit is Unit.HOURS
    ) and counting is not Counting.APPOINTMENT:
        raise RulesError(f"{where}: unit 'hours' goes with counting 'elapsed', and only with it")
    opens = _optional_integer(raw, "opens", where)
    if opens is not None and opens <= duration:
        raise RulesError(f"{where}: a window must open ('opens') before it closes ('duration')")
    sources = tuple(_texts(raw, "sources", where))
    if not sources:
        raise RulesError(f"{where}: at least one source is required")
    valid_from, valid_until = _date(raw, "valid_from", where), _date(raw, "valid_until", where)
    if valid_from and valid_until and valid_until < valid_from:
        raise RulesError(f"{where}: valid_until is before valid_from")
    safety_days = _integer(raw, "safety_days", where, minimum=0, default=0)
    if safety_days and (unit is not Unit.CALENDAR_DAYS or safety_days >= duration):
        raise RulesError(f"{where}: 'safety_days' needs calendar days and a longer duration")
    return Rule(
        id=rule_id,
        stage=_text(raw, "stage", where),
        actor=_choice(Actor, raw, "actor", where),
        event=_choice(EventKind, raw, "event", where),
        duration=duration,
        unit=unit,
        counting=counting,
        guidance=_guidance(raw, where),
        legal_basis=_text(raw, "legal_basis", where),
        sources=sources,
        verified=_required_date(raw, "verified", where),
        receiver=_choice(Receiver, raw, "receiver", where),
        direction=_choice(Direction, raw, "direction", where, Direction.AFTER),
        opens=opens,
        conditions=_conditions(raw.get("when", {}), where),
        variants=tuple(_variant(v, where) for v in raw.get("variant", [])),
        expiry=_expiry(raw.get("expiry"), where),
        after_rule=raw.get("after_rule"),
        from_decision_date=bool(raw.get("from_decision_date", False)),
        check_paper=bool(raw.get("check_paper", False)),
        group=raw.get("group"),
        valid_from=valid_from,
        valid_until=valid_until,
        in_force=_choice(InForce, raw, "in_force", where, InForce.CONFIRMED),
        postal_days=_integer(raw, "postal_days", where, minimum=0, default=0),
        safety_days=safety_days,
        suspension=_suspension(raw.get("suspension"), where),
        met_by=tuple(
            _choice(EventKind, {"met_by": name}, "met_by", where)
            for name in _texts(raw, "met_by", where)
        ),
        # Hour-based rules are reminded in hours only; the default lead days would be absurd.
        remind_days=_reminders(raw, "remind_days", {} if unit is Unit.HOURS else defaults, where),
        remind_hours=_reminders(raw, "remind_hours", {}, where),
        confidence=str(raw.get("confidence", "")),
        status=str(raw.get("status", "")),
        conflict=str(raw.get("conflict", "")),
        trigger=str(raw.get("trigger", "")),
        counting_note=str(raw.get("counting_note", "")),
        notes=str(raw.get("notes", "")),
        origin=str(raw.get("origin", "deadline_rules.csv")),
    )


def _guidance(raw: Mapping[str, Any], where: str) -> Guidance:
    """Read the person-facing texts of a rule."""
    title = _text(raw, "title", where)
    if len(title) > TITLE_LIMIT:
        raise RulesError(f"{where}: 'title' must be at most {TITLE_LIMIT} characters")
    return Guidance(
        title=title,
        action=_text(raw, "action", where),
        consequence=_text(raw, "consequence", where),
        where=str(raw.get("where", "")),
        documents=tuple(_texts(raw, "documents", where)),
        advice=tuple(_texts(raw, "advice", where)),
        late_advice=str(raw.get("late_advice", "")),
    )


def _conditions(raw: Any, where: str) -> tuple[Condition, ...]:
    """Read a `when = { procedure = [...], ... }` table."""
    if not isinstance(raw, dict):
        raise RulesError(f"{where}: 'when' must be a table")
    conditions = []
    for name, values in raw.items():
        if name not in CONDITION_NAMES:
            raise RulesError(f"{where}: unknown condition '{name}' in 'when'")
        values = [values] if isinstance(values, str) else values
        unknown = sorted(str(value) for value in values if str(value) not in _allowed(name))
        if unknown:
            raise RulesError(f"{where}: unknown {name} {unknown} in 'when'")
        conditions.append(Condition(name, frozenset(str(value) for value in values)))
    return tuple(conditions)


def _allowed(name: str) -> set[str]:
    """Return the values a condition may test ("unknown" too for detention: not said)."""
    if name == "department":
        return set(all_prefectures())
    values = {member.value for member in OPTION_TYPES[name]}
    return values | {UNKNOWN} if name == "detained" else values


def _variant(raw: Mapping[str, Any], where: str) -> Variant:
    """Read one [[rule.variant]] table."""
    return Variant(
        conditions=_conditions(raw.get("when", {}), where),
        duration=_integer(raw, "duration", f"{where} (variant)", minimum=1),
        unit=_choice(Unit, raw, "unit", f"{where} (variant)"),
    )


def _expiry(raw: Any, where: str) -> Expiry | None:
    """Read `expiry = { event = "...", permit = "..." }`."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise RulesError(f"{where}: 'expiry' must be a table")
    event = _choice(EventKind, raw, "event", f"{where} (expiry)")
    attributes = tuple(sorted((k, str(v)) for k, v in raw.items() if k != "event"))
    return Expiry(event, attributes)


def _suspension(raw: Any, where: str) -> Suspension | None:
    """Read `suspension = { requested = "...", decided = "...", within = "<rule id>" }`."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise RulesError(f"{where}: 'suspension' must be a table")
    return Suspension(
        requested=_choice(EventKind, raw, "requested", f"{where} (suspension)"),
        decided=_choice(EventKind, raw, "decided", f"{where} (suspension)"),
        within=_text(raw, "within", f"{where} (suspension)"),
    )


def _stage(raw: Mapping[str, Any], where: str) -> StageGuide:
    """Read one [[stage]] table."""
    stage_id = _text(raw, "id", where)
    sources = tuple(_texts(raw, "sources", f"{where} '{stage_id}'"))
    if not sources:
        raise RulesError(f"{where} '{stage_id}': at least one source is required")
    return StageGuide(stage_id, _text(raw, "title", where), _text(raw, "next_step", where), sources)


def _check_unique(ids: list[str], message: str) -> None:
    """Refuse the first id seen twice."""
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            raise RulesError(f"{message} '{item}'")
        seen.add(item)


def _check_references(rules: Iterable[Rule], origin: str) -> None:
    """Refuse an `after_rule` that names no rule."""
    ids = {rule.id for rule in rules}
    for rule in rules:
        if rule.after_rule is not None and rule.after_rule not in ids:
            raise RulesError(
                f"{origin}: rule '{rule.id}': after_rule '{rule.after_rule}' is unknown"
            )
        if rule.suspension is not None and rule.suspension.within not in ids:
            raise RulesError(
                f"{origin}: rule '{rule.id}': suspension within '{rule.suspension.within}' "
                "is unknown"
            )


def _text(raw: Mapping[str, Any], key: str, where: str) -> str:
    """Return a required non-empty string field."""
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RulesError(f"{where}: '{key}' is required (non-empty text)")
    return value.strip()


def _texts(raw: Mapping[str, Any], key: str, where: str) -> list[str]:
    """Return an optional list of non-empty strings."""
    values = raw.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        raise RulesError(f"{where}: '{key}' must be a list of non-empty texts")
    return [value.strip() for value in values]


def _choice(
    kind: type[E], raw: Mapping[str, Any], key: str, where: str, default: E | None = None
) -> E:
    """Return a member of the enum `kind`, refusing unknown values with the allowed ones."""
    value = raw.get(key)
    if value is None and default is not None:
        return default
    try:
        return kind(str(value))
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise RulesError(f"{where}: unknown {key} '{value}' (expected one of: {allowed})") from None


def _integer(
    raw: Mapping[str, Any], key: str, where: str, *, minimum: int, default: int | None = None
) -> int:
    """Return an integer field at least `minimum`."""
    value = raw.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise RulesError(f"{where}: '{key}' must be a whole number >= {minimum}")
    return value


def _optional_integer(raw: Mapping[str, Any], key: str, where: str) -> int | None:
    """Return an optional positive integer field."""
    return None if raw.get(key) is None else _integer(raw, key, where, minimum=1)


def _reminders(
    raw: Mapping[str, Any], key: str, defaults: Mapping[str, Any], where: str
) -> tuple[int, ...]:
    """Return reminder lead times (whole numbers >= 0), largest first."""
    values = raw.get(key, defaults.get(key, []))
    if not isinstance(values, list) or not all(isinstance(v, int) and v >= 0 for v in values):
        raise RulesError(f"{where}: '{key}' must be a list of whole numbers >= 0")
    return tuple(sorted(set(values), reverse=True))


def _date(raw: Mapping[str, Any], key: str, where: str) -> date | None:
    """Return an optional TOML date field."""
    value = raw.get(key)
    if value is not None and not (isinstance(value, date) and type(value) is date):
        raise RulesError(f"{where}: '{key}' must be a date like 2026-06-12")
    return value


def _required_date(raw: Mapping[str, Any], key: str, where: str) -> date:
    """Return a required TOML date field."""
    value = _date(raw, key, where)
    if value is None:
        raise RulesError(f"{where}: '{key}' is required (the date the sources were checked)")
    return value
