"""The person's control over their data: /mydata, /delete, /stop, /resume, /language."""

from __future__ import annotations

import json
from typing import Any

from bot import callback_data as cb
from bot.i18n import Translator
from bot.views.common import Screen, esc, keyboard, rtl, split_long
from bot.views.dates import event_label
from bot.views.onboarding import stage_label, unreviewed_translation


def mydata_messages(t: Translator, data: dict[str, Any]) -> list[str]:
    """Return everything stored about the person as readable text."""
    person = data["person"]
    lines = [
        t.gettext("<b>What the bot keeps about you</b>"),
        t.gettext("Telegram chat number: {value}").format(value=esc(person["telegram_chat_id"])),
        t.gettext("Language: {value}").format(value=esc(person["language"])),
        t.gettext("Department: {value}").format(value=esc(person["department"] or "-")),
        t.gettext("Procedure: {value}").format(value=esc(person["procedure"] or "-")),
        t.gettext("Stage: {value}").format(value=esc(stage_label(t, person["stage"]))),
        t.gettext("Reminders active: {value}").format(
            value=t.gettext("yes") if person["reminders_active"] else t.gettext("no")
        ),
        t.gettext("Agreed on: {value}").format(value=esc(person["consented_at"] or "-")),
    ]
    dates = [
        f"• {esc(event_label(t, item['event']))}: {esc(item['date'])}" for item in data["dates"]
    ]
    planned = sum(1 for item in data["reminders"] if item["status"] == "pending")
    footer = t.ngettext(
        "{n} reminder planned. The file below holds all of it. Erase everything with /delete.",
        "{n} reminders planned. The file below holds all of it. Erase everything with /delete.",
        planned,
    ).format(n=planned)
    paragraphs = [
        "\n".join(lines),
        t.gettext("<b>Your dates</b>") + "\n" + ("\n".join(dates) or "-"),
        footer,
    ]
    return [rtl(t, m) for m in split_long(paragraphs)]


def mydata_file(data: dict[str, Any]) -> bytes:
    """Return the JSON file of everything stored about the person."""
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def delete_confirm(t: Translator, *, staff: bool = False) -> Screen:
    """Ask to confirm erasing everything (and leaving the staff, for a staff member)."""
    text = t.gettext(
        "Erase everything the bot keeps about you: your dates, your reminders and your "
        "choices? This cannot be undone, and the bot will send you nothing more."
    )
    if staff:
        text += "\n\n" + t.gettext(
            "You are also on the staff of an association: you will be removed from it. The "
            "messages you sent stay in its history, without your name or Telegram account."
        )
    rows = [
        [(t.gettext("Yes, erase everything"), cb.encode(cb.DELETE, "y"))],
        [(t.gettext("No, keep it"), cb.encode(cb.DELETE, "n"))],
    ]
    return Screen(rtl(t, text), keyboard(rows))


def deleted(t: Translator) -> str:
    """Confirm the erasure."""
    return rtl(
        t, t.gettext("Everything is erased. Nothing more will be sent. Send /start to begin again.")
    )


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
