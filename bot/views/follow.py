"""What a person sees of the associations they follow: following by a link, the /associations
list, leaving, and sharing their deadlines (what it gives the association, asked first)."""

from __future__ import annotations

from bot import callback_data as cb
from bot.callback_data import ShareStep
from bot.i18n import Translator
from bot.services.follows import Followed
from bot.views.common import Screen, esc, keyboard, rtl


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
        name, short = association.name, association.name[:40]
        if association.shared:
            lines.append(
                "• "
                + t.gettext("{name}: alerted 3 days before your deadlines").format(name=esc(name))
            )
            label = t.gettext("Stop sharing with {name}").format(name=short)
            share = cb.encode_share(ShareStep.STOP, association.id)
        else:
            lines.append(f"• {esc(name)}")
            label = t.gettext("Share my deadlines with {name}").format(name=short)
            share = cb.encode_share(ShareStep.ASK, association.id)
        rows.append([(label, share)])
        leave = cb.encode(cb.LEAVE, str(association.id))
        rows.append([(t.gettext("Leave {name}").format(name=short), leave)])
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
        [(t.gettext("Yes, share"), cb.encode_share(ShareStep.YES, association_id))],
        [(t.gettext("No"), cb.encode_share(ShareStep.DECLINE, association_id))],
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
