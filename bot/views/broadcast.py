"""An association's message as its followers receive it: always signed by the bot.

The bot's own reminders start with a step and a date; a message from an association starts
with a line the bot writes, naming the association, and its text follows in a quote block. A
staff member therefore cannot make a message look like the bot's reminder, whatever they type.
"""

from __future__ import annotations

import re

from bot.i18n import Translator
from bot.scheduling.deliveries import BroadcastText
from bot.views.common import MAX_MESSAGE, esc, rtl

_QUOTE_TAGS = re.compile(r"</?blockquote[^>]*>")
_TAGS = re.compile(r"<[^>]+>")


def delivered(t: Translator, text: BroadcastText, language: str) -> list[str]:
    """Return the message(s) a follower receives: the bot's line naming the sender, then the
    association's text in a quote block (a separate message when both would not fit in one)."""
    if text.association is None:
        head = t.gettext("📣 <b>Message from the team that runs this bot</b>")
    else:
        head = t.gettext("📣 <b>Message from {name}</b>, an association you follow").format(
            name=esc(text.association)
        )
    head = rtl(t, head)
    body = _QUOTE_TAGS.sub("", text.for_language(language))  # quote blocks cannot be nested
    together = f"{head}\n<blockquote>{body}</blockquote>"
    if len(_TAGS.sub("", together)) <= MAX_MESSAGE:
        return [together]
    return [head, body]
