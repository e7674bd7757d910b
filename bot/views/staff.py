"""What associations see: their staff menu, links, counts, the broadcast composer and reports;
and what a person sees of the associations they follow."""

from __future__ import annotations

from collections.abc import Callable

from telegram import InlineKeyboardMarkup

from bot import callback_data as cb
from bot.domain.permissions import Action, Role, allowed
from bot.i18n import N_, Translator, supported_languages
from bot.services.associations import Counts, Membership
from bot.services.broadcasts import Draft, Report
from bot.views.common import Screen, day, esc, keyboard, rtl, split_long
from bot.views.onboarding import stage_label

ROLE_NAMES = {Role.ADMIN: N_("admin"), Role.STAFF: N_("staff member")}
STATUS_NAMES = {
    "sending": N_("sending"),
    "done": N_("finished"),
    "cancelled": N_("stopped"),
    "scheduled": N_("scheduled"),
    "draft": N_("draft"),
}


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


def followed_list(t: Translator, associations: list[tuple[int, str]]) -> Screen:
    """List the associations a person follows, each with a "Leave" button."""
    if not associations:
        text = t.gettext(
            "You follow no association. An association that helps you can give you its link."
        )
        return Screen(rtl(t, text))
    lines = [t.gettext("<b>Associations you follow</b>")]
    lines += [f"• {esc(name)}" for _, name in associations]
    rows = [
        [(t.gettext("Leave {name}").format(name=name[:40]), cb.encode(cb.LEAVE, str(a_id)))]
        for a_id, name in associations
    ]
    return Screen(rtl(t, "\n".join(lines)), keyboard(rows))


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


def staff_menu(t: Translator, memberships: list[Membership]) -> Screen:
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
    lines.append(t.gettext("📣 starts a message to the followers of that association."))
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


def history(t: Translator, name: str, reports: list[tuple[Report, Draft]]) -> str:
    """List the latest broadcasts with their outcome."""
    lines = [t.gettext("<b>Latest messages of {name}</b>").format(name=esc(name))]
    if not reports:
        lines.append(t.gettext("No message sent yet."))
    for report, draft in reports:
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
    t: Translator, draft: Draft, name: str, recipients: int
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
    header = t.gettext("<b>Preview</b> of the message from {name}:").format(name=esc(name))
    summary = [
        t.gettext("Versions in other languages: {versions}").format(versions=versions or "-"),
        t.gettext("Audience: {audience}").format(
            audience=esc("; ".join(parts)) if parts else t.gettext("all followers")
        ),
        t.gettext("It will reach {count} people now.").format(count=recipients),
    ]
    rows = [
        [(t.gettext("Add a version in another language"), cb.encode(cb.DRAFT, "ver"))],
        [
            (t.gettext("Languages"), cb.encode(cb.DRAFT, "al")),
            (t.gettext("Departments"), cb.encode(cb.DRAFT, "ad")),
            (t.gettext("Stages"), cb.encode(cb.DRAFT, "as")),
        ],
        [
            (
                t.gettext("✅ Send to {count} people").format(count=recipients),
                cb.encode(cb.DRAFT, "ok"),
            )
        ],
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


def preparing(t: Translator) -> str:
    """The progress message, before the first count."""
    return rtl(t, t.gettext("📣 Preparing the message…"))


def nobody(t: Translator) -> str:
    """Say that the audience is empty."""
    return rtl(t, t.gettext("Nobody matches this audience: change it before sending."))


def draft_discarded(t: Translator) -> str:
    """Confirm that the draft was dropped."""
    return rtl(t, t.gettext("The message was not sent."))


def broadcast_progress(t: Translator, draft: Draft, report: Report) -> Screen:
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
