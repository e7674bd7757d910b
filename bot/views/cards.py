"""Cards: one step in at most three lines (what to do, by when, days left), details behind a button.

Every screen that shows deadlines is made of cards: the summary after onboarding, /next, the
reminders. A card leads with what to do, then by when (the day to post it first, when the post
decides), then the days left; at most one warning line follows. Where to go, the documents, what
happens if it is missed and every note are behind "Details"; the calculation behind "Why this
date?". A step whose date is unknown, or that passed, has its own card: never dropped.
"""

from __future__ import annotations

from datetime import datetime

from bot import callback_data as cb
from bot.callback_data import AskStep
from bot.domain.deadline import Deadline, Note, Standing
from bot.domain.rules.model import Rule
from bot.i18n import N_, Translator
from bot.views.common import Rows, Screen, day, days_left, esc, keyboard, moment, rtl, weekday_day
from bot.views.notes import action_title, note_text, rule_advice, rule_documents, rule_text

DONE_LABEL = N_("✅ Done")
DETAILS_LABEL = N_("📄 Details")
WHY_LABEL = N_("❓ Why this date?")
LISTEN_LABEL = N_("🔊 Listen")

# The one warning a card may carry, most important first (the others are in Details).
WARNINGS: tuple[tuple[Note, str], ...] = (
    (Note.ASSUMED_DETAINED, N_("48 hours, because you did not say whether you are detained.")),
    (Note.LEGAL_AID_LATE, N_("Legal aid asked after 15 days: this deadline did not stop.")),
    (Note.LEGAL_AID_UNDATED, N_("Add the day you asked for legal aid: it may stop this deadline.")),
    (Note.ESTIMATED_DATE, N_("Estimated date: check it on your paper.")),
    (Note.ASSUMED_DECISION_DATE, N_("The date on the decision is not known: counted early.")),
    (Note.DEEMED_NOTIFIED, N_("Not opened online: it counts as received 15 days after.")),
    (Note.ASSUMED_FACTS, N_("Some facts were assumed: see Why this date?")),
    (Note.TIME_UNKNOWN, N_("Counted from midnight: the time was not given.")),
    (Note.NOT_EXTENDED, N_("Not moved for the weekend or holiday: act before.")),
    (Note.TWO_READINGS, N_("Check the period printed on your paper.")),
    (Note.CHECK_PERIOD, N_("Check the period printed on your paper.")),
)


def deadline_card(t: Translator, deadline: Deadline, now: datetime) -> Screen:
    """Return an open step: what to do, by when, days left; Done, Details, Why this date?"""
    icon = "⏳" if deadline.asks_action else "ℹ️"
    lines = [f"{icon} <b>{esc(action_title(t, deadline.rule))}</b>"]
    lines += when_lines(
        t, deadline.rule, deadline.due, deadline.act_before, now, suspended=deadline.suspended
    )
    lines += warning_line(t, deadline)
    return Screen(rtl(t, "\n".join(lines)), keyboard(card_rows(t, deadline.rule, deadline)))


def when_lines(
    t: Translator,
    rule: Rule,
    due: datetime,
    act_before: datetime,
    now: datetime,
    *,
    suspended: bool = False,
) -> list[str]:
    """Return by when (the day to post or act first, when earlier) and the days left."""
    if suspended:
        return ["⏸ " + esc(t.gettext("Stopped until the decision on legal aid"))]
    count = (due.astimezone(now.tzinfo).date() - now.date()).days
    lines = []
    if now < act_before and act_before.date() < due.date():
        when = weekday_day(t, act_before.date())
        if rule.postal_days:
            lines.append("📮 " + t.gettext("Post it by {date}").format(date=when))
        else:
            lines.append("👉 " + t.gettext("Act by {date}").format(date=when))
    elif rule.postal_days and act_before <= now < due:
        lines.append("⚠️ " + t.gettext("Too late to post it safely: see Details for today."))
    if rule.asks_action:
        text = t.gettext("Last day: {date} · {left}")
    else:
        text = t.gettext("Expected by {date} · {left}")
    lines.append(text.format(date=moment(t, due), left=days_left(t, count)))
    return lines


def warning_line(t: Translator, deadline: Deadline) -> list[str]:
    """Return the most important warning of a deadline, if it has one (at most one line)."""
    for note, text in WARNINGS:
        if note in deadline.notes:
            return ["⚠️ " + esc(t.gettext(text))]
    return []


