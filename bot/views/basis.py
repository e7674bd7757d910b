""" "Why this date?": a deadline's calculation, step by step, in the person's language.

The engine records the steps as data (bot/domain/basis.py); this module turns each into one
plain sentence. The bot shows them under a deadline's "Why this date?" button; the command line
prints them (in English) under each deadline. Lines are plain text: callers escape them for HTML.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from urllib.parse import urlparse

from babel.dates import format_date

from bot.domain.basis import BasisStep, Step
from bot.domain.deadline import Deadline
from bot.domain.receivers import Receiver
from bot.domain.rules.model import Counting, Direction, Unit
from bot.i18n import N_, Translator
from bot.views.common import day, esc, moment, rtl
from bot.views.dates import event_label
from bot.views.notes import action_title

RECEIVERS: dict[Receiver, str] = {
    Receiver.OFPRA: N_("Ofpra"),
    Receiver.CNDA: N_("the CNDA"),
    Receiver.CONSEIL_ETAT: N_("the Conseil d'État"),
    Receiver.COUR_ADMINISTRATIVE_APPEL: N_("the administrative court of appeal"),
    Receiver.TRIBUNAL_ADMINISTRATIF: N_("the administrative court"),
    Receiver.GUDA: N_("the prefecture's one-stop shop (GUDA)"),
    Receiver.PREFECTURE: N_("the prefecture"),
    Receiver.OFII: N_("OFII"),
}

# The names `holidays` gives the French public holidays in English (bot/domain/calendar.py).
HOLIDAYS: dict[str, str] = {
    "New Year's Day": N_("New Year's Day"),
    "Good Friday": N_("Good Friday"),
    "Easter Monday": N_("Easter Monday"),
    "Labor Day": N_("Labour Day, 1 May"),
    "Victory Day": N_("Victory in Europe Day, 8 May"),
    "Ascension Day": N_("Ascension Day"),
    "Pentecost Monday": N_("Whit Monday"),
    "National Day": N_("National Day, 14 July"),
    "Assumption Day": N_("Assumption Day, 15 August"),
    "All Saints' Day": N_("All Saints' Day, 1 November"),
    "Armistice Day": N_("Armistice Day, 11 November"),
    "Christmas Day": N_("Christmas Day"),
    "Saint Stephen's Day": N_("St Stephen's Day, 26 December"),
}

# What was assumed for an option the person did not give (always the earlier date).
ASSUMED: dict[str, str] = {
    "outcome": N_(
        "You did not say what the decision says: a rejection is assumed, which gives the "
        "earliest deadlines."
    ),
    "received": N_(
        "You did not say how the decision reached you: a registered letter received on the day "
        "you gave is assumed, the earlier date."
    ),
    "permit": N_(
        "You did not say which residence document you have: the renewal dates of a residence "
        "card are used."
    ),
}


def basis_lines(t: Translator, deadline: Deadline, *, sources: bool = True) -> list[str]:
    """Return one sentence per step of a deadline's calculation, sources last (compacted)."""
    lines = []
    cited: list[str] = []
    for step in deadline.basis:
        if step.step is Step.SOURCE:
            cited.append(step.text or "")
            continue
        line = _sentence(t, step, deadline)
        if line:
            lines.append(line)
    if sources and cited:
        names = ", ".join(dict.fromkeys(short_source(text) for text in cited))
        lines.append(
            t.gettext("Sources: {sources}; checked on {date}.").format(
                sources=t.isolate(names), date=day(t, deadline.rule.verified)
            )
        )
    return lines


def why_text(t: Translator, deadline: Deadline) -> str:
    """Return the "Why this date?" message of one deadline: what, when, then each step."""
    title = esc(action_title(t, deadline.rule))
    if deadline.suspended:
        when = t.gettext("Stopped until the decision on legal aid")
    else:
        when = moment(t, deadline.due)
    head = "❓ " + t.gettext("<b>Why this date?</b>")
    lines = [head, f"<b>{title}</b>: {when}", ""]
    lines += [f"• {esc(line)}" for line in basis_lines(t, deadline)]
    return rtl(t, "\n".join(lines))


def short_source(text: str) -> str:
    """Return a source as a short name: a web site's host, a seed document's title, or the
    domain reference's section."""
    first = text.split(" ; ")[0].split(" + ")[0].strip()
    if first.startswith(("http://", "https://")):
        host = urlparse(first.split()[0]).netloc.rstrip(".")
        return host.removeprefix("www.")
    if first.startswith("seeds/") and " (" in first:
        title = first.split(" (", 1)[1]
        return re.split(r"[,'(]| with ", title)[0].strip(" )")
    if first.startswith("shared/domain/rules.md"):
        return first.removeprefix("shared/domain/").split(" (")[0]
    return first.split(" (")[0]


def _sentence(t: Translator, step: BasisStep, deadline: Deadline) -> str:
    """Return the sentence of one step ('' for a step with nothing to say)."""
    render = _RENDERERS.get(step.step)
    return render(t, step, deadline) if render else ""


def _d(t: Translator, value: date | None) -> str:
    return day(t, value) if value else ""


