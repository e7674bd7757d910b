"""What association staff see outside the composer: joining by invitation, the staff menu,
the follow link, invitations, follower counts, the staff list, and the deadline alert."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from bot import callback_data as cb
from bot.callback_data import StaffAction
from bot.domain.calendar import PARIS
from bot.domain.disclosure import Disclosed, DisclosedGroups
from bot.domain.permissions import Action, Role, allowed
from bot.domain.rules.model import Rule
from bot.i18n import N_, Translator, supported_languages
from bot.services.associations import Counts, Membership
from bot.views.common import Screen, day, esc, keyboard, moment, rtl
from bot.views.notes import action_title
from bot.views.onboarding import stage_label

ROLE_NAMES = {Role.ADMIN: N_("admin"), Role.STAFF: N_("staff member")}


def deep_link(username: str, payload: str) -> str:
    """Return the t.me link that opens the bot with a /start payload."""
    return f"https://t.me/{username}?start={payload}"


def language_name(code: str) -> str:
    """Return a language's own name (as in the picker), or its code."""
    return next((lang.native for lang in supported_languages() if lang.code == code), code)


def someone_joined(t: Translator, user_id: int, membership: Membership) -> str:
    """Tell an admin that an invitation was used (by a Telegram id: the bot knows no names)."""
    return rtl(
        t,
        t.gettext(
            "An invitation was used: Telegram user {user} joined <b>{name}</b> as {role}. "
            "If you did not expect it, remove them in /staff."
        ).format(
            user=user_id,  # the {placeholder} is isolated already in right-to-left languages
            name=esc(membership.name),
            role=t.gettext(ROLE_NAMES[membership.role]),
        ),
    )


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
        a = member.association_id
        lines.append(f"• {esc(member.name)} ({t.gettext(ROLE_NAMES[member.role])})")
        rows.append([(f"📣 {member.name[:30]}", cb.encode_staff(StaffAction.BROADCAST, a))])
        rows.append(
            [
                (t.gettext("Follow link"), cb.encode_staff(StaffAction.FOLLOW_LINK, a)),
                (t.gettext("Followers"), cb.encode_staff(StaffAction.COUNTS, a)),
                (t.gettext("History"), cb.encode_staff(StaffAction.HISTORY, a)),
            ]
        )
        if allowed(member.role, Action.INVITE_STAFF):
            rows.append(
                [
                    (t.gettext("Invite staff"), cb.encode_staff(StaffAction.INVITE_STAFF, a)),
                    (t.gettext("Invite an admin"), cb.encode_staff(StaffAction.INVITE_ADMIN, a)),
                    (t.gettext("Staff"), cb.encode_staff(StaffAction.STAFF_LIST, a)),
                ]
            )
            rows.append([(t.gettext("📍 Directory"), cb.encode_staff(StaffAction.DIRECTORY, a))])
    if operator:
        lines.append(t.gettext("You are an operator: you can write to everyone who uses the bot."))
        everyone = cb.encode_staff(StaffAction.EVERYONE, 0)
        rows.append([(t.gettext("📣 Everyone (operator)"), everyone)])
    lines.append(t.gettext("📣 starts a message to the followers of that association."))
    lines.append(t.gettext("/broadcasts shows the messages sent and scheduled."))
    if memberships:
        lines.append(t.gettext("/inbox shows the people who wrote to you, and lets you answer."))
        rows.append([(t.gettext("💬 Inbox"), cb.encode(cb.MENU, "inbox"))])
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
    """Show how many people follow the association, by language, department and stage: no
    count below the threshold, no group that small named."""

    def line(groups: DisclosedGroups, label: Callable[[str], str]) -> str:
        parts = [f"{label(key)}: {count}" for key, count in groups.shown.items()]
        if groups.others:
            others = t.gettext("other groups")
            parts.append(f"{others}: {number(t, groups.others_disclosed)}")
        return ", ".join(parts) or "-"

    threshold = numbers.total.threshold
    return rtl(
        t,
        "\n".join(
            [
                t.gettext("<b>Followers of {name}</b>: {total}").format(
                    name=esc(name), total=number(t, numbers.total)
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
                t.ngettext(
                    "Groups of fewer than {count} person are not shown, so that nobody can be "
                    "singled out.",
                    "Groups of fewer than {count} people are not shown, so that nobody can be "
                    "singled out.",
                    threshold,
                ).format(count=threshold),
            ]
        ),
    )


def staff_list(
    t: Translator,
    association_id: int,
    name: str,
    members: list[tuple[int, Role]],
    me: int,
    invites: Sequence[tuple[int, Role, datetime]] = (),
) -> Screen:
    """List the staff (Telegram ids and roles), with a button to remove each other member, and
    the invitations not used yet, with a button to cancel each."""
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
    if invites:
        lines.append("")
        lines.append(t.gettext("Invitations not used yet:"))
    for number, (invite_id, role, expiry) in enumerate(invites, 1):
        until = day(t, expiry.astimezone(PARIS).date())
        label = t.gettext("{role}, valid until {date}").format(
            role=t.gettext(ROLE_NAMES[role]), date=until
        )
        lines.append(f"{number}. {label}")
        button = t.gettext("Cancel invitation {number}").format(number=number)
        rows.append([(button, cb.encode(cb.INVITE_CANCEL, f"{association_id}.{invite_id}"))])
    return Screen(rtl(t, "\n".join(lines)), keyboard(rows) if rows else None)


def invitation_cancelled(t: Translator) -> str:
    """Confirm that an invitation's link no longer works."""
    return t.gettext("Invitation cancelled: its link no longer works.")


def staff_removed(t: Translator) -> str:
    """Confirm a removal (their access ends at once)."""
    return rtl(t, t.gettext("Removed: they no longer have access to the association."))


def last_admin(t: Translator) -> str:
    """Refuse to remove the last admin."""
    return rtl(t, t.gettext("The last admin cannot be removed: invite another admin first."))


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


def number(t: Translator, count: Disclosed) -> str:
    """Return a count as staff may read it: the number, or "fewer than 5"."""
    if count.value is None:
        return t.gettext("fewer than {count}").format(count=count.threshold)
    return str(count.value)
