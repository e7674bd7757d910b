"""What a person sees when they write to an association they follow ("Ask my association").

Each screen leads with what to do; what the staff will see is said before anything is sent. An
association's answer comes under a line the bot writes naming it, its text in a quote block, so
nothing a staff member types can look like the bot's own reminders.
"""

from __future__ import annotations

import re
from datetime import datetime

from babel.dates import format_time, get_day_names

from bot import callback_data as cb
from bot.callback_data import AskStep
from bot.domain.opening_hours import OpeningHours
from bot.i18n import Translator
from bot.services.asking import AskTarget
from bot.views.common import Button, Keyboard, Screen, esc, moment, rtl

_QUOTE_TAGS = re.compile(r"</?blockquote[^>]*>")


def ask_button(t: Translator, target: AskTarget) -> Button:
    """Return the "💬 Ask <association>" button."""
    return Button(
        t.gettext("💬 Ask {name}").format(name=target.name), cb.encode_ask(AskStep.WRITE, target.id)
    )


def ask_buttons(t: Translator, targets: list[AskTarget]) -> list[tuple[Button, ...]]:
    """Return rows of "Ask" buttons: one per association, or one "choose" button for several."""
    if not targets:
        return []
    if len(targets) == 1:
        return [(ask_button(t, targets[0]),)]
    return [(Button(t.gettext("💬 Ask an association"), cb.encode_ask(AskStep.PICK)),)]


def choose(t: Translator, targets: list[AskTarget]) -> Screen:
    """Ask which association to write to (the person follows several)."""
    rows = tuple((ask_button(t, target),) for target in targets)
    return Screen(
        rtl(t, t.gettext("💬 <b>Which association do you want to write to?</b>")), Keyboard(rows)
    )


def nobody_to_ask(t: Translator) -> str:
    """The person follows no association: how to follow one."""
    return rtl(
        t,
        t.gettext(
            "You do not follow any association yet. An association that helps you can give you "
            "its link or QR code: open it, and you can write to them here."
        ),
    )


def agreement(t: Translator, target: AskTarget) -> Screen:
    """Say exactly what the staff will see, and ask before the first message."""
    name = esc(target.name)
    text = "\n\n".join(
        [
            t.gettext("💬 <b>Write to {name}</b>").format(name=name),
            t.gettext(
                "Your messages (text, voice notes, photos of a letter) go to the staff of {name} "
                "through the bot. They see your message and nothing else: not your phone number, "
                "and not your Telegram name unless your own Telegram privacy settings show it."
            ).format(name=name),
            t.gettext(
                "You can also let them see your stage, your department and your open deadlines: "
                "they can answer better."
            ),
            t.gettext(
                "The bot does not keep what you write. The conversation is erased some time after "
                "it is closed, and at once if you use /delete."
            ),
        ]
    )
    keyboard = Keyboard(
        (
            (
                Button(
                    t.gettext("✅ Write, and show my deadlines"),
                    cb.encode_ask(AskStep.AGREE_SHARING, target.id),
                ),
            ),
            (Button(t.gettext("✅ Write, message only"), cb.encode_ask(AskStep.AGREE, target.id)),),
            (Button(t.gettext("✖️ Cancel"), cb.encode_ask(AskStep.STOP, target.id)),),
        )
    )
    return Screen(rtl(t, text), keyboard)


def write_now(t: Translator, target: AskTarget, local_now: datetime) -> Screen:
    """Invite the person to write: their next messages go to the association."""
    lines = [
        t.gettext("✍️ <b>Write your message to {name} now.</b>").format(name=esc(target.name)),
        t.gettext(
            "Send a text, a voice note or a photo of a letter. Each message goes to them as it is."
        ),
    ]
    when = answer_time(t, target, local_now)
    if when:
        lines.append(when)
    return Screen(rtl(t, "\n\n".join(lines)), stop_keyboard(t, target.id))


def stop_keyboard(t: Translator, association_id: int) -> Keyboard:
    """The "Stop writing" button under the invitation to write."""
    return Keyboard(
        ((Button(t.gettext("✖️ Stop writing"), cb.encode_ask(AskStep.STOP, association_id)),),)
    )


def sent(t: Translator, target: AskTarget, local_now: datetime) -> Screen:
    """Acknowledge the first message of a turn and say when to expect an answer (the next ones
    get a 👌 on the message itself)."""
    lines = [
        t.gettext("✉️ Sent to {name}. Their answer will come here.").format(name=esc(target.name))
    ]
    when = answer_time(t, target, local_now)
    if when:
        lines.append(when)
    lines.append(
        t.gettext("You can send more: a text, a voice note or a photo. 👌 shows it was sent.")
    )
    return Screen(rtl(t, "\n".join(lines)), stop_keyboard(t, target.id))


