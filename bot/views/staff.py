"""What associations see: their staff menu, links, counts, the broadcast composer and reports;
and what a person sees of the associations they follow."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from telegram import InlineKeyboardMarkup

from bot import callback_data as cb
from bot.domain.permissions import Action, Role, allowed
from bot.domain.rules.model import Rule
from bot.domain.situations import SITUATIONS, WINDOWS
from bot.i18n import N_, Translator, supported_languages
from bot.services.associations import Counts, Followed, Membership
from bot.services.broadcasts import Draft, Report
from bot.views.common import Screen, day, esc, keyboard, moment, rtl, split_long
from bot.views.notes import action_title
from bot.views.onboarding import stage_label

ROLE_NAMES = {Role.ADMIN: N_("admin"), Role.STAFF: N_("staff member")}
STATUS_NAMES = {
    "sending": N_("sending"),
    "done": N_("finished"),
    "cancelled": N_("stopped"),
    "scheduled": N_("scheduled"),
    "draft": N_("draft"),
}


SITUATION_LABELS = {
    "ofpra_filing": N_("Form to send to Ofpra"),
    "ofpra_completion": N_("File to complete for Ofpra"),
    "ofpra_interview": N_("Ofpra interview or online document"),
    "certificate_renewal": N_("Asylum certificate to renew"),
    "cnda_appeal": N_("Appeal to the CNDA"),
    "residence_permit": N_("Residence permit to ask for or renew"),
    "reexamination": N_("Re-examination or reopening"),
    "removal_order": N_("Order to leave France (OQTF) or transfer"),
}
# Hours offered for a scheduled message, local time; a typed date and time is also accepted.
SCHEDULE_HOURS = (9, 14, 18)


def deep_link(username: str, payload: str) -> str:
    """Return the t.me link that opens the bot with a /start payload."""
    return f"https://t.me/{username}?start={payload}"


def language_name(code: str) -> str:
    """Return a language's own name (as in the picker), or its code."""
    return next((lang.native for lang in supported_languages() if lang.code == code), code)


# -- people ---------------------------------------------------------------------------------


def followed_now(t: Translator, name: str) -> str:
    """Confirm that the person follows an association, and what it can see."""
    return rtl(
        t,
        t.gettext(
            "You now follow <b>{name}</b>: you will receive its messages here. It does not see "
            "your dates or anything about you, only how many people follow it. Leave it at any "
            "time with /associations."
        ).format(name=esc(name)),
    )


def link_not_valid(t: Translator) -> str:
    """Say that a follow or invitation link does not work (unknown, used or expired)."""
    return rtl(
        t,
        t.gettext(
            "This link does not work: it may be old, already used or mistyped. "
            "Ask the association for a new one."
        ),
    )


def followed_list(t: Translator, associations: list[Followed]) -> Screen:
    """List the associations a person follows, with buttons to share deadlines or leave each."""
    if not associations:
        text = t.gettext(
            "You follow no association. An association that helps you can give you its link."
        )
        return Screen(rtl(t, text))
    lines = [t.gettext("<b>Associations you follow</b>")]
    rows = []
    for association in associations:
        name, short, a_id = association.name, association.name[:40], str(association.id)
        if association.shared:
            lines.append(
                "• "
                + t.gettext("{name}: alerted 3 days before your deadlines").format(name=esc(name))
            )
            share = (t.gettext("Stop sharing with {name}").format(name=short), f"n.{a_id}")
        else:
            lines.append(f"• {esc(name)}")
            share = (t.gettext("Share my deadlines with {name}").format(name=short), f"a.{a_id}")
        rows.append([(share[0], cb.encode(cb.SHARE, share[1]))])
        rows.append([(t.gettext("Leave {name}").format(name=short), cb.encode(cb.LEAVE, a_id))])
    return Screen(rtl(t, "\n".join(lines)), keyboard(rows))