def _event(t: Translator, step: BasisStep) -> str:
    return event_label(t, step.event.value) if step.event else ""


def _receiver(t: Translator, receiver: Receiver | None) -> str:
    return t.gettext(RECEIVERS[receiver]) if receiver else ""


def _not_working(t: Translator, step: BasisStep, value: date) -> str:
    """Name why a day is not a working day: its holiday, or its weekday."""
    if step.holiday:
        return t.gettext(HOLIDAYS.get(step.holiday, step.holiday))
    return format_date(value, "EEEE", locale=t.babel)


def _period(t: Translator, amount: int, unit: Unit) -> str:
    """Return "21 days", "1 month", "48 hours" in the person's language."""
    if unit is Unit.WORKING_DAYS:
        text = t.ngettext("{n} working day", "{n} working days", amount)
    elif unit is Unit.WEEKS:
        text = t.ngettext("{n} week", "{n} weeks", amount)
    elif unit is Unit.MONTHS:
        text = t.ngettext("{n} month", "{n} months", amount)
    elif unit is Unit.YEARS:
        text = t.ngettext("{n} year", "{n} years", amount)
    elif unit is Unit.HOURS:
        text = t.ngettext("{n} hour", "{n} hours", amount)
    else:
        text = t.ngettext("{n} day", "{n} days", amount)
    return text.format(n=amount)


def _period_sentence(t: Translator, step: BasisStep, deadline: Deadline) -> str:
    """The period and where it ends, by counting mode."""
    last, amount, unit = _d(t, step.day), step.amount or 0, step.unit or Unit.CALENDAR_DAYS
    if step.counting is Counting.ELAPSED:
        return t.gettext("{period}, counted minute by minute: until {moment}.").format(
            period=_period(t, amount, unit), moment=moment(t, step.moment or deadline.due)
        )
    if step.counting is Counting.APPOINTMENT:
        return t.gettext("The day itself: {moment}.").format(
            moment=moment(t, step.moment or deadline.due)
        )
    if step.direction is Direction.BEFORE:
        if step.other is not None:
            return t.gettext(
                "Counted back from the end date: the window opens on {opens} and closes on {date}."
            ).format(opens=day(t, step.other), date=last)
        return t.gettext("{period} before the end date: {date}.").format(
            period=_period(t, amount, unit), date=last
        )
    if step.counting is Counting.END_OF_MONTH:
        if amount == 0:
            return t.gettext("Until the last day of that month: {date}.").format(date=last)
        return t.ngettext(
            "Until the last day of the month, {n} month later: {date}.",
            "Until the last day of the month, {n} months later: {date}.",
            amount,
        ).format(n=amount, date=last)
    if step.counting is Counting.VALIDITY:
        return t.gettext("{period}, ending the day before the same date: {date}.").format(
            period=_period(t, amount, unit), date=last
        )
    if unit is Unit.WORKING_DAYS:
        return t.gettext(
            "{period} of {receiver} (weekends and public holidays not counted): {date}."
        ).format(period=_period(t, amount, unit), receiver=_receiver(t, step.receiver), date=last)
    return t.gettext("{period}, the day of the event not counted: {date}.").format(
        period=_period(t, amount, unit), date=last
    )