def card_rows(t: Translator, rule: Rule, deadline: Deadline | None) -> Rows:
    """Return a card's buttons: Done (for steps to take), Details, and Why this date?"""
    first = [(t.gettext(DETAILS_LABEL), cb.encode(cb.DETAILS, rule.id))]
    if rule.asks_action and (deadline is None or not deadline.done):
        first.insert(0, (t.gettext(DONE_LABEL), cb.encode(cb.DONE, rule.id)))
    rows = [first]
    if deadline is not None:
        rows.append([(t.gettext(WHY_LABEL), cb.encode(cb.WHY, rule.id))])
    return with_listen(t, rows)


def ask_row(t: Translator) -> list[tuple[str, str]]:
    """The "Ask my association" button, where a card advises seeing an association (it lists
    the associations the person follows, or says how to follow one)."""
    return [(t.gettext("💬 Ask my association"), cb.encode_ask(AskStep.PICK))]


def with_listen(t: Translator, rows: Rows) -> Rows:
    """Add "🔊 Listen" (the message read aloud) where a voice speaks the person's language: beside
    a lone last button, else on a row of its own."""
    if not t.speaks:
        return rows
    listen = (t.gettext(LISTEN_LABEL), cb.encode(cb.LISTEN))
    if rows and len(rows[-1]) == 1:
        return [*rows[:-1], [*rows[-1], listen]]
    return [*rows, [listen]]


def passed_card(t: Translator, deadline: Deadline) -> Screen:
    """Return a step whose last day passed (not marked done): when it ended, what can be done."""
    return ended_card(t, deadline.rule, deadline.due, deadline)


def ended_card(t: Translator, rule: Rule, due: datetime, deadline: Deadline | None) -> Screen:
    """Return a step whose last day passed: when, and what can still be done."""
    lines = [
        f"⚠️ <b>{esc(action_title(t, rule))}</b>",
        t.gettext("The deadline ended on {date}.").format(date=weekday_day(t, due.date())),
        t.gettext("If you have not done it: {consequence}").format(
            consequence=esc(rule_text(t, rule, "consequence"))
        ),
    ]
    rows = [*card_rows(t, rule, deadline), ask_row(t)]
    return Screen(rtl(t, "\n".join(lines)), keyboard(rows))


def standing_card(t: Translator, standing: Standing) -> Screen:
    """Return a step whose paper has no date: it may be running; take the paper to someone."""
    return undated_card(t, standing.rule)


def undated_card(t: Translator, rule: Rule) -> Screen:
    """Return a step whose paper's date is unknown (its deadline may be running)."""
    lines = [
        f"⚠️ <b>{esc(action_title(t, rule))}</b>",
        t.gettext("The date is not known: this deadline may be running, or may have passed."),
        t.gettext("Take the paper to an association today."),
    ]
    rows = [
        [
            (t.gettext("📅 I have the date"), cb.encode(cb.EDIT, rule.event.value)),
            (t.gettext(DONE_LABEL), cb.encode(cb.DONE, rule.id)),
        ],
        [(t.gettext(DETAILS_LABEL), cb.encode(cb.DETAILS, rule.id))],
    ]
    return Screen(rtl(t, "\n".join(lines)), keyboard([*with_listen(t, rows), ask_row(t)]))


def details_screen(t: Translator, rule: Rule, deadline: Deadline | None, now: datetime) -> Screen:
    """Return everything about a step: what to do, where, documents, if missed, advice, notes."""
    lines = [f"📄 <b>{esc(action_title(t, rule))}</b>"]
    if deadline is not None:
        lines += when_lines(
            t, rule, deadline.due, deadline.act_before, now, suspended=deadline.suspended
        )
    lines += ["", esc(rule_text(t, rule, "action"))]
    late = deadline is not None and deadline.act_before <= now and rule.guidance.late_advice
    if late:
        lines.append("⚠️ " + esc(rule_text(t, rule, "late_advice")))
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
    lines += [f"💡 {esc(advice)}" for advice in rule_advice(t, rule)]
    if deadline is not None:
        lines += [f"⚠️ {esc(note_text(t, note))}" for note in deadline.notes]
        upcoming = [m for m in deadline.reminders if m > now]
        if upcoming:
            dates = ", ".join(day(t, m.date()) for m in upcoming)
            lines.append(t.gettext("Reminders: {dates}").format(dates=dates))
    lines.append(
        "<i>"
        + t.gettext(
            "This is not legal advice: always check the dates printed on your papers, and ask "
            "an association or a lawyer, especially before an appeal."
        )
        + "</i>"
    )
    rows: Rows = []
    if deadline is not None:
        rows.append([(t.gettext(WHY_LABEL), cb.encode(cb.WHY, rule.id))])
    rows = with_listen(t, rows)
    rows.append([(t.gettext("This is not my situation"), cb.encode(cb.MENU, "dates"))])
    rows.append(ask_row(t))
    return Screen(rtl(t, "\n".join(lines)), keyboard(rows))
