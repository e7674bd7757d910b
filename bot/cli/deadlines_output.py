"""Render a Plan for the command line: a readable table with details, or JSON."""

from __future__ import annotations

import json
import textwrap
from datetime import datetime
from typing import Any

from bot.domain.basis import Step
from bot.domain.deadline import Deadline, Plan
from bot.domain.events import Facts
from bot.domain.prefectures import Prefecture
from bot.domain.rules.model import RuleBook
from bot.i18n import Translator
from bot.views.basis import basis_lines
from bot.views.notes import actor_label, note_text, rule_advice, rule_documents, rule_text

WIDTH = 100


def plan_as_json(plan: Plan) -> str:
    """Return the plan as a JSON list of deadline objects (ISO 8601 moments with offsets)."""
    return json.dumps(
        [_deadline_dict(d, plan.now) for d in plan.deadlines], ensure_ascii=False, indent=2
    )


def _deadline_dict(deadline: Deadline, now: datetime) -> dict[str, Any]:
    """Return one deadline as a JSON-ready dict."""
    rule = deadline.rule
    return {
        "rule": rule.id,
        "actor": rule.actor.value,
        "event": deadline.event.kind.value,
        "due": deadline.due.isoformat(),
        "suspended": deadline.suspended,
        "days_left_when_suspended": deadline.suspended_with,
        "opens": deadline.opens.isoformat() if deadline.opens else None,
        "act_before": deadline.act_before.isoformat(),
        "days_left": deadline.days_left(now),
        "action": rule.guidance.action,
        "where": rule.guidance.where or None,
        "advice": list(rule.guidance.advice),
        "documents": list(rule.guidance.documents),
        "if_missed": rule.guidance.consequence,
        "notes": [note.value for note in deadline.notes],
        "check_paper": "check_paper" in deadline.notes,
        "reminders": [moment.isoformat() for moment in deadline.reminders],
        "alternatives": list(deadline.alternatives),
        "assumed": sorted(deadline.event.assumed),
        "basis": [step.as_dict() for step in deadline.basis],
        "legal_basis": rule.legal_basis,
        "sources": list(rule.sources),
        "verified": rule.verified.isoformat(),
    }


def plan_as_text(
    plan: Plan, facts: Facts, prefecture: Prefecture, book: RuleBook, t: Translator
) -> str:
    """Return a summary table followed by the details of each deadline."""
    lines = _header(plan, facts, prefecture, book, t)
    if not plan.deadlines:
        lines.append(t.gettext("No deadline applies to these dates."))
        return "\n".join(lines)
    lines += _table(plan, t)
    for number, deadline in enumerate(plan.deadlines, 1):
        lines += [""] + _details(number, deadline, plan.now, t)
    return "\n".join(lines)


def _header(
    plan: Plan, facts: Facts, prefecture: Prefecture, book: RuleBook, t: Translator
) -> list[str]:
    """Describe the facts, the competent prefecture and the stage."""
    events = ", ".join(
        f"{e.kind.value} {e.on.isoformat()}" + (f" {e.at:%H:%M}" if e.at else "")
        for e in facts.events
    )
    guide = book.stage(plan.stage.value)
    lines = [
        t.gettext("Events: {events}").format(events=events),
        t.gettext("Department: {code} {name}; competent prefecture: {prefecture}").format(
            code=prefecture.department_code,
            name=prefecture.department_name,
            prefecture=prefecture.competent_prefecture,
        ),
    ]
    if facts.procedure:
        lines.append(t.gettext("Procedure: {procedure}").format(procedure=facts.procedure.value))
    if guide is not None:
        lines.append(
            t.gettext("Stage: {title}").format(
                title=t.pgettext(f"stage:{guide.id}:title", guide.title)
            )
        )
    lines.append(
        t.gettext("Times are Europe/Paris; today is {today}.").format(
            today=plan.now.date().isoformat()
        )
    )
    return lines + [""]


def _table(plan: Plan, t: Translator) -> list[str]:
    """Return the summary table, soonest first."""
    head = (
        t.gettext("#"),
        t.gettext("Due"),
        t.gettext("Act before"),
        t.gettext("Days left"),
        t.gettext("Who"),
        t.gettext("Rule"),
    )
    rows = [head] + [
        (
            str(n),
            f"{d.due:%a %d %b %Y %H:%M}",
            f"{d.act_before:%a %d %b}" if d.act_before != d.due else "-",
            "-" if d.suspended else str(d.days_left(plan.now)),
            actor_label(t, d.rule),
            d.rule.id,
        )
        for n, d in enumerate(plan.deadlines, 1)
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def _details(number: int, deadline: Deadline, now: datetime, t: Translator) -> list[str]:
    """Return the full guidance of one deadline."""
    rule = deadline.rule
    lines = [f"{number}. {rule.id} ({actor_label(t, rule)})"]
    if deadline.opens:
        lines += _field(t.gettext("Opens"), f"{deadline.opens:%a %d %b %Y}")
    if deadline.suspended:
        lines += _field(
            t.gettext("Last moment"),
            t.gettext("Stopped until the decision on legal aid"),
        )
    else:
        lines += _field(t.gettext("Last moment"), deadline.due.isoformat())
    lines += _field(t.gettext("What to do"), rule_text(t, rule, "action"))
    if rule.guidance.where:
        lines += _field(t.gettext("Where"), rule_text(t, rule, "where"))
    for document in rule_documents(t, rule):
        lines += _field(t.gettext("Document"), document)
    lines += _field(t.gettext("If missed"), rule_text(t, rule, "consequence"))
    for advice in rule_advice(t, rule):
        lines += _field(t.gettext("Advice"), advice)
    for note in deadline.notes:
        lines += _field(t.gettext("Note"), note_text(t, note))
    upcoming = [m for m in deadline.reminders if m > now]
    if upcoming:
        lines += _field(t.gettext("Reminders"), ", ".join(f"{m:%d %b %H:%M}" for m in upcoming))
    for line in basis_lines(t, deadline, sources=False):
        lines += _field(t.gettext("Why"), line)
    for source in rule.sources:
        lines += _field(t.gettext("Source"), source)
    lines += _field(t.gettext("Verified"), rule.verified.isoformat())
    return lines


def assumptions(plan: Plan) -> list[str]:
    """Return one line per fact that was not given and was assumed (for stderr)."""
    seen: dict[tuple[str, str], str] = {}
    for deadline in plan.deadlines:
        event = deadline.event
        for name in sorted(event.assumed):
            value = getattr(event, name)
            seen[(event.kind.value, name)] = (
                f"note: {event.kind.value}: no {name} given; assumed {value} "
                "(the answer that gives the earliest dates)"
            )
        for step in deadline.basis:
            if step.step is Step.ASSUMED_DETAINED:
                seen[(event.kind.value, "detained")] = (
                    f"note: {event.kind.value}: --detained not given; counted as detained "
                    "(48 hours, the shorter period)"
                )
            elif step.step is Step.ANY_PROCEDURE:
                seen[("", "procedure")] = (
                    "note: no --procedure given; every procedure's rules are considered and "
                    "the earliest date is kept"
                )
    return list(seen.values())


def _field(label: str, value: str) -> list[str]:
    """Return a labelled, wrapped paragraph indented under a deadline."""
    return textwrap.wrap(
        value, WIDTH, initial_indent=f"   {label}: ", subsequent_indent="      "
    ) or [f"   {label}:"]
