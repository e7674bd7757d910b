"""The shipped rules file loads and is complete; bad rules files are refused in one clear line."""

from __future__ import annotations

import tomllib
from collections import Counter
from datetime import date
from importlib import resources

import pytest

from bot.domain.rules.loader import RULES_FILE, RulesError, default_rulebook, parse_rules
from bot.domain.rules.model import Actor, Counting, Unit

# User rules that rightly have no reminders of their own, and why.
NO_REMINDERS = {
    "ofpra_filing_france_asile_pole": "introduced at the pole on the day of the event itself",
    "right_to_remain_end": "information: ends on the day of the CNDA decision",
    "resident_card_refugee_10_years": "reminded through residence_permit_renewal_window",
    "multiyear_card_subsidiary_stateless_4_years": "reminded through the renewal window",
}

VALID = """
[[rule]]
id = "{id}"
stage = "filing"
actor = "user"
event = "certificate_issued"
duration = 21
unit = "calendar_days"
counting = "calendar"
title = "Send the form"
action = "Send the form."
consequence = "Closure."
legal_basis = "R531-2"
sources = ["seeds/000"]
verified = 2026-01-01
receiver = "ofpra"
"""


def snippet(rule_id: str = "demo", **changes: str | None) -> str:
    """Return one valid rule, with fields replaced (raw TOML values) or removed (None)."""
    lines = []
    for line in VALID.format(id=rule_id).strip().splitlines():
        key = line.split(" = ", 1)[0]
        if key in changes:
            if changes[key] is not None:
                lines.append(f"{key} = {changes.pop(key)}")
            else:
                changes.pop(key)
        else:
            lines.append(line)
    lines += [f"{key} = {value}" for key, value in changes.items() if value is not None]
    return "\n".join(lines) + "\n"


def refusal(text: str) -> str:
    """Return the one-line message of the RulesError raised for `text`."""
    with pytest.raises(RulesError) as caught:
        parse_rules(text, "test.toml")
    message = str(caught.value)
    assert "\n" not in message and message.startswith("test.toml:")
    return message


def test_shipped_file_loads_with_every_csv_rule() -> None:
    """The packaged file loads; it holds the 45 CSV rules plus rules marked as added."""
    book = default_rulebook()
    assert len(book.rules) >= 45
    assert all(rule.origin in ("deadline_rules.csv", "added") for rule in book.rules)
    assert sum(rule.origin == "deadline_rules.csv" for rule in book.rules) == 45


def test_shipped_rule_ids_are_unique_in_the_raw_file() -> None:
    """No id appears twice in the TOML text itself (checked without the loader)."""
    text = resources.files("bot.domain.rules").joinpath(RULES_FILE).read_text("utf-8")
    counts = Counter(raw["id"] for raw in tomllib.loads(text)["rule"])
    assert [rule_id for rule_id, n in counts.items() if n > 1] == []


@pytest.mark.parametrize("rule", default_rulebook().rules, ids=lambda rule: rule.id)
def test_every_rule_is_sourced_and_explained(rule) -> None:
    """Each rule has a source, a verification date, an action and a consequence."""
    assert rule.sources and all(source.strip() for source in rule.sources)
    assert isinstance(rule.verified, date) and rule.verified >= date(2024, 1, 1)
    assert rule.guidance.action.strip() and rule.guidance.consequence.strip()
    assert rule.legal_basis.strip()


@pytest.mark.parametrize(
    "rule",
    [rule for rule in default_rulebook().rules if rule.actor is Actor.USER],
    ids=lambda rule: rule.id,
)
def test_every_user_rule_reminds(rule) -> None:
    """A rule asking the person to act has reminders, unless listed with a reason above."""
    if rule.id in NO_REMINDERS:
        assert not (rule.remind_days or rule.remind_hours)
    else:
        assert rule.remind_days or rule.remind_hours
    if rule.unit is Unit.HOURS and rule.counting is Counting.ELAPSED:
        assert rule.remind_hours, "hour deadlines need reminders in hours"


def test_cards_without_reminders_are_covered_by_the_renewal_window() -> None:
    """The renewal window, which reminds, applies to the resident and multi-year cards."""
    window = default_rulebook().rule("residence_permit_renewal_window")
    assert window.remind_days
    assert {value for c in window.conditions for value in c.values} == {"resident", "multiyear"}