def answer_time(t: Translator, target: AskTarget, local_now: datetime) -> str | None:
    """Return when the association reads its messages, and when to expect an answer if it is
    closed now; None when it set no hours."""
    hours = target.hours
    if hours is None:
        return None
    opening = hours.next_opening(local_now)
    read = t.gettext("{name} reads messages {days}, {opens}–{closes}.").format(
        name=esc(target.name), **hours_words(t, hours)
    )
    if opening is None:
        return read
    return (
        "🕘 "
        + read
        + " "
        + t.gettext("Expect an answer from {moment}.").format(moment=moment(t, opening))
    )


def hours_words(t: Translator, hours: OpeningHours) -> dict[str, str]:
    """Return the days ("Mon–Fri", "Mon, Wed, Fri") and the times of opening hours in words."""
    names = get_day_names("abbreviated", locale=t.babel)
    days = sorted(hours.days)
    if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
        day_words = f"{names[days[0]]}–{names[days[-1]]}"
    else:
        day_words = ", ".join(names[day] for day in days)
    return {
        "days": t.isolate(day_words),
        "opens": format_time(hours.opens, format="short", locale=t.babel),
        "closes": format_time(hours.closes, format="short", locale=t.babel),
    }


def staff_answer(t: Translator, association: str, body: str) -> str:
    """An association's answer: the bot's line naming it, then its text in a quote block."""
    head = rtl(t, t.gettext("💬 <b>{name} answered you:</b>").format(name=esc(association)))
    return f"{head}\n<blockquote>{_QUOTE_TAGS.sub('', body)}</blockquote>"


def staff_file_caption(t: Translator, association: str, body: str | None) -> str:
    """The caption of a voice note, photo or document an association sent."""
    head = rtl(t, t.gettext("💬 <b>From {name}</b>").format(name=esc(association)))
    if not body:
        return head
    return f"{head}\n<blockquote>{_QUOTE_TAGS.sub('', body)}</blockquote>"


def answer_keyboard(t: Translator, target_id: int, name: str) -> Keyboard:
    """The button under an association's answer: write back to it."""
    return Keyboard(
        (
            (
                Button(
                    t.gettext("↩️ Answer {name}").format(name=name),
                    cb.encode_ask(AskStep.WRITE, target_id),
                ),
            ),
        )
    )


def closed(t: Translator, association: str, association_id: int) -> Screen:
    """The association closed the conversation: the person may write again."""
    text = t.gettext(
        "✅ {name} closed your conversation. If you need them again, write to them: a new "
        "conversation starts."
    ).format(name=esc(association))
    keyboard = Keyboard(
        (
            (
                Button(
                    t.gettext("💬 Ask {name}").format(name=association),
                    cb.encode_ask(AskStep.WRITE, association_id),
                ),
            ),
        )
    )
    return Screen(rtl(t, text), keyboard)


def stopped(t: Translator) -> str:
    """The person stopped writing (or cancelled the agreement)."""
    return rtl(t, t.gettext("OK. Your messages are no longer sent to the association."))


def blocked(t: Translator, name: str) -> str:
    """The association's staff no longer take the person's messages."""
    return rtl(
        t,
        t.gettext(
            "{name} no longer takes your messages through the bot: this one was not sent. You "
            "still receive its news. To reach them, go to their office."
        ).format(name=esc(name)),
    )


def too_many(t: Translator, name: str) -> str:
    """The person reached the limit of messages to relay."""
    return rtl(
        t,
        t.gettext(
            "You sent many messages in a short time: this one was not sent. {name} received the "
            "others. Wait for their answer, or write again in an hour."
        ).format(name=esc(name)),
    )


def not_relayed(t: Translator, name: str) -> str:
    """Something that cannot be passed on (a sticker, a video, a location)."""
    return rtl(
        t,
        t.gettext(
            "This cannot be sent to {name}: only texts, voice notes, photos and documents. "
            "Nothing was sent."
        ).format(name=esc(name)),
    )


def not_followed(t: Translator) -> str:
    """The association is no longer followed (left, or a forged button)."""
    return rtl(
        t,
        t.gettext(
            "You do not follow this association any more: nothing was sent. /associations lists "
            "the ones you follow."
        ),
    )
