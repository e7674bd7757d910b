"""A person's steps as screens: the summary after onboarding, /next, and what a change did.

Each is a short header, then one card per step (bot/views/cards.py), the most urgent first: the
steps whose date is unknown (they may be running), those whose last day just passed (with what
can still be done), then the open ones. What the administration or a court is expected to do
comes last, in one message. Nobody is told that nothing is due unless the plan proves it.
"""

from __future__ import annotations

from bot.domain.deadline import Deadline, Plan
from bot.domain.rules.model import RuleBook
from bot.i18n import Translator
from bot.services.plans import PlanChange
from bot.views.cards import deadline_card, passed_card, standing_card
from bot.views.common import Screen, day, esc, moment, rtl
from bot.views.notes import action_title

# At most this many open steps get a card of their own; the others are listed by /next.
MOST_CARDS = 4


def summary(t: Translator, plan: Plan, book: RuleBook) -> list[Screen]:
    """Return the end of onboarding: where the person is, then their steps as cards."""
    header = [f"<b>{esc(_stage_title(t, plan, book))}</b>"]
    cards = step_cards(t, plan)
    if cards:
        header.append(t.gettext("Your steps, the most urgent first:"))
    else:
        header += [esc(_stage_next_step(t, plan, book)), nothing_yet(t)]
    return [Screen(rtl(t, "\n".join(header))), *cards, *_information(t, plan)]


def next_screens(t: Translator, plan: Plan, book: RuleBook) -> list[Screen]:
    """Return /next: the steps as cards, or the stage's next step when no date is known."""
    cards = step_cards(t, plan, limit=len(plan.deadlines))
    if not cards:
        text = "\n".join([esc(_stage_next_step(t, plan, book)), nothing_yet(t)])
        return [Screen(rtl(t, text)), *_information(t, plan)]
    title = Screen(rtl(t, t.gettext("<b>Your next steps</b>")))
    return [title, *cards, *_information(t, plan)]


def step_cards(t: Translator, plan: Plan, limit: int = MOST_CARDS) -> list[Screen]:
    """Return the cards of a plan: undated papers, recently passed steps, open steps."""
    cards = [standing_card(t, item) for item in plan.standing]
    cards += [passed_card(t, deadline) for deadline in plan.passed()]
    cards += [deadline_card(t, d, plan.now) for d in plan.next_steps()[:limit]]
    return cards


def nothing_yet(t: Translator) -> str:
    """Say there is no date to remind of yet, without saying nothing is due."""
    return t.gettext(
        "I have no date to remind you of yet. When you receive a letter, add it with /add."
    )


def _information(t: Translator, plan: Plan) -> list[Screen]:
    """Return what the administration or a court is expected to do, in one message."""
    expected = [d for d in plan.upcoming() if not d.asks_action]
    if not expected:
        return []
    lines = ["ℹ️ " + t.gettext("<b>Expected from the administration</b>")]
    lines += [_expected_line(t, deadline) for deadline in expected]
    return [Screen(rtl(t, "\n".join(lines)))]


def _expected_line(t: Translator, deadline: Deadline) -> str:
    """Return one expected step: what, by when."""
    return "• " + t.gettext("{action}: {date}").format(
        action=esc(action_title(t, deadline.rule)), date=moment(t, deadline.due)
    )


def _stage_title(t: Translator, plan: Plan, book: RuleBook) -> str:
    guide = book.stage(plan.stage.value)
    return t.pgettext(f"stage:{guide.id}:title", guide.title) if guide else ""


def _stage_next_step(t: Translator, plan: Plan, book: RuleBook) -> str:
    guide = book.stage(plan.stage.value)
    return t.pgettext(f"stage:{guide.id}:next_step", guide.next_step) if guide else ""


def change_report(t: Translator, change: PlanChange) -> list[Screen]:
    """Return what a change of date did, then the cards of the steps it concerns and of the
    steps that passed or have no date (they are shown after every change)."""
    plan, lines = change.plan, []
    for old, new in change.moved:
        lines.append(
            "🔁 "
            + t.gettext("{action}: moved from {old} to {new}").format(
                action=esc(action_title(t, new.rule)),
                old=day(t, old.due.date()),
                new=day(t, new.due.date()),
            )
        )
    for deadline in change.suspended:
        lines.append(
            "⏸ "
            + t.ngettext(
                "{action}: stopped until the decision on legal aid; then {n} day will be left.",
                "{action}: stopped until the decision on legal aid; then {n} days will be left.",
                deadline.suspended_with or 0,
            ).format(action=esc(action_title(t, deadline.rule)), n=deadline.suspended_with)
        )
    for deadline in change.removed:
        lines.append(
            "➖ "
            + t.gettext("No longer applies: {action}").format(
                action=esc(action_title(t, deadline.rule))
            )
        )
    concerned = [d for d in change.added if d.asks_action and d.is_open(plan.now)]
    concerned += [new for _, new in change.moved if new.asks_action and new.is_open(plan.now)]
    if not lines and not concerned:
        head = t.gettext("Saved. Your deadlines do not change.")
    else:
        head = "\n".join([t.gettext("<b>Saved. What changed:</b>"), *lines])
    cards = [standing_card(t, item) for item in plan.standing]
    cards += [passed_card(t, deadline) for deadline in plan.passed()]
    cards += [deadline_card(t, d, plan.now) for d in concerned[:MOST_CARDS]]
    return [Screen(rtl(t, head)), *cards]
