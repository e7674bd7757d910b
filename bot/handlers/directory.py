"""The directory of help: an association's admins keep its entry (/staff, "Directory"); people
see the places of their department in /help and open one on the map."""

from __future__ import annotations

from telegram import Update

from bot import callback_data as cb
from bot.callback_data import PlaceAction
from bot.context import BotContext
from bot.handlers.base import replace_screen, send, who
from bot.i18n import Translator
from bot.services.associations import Refused
from bot.services.directory import DEPARTMENT, LOCATION, Invalid, PlaceView
from bot.views import directory as views
from bot.views import errors
from bot.views.common import Screen
from bot.views.staff import not_allowed


async def show_entry(
    context: BotContext, chat_id: int, user_id: int, t: Translator, a: int
) -> None:
    """Send the association's entry as its admin edits it (Refused if they are not one)."""
    name = await context.services.associations.name(a)
    if name is None:
        raise Refused("no association")
    view = await context.services.directory.entry(user_id, a)
    today = context.services.clock.now().astimezone(context.services.zone).date()
    await send(context, chat_id, views.entry(t, name, a, view, today))


async def place_pressed(update: Update, context: BotContext, value: str) -> None:
    """An admin's button on the entry: show, edit a field, choose the kind, verify, remove."""
    query = update.callback_query
    assert query is not None
    chat_id, _, t = await who(update, context)
    user_id = query.from_user.id
    action, _, rest = value.partition(".")
    raw_id, _, argument = rest.partition(".")
    pressed = cb.split_action(PlaceAction, action)
    association_id = cb.number(raw_id)
    if pressed is None or association_id is None:
        await query.answer(errors.stale_button(t))
        return
    directory = context.services.directory
    try:
        step = pressed[0]
        if step is PlaceAction.EDIT:
            await directory.start_editing(user_id, association_id, argument)
            await query.answer()
            await send(context, chat_id, views.prompt(t, argument, association_id))
            return
        if step is PlaceAction.KINDS:
            await directory.entry(user_id, association_id)  # an admin only
            await query.answer()
            await replace_screen(context, query.message, views.kinds(t, association_id))
            return
        if step is PlaceAction.KIND:
            await directory.set_kind(user_id, association_id, argument)
        elif step is PlaceAction.VERIFY:
            await directory.verify(user_id, association_id)
        elif step is PlaceAction.REMOVE:
            await directory.remove(user_id, association_id)
            await query.answer()
            await send(context, chat_id, views.removed(t))
            return
        else:  # SHOW, also "Cancel" under a question
            await directory.stop_editing(user_id)
        await query.answer()
        await show_entry(context, chat_id, user_id, t, association_id)
    except Refused:
        await query.answer(not_allowed(t), show_alert=True)


async def typed_for_entry(
    update: Update, context: BotContext, editing: tuple[int, str] | None
) -> bool:
    """Take an admin's message for the field of the entry they pressed (`editing`: association
    and field, bot.services.routes); True if it was for one (a text for a text field or the
    department, a location for the map)."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or editing is None:
        return False
    association_id, field = editing
    chat_id, _, t = await who(update, context)
    directory = context.services.directory
    try:
        if field == LOCATION and message.location is not None:
            location = message.location
            await directory.save_location(
                user.id, association_id, location.latitude, location.longitude
            )
        elif field != LOCATION and message.text:
            await directory.save_text(user.id, association_id, field, message.text)
        else:
            await send(context, chat_id, views.prompt(t, field, association_id))
            return True
    except Invalid as error:
        reason = "department" if field == DEPARTMENT else str(error)
        await send(context, chat_id, views.invalid(t, reason, field))
        return True
    except Refused:
        await send(context, chat_id, not_allowed(t))
        return True
    await show_entry(context, chat_id, user.id, t, association_id)
    return True


async def near_pressed(update: Update, context: BotContext, value: str) -> None:
    """A place of "Help near you": its details, then the place on the map when it has one."""
    query = update.callback_query
    assert query is not None
    chat_id, _, t = await who(update, context)
    place_id = cb.number(value)
    place = await context.services.directory.shown(place_id) if place_id else None
    if place is None:
        await query.answer(errors.stale_button(t))
        return
    await query.answer()
    await send_place(context, chat_id, t, place)


async def send_place(context: BotContext, chat_id: int, t: Translator, place: PlaceView) -> None:
    """Send a place's details, then the place on the map when it has one."""
    await send(context, chat_id, views.details(t, place))
    if place.latitude is not None and place.longitude is not None:
        await context.sender.send_venue(
            chat_id, place.latitude, place.longitude, place.name, place.address or ""
        )


async def near_screen(context: BotContext, t: Translator, department: str | None) -> Screen | None:
    """Return "Help near you" for a department, or None when no place is listed there."""
    return views.near(t, await context.services.directory.near(department))
