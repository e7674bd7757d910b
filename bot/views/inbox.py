"""What association staff see of the people who write to them: /inbox, a conversation's card,
the header of a new conversation, the daily digest.

A conversation is a number (#12) and a language; the person's stage, department and open
deadlines only when they agreed to show them. Never a name, a phone number or a chat id.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from babel.dates import format_timedelta

from bot import callback_data as cb
from bot.callback_data import InboxAction
from bot.domain.rules.model import Rule
from bot.i18n import Translator
from bot.services.inbox import InboxSection, ThreadView
from bot.views.ask import hours_words
from bot.views.common import Button, Keyboard, Screen, esc, moment, rtl
from bot.views.notes import action_title
from bot.views.onboarding import stage_label
from bot.views.staff import language_name


class ListedThread(Protocol):
    """A conversation as /inbox lists it (bot.db.threads.ThreadRow)."""

    @property
    def id(self) -> int: ...  # noqa: D102

    @property
    def language(self) -> str | None: ...  # noqa: D102

    @property
    def handler_id(self) -> int | None: ...  # noqa: D102

    @property
    def waiting_since(self) -> datetime | None: ...  # noqa: D102


class NewThread(Protocol):
    """A conversation's first message, as the relay claims it (bot.db.outbox_relays)."""

    @property
    def thread_id(self) -> int: ...  # noqa: D102

    @property
    def association(self) -> str: ...  # noqa: D102

    @property
    def language(self) -> str: ...  # noqa: D102


MAX_LISTED = 30  # conversations listed per association in /inbox (the oldest first)


def _button(label: str, action: InboxAction, thread_id: int) -> Button:
    """A button on conversation `thread_id` (its label may name it: "#{n}")."""
    return Button(label.format(n=thread_id), cb.encode_inbox(action, thread_id))


def waited(t: Translator, since: datetime, now: datetime) -> str:
    """Return how long someone has waited, in words ("3 hours")."""
    return format_timedelta(max(now - since, timedelta(minutes=1)), locale=t.babel)


def relay_buttons(t: Translator, thread_id: int, handled_by_recipient: bool) -> Keyboard:
    """The buttons under a person's message copied to a staff member."""
    first = [_button(t.gettext("↩️ Reply to #{n}"), InboxAction.REPLY, thread_id)]
    if not handled_by_recipient:
        first.insert(0, _button(t.gettext("✋ I'm handling #{n}"), InboxAction.TAKE, thread_id))
    return Keyboard(
        (
            tuple(first),
            (_button(t.gettext("✅ Close #{n}"), InboxAction.CLOSE, thread_id),),
        )
    )


def new_thread(
    t: Translator,
    claim: NewThread,
    profile: tuple[str | None, str | None] | None,
    deadlines: list[tuple[Rule, datetime]],
) -> Screen:
    """The header of a new conversation, sent before the person's first message.

    `profile` is (department, stage) when the person agreed to show it (None: they did not).
    """
    association = claim.association
    lines = [
        t.gettext("💬 <b>{name}: new conversation #{n}</b>").format(
            name=esc(association), n=claim.thread_id
        ),
        t.gettext("Language: {language}").format(language=esc(language_name(claim.language))),
    ]
    if profile is None:
        lines.append(t.gettext("They chose to show only their messages."))
    else:
        department, stage = profile
        lines.append(
            t.gettext("Department: {department} · Stage: {stage}").format(
                department=esc(department or "-"), stage=esc(stage_label(t, stage))
            )
        )
        if deadlines:
            lines.append(t.gettext("Open deadlines:"))
            lines += [
                f"• {esc(action_title(t, rule))}: {moment(t, due)}" for rule, due in deadlines[:5]
            ]
        else:
            lines.append(t.gettext("No open deadline in the bot."))
    lines.append(
        t.gettext(
            "Their message follows. Your answer goes out under the name {name}: they never see "
            "your account."
        ).format(name=esc(association))
    )
    return Screen(rtl(t, "\n".join(lines)))


def inbox(t: Translator, sections: list[InboxSection], user_id: int, now: datetime) -> Screen:
    """/inbox: each association's open conversations, the longest waiting first."""
    if not sections:
        return Screen(rtl(t, t.gettext("You are not on the staff of any association.")))
    lines: list[str] = []
    rows: list[tuple[Button, ...]] = []
    for section in sections:
        lines.append(f"<b>{esc(section.name)}</b>")
        if section.hours is not None:
            lines.append(
                t.gettext("Reads messages {days}, {opens}–{closes}.").format(
                    **hours_words(t, section.hours)
                )
            )
        if not section.threads:
            lines.append(t.gettext("No open conversation."))
        lines += [_line(t, row, user_id, now) for row in section.threads[:MAX_LISTED]]
        buttons = [
            _button("#{n}", InboxAction.VIEW, row.id) for row in section.threads[:MAX_LISTED]
        ]
        rows += [tuple(buttons[i : i + 4]) for i in range(0, len(buttons), 4)]
        lines.append("")
    return Screen(rtl(t, "\n".join(lines).strip()), Keyboard(tuple(rows)) if rows else None)


def _line(t: Translator, row: ListedThread, user_id: int, now: datetime) -> str:
    """One conversation in /inbox: number, language, waiting time, who handles it."""
    waiting = (
        t.gettext("waiting for {time}").format(time=waited(t, row.waiting_since, now))
        if row.waiting_since is not None
        else t.gettext("answered")
    )
    language = esc(language_name(row.language or "-"))
    return f"#{row.id} · {language} · {waiting} · {_handler(t, row.handler_id, user_id)}"