def test_snippet_helper_builds_a_valid_rule() -> None:
    """The base snippet used by the refusal tests is itself accepted."""
    assert parse_rules(snippet(), "test.toml").rule("demo").duration == 21


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"sources": "[]"}, "rule 'demo': at least one source is required"),
        ({"sources": None}, "rule 'demo': at least one source is required"),
        ({"unit": '"fortnights"'}, "rule 'demo': unknown unit 'fortnights'"),
        ({"event": '"visa_lost"'}, "rule 'demo': unknown event 'visa_lost'"),
        ({"counting": '"roughly"'}, "rule 'demo': unknown counting 'roughly'"),
        (
            {"valid_from": "2026-06-12", "valid_until": "2026-06-11"},
            "rule 'demo': valid_until is before valid_from",
        ),
        ({"verified": None}, "rule 'demo': 'verified' is required"),
        ({"action": '""'}, "rule 'demo': 'action' is required"),
        ({"counting": '"elapsed"'}, "rule 'demo': unit 'hours' goes with counting 'elapsed'"),
        ({"receiver": None}, "rule 'demo': unknown receiver 'None'"),
        ({"title": None}, "rule 'demo': 'title' is required"),
        ({"title": '"' + "x" * 61 + '"'}, "rule 'demo': 'title' must be at most 60 characters"),
        ({"receiver": '"mairie"'}, "rule 'demo': unknown receiver 'mairie'"),
        ({"safety_days": "21"}, "rule 'demo': 'safety_days' needs calendar days"),
        ({"met_by": '["sent_it"]'}, "rule 'demo': unknown met_by 'sent_it'"),
        ({"advice": '[""]'}, "rule 'demo': 'advice' must be a list of non-empty texts"),
        ({"when": '{ detained = ["maybe"] }'}, "unknown detained ['maybe']"),
        (
            {"suspension": '{ requested = "legal_aid_requested", decided = "x", within = "y" }'},
            "rule 'demo' (suspension): unknown decided 'x'",
        ),
    ],
    ids=lambda value: str(value)[:40],
)
def test_bad_rule_is_refused_naming_rule_and_field(changes: dict, expected: str) -> None:
    """A bad field gives one line naming the rule and the field."""
    assert expected in refusal(snippet(**changes))


def test_duplicate_id_is_refused() -> None:
    """Two rules with the same id: refused, naming the id."""
    assert "duplicate rule id 'demo'" in refusal(snippet() + snippet())


def test_unknown_after_rule_is_refused() -> None:
    """An after_rule naming no rule: refused, naming the rule and the field."""
    message = refusal(snippet(after_rule='"nowhere"'))
    assert "rule 'demo'" in message and "after_rule 'nowhere'" in message


def test_unknown_suspension_rule_is_refused() -> None:
    """A suspension whose request must be made within an unknown rule's deadline is refused."""
    suspension = (
        '{ requested = "legal_aid_requested", decided = "legal_aid_decided", within = "x" }'
    )
    message = refusal(snippet(suspension=suspension))
    assert "rule 'demo'" in message and "suspension within 'x'" in message


def test_detention_conditions_accept_unknown() -> None:
    """`detained` tests yes, no, or unknown (not said: the shorter period applies)."""
    book = parse_rules(snippet(when='{ detained = ["yes", "unknown"] }'), "test.toml")
    assert {v for c in book.rule("demo").conditions for v in c.values} == {"yes", "unknown"}


def test_invalid_toml_is_refused() -> None:
    """Text that is not TOML: one line saying so."""
    assert "not valid TOML" in refusal('[[rule]]\nid = "demo\n')


def test_file_without_rules_is_refused() -> None:
    """A file with no [[rule]] table is refused."""
    assert "no [[rule]] tables" in refusal("[defaults]\nremind_days = [1]\n")


def test_hours_with_a_day_counting_is_refused() -> None:
    """unit 'hours' only works with elapsed/appointment; today compute_plan raises ValueError."""
    assert "hours" in refusal(snippet(unit='"hours"'))


def test_hours_with_a_day_counting_is_not_in_the_shipped_file() -> None:
    """No shipped rule combines hours with a day counting (it would crash compute_plan)."""
    day_countings = {"calendar", "franc", "validity", "end_of_month"}
    assert [
        rule.id
        for rule in default_rulebook().rules
        if rule.unit is Unit.HOURS and rule.counting.value in day_countings
    ] == []


def test_unknown_condition_value_is_refused() -> None:
    """when = { procedure = ["normall"] } can never match; it must be refused like a bad event."""
    assert "normall" in refusal(snippet(when='{ procedure = ["normall"] }'))


def test_window_opening_after_it_closes_is_refused() -> None:
    """direction 'before' with opens 30 < duration 60 would open after the last day."""
    assert "opens" in refusal(snippet(direction='"before"', duration="60", opens="30"))
