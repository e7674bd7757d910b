"""Render deadlines: the summary after onboarding, /next, and what a change of date did."""

from __future__ import annotations

from datetime import datetime

from bot import callback_data as cb
from bot.domain.deadline import Deadline, Plan
from bot.domain.prefectures import Prefecture
from bot.domain.rules.model import Rule, RuleBook
from bot.i18n import Translator
from bot.services.plans import PlanChange
from bot.views.common import Rows, day, days_left, esc, moment, rtl, split_long
from bot.views.notes import action_title, actor_label, note_text, rule_documents, rule_text


def deadline_block(t: Translator, deadline: Deadline, now: datetime, *, full: bool = True) -> str:
    """Return one deadline: date, days left, what to do, where, documents, if missed, notes."""
    rule = deadline.rule
    count = deadline.days_left(now)
    if deadline.suspended:
        head = "⏸ <b>" + esc(t.gettext("Stopped until the decision on legal aid")) + "</b>"
    else:
        head = "📌 " + t.gettext("<b>{date}</b> ({left})").format(
            date=moment(t, deadline.due), left=days_left(t, count)
        )
    lines = [f"{head} · <i>{esc(actor_label(t, rule))}</i>", esc(rule_text(t, rule, "action"))]
    if deadline.opens is not None and deadline.opens > now:
        lines.append(t.gettext("Opens on {date}.").format(date=day(t, deadline.opens.date())))
    if deadline.act_before > now and deadline.act_before.date() < deadline.due.date():
        by = day(t, deadline.act_before.date())
        if rule.postal_days:
            lines.append(t.gettext("Post it by {date} at the latest.").format(date=by))
        else:
            lines.append(t.gettext("Act by {date} at the latest.").format(date=by))
    if full:
        lines += _details(t, deadline, now)
    return "\n".join(lines)


def guidance_lines(t: Translator, rule: Rule) -> list[str]:
    """Return where to go, the documents, and what happens if the deadline is missed."""
    lines = []
    if rule.guidance.where:
        lines.append(t.gettext("Where: {where}").format(where=esc(rule_text(t, rule, "where"))))
    documents = rule_documents(t, rule)
    if documents:
        lines.append(t.gettext("Documents:") + "\n" + "\n".join(f"• {esc(d)}" for d in documents))
    lines.append(
        t.gettext("If missed: {consequence}").format(
            consequence=esc(rule_text(t, rule, "consequence"))
        )
    )
    return lines


def _details(t: Translator, deadline: Deadline, now: datetime) -> list[str]:
    """Return where, documents, consequence, notes and reminders of a deadline."""
    lines = guidance_lines(t, deadline.rule)
    lines += [f"⚠️ {esc(note_text(t, note))}" for note in deadline.notes]
    upcoming = [m for m in deadline.reminders if m > now]
    if upcoming:
        dates = ", ".join(day(t, m.date()) for m in upcoming)
        lines.append(t.gettext("Reminders: {dates}").format(dates=dates))
    return lines


def summary(t: Translator, plan: Plan, book: RuleBook, prefecture: Prefecture | None) -> list[str]:
    """Return the messages of the full plan: stage guide, then each open deadline in detail."""
    paragraphs = [_stage_paragraph(t, plan, book)]
    if prefecture is not None:
        paragraphs.append(
            t.gettext("Competent prefecture for asylum: {prefecture}").format(
                prefecture=esc(prefecture.competent_prefecture)
            )
        )
    upcoming = plan.upcoming()
    if not upcoming:
        paragraphs.append(t.gettext("No deadline is running for the dates you gave."))
    paragraphs += [deadline_block(t, d, plan.now) for d in upcoming]
    paragraphs.append(
        t.gettext(
            "This is not legal advice: always check the dates printed on your papers, and ask an "
            "association or a lawyer, especially before an appeal."
        )
    )
    return [rtl(t, message) for message in split_long(paragraphs)]


def _stage_paragraph(t: Translator, plan: Plan, book: RuleBook) -> str:
    """Return the stage title and its next step."""
    guide = book.stage(plan.stage.value)
    if guide is None:
        return ""
    title = t.pgettext(f"stage:{guide.id}:title", guide.title)
    step = t.pgettext(f"stage:{guide.id}:next_step", guide.next_step)
    return f"<b>{esc(title)}</b>\n{esc(step)}"


def next_list(t: Translator, plan: Plan) -> list[str]:
    """Return /next: upcoming deadlines soonest first, short, with days left."""
    upcoming = plan.upcoming()
    if not upcoming:
        return [rtl(t, t.gettext("No deadline is running. Add a new letter with /add."))]
    title = t.gettext("<b>Your next deadlines</b>")
    blocks = [deadline_block(t, d, plan.now, full=False) for d in upcoming]
    footer = t.gettext("The calendar file below adds them to your phone's calendar.")
    return [rtl(t, m) for m in split_long([title, *blocks, footer])]


def change_report(t: Translator, change: PlanChange) -> list[str]:
    """Return what a change of date did to the deadlines, then the deadlines still running."""
    now = change.plan.now
    lines = []
    for deadline in change.added:
        if deadline.is_open(now):
            lines.append("➕ " + _short(t, deadline))
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
    if not lines:
        return [rtl(t, t.gettext("Saved. Your deadlines do not change."))]
    return [
        rtl(t, m) for m in split_long([t.gettext("<b>Saved. What changed:</b>"), "\n".join(lines)])
    ]


def _short(t: Translator, deadline: Deadline) -> str:
    """Return a one-line deadline: what and when."""
    return t.gettext("{action}: {date}").format(
        action=esc(action_title(t, deadline.rule)), date=day(t, deadline.due.date())
    )


def why_rows(t: Translator, deadlines: tuple[Deadline, ...], limit: int = 4) -> Rows:
    """Return one "Why this date?" button per deadline the person acts on, soonest first."""
    acting = [d for d in deadlines if d.asks_action][:limit]
    return [
        [
            (
                "❓ " + t.gettext("Why: {action}").format(action=action_title(t, d.rule, limit=40)),
                cb.encode(cb.WHY, d.rule.id),
            )
        ]
        for d in acting
    ]