def share_question(t: Translator, association_id: int, name: str) -> Screen:
    """Explain exactly what sharing deadlines gives the association, and ask."""
    text = t.gettext(
        "<b>Share your deadlines with {name}?</b>\n"
        'If one of your deadlines is 3 days away and you have not pressed "Done", the staff '
        "of {name} receive a message: which step, its last day, and a link to write to you on "
        "Telegram. That way a caseworker can call you in time.\n"
        "They see nothing else: not your other dates, not your answers. You can stop at any "
        "time with /associations."
    ).format(name=esc(name))
    rows = [
        [(t.gettext("Yes, share"), cb.encode(cb.SHARE, f"y.{association_id}"))],
        [(t.gettext("No"), cb.encode(cb.SHARE, f"x.{association_id}"))],
    ]
    return Screen(rtl(t, text), keyboard(rows))


def sharing_now(t: Translator, name: str) -> str:
    """Confirm that deadlines are shared."""
    return rtl(
        t,
        t.gettext(
            "Done: {name} will be alerted 3 days before a deadline you have not marked done. "
            "Stop at any time with /associations."
        ).format(name=esc(name)),
    )


def sharing_stopped(t: Translator, name: str) -> str:
    """Confirm that deadlines are no longer shared."""
    return rtl(
        t,
        t.gettext("{name} will no longer be alerted about your deadlines.").format(name=esc(name)),
    )


def sharing_declined(t: Translator) -> str:
    """Confirm that nothing was shared."""
    return rtl(t, t.gettext("Nothing was shared."))


def left(t: Translator, name: str) -> str:
    """Confirm that the person no longer follows an association."""
    return rtl(t, t.gettext("You no longer follow {name}.").format(name=esc(name)))


# -- staff ----------------------------------------------------------------------------------


def joined_staff(t: Translator, membership: Membership) -> str:
    """Welcome a new staff member."""
    return rtl(
        t,
        t.gettext("Welcome to <b>{name}</b>: you are now its {role}. Open /staff to start.").format(
            name=esc(membership.name), role=t.gettext(ROLE_NAMES[membership.role])
        ),
    )


def invitation_not_valid(t: Translator) -> str:
    """Say that an invitation was already used or has expired."""
    return rtl(
        t,
        t.gettext(
            "This invitation does not work: it was already used, or it is more than 7 days "
            "old. Ask the association's admin for a new one."
        ),
    )


def not_allowed(t: Translator) -> str:
    """Refuse, without saying more."""
    return rtl(t, t.gettext("This is for association staff only."))


def staff_menu(t: Translator, memberships: list[Membership], *, operator: bool = False) -> Screen:
    """Show each association of the staff member with the actions their role allows."""
    lines, rows = [t.gettext("<b>Staff menu</b>")], []
    for member in memberships:
        a = str(member.association_id)
        lines.append(f"• {esc(member.name)} ({t.gettext(ROLE_NAMES[member.role])})")
        rows.append([(f"📣 {member.name[:30]}", cb.encode(cb.STAFF, f"bc.{a}"))])
        rows.append(
            [
                (t.gettext("Follow link"), cb.encode(cb.STAFF, f"ln.{a}")),
                (t.gettext("Followers"), cb.encode(cb.STAFF, f"ct.{a}")),
                (t.gettext("History"), cb.encode(cb.STAFF, f"hi.{a}")),
            ]
        )
        if allowed(member.role, Action.INVITE_STAFF):
            rows.append(
                [
                    (t.gettext("Invite staff"), cb.encode(cb.STAFF, f"is.{a}")),
                    (t.gettext("Invite an admin"), cb.encode(cb.STAFF, f"ia.{a}")),
                    (t.gettext("Staff"), cb.encode(cb.STAFF, f"sl.{a}")),
                ]
            )
    if operator:
        lines.append(t.gettext("You are an operator: you can write to everyone who uses the bot."))
        rows.append([(t.gettext("📣 Everyone (operator)"), cb.encode(cb.STAFF, "ev.0"))])
    lines.append(t.gettext("📣 starts a message to the followers of that association."))
    lines.append(t.gettext("/broadcasts shows the messages sent and scheduled."))
    return Screen(rtl(t, "\n".join(lines)), keyboard(rows))


def follow_link(t: Translator, name: str, link: str) -> str:
    """Give the public follow link of an association."""
    text = t.gettext(
        "People follow <b>{name}</b> with this link. Share it, or print the QR code below on a "
        "poster:\n{link}"
    )
    return rtl(t, text.format(name=esc(name), link=t.isolate(esc(link))))