def _handler(t: Translator, handler_id: int | None, user_id: int) -> str:
    if handler_id is None:
        return t.gettext("nobody handles it yet")
    if handler_id == user_id:
        return t.gettext("✋ you handle it")
    return t.gettext("a colleague handles it")


def card(t: Translator, view: ThreadView, user_id: int, now: datetime) -> Screen:
    """A conversation's card, with what the staff member can do."""
    lines = [
        t.gettext("💬 <b>Conversation #{n}</b> · {name}").format(
            n=view.id, name=esc(view.association)
        ),
        t.gettext("Language: {language}").format(language=esc(language_name(view.language or "-"))),
    ]
    if view.shares_profile:
        lines.append(
            t.gettext("Department: {department} · Stage: {stage}").format(
                department=esc(view.department or "-"), stage=esc(stage_label(t, view.stage))
            )
        )
    if not view.open:
        lines.append(t.gettext("Closed."))
    elif view.waiting_since is not None:
        lines.append(
            t.gettext("Waiting for an answer for {time}.").format(
                time=waited(t, view.waiting_since, now)
            )
        )
    else:
        lines.append(t.gettext("Answered; no new message since."))
    if view.open and view.handler_id is None:
        lines.append(t.gettext("Nobody handles it yet."))
    elif view.open:
        mine = view.handler_id == user_id
        lines.append(
            t.gettext("✋ You handle it.") if mine else t.gettext("A colleague handles it.")
        )
    if view.blocked:
        lines.append(t.gettext("🚫 Blocked: their messages no longer reach you."))
    rows: list[tuple[Button, ...]] = []
    if view.open:
        first = [_button(t.gettext("↩️ Reply"), InboxAction.REPLY, view.id)]
        if view.handler_id != user_id:
            first.insert(0, _button(t.gettext("✋ I'm handling this"), InboxAction.TAKE, view.id))
        rows.append(tuple(first))
    rows.append((_button(t.gettext("📜 Show their messages"), InboxAction.SHOW, view.id),))
    last = []
    if view.open:
        last.append(_button(t.gettext("✅ Close"), InboxAction.CLOSE, view.id))
    if view.blocked:
        last.append(_button(t.gettext("Unblock"), InboxAction.UNBLOCK, view.id))
    else:
        last.append(_button(t.gettext("🚫 Block"), InboxAction.BLOCK, view.id))
    rows.append(tuple(last))
    return Screen(rtl(t, "\n".join(lines)), Keyboard(tuple(rows)))


def reply_prompt(t: Translator, view: ThreadView) -> Screen:
    """ "Reply" pressed: the next message goes to the person."""
    text = t.gettext(
        "↩️ <b>Write your answer to #{n} now</b>: a text, a voice note, a photo or a document. "
        "It goes out under the name {name}; the person never sees your account."
    ).format(n=view.id, name=esc(view.association))
    keyboard = Keyboard(((_button(t.gettext("✖️ Cancel"), InboxAction.CANCEL_REPLY, view.id),),))
    return Screen(rtl(t, text), keyboard)


def block_question(t: Translator, view: ThreadView) -> Screen:
    """Ask before blocking the person of a conversation."""
    text = t.gettext(
        "🚫 Block the person of #{n}? Their messages will no longer reach {name}, and this "
        "conversation is closed. They are told only if they write again. Recorded in the audit "
        "log; you can unblock them from this conversation."
    ).format(n=view.id, name=esc(view.association))
    keyboard = Keyboard(
        (
            (
                _button(t.gettext("🚫 Block"), InboxAction.BLOCK_CONFIRMED, view.id),
                _button(t.gettext("✖️ Cancel"), InboxAction.VIEW, view.id),
            ),
        )
    )
    return Screen(rtl(t, text), keyboard)


def note(t: Translator, key: str, thread_id: int) -> str:
    """A short pop-up after an action on a conversation."""
    notes = {
        "taken": t.gettext("You handle #{n} now."),
        "taken_over": t.gettext("You handle #{n} now (a colleague handled it before)."),
        "closed": t.gettext("#{n} is closed: nothing more can be sent in it."),
        "closed_now": t.gettext("#{n} is closed. The person was told."),
        "cancelled": t.gettext("Nothing was sent."),
        "unblocked": t.gettext("The person of #{n} can write to you again."),
        "blocked": t.gettext("The person of #{n} is blocked."),
        "nothing": t.gettext("No message of theirs is left to show."),
    }
    return notes[key].format(n=thread_id)


def not_relayable(t: Translator) -> str:
    """Staff sent something that cannot be passed on."""
    return rtl(
        t,
        t.gettext(
            "Only texts, voice notes, photos and documents can be sent to the person. Nothing "
            "was sent."
        ),
    )


def too_long(t: Translator, limit: int) -> str:
    """A staff member's answer is too long to go under the bot's line."""
    return rtl(
        t,
        t.gettext(
            "This is too long to pass on (at most {n} characters): send it in two parts. Nothing "
            "was sent."
        ).format(n=limit),
    )


def digest(t: Translator, name: str, count: int, oldest: datetime, now: datetime) -> Screen:
    """The daily digest of conversations waiting for an answer."""
    text = t.ngettext(
        "💬 <b>{name}: {n} person waits for an answer</b>, for {time}.",
        "💬 <b>{name}: {n} people wait for an answer</b>, the first for {time}.",
        count,
    ).format(name=esc(name), n=count, time=waited(t, oldest, now))
    keyboard = Keyboard(((Button(t.gettext("Open the inbox"), cb.encode(cb.MENU, "inbox")),),))
    return Screen(
        rtl(t, text + "\n" + t.gettext("/inbox lists them, the longest waiting first.")), keyboard
    )
