"""Association staff in the chat: joining by invitation, /staff and its buttons (a table of
StaffAction -> handler), /broadcast, and removing a staff member. Every press is checked again
by the services (permissions module) for the user who pressed."""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import segno
from telegram import CallbackQuery, Update

from bot import callback_data as cb
from bot.callback_data import StaffAction
from bot.context import BotContext
from bot.domain.permissions import Role
from bot.handlers import broadcasts
from bot.handlers.base import replace_screen, send, send_file, who
from bot.handlers.directory import show_entry
from bot.i18n import Translator, translator
from bot.sending import Lane
from bot.services.associations import FOLLOW_PREFIX, INVITE_PREFIX, Refused
from bot.views import errors
from bot.views import staff as views
from bot.views.broadcasts import everyone
from bot.views.common import Screen
from bot.views.composer import write_message


async def join_staff(
    update: Update, context: BotContext, chat_id: int, t: Translator, token: str
) -> None:
    """Use an invitation (`/start i_<token>`): the user joins the association's staff."""
    user = update.effective_user
    assert user is not None
    service = context.services.associations
    membership = await service.redeem(token, user.id, t.locale)
    text = views.joined_staff(t, membership) if membership else views.invitation_not_valid(t)
    await send(context, chat_id, text)
    if membership is None:
        return
    for admin, language in await service.admins(membership.association_id):
        if admin != user.id:  # a failure to tell one admin (blocked bot) changes nothing else
            notice = views.someone_joined(translator(language), user.id, membership)
            await context.sender.deliver(admin, notice, Lane.ALERT)


async def staff_command(update: Update, context: BotContext) -> None:
    """Open the staff menu (only for staff; everyone else is told it is for staff only)."""
    chat_id, _, t = await who(update, context)
    user = update.effective_user
    assert user is not None
    service = context.services.associations
    memberships = await service.memberships(user.id)
    operator = service.is_operator(user.id)
    if not memberships and not operator:
        await send(context, chat_id, views.no_broadcast_rights(t))
        return
    await send(context, chat_id, views.staff_menu(t, memberships, operator=operator))


async def broadcast_command(update: Update, context: BotContext) -> None:
    """Start a message: at once for the one association of a staff member, else the menu."""
    chat_id, _, t = await who(update, context)
    user = update.effective_user
    assert user is not None
    service = context.services.associations
    memberships = await service.memberships(user.id)
    if len(memberships) == 1 and not service.is_operator(user.id):
        only = memberships[0]
        await context.services.broadcasts.start(only.association_id, user.id, t.locale)
        await send(context, chat_id, write_message(t, only.name))
        return
    await staff_command(update, context)


@dataclass(frozen=True)
class StaffPress:
    """A staff menu press: who pressed where, and the association (its id and name) concerned."""

    context: BotContext
    query: CallbackQuery
    chat_id: int
    user_id: int
    t: Translator
    association_id: int  # 0 for the operator's "everyone"
    name: str


async def staff_pressed(update: Update, context: BotContext, value: str) -> None:
    """A staff menu button: `<action>.<association>`, checked again for this user."""
    query = update.callback_query
    assert query is not None and query.message is not None
    chat_id, _, t = await who(update, context)
    pressed = cb.split_action(StaffAction, value)
    raw = pressed[1] if pressed else ""
    association_id = cb.number(raw)
    name = await context.services.associations.name(association_id) if association_id else None
    try:
        if pressed is None:
            raise Refused("unknown action")
        action = pressed[0]
        if action is StaffAction.EVERYONE:  # the operator's message to everyone: association 0
            if raw != "0":
                raise Refused(action)
            association_id, name = 0, everyone(t)
        elif name is None or association_id is None:
            raise Refused("unknown association")
        press = StaffPress(context, query, chat_id, query.from_user.id, t, association_id, name)
        await STAFF_ACTIONS[action](press)
    except Refused:
        await query.answer(views.not_allowed(t), show_alert=True)


async def _write(p: StaffPress) -> None:
    """Open a draft for the association's followers and ask for its text."""
    await p.context.services.broadcasts.start(p.association_id, p.user_id, p.t.locale)
    await p.query.answer()
    await send(p.context, p.chat_id, write_message(p.t, p.name))


async def _write_to_everyone(p: StaffPress) -> None:
    """Open the operator's draft to everyone who uses the bot (refused to anyone else)."""
    await p.context.services.broadcasts.start(None, p.user_id, p.t.locale)
    await p.query.answer()
    await send(p.context, p.chat_id, write_message(p.t, p.name))