def invitation(t: Translator, name: str, role: Role, link: str) -> str:
    """Give a one-time invitation link."""
    text = t.gettext(
        "Send this link to the new {role} of <b>{name}</b>, and to nobody else. It works once, "
        "within 7 days:\n{link}"
    )
    return rtl(
        t,
        text.format(role=t.gettext(ROLE_NAMES[role]), name=esc(name), link=t.isolate(esc(link))),
    )


def counts(t: Translator, name: str, numbers: Counts) -> str:
    """Show how many people follow the association, by language, department and stage."""

    def line(values: dict[str, int], label: Callable[[str], str]) -> str:
        return ", ".join(f"{label(key)}: {count}" for key, count in values.items()) or "-"

    return rtl(
        t,
        "\n".join(
            [
                t.gettext("<b>Followers of {name}</b>: {total}").format(
                    name=esc(name), total=numbers.total
                ),
                t.gettext("By language: {values}").format(
                    values=esc(line(numbers.by_language, language_name))
                ),
                t.gettext("By department: {values}").format(
                    values=esc(line(numbers.by_department, str))
                ),
                t.gettext("By stage: {values}").format(
                    values=esc(line(numbers.by_stage, lambda stage: stage_label(t, stage)))
                ),
                t.gettext("Counts only: the bot never shows who follows you."),
            ]
        ),
    )


def staff_list(
    t: Translator, association_id: int, name: str, members: list[tuple[int, Role]], me: int
) -> Screen:
    """List the staff (Telegram ids and roles), with a button to remove each other member."""
    lines = [t.gettext("<b>Staff of {name}</b>").format(name=esc(name))]
    rows = []
    for user_id, role in members:
        lines.append(f"• {t.isolate(str(user_id))} ({t.gettext(ROLE_NAMES[role])})")
        if user_id != me:
            rows.append(
                [
                    (
                        t.gettext("Remove {user}").format(user=user_id),
                        cb.encode(cb.STAFF_REMOVE, f"{association_id}.{user_id}"),
                    )
                ]
            )
    return Screen(rtl(t, "\n".join(lines)), keyboard(rows) if rows else None)


def staff_removed(t: Translator) -> str:
    """Confirm a removal (their access ends at once)."""
    return rtl(t, t.gettext("Removed: they no longer have access to the association."))


def last_admin(t: Translator) -> str:
    """Refuse to remove the last admin."""
    return rtl(t, t.gettext("The last admin cannot be removed: invite another admin first."))


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


def everyone(t: Translator) -> str:
    """The name shown for the operator's broadcasts to everyone."""
    return t.gettext("Everyone who uses the bot")


def no_broadcast_rights(t: Translator) -> str:
    """Say who can use /broadcast and /broadcasts."""
    return rtl(
        t,
        t.gettext(
            "This is for association staff only. An association's admin can invite you with a link."
        ),
    )


def alert_message(
    t: Translator, association: str, rule: Rule, due: datetime, now: datetime, chat_id: int
) -> str:
    """Alert an association's staff that a person who shares their deadlines has one soon.

    Names the step and its last day, with a link to the person's Telegram profile: nothing else.
    """
    days = (due.date() - now.date()).days
    lines = [
        "⚠️ "
        + t.ngettext(
            "<b>{association}: a deadline in {n} day</b>",
            "<b>{association}: a deadline in {n} days</b>",
            days,
        ).format(association=esc(association), n=days),
        t.gettext(
            "Someone who follows you and shares their deadlines with you has not marked this "
            "step done:"
        ),
        f"<b>{esc(action_title(t, rule))}</b>",
        t.gettext("Last day: {date}.").format(date=moment(t, due)),
        '<a href="tg://user?id={id}">{label}</a>'.format(
            id=chat_id, label=t.gettext("Write to this person on Telegram")
        ),
        t.gettext(
            "The bot shares nothing else about them. If the link does not open, their Telegram "
            "privacy settings hide their profile: wait for them to contact you."
        ),
    ]
    return rtl(t, "\n".join(lines))


