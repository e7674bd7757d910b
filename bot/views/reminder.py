"""A reminder as the person receives it (a card, with its buttons), and the answers to them.

The dispatcher renders reminders from the stored row alone (rule, due moment, kind) and the
person's department (post offices close on local holidays): no plan is computed per message.
"""

from __future__ import annotations

from datetime import datetime

from bot import callback_data as cb
from bot.domain.moments import act_by
from bot.domain.rules.model import Rule
from bot.i18n import Translator
from bot.views.cards import (
    DETAILS_LABEL,
    DONE_LABEL,
    WHY_LABEL,
    ask_row,
    ended_card,
    undated_card,
    when_lines,
    with_listen,
)
from bot.views.common import Screen, days_left, esc, keyboard, moment, rtl
from bot.views.notes import action_title


def reminder_message(
    t: Translator,
    rule: Rule,
    due: datetime,
    now: datetime,
    kind: str,
    previous: datetime | None = None,
    department: str = "75",
) -> Screen:
    """Return a reminder as the person receives it: a card with its buttons.

    It leads with what to do and by when: the day to post it (or to act) before the last day.
    """
    due = due.astimezone(now.tzinfo)  # stored in UTC; shown in the zone of the deadlines
    if kind == "missed":
        return ended_card(t, rule, due, None)
    if kind == "changed":
        return changed_message(t, rule, due, now, previous)
    if kind == "standing":
        return undated_card(t, rule)
    act = act_by(rule, due, None, department, now.tzinfo)  # type: ignore[arg-type]
    lines = [f"⏰ <b>{esc(action_title(t, rule))}</b>", *when_lines(t, rule, due, act, now)]
    rows = [
        [
            (t.gettext(DONE_LABEL), cb.encode(cb.DONE, rule.id)),
            (t.gettext("⏰ Remind me tomorrow"), cb.encode(cb.TOMORROW, rule.id)),
        ],
        [
            (t.gettext(DETAILS_LABEL), cb.encode(cb.DETAILS, rule.id)),
            (t.gettext(WHY_LABEL), cb.encode(cb.WHY, rule.id)),
        ],
    ]
    return Screen(rtl(t, "\n".join(lines)), keyboard(with_listen(t, rows)))


def changed_message(
    t: Translator, rule: Rule, due: datetime, now: datetime, previous: datetime | None
) -> Screen:
    """Say once that a correction of the rules moved a deadline, or gave the person a new one."""
    count = (due.date() - now.date()).days
    title = esc(action_title(t, rule))
    if previous is None:
        head = t.gettext("<b>New deadline: {action}</b>").format(action=title)
    else:
        head = t.gettext("<b>A date changed: {action}</b>").format(action=title)
    lines = [
        "📅 " + head,
        t.gettext("Now: {date} ({left}).").format(date=moment(t, due), left=days_left(t, count)),
    ]
    if previous is not None:
        lines.append(
            t.gettext("Before: {date}.").format(date=moment(t, previous.astimezone(now.tzinfo)))
        )
    if due <= now:
        lines.append(
            t.gettext(
                "This date has passed. If you have not done it, go to an association or a "
                "lawyer today."
            )
        )
    lines.append(
        t.gettext(
            "The rules the bot follows were corrected. Check the date on your paper, and see "
            "why with the button below."
        )
    )
    rows = [
        [(t.gettext(WHY_LABEL), cb.encode(cb.WHY, rule.id))],
        [(t.gettext(DONE_LABEL), cb.encode(cb.DONE, rule.id))],
    ]
    if due <= now:  # "go to an association": the button to write to one
        rows.append(ask_row(t))
    return Screen(rtl(t, "\n".join(lines)), keyboard(rows))


def done_text(t: Translator) -> str:
    """Thank the person for a step done."""
    return rtl(t, t.gettext("✅ Well done. Your next steps:"))


def tomorrow_text(t: Translator, planned: bool) -> str:
    """Confirm the extra reminder, or say the deadline comes before tomorrow."""
    if planned:
        return rtl(t, t.gettext("I will remind you tomorrow."))
    return rtl(t, t.gettext("The deadline comes before tomorrow's reminder: act today."))