async def _follow_link(p: StaffPress) -> None:
    """Give the follow link, and its QR code to print."""
    token = await p.context.services.associations.follow_token(p.association_id, p.user_id)
    link = views.deep_link(p.context.bot.username, FOLLOW_PREFIX + token)
    await p.query.answer()
    await send(p.context, p.chat_id, views.follow_link(p.t, p.name, link))
    await send_file(p.context, p.chat_id, "follow-qr.png", _qr_png(link))


async def _counts(p: StaffPress) -> None:
    """Count the followers by language, department and stage (never who they are)."""
    numbers = await p.context.services.associations.counts(p.association_id, p.user_id)
    await p.query.answer()
    await send(p.context, p.chat_id, views.counts(p.t, p.name, numbers))


async def _history(p: StaffPress) -> None:
    """Show the association's latest and scheduled messages."""
    await broadcasts.send_history(p.context, p.chat_id, p.t, p.association_id, p.name, p.user_id)
    await p.query.answer()


def _invite(role: Role) -> Callable[[StaffPress], Awaitable[None]]:
    """Return the handler that gives a one-time invitation link for this role."""

    async def invite(p: StaffPress) -> None:
        token = await p.context.services.associations.invite(p.association_id, role, p.user_id)
        link = views.deep_link(p.context.bot.username, INVITE_PREFIX + token)
        await p.query.answer()
        await send(p.context, p.chat_id, views.invitation(p.t, p.name, role, link))

    return invite


async def _staff_list(p: StaffPress) -> None:
    """List the staff, with a button to remove each other member (admins only)."""
    await p.query.answer()
    screen = await _staff_screen(p.context, p.t, p.association_id, p.name, p.user_id)
    await send(p.context, p.chat_id, screen)


async def _staff_screen(
    context: BotContext, t: Translator, association_id: int, name: str, actor: int
) -> Screen:
    """Return the staff list with the invitations not used yet (admins only)."""
    service = context.services.associations
    members = await service.staff(association_id, actor)
    invites = await service.pending_invites(association_id, actor)
    return views.staff_list(t, association_id, name, members, actor, invites)


async def invite_cancel_pressed(update: Update, context: BotContext, value: str) -> None:
    """Cancel an invitation not used yet (admins only); the staff list is shown again."""
    query = update.callback_query
    assert query is not None
    _, _, t = await who(update, context)
    pair = _pair(value)
    service = context.services.associations
    name = None if pair is None else await service.name(pair[0])
    if pair is None or name is None:
        await query.answer(errors.stale_button(t))
        return
    association_id, invite_id = pair
    try:
        cancelled = await service.cancel_invite(association_id, invite_id, query.from_user.id)
        screen = await _staff_screen(context, t, association_id, name, query.from_user.id)
    except Refused:
        await query.answer(views.not_allowed(t), show_alert=True)
        return
    await query.answer(views.invitation_cancelled(t) if cancelled else errors.stale_button(t))
    await replace_screen(context, query.message, screen)


async def _directory(p: StaffPress) -> None:
    """The association's own entry in the directory of help (admins)."""
    await show_entry(p.context, p.chat_id, p.user_id, p.t, p.association_id)
    await p.query.answer()


STAFF_ACTIONS: dict[StaffAction, Callable[[StaffPress], Awaitable[None]]] = {
    StaffAction.DIRECTORY: _directory,
    StaffAction.BROADCAST: _write,
    StaffAction.EVERYONE: _write_to_everyone,
    StaffAction.FOLLOW_LINK: _follow_link,
    StaffAction.COUNTS: _counts,
    StaffAction.HISTORY: _history,
    StaffAction.INVITE_STAFF: _invite(Role.STAFF),
    StaffAction.INVITE_ADMIN: _invite(Role.ADMIN),
    StaffAction.STAFF_LIST: _staff_list,
}


async def staff_remove_pressed(update: Update, context: BotContext, value: str) -> None:
    """Remove a staff member (admins only; never the last admin)."""
    query = update.callback_query
    assert query is not None
    _, _, t = await who(update, context)
    pair = _pair(value)
    if pair is None:
        await query.answer(errors.stale_button(t))
        return
    association_id, member = pair
    try:
        removed = await context.services.associations.remove_staff(
            association_id, member, query.from_user.id
        )
    except Refused as refusal:
        text = views.last_admin(t) if str(refusal) == "last_admin" else views.not_allowed(t)
        await query.answer(text, show_alert=True)
        return
    await query.answer()
    if removed:
        await replace_screen(context, query.message, Screen(views.staff_removed(t)))


def _qr_png(link: str) -> bytes:
    """Return a printable QR code of a link, as PNG."""
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=10, border=4)
    return buffer.getvalue()


def _pair(value: str) -> tuple[int, int] | None:
    """Read `<association>.<number>` button data (None: forged or malformed)."""
    first, _, second = value.partition(".")
    association_id, number = cb.number(first), cb.number(second)
    return None if association_id is None or number is None else (association_id, number)