# -- composing a broadcast ------------------------------------------------------------------


def write_message(t: Translator, name: str) -> Screen:
    """Ask for the broadcast's text."""
    text = t.gettext(
        "Write the message for the followers of <b>{name}</b> (bold, italic and links are "
        "kept). It goes to everyone, except those for whom you add a version in their language."
    )
    rows = [[(t.gettext("Cancel"), cb.encode(cb.DRAFT, "no"))]]
    return Screen(rtl(t, text.format(name=esc(name))), keyboard(rows))


def write_version(t: Translator, language: str) -> Screen:
    """Ask for one language's version."""
    text = t.gettext("Write the version in {language}.").format(language=language_name(language))
    return Screen(rtl(t, text), keyboard([[(t.gettext("Cancel"), cb.encode(cb.DRAFT, "no"))]]))


def draft_preview(
    t: Translator, draft: Draft, name: str, recipients: int, quiet_until: datetime | None = None
) -> tuple[list[str], InlineKeyboardMarkup]:
    """Show the draft as it will be sent, who receives it, and the choices left.

    Returns the messages (a text near Telegram's limit goes on its own, never cut) and the
    buttons, which go on the last one.
    """
    versions = ", ".join(language_name(code) for code in draft.texts if code != "default")
    audience = draft.audience
    parts = []
    if audience.languages:
        parts.append(", ".join(language_name(code) for code in audience.languages))
    if audience.departments:
        parts.append(", ".join(audience.departments))
    if audience.stages:
        parts.append(", ".join(stage_label(t, stage) for stage in audience.stages))
    if audience.situation:
        parts.append(situation_summary(t, audience.situation, audience.within_days))
    header = t.gettext("<b>Preview</b> of the message from {name}:").format(name=esc(name))
    if quiet_until is not None:
        summary_end = [
            t.gettext("Quiet hours now: it goes out from {time}, so nobody is woken up.").format(
                time=moment(t, quiet_until)
            )
        ]
    else:
        summary_end = []
    summary = [
        t.gettext("Versions in other languages: {versions}").format(versions=versions or "-"),
        t.gettext("Audience: {audience}").format(
            audience=esc("; ".join(parts)) if parts else t.gettext("all followers")
        ),
        t.ngettext(
            "It will reach {count} person now.", "It will reach {count} people now.", recipients
        ).format(count=recipients),
        *summary_end,
    ]
    rows = [
        [(t.gettext("Add a version in another language"), cb.encode(cb.DRAFT, "ver"))],
        [
            (t.gettext("Languages"), cb.encode(cb.DRAFT, "al")),
            (t.gettext("Departments"), cb.encode(cb.DRAFT, "ad")),
            (t.gettext("Stages"), cb.encode(cb.DRAFT, "as")),
        ],
        [(t.gettext("Deadline soon"), cb.encode(cb.DRAFT, "si"))],
        [
            (
                t.ngettext(
                    "✅ Send to {count} person", "✅ Send to {count} people", recipients
                ).format(count=recipients),
                cb.encode(cb.DRAFT, "ok"),
            )
        ],
        [(t.gettext("🕘 Send later"), cb.encode(cb.DRAFT, "lt"))],
        [(t.gettext("Cancel"), cb.encode(cb.DRAFT, "no"))],
    ]
    paragraphs = [header, draft.texts.get("default", ""), "\n".join(summary)]
    return split_long(paragraphs), keyboard(rows)


def pick_version_language(t: Translator, draft: Draft) -> Screen:
    """Ask which language the next version is for."""
    rows = [
        [(language.native, cb.encode(cb.DRAFT, f"vl.{language.code}"))]
        for language in supported_languages()
        if language.code not in draft.texts
    ]
    rows.append([(t.gettext("Back"), cb.encode(cb.DRAFT, "pv"))])
    return Screen(rtl(t, t.gettext("Which language is this version for?")), keyboard(rows))


