"""A reminder as the person receives it, with its buttons; and the answers to those buttons."""

from __future__ import annotations

from datetime import datetime

from bot import callback_data as cb
from bot.domain.deadline import Plan
from bot.domain.rules.model import Rule
from bot.i18n import Translator
from bot.views.common import Rows, Screen, days_left, esc, keyboard, moment, rtl
from bot.views.notes import action_title, rule_text
from bot.views.plan import deadline_block, guidance_lines


def reminder_screen(t: Translator, rule: Rule, due: datetime, now: datetime, kind: str) -> Screen:
    """Return a reminder: what is due, when, days left, what to do, where; and its buttons."""
    text, rows = reminder_message(t, rule, due, now, kind)
    return Screen(text, keyboard(rows))


def reminder_message(
    t: Translator,
    rule: Rule,
    due: datetime,
    now: datetime,
    kind: str,
    previous: datetime | None = None,
) -> tuple[str, Rows]:
    """Return a reminder's text and button rows (the dispatcher sends them as JSON directly)."""
    due = due.astimezone(now.tzinfo)  # stored in UTC; shown in the zone of the deadlines
    if kind == "missed":
        return missed_message(t, rule, due)
    if kind == "changed":
        return changed_message(t, rule, due, now, previous)
    count = (due.astimezone(now.tzinfo).date() - now.date()).days
    lines = [
        "⏰ "
        + t.gettext("<b>Reminder: {date}</b> ({left})").format(
            date=moment(t, due), left=days_left(t, count)
        ),
        esc(rule_text(t, rule, "action")),
    ]
    lines += guidance_lines(t, rule)
    rows = [
        [(t.gettext("✅ Done"), cb.encode(cb.DONE, rule.id))],
        [(t.gettext("⏰ Remind me tomorrow"), cb.encode(cb.TOMORROW, rule.id))],
        [(t.gettext("❓ Why this date?"), cb.encode(cb.WHY, rule.id))],
        [(t.gettext("This is not my situation"), cb.encode(cb.MENU, "dates"))],
    ]
    return rtl(t, "\n".join(lines)), rows


def changed_message(
    t: Translator, rule: Rule, due: datetime, now: datetime, previous: datetime | None
) -> tuple[str, Rows]:
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
        [(t.gettext("❓ Why this date?"), cb.encode(cb.WHY, rule.id))],
        [(t.gettext("✅ Done"), cb.encode(cb.DONE, rule.id))],
    ]
    return rtl(t, "\n".join(lines)), rows


def missed_message(t: Translator, rule: Rule, due: datetime) -> tuple[str, Rows]:
    """Say once that a deadline passed, and what can still be done."""
    text = "\n".join(
        [
            "⚠️ "
            + t.gettext("<b>The deadline of {date} has passed.</b>").format(date=moment(t, due)),
            esc(rule_text(t, rule, "consequence")),
            t.gettext(
                "Go to an association or a lawyer as soon as possible: with a valid reason, a "
                'late step is sometimes still accepted. If you did it in time, press "Done".'
            ),
        ]
    )
    rows = [
        [(t.gettext("✅ Done"), cb.encode(cb.DONE, rule.id))],
        [(t.gettext("This is not my situation"), cb.encode(cb.MENU, "dates"))],
    ]
    return rtl(t, text), rows


def done_text(t: Translator, plan: Plan) -> str:
    """Congratulate, and show the next step if there is one."""
    following = plan.next_steps()
    if not following:
        return rtl(t, t.gettext("Well done. No other deadline is running for now."))
    nxt = deadline_block(t, following[0], plan.now, full=False)
    return rtl(t, t.gettext("Well done. Your next step:") + "\n\n" + nxt)


def tomorrow_text(t: Translator, planned: bool) -> str:
    """Confirm the extra reminder, or say the deadline comes before tomorrow."""
    if planned:
        return rtl(t, t.gettext("I will remind you tomorrow."))
    return rtl(t, t.gettext("The deadline comes before tomorrow's reminder: act today."))