Renderer = Callable[[Translator, BasisStep, Deadline], str]
_RENDERERS: dict[Step, Renderer] = {
    Step.FROM_EVENT: lambda t, s, d: t.gettext("Counted from: {event}, {date}.").format(
        event=_event(t, s), date=_d(t, s.day)
    ),
    Step.FROM_ESTIMATE: lambda t, s, d: t.gettext(
        "You did not know the exact day of this: {event}. Counted from {date}, the earliest "
        "possible day."
    ).format(event=_event(t, s), date=_d(t, s.day)),
    Step.FROM_OPENED: lambda t, s, d: t.gettext(
        "Counted from {date}, the day you first opened the decision in your Ofpra online account."
    ).format(date=_d(t, s.day)),
    Step.DEEMED_NOTIFIED: lambda t, s, d: t.gettext(
        "Put in your Ofpra online account on {posted} and not opened: it counts as received "
        "15 days later, on {date}."
    ).format(posted=_d(t, s.other), date=_d(t, s.day)),
    Step.FROM_DECISION_DATE: lambda t, s, d: t.gettext(
        "Counted from the date printed on the decision: {date}."
    ).format(date=_d(t, s.day)),
    Step.ASSUMED_DECISION_DATE: lambda t, s, d: t.ngettext(
        "The date printed on the decision is not known: counted from {date}, {n} day before "
        "you received it ({received}), the earliest possible day.",
        "The date printed on the decision is not known: counted from {date}, {n} days before "
        "you received it ({received}), the earliest possible day.",
        s.amount or 0,
    ).format(date=_d(t, s.day), n=s.amount, received=_d(t, s.other)),
    Step.FROM_PRINTED_EXPIRY: lambda t, s, d: t.gettext(
        "The end date printed on your document: {date}."
    ).format(date=_d(t, s.day)),
    Step.FROM_OTHER_DEADLINE: lambda t, s, d: t.gettext(
        "Counted from the end of the previous deadline: {moment}."
    ).format(moment=moment(t, s.moment or d.due)),
    Step.TIME_UNKNOWN: lambda t, s, d: t.gettext(
        "You did not give the time: the hours are counted from midnight at the start of {date}."
    ).format(date=_d(t, s.day)),
    Step.ASSUMED_OPTION: lambda t, s, d: t.gettext(ASSUMED[s.text]) if s.text in ASSUMED else "",
    Step.ANY_PROCEDURE: lambda t, s, d: t.gettext(
        "You did not say which procedure is written on your certificate: the shortest period "
        "of the possible procedures is used."
    ),
    Step.ASSUMED_DETAINED: lambda t, s, d: t.gettext(
        "You did not say whether you are in detention or under house arrest: the shorter "
        "period, 48 hours, is used."
    ),
    Step.PERIOD: _period_sentence,
    Step.FRANC: lambda t, s, d: t.gettext(
        'A court deadline is "franc": one more day, {date}.'
    ).format(date=_d(t, s.day)),
    Step.OTHER_READING: lambda t, s, d: t.gettext(
        "Another reading of the law gives {other}: the earlier date, {date}, is kept."
    ).format(other=_d(t, s.other), date=_d(t, s.day)),
    Step.CLOCK_CHANGE: lambda t, s, d: t.gettext(
        "The clock changes during this period: one reading ends at {kept}, the other at "
        "{other}; the earlier is kept."
    ).format(kept=moment(t, s.moment or d.due), other=moment(t, s.other_moment or d.due)),
    Step.EXTENDED: lambda t, s, d: t.gettext(
        "{old} is not a working day for {receiver} ({reason}): the deadline moves to {date}."
    ).format(
        old=_d(t, s.other),
        receiver=_receiver(t, s.receiver),
        reason=_not_working(t, s, s.other or d.due.date()),
        date=_d(t, s.day),
    ),
    Step.NOT_EXTENDED: lambda t, s, d: t.gettext(
        "{date} is not a working day ({reason}), but this deadline is not moved: act before."
    ).format(date=_d(t, s.day), reason=_not_working(t, s, s.day or d.due.date())),
    Step.LOCAL_HOLIDAY_IGNORED: lambda t, s, d: t.gettext(
        "{date} ({holiday}) is a public holiday only in Alsace and Moselle; {receiver} follows "
        "the national holidays, so it does not move this deadline."
    ).format(
        date=_d(t, s.day),
        holiday=_not_working(t, s, s.day or d.due.date()),
        receiver=_receiver(t, s.receiver),
    ),
    Step.SUSPENDED: lambda t, s, d: t.ngettext(
        "You asked for legal aid on {date}, within the 15 days: the deadline stopped with "
        "{n} day left.",
        "You asked for legal aid on {date}, within the 15 days: the deadline stopped with "
        "{n} days left.",
        s.amount or 0,
    ).format(date=_d(t, s.day), n=s.amount),
    Step.RESUMED: lambda t, s, d: t.ngettext(
        "The decision on legal aid reached you on {date}: the {n} day left runs again, "
        "until {last}.",
        "The decision on legal aid reached you on {date}: the {n} days left run again, "
        "until {last}.",
        s.amount or 0,
    ).format(date=_d(t, s.day), n=s.amount, last=_d(t, s.other)),
    Step.LAWYER_DATE_UNKNOWN: lambda t, s, d: t.gettext(
        "If your lawyer received the legal-aid decision after you, the days run from that "
        "later day: ask your lawyer, and add the date with /dates."
    ),
    Step.LEGAL_AID_LATE: lambda t, s, d: t.gettext(
        "You asked for legal aid on {date}, after the last day to ask ({last}): it does not "
        "stop this deadline."
    ).format(date=_d(t, s.day), last=_d(t, s.other)),
    Step.LEGAL_AID_UNDATED: lambda t, s, d: t.gettext(
        "The date of your legal-aid request is not known: the deadline is counted as if it had "
        "not been stopped."
    ),
    Step.ACT_EARLY: lambda t, s, d: t.gettext(
        "A judge may count this period hour by hour from the notification: act by {date}."
    ).format(date=_d(t, s.day)),
    Step.POST_BY: lambda t, s, d: t.ngettext(
        "Post it by {date}: the post can take {n} day.",
        "Post it by {date}: the post can take {n} days.",
        s.amount or 0,
    ).format(date=_d(t, s.day), n=s.amount),
    Step.EARLIEST_OF_RULES: lambda t, s, d: t.gettext(
        "Several rules may apply and give different dates: the earliest, {date}, is kept."
    ).format(date=_d(t, s.day)),
    Step.UNCONFIRMED: lambda t, s, d: t.gettext(
        "It is not confirmed that this rule applies to you: check the date printed on your paper."
    ),
    Step.LEGAL_BASIS: lambda t, s, d: t.gettext("Legal basis: {text}").format(
        text=t.isolate(s.text or "")
    ),
}
