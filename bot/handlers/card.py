"""/card: the person's deadlines on one page, as a picture and a PDF to print."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.card.content import has_steps
from bot.card.render import card_for
from bot.context import BotContext
from bot.handlers.base import plan_of, send, send_file
from bot.views.card import caption
from bot.views.plan import nothing_yet

# Drawing a card takes a few tenths of a second of CPU: at most this many at once, in threads,
# so that a crowd asking for cards never holds the answers to everyone else.
_DRAWING = asyncio.Semaphore(2)


async def card_command(update: Update, context: BotContext) -> None:
    """Send the card: the steps in the person's language and in French, no name, no chat id."""
    found = await plan_of(update, context)
    if found is None:
        return
    chat_id, t, plan = found
    if not has_steps(plan):
        await send(context, chat_id, nothing_yet(t))
        return
    async with _DRAWING:
        card = await asyncio.to_thread(card_for, t, plan, plan.now.date())
    await context.sender.send_file(chat_id, "deadlines.png", card.png, caption(t), photo=True)
    await send_file(context, chat_id, "deadlines.pdf", card.pdf)
