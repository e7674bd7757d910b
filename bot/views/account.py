"""The person's control over their data: /mydata, /delete, /stop, /resume, /language."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot import callback_data as cb
from bot.domain.prefectures import all_prefectures
from bot.domain.rules.model import RuleBook
from bot.i18n import Translator, supported_languages
from bot.views.common import Screen, day, esc, keyboard, rtl, split_long
from bot.views.dates import event_label
from bot.views.notes import action_title
from bot.views.onboarding import stage_label, unreviewed_translation
from bot.views.questions import CHOICES


def mydata_messages(
    t: Translator, data: dict[str, Any], book: RuleBook, zone: ZoneInfo
) -> list[str]:
    """Return everything stored about the person, in plain words and in their date format."""
    person = data["person"]

    def when(value: str | None) -> str:
        return day(t, datetime.fromisoformat(value).astimezone(zone).date()) if value else "-"

    department = person["department"]
    place = all_prefectures().get(department) if department else None
    procedure = person["procedure"]
    lines = [
        t.gettext("<b>What the bot keeps about you</b>"),
        t.gettext("Telegram chat number: {value}").format(value=esc(person["telegram_chat_id"])),
        t.gettext("Language: {value}").format(value=esc(_language_name(person["language"]))),
        t.gettext("Department: {value}").format(
            value=esc(f"{department} {place.department_name}" if place else department or "-")
        ),
        t.gettext("Procedure: {value}").format(
            value=esc(t.gettext(CHOICES[f"procedure:{procedure}"]) if procedure else "-")
        ),
        t.gettext("Stage: {value}").format(value=esc(stage_label(t, person["stage"]))),
        t.gettext("Reminders active: {value}").format(
            value=t.gettext("yes") if person["reminders_active"] else t.gettext("no")
        ),
        t.gettext("Reminders as voice notes too: {value}").format(
            value=t.gettext("yes") if person["voice_reminders"] else t.gettext("no")
        ),
        t.gettext("Agreed on: {value}").format(value=when(person["consented_at"])),
        t.gettext("Last used: {value}").format(value=when(person["last_seen_at"])),
    ]
    if person["inactivity_notice_at"]:
        lines.append(
            t.gettext(
                "Told on {value} that everything will be erased if you do not answer."
            ).format(value=when(person["inactivity_notice_at"]))
        )
    dates = [_date_line(t, item) for item in data["dates"]]
    done = [
        "• " + esc(action_title(t, book.rule(step["rule"])))
        for step in data["steps_done"]
        if step["rule"] in book.by_id
    ]
    followed = [f"• {esc(item['name'])}" for item in data["associations_followed"]]
    planned = sum(1 for item in data["reminders"] if item["status"] == "pending")
    received = len(data["messages_from_associations"])
    talks = len(data["conversations_with_associations"])
    counts = [
        t.ngettext("{n} reminder planned.", "{n} reminders planned.", planned).format(n=planned),
        t.ngettext(
            "{n} message received from associations.",
            "{n} messages received from associations.",
            received,
        ).format(n=received),
        t.ngettext(
            "{n} conversation with an association (what you wrote is not kept by the bot).",
            "{n} conversations with associations (what you wrote is not kept by the bot).",
            talks,
        ).format(n=talks),
        t.gettext("The file below holds all of it. Erase everything with /delete."),
    ]
    paragraphs = [
        "\n".join(lines),
        t.gettext("<b>Your dates</b>") + "\n" + ("\n".join(dates) or "-"),
        t.gettext("<b>Steps you marked done</b>") + "\n" + ("\n".join(done) or "-"),
        t.gettext("<b>Associations you follow</b>") + "\n" + ("\n".join(followed) or "-"),
        "\n".join(counts),
    ]
    return [rtl(t, m) for m in split_long(paragraphs)]


def _date_line(t: Translator, item: dict[str, Any]) -> str:
    """Return one stored date in words, with its time and how sure it is."""
    label = esc(event_label(t, item["event"]))
    if item.get("date_unknown"):
        return f"• {label}: " + t.gettext("date not known")
    value = day(t, date.fromisoformat(item["date"]))
    if item["time"]:
        value += " " + t.isolate(item["time"])
    if item["estimated"]:
        value += " " + t.gettext("(estimated)")
    return f"• {label}: {value}"


def _language_name(code: str | None) -> str:
    """Return a language by its own name (as in the language picker)."""
    return next((lang.native for lang in supported_languages() if lang.code == code), code or "-")


def mydata_file(data: dict[str, Any]) -> bytes:
    """Return the JSON file of everything stored about the person."""
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def delete_confirm(t: Translator, *, staff: bool = False, sole_admin: Sequence[str] = ()) -> Screen:
    """Ask to confirm erasing everything (and leaving the staff, for a staff member; warning
    the only admin of an association that it will have none)."""
    text = t.gettext(
        "Erase everything the bot keeps about you: your dates, your reminders and your "
        "choices? This cannot be undone, and the bot will send you nothing more."
    )
    if staff:
        text += "\n\n" + t.gettext(
            "You are also on the staff of an association: you will be removed from it. The "
            "messages you sent stay in its history, without your name or Telegram account."
        )
    if sole_admin:
        text += "\n\n" + t.gettext(
            "You are the only admin of {names}: after this, nobody can invite its staff or "
            "manage it. To hand it over, invite another admin first in /staff."
        ).format(names=esc(", ".join(sole_admin)))
    rows = [
        [(t.gettext("Yes, erase everything"), cb.encode(cb.DELETE, "y"))],
        [(t.gettext("No, keep it"), cb.encode(cb.DELETE, "n"))],
    ]
    return Screen(rtl(t, text), keyboard(rows))


def deleted(t: Translator) -> str:
    """Confirm the erasure, and say what the bot cannot erase: the chat on the phone."""
    done = t.gettext("Everything is erased. Nothing more will be sent. Send /start to begin again.")
    phone = t.gettext(
        "Your dates are still in this chat on your phone (and in the file /mydata sent). To "
        "remove them, delete this chat in Telegram: press and hold it in your list of chats, "
        "then choose Delete or Clear history."
    )
    return rtl(t, f"{done}\n\n{phone}")


def kept(t: Translator) -> str:
    """Confirm nothing was erased."""
    return rtl(t, t.gettext("Nothing was erased."))


def stopped(t: Translator) -> str:
    """Confirm reminders are paused."""
    return rtl(
        t, t.gettext("Reminders are paused. Your dates are kept. Send /resume to restart them.")
    )


def resumed(t: Translator) -> str:
    """Confirm reminders restart."""
    return rtl(t, t.gettext("Reminders are back on."))


def language_changed(t: Translator, reviewed: bool = True) -> str:
    """Confirm the new language (in it), saying once when its translation is not reviewed."""
    text = t.gettext("From now on I will write to you in English.")
    if not reviewed:
        text += "\n\n" + unreviewed_translation(t)
    return rtl(t, text)
