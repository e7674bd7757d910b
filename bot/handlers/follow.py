"""A person and the associations they follow: deep links, /associations, leaving, and sharing
deadlines. Only ever acts on the follows of the chat that pressed or typed."""

from __future__ import annotations

from telegram import Update

from bot import callback_data as cb
from bot.callback_data import ShareStep
from bot.context import BotContext
from bot.handlers import staff
from bot.handlers.base import replace_screen, send, who
from bot.services.associations import FOLLOW_PREFIX, INVITE_PREFIX
from bot.views import errors
from bot.views import follow as views
from bot.views.common import Screen


async def deep_link(update: Update, context: BotContext, payload: str) -> bool:
    """Handle `/start i_<token>` (join a staff) or `/start f_<token>` (follow); True if handled.

    Following needs the person's consent first: before it, the follow token rides along the
    language and consent buttons, and the follow happens right after "I agree".
    """
    chat_id, profile, t = await who(update, context)
    if payload.startswith(INVITE_PREFIX):
        await staff.join_staff(update, context, chat_id, t, payload[len(INVITE_PREFIX) :])
        return True
    if payload.startswith(FOLLOW_PREFIX) and profile is not None:
        association = await context.services.follows.follow(chat_id, payload[len(FOLLOW_PREFIX) :])
        text = views.followed_now(t, association.name) if association else views.link_not_valid(t)
        await send(context, chat_id, text)
        return True
    return False


async def follow_after_consent(
    context: BotContext, chat_id: int, update: Update, token: str
) -> None:
    """Follow the association whose link brought the person, once they agreed."""
    association = await context.services.follows.follow(chat_id, token)
    _, _, t = await who(update, context)
    text = views.followed_now(t, association.name) if association else views.link_not_valid(t)
    await send(context, chat_id, text)


async def associations_command(update: Update, context: BotContext) -> None:
    """List the associations the person follows, with a button to leave each."""
    chat_id, profile, t = await who(update, context)
    if profile is None:
        await send(context, chat_id, errors.start_first(t))
        return
    followed = await context.services.follows.follows(chat_id)
    await send(context, chat_id, views.followed_list(t, followed))


async def leave_pressed(update: Update, context: BotContext, value: str) -> None:
    """Stop following an association."""
    query = update.callback_query
    assert query is not None
    chat_id, _, t = await who(update, context)
    association_id = cb.number(value)
    name = await context.services.associations.name(association_id) if association_id else None
    if (
        association_id is None
        or name is None
        or not await context.services.follows.unfollow(chat_id, association_id)
    ):
        await query.answer(errors.stale_button(t))
        return
    await context.services.plans.replan(chat_id)  # no more alerts to that association
    await query.answer()
    await replace_screen(context, query.message, Screen(views.left(t, name)))


async def share_pressed(update: Update, context: BotContext, value: str) -> None:
    """Share deadlines with a followed association: ask, agree, decline, or stop."""
    query = update.callback_query
    assert query is not None
    chat_id, _, t = await who(update, context)
    pressed = cb.split_action(ShareStep, value)
    association_id = cb.number(pressed[1]) if pressed else None
    followed = {a.id: a for a in await context.services.follows.follows(chat_id)}
    association = followed.get(association_id) if association_id is not None else None
    if pressed is None or association is None:
        await query.answer(errors.stale_button(t))
        return
    step = pressed[0]
    await query.answer()
    if step is ShareStep.ASK:
        await replace_screen(
            context, query.message, views.share_question(t, association.id, association.name)
        )
        return
    if step is ShareStep.DECLINE:
        await replace_screen(context, query.message, Screen(views.sharing_declined(t)))
        return
    await context.services.follows.share(chat_id, association.id, on=step is ShareStep.YES)
    await context.services.plans.replan(chat_id)  # plans or cancels the alerts
    text = (
        views.sharing_now(t, association.name)
        if step is ShareStep.YES
        else views.sharing_stopped(t, association.name)
    )
    await replace_screen(context, query.message, Screen(text))