def pick_audience(
    t: Translator, dimension: str, options: list[tuple[str, str]], chosen: tuple[str, ...]
) -> Screen:
    """Toggle the values of one filter (languages, departments or stages) among the followers."""
    titles = {
        "languages": t.gettext("Send only to the followers who use these languages:"),
        "departments": t.gettext("Send only to the followers who live in these departments:"),
        "stages": t.gettext("Send only to the followers at these stages:"),
    }
    keys = {"languages": "tl", "departments": "td", "stages": "ts"}
    rows = [
        [
            (
                ("☑️ " if value in chosen else "⬜ ") + label,
                cb.encode(cb.DRAFT, f"{keys[dimension]}.{value}"),
            )
        ]
        for value, label in options
    ]
    rows.append([(t.gettext("Back"), cb.encode(cb.DRAFT, "pv"))])
    text = titles[dimension] + "\n" + t.gettext("Nothing ticked: everyone.")
    return Screen(rtl(t, text), keyboard(rows))


def situation_summary(t: Translator, situation: str, within_days: int) -> str:
    """Describe a situation filter: "Appeal to the CNDA, last day within 10 days"."""
    return t.ngettext(
        "{situation}, last day within {n} day",
        "{situation}, last day within {n} days",
        within_days,
    ).format(situation=t.gettext(SITUATION_LABELS[situation]), n=within_days)


def pick_situation(t: Translator, draft: Draft) -> Screen:
    """Choose a situation (a deadline coming soon) and how far ahead to look."""
    chosen, within = draft.audience.situation, draft.audience.within_days
    rows = [
        [
            (
                ("🔘 " if situation.id == chosen else "⚪ ")
                + t.gettext(SITUATION_LABELS[situation.id]),
                cb.encode(cb.DRAFT, f"sit.{situation.id}"),
            )
        ]
        for situation in SITUATIONS
    ]
    rows.append(
        [
            (
                ("🔘 " if days == within else "")
                + t.ngettext("{n} day", "{n} days", days).format(n=days),
                cb.encode(cb.DRAFT, f"win.{days}"),
            )
            for days in WINDOWS
        ]
    )
    rows.append([(t.gettext("No deadline filter"), cb.encode(cb.DRAFT, "sit.none"))])
    rows.append([(t.gettext("Back"), cb.encode(cb.DRAFT, "pv"))])
    text = t.gettext(
        "Send only to the followers with one of these deadlines coming up, open and not marked "
        "done, within the number of days chosen (counted when the message goes out):"
    )
    return Screen(rtl(t, text), keyboard(rows))


def pick_schedule(t: Translator, now: datetime) -> Screen:
    """Offer moments to send the message later, or to type one."""
    options: list[datetime] = []
    for offset in range(3):
        for hour in SCHEDULE_HOURS:
            at = (now + timedelta(days=offset)).replace(
                hour=hour, minute=0, second=0, microsecond=0
            )
            if at > now + timedelta(minutes=10) and len(options) < 6:
                options.append(at)
    rows = [
        [(moment(t, at), cb.encode(cb.DRAFT, "at." + at.strftime("%Y%m%d%H%M")))] for at in options
    ]
    rows.append([(t.gettext("Back"), cb.encode(cb.DRAFT, "pv"))])
    text = t.gettext(
        "When should it go out? Choose, or type a date and time such as {example}."
    ).format(example=_typed_example(t, now))
    return Screen(rtl(t, text), keyboard(rows))


def schedule_not_understood(t: Translator, now: datetime) -> str:
    """Say that a typed moment could not be read or is not in the future."""
    return rtl(
        t,
        t.gettext(
            "I could not read a future date and time. Type for example {example}, or press Back."
        ).format(example=_typed_example(t, now)),
    )


def _typed_example(t: Translator, now: datetime) -> str:
    """Return tomorrow at 09:30 as a staff member would type it (digits, day first)."""
    return t.isolate((now + timedelta(days=1)).strftime("%d/%m/%Y 09:30"))


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


def preparing(t: Translator) -> str:
    """The progress message, before the first count."""
    return rtl(t, t.gettext("📣 Preparing the message…"))


def nobody(t: Translator) -> str:
    """Say that the audience is empty."""
    return rtl(t, t.gettext("Nobody matches this audience: change it before sending."))


def draft_discarded(t: Translator) -> str:
    """Confirm that the draft was dropped."""
    return rtl(t, t.gettext("The message was not sent."))


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
