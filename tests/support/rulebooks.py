"""Rule books for tests and benchmarks of `replan`: the rules as they were before a correction."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from bot.domain.rules.loader import default_rulebook
from bot.domain.rules.model import Counting, RuleBook


def rules_before_the_review() -> RuleBook:
    """The shipped rules as they were before the second legal review (issue 13): the CNDA
    appeal without its franc day, its month-end reading or its legal-aid suspension, and the
    Dublin transfer appeals ending on 11 June 2026."""
    rules = []
    for rule in default_rulebook().rules:
        if rule.id == "cnda_appeal_1_month":
            rule = replace(rule, counting=Counting.CALENDAR, suspension=None)
        if rule.id.startswith("dublin_transfer_appeal"):
            rule = replace(rule, valid_until=date(2026, 6, 11))
        rules.append(rule)
    return RuleBook(rules=tuple(rules), stages=default_rulebook().stages)
