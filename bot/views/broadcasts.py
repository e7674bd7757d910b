"""What a broadcast looks like once it leaves the composer: as its followers receive it, and as
its staff follow it (scheduled, sending, stopped, finished, the history).

A follower's copy is always signed by the bot. The bot's own reminders start with a step and a
date; a message from an association starts with a line the bot writes, naming the association,
and its text follows in a quote block. A staff member therefore cannot make a message look like
the bot's reminder, whatever they type.
"""

from __future__ import annotations

import re
from datetime import datetime

from bot import callback_data as cb
from bot.i18n import N_, Translator
from bot.services.broadcasts import Report
from bot.services.drafts import Draft
from bot.views.common import MAX_MESSAGE, Screen, day, esc, keyboard, moment, rtl

STATUS_NAMES = {
    "sending": N_("sending"),
    "done": N_("finished"),
    "cancelled": N_("stopped"),
    "scheduled": N_("scheduled"),
    "draft": N_("draft"),
}
_QUOTE_TAGS = re.compile(r"</?blockquote[^>]*>")
_TAGS = re.compile(r"<[^>]+>")


def delivered(t: Translator, text: str, association: str | None) -> list[str]:
    """Return the message(s) a follower receives: the bot's line naming the sender (None: the
    bot's operator), then the text, in the follower's language, in a quote block (a separate
    message when both would not fit in one)."""
    if association is None:
        head = t.gettext("📣 <b>Message from the team that runs this bot</b>")
    else:
        head = t.gettext("📣 <b>Message from {name}</b>, an association you follow").format(
            name=esc(association)
        )
    head = rtl(t, head)
    body = _QUOTE_TAGS.sub("", text)  # quote blocks cannot be nested
    together = f"{head}\n<blockquote>{body}</blockquote>"
    if len(_TAGS.sub("", together)) <= MAX_MESSAGE:
        return [together]
    return [head, body]


def everyone(t: Translator) -> str:
    """The name shown for the operator's broadcasts to everyone."""
    return t.gettext("Everyone who uses the bot")


def scheduled(t: Translator, draft: Draft, name: str, zone_now: datetime) -> Screen:
    """Confirm a scheduled message (this message becomes its progress report when it goes)."""
    assert draft.send_at is not None
    text = t.gettext(
        "🕘 Message #{number} of {name} is scheduled for {moment}. Who receives it is counted "
        "at that moment."
    ).format(
        number=draft.id,
        name=esc(name),
        moment=moment(t, draft.send_at.astimezone(zone_now.tzinfo)),
    )
    rows = [[(t.gettext("Cancel the message"), cb.encode(cb.STOP_BROADCAST, str(draft.id)))]]
    return Screen(rtl(t, text), keyboard(rows))


def draft_discarded(t: Translator) -> str:
    """Confirm that the draft was dropped."""
    return rtl(t, t.gettext("The message was not sent."))


def history(
    t: Translator, name: str, reports: list[tuple[Report, Draft]], zone_now: datetime
) -> Screen:
    """List the latest broadcasts with their outcome; a scheduled one can be cancelled."""
    lines = [t.gettext("<b>Latest messages of {name}</b>").format(name=esc(name))]
    rows = []
    if not reports:
        lines.append(t.gettext("No message sent yet."))
    for report, draft in reports:
        if report.status == "scheduled" and draft.send_at is not None:
            lines.append(
                t.gettext("#{number}: scheduled for {moment}").format(
                    number=report.broadcast_id,
                    moment=moment(t, draft.send_at.astimezone(zone_now.tzinfo)),
                )
            )
            rows.append(
                [
                    (
                        t.gettext("Cancel #{number}").format(number=report.broadcast_id),
                        cb.encode(cb.STOP_BROADCAST, str(report.broadcast_id)),
                    )
                ]
            )
            continue
        when = day(t, draft.created_at.date()) if draft.created_at else ""
        lines.append(
            t.gettext("#{number} {date}: {status}, {sent} of {total} delivered").format(
                number=report.broadcast_id,
                date=when,
                status=t.gettext(STATUS_NAMES.get(report.status, report.status)),
                sent=report.count("sent"),
                total=report.total,
            )
        )
        if report.count("blocked", "failed"):
            lines.append(
                "   "
                + t.gettext("{blocked} had blocked the bot, {failed} failed").format(
                    blocked=report.count("blocked"), failed=report.count("failed")
                )
            )
    return Screen(rtl(t, "\n".join(lines)), keyboard(rows) if rows else None)


def broadcast_progress(
    t: Translator, draft: Draft, report: Report, quiet_until: datetime | None = None
) -> Screen:
    """Show how far a broadcast is; the final report once it ended."""
    numbers = {
        "sent": report.count("sent"),
        "blocked": report.count("blocked"),
        "failed": report.count("failed"),
        "cancelled": report.count("cancelled", "skipped"),
        "total": report.total,
    }
    if report.status == "sending":
        text = t.gettext(
            "📣 Sending to {total} people: {sent} delivered, {blocked} blocked the bot, "
            "{failed} failed."
        ).format(**numbers)
        if quiet_until is not None:
            text += "\n" + t.gettext("Paused for the quiet hours: it goes on at {time}.").format(
                time=moment(t, quiet_until)
            )
        rows = [[(t.gettext("Stop sending"), cb.encode(cb.STOP_BROADCAST, str(draft.id)))]]
        return Screen(rtl(t, text), keyboard(rows))
    title = (
        t.gettext("<b>Message stopped.</b>")
        if report.status == "cancelled"
        else t.gettext("<b>Message sent.</b>")
    )
    text = t.gettext(
        "{sent} of {total} people received it; {blocked} had blocked the bot, {failed} failed, "
        "{cancelled} not sent."
    ).format(**numbers)
    return Screen(rtl(t, f"{title}\n{text}"))
