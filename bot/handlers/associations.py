"""Associations in the chat: deep links (follow, join the staff), /associations, /staff, and the
broadcast composer. Every press and command is checked by the services (permissions module)."""

from __future__ import annotations

import io
from datetime import datetime

import segno
from telegram import MaybeInaccessibleMessage, Message, Update

from bot.context import BotContext
from bot.dates_input import DateProblem, parse_date_time
from bot.domain.permissions import Role
from bot.domain.situations import SITUATIONS
from bot.handlers.base import replace_screen, send, send_all, translator_for, who
from bot.i18n import Translator, supported_languages
from bot.scheduling.jobs import wake_dispatcher
from bot.services.associations import FOLLOW_PREFIX, INVITE_PREFIX, Refused
from bot.services.broadcasts import Draft
from bot.views import errors
from bot.views import staff as views
from bot.views.common import Screen
from bot.views.onboarding import STAGE_LABELS, stage_label


async def deep_link(update: Update, context: BotContext, payload: str) -> bool:
    """Handle `/start i_<token>` (join a staff) or `/start f_<token>` (follow); True if handled.

    Following needs the person's consent first: before it, the follow token rides along the
    language and consent buttons, and the follow happens right after "I agree".
    """
    chat_id, profile, t = await who(update, context)
    if payload.startswith(INVITE_PREFIX):
        user = update.effective_user
        assert user is not None
        membership = await context.services.associations.redeem(
            payload[len(INVITE_PREFIX) :], user.id, t.locale
        )
        text = views.joined_staff(t, membership) if membership else views.invitation_not_valid(t)
        await send(context, chat_id, text)
        return True
    if payload.startswith(FOLLOW_PREFIX) and profile is not None:
        association = await context.services.associations.follow(
            chat_id, payload[len(FOLLOW_PREFIX) :]
        )
        text = views.followed_now(t, association.name) if association else views.link_not_valid(t)
        await send(context, chat_id, text)
        return True
    return False


async def follow_after_consent(
    context: BotContext, chat_id: int, update: Update, token: str
) -> None:
    """Follow the association whose link brought the person, once they agreed."""
    association = await context.services.associations.follow(chat_id, token)
    _, _, t = await who(update, context)
    text = views.followed_now(t, association.name) if association else views.link_not_valid(t)
    await send(context, chat_id, text)


# -- people -----------------------------------------------------------------------------------


async def associations_command(update: Update, context: BotContext) -> None:
    """List the associations the person follows, with a button to leave each."""
    chat_id, profile, t = await who(update, context)
    if profile is None:
        await send(context, chat_id, errors.start_first(t))
        return
    followed = await context.services.associations.follows(chat_id)
    await send(context, chat_id, views.followed_list(t, followed))


async def leave_pressed(update: Update, context: BotContext, value: str) -> None:
    """Stop following an association."""
    query = update.callback_query
    assert query is not None
    chat_id, _, t = await who(update, context)
    association_id = _number(value)
    name = await context.services.associations.name(association_id) if association_id else None
    if (
        association_id is None
        or name is None
        or not await context.services.associations.unfollow(chat_id, association_id)
    ):
        await query.answer(errors.stale_button(t))
        return
    await context.services.plans.replan(chat_id)  # no more alerts to that association
    await query.answer()
    await replace_screen(query.message, Screen(views.left(t, name)))


async def share_pressed(update: Update, context: BotContext, value: str) -> None:
    """Share deadlines with a followed association: ask, agree, decline, or stop."""
    query = update.callback_query
    assert query is not None
    chat_id, _, t = await who(update, context)
    step, _, raw = value.partition(".")
    association_id = _number(raw)
    service = context.services.associations
    followed = {a.id: a for a in await service.follows(chat_id)}
    association = followed.get(association_id) if association_id is not None else None
    if association is None or step not in ("a", "y", "x", "n"):
        await query.answer(errors.stale_button(t))
        return
    await query.answer()
    if step == "a":
        await replace_screen(
            query.message, views.share_question(t, association.id, association.name)
        )
        return
    if step == "x":
        await replace_screen(query.message, Screen(views.sharing_declined(t)))
        return
    await service.share(chat_id, association.id, on=step == "y")
    await context.services.plans.replan(chat_id)  # plans or cancels the alerts
    text = (
        views.sharing_now(t, association.name)
        if step == "y"
        else views.sharing_stopped(t, association.name)
    )
    await replace_screen(query.message, Screen(text))


# -- staff ------------------------------------------------------------------------------------


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
    """Start a message: at once for the one association of a staff member, else choose."""
    chat_id, _, t = await who(update, context)
    user = update.effective_user
    assert user is not None
    service = context.services.associations
    memberships = await service.memberships(user.id)
    if len(memberships) == 1 and not service.is_operator(user.id):
        only = memberships[0]
        await context.services.broadcasts.start(only.association_id, user.id, t.locale)
        await send(context, chat_id, views.write_message(t, only.name))
        return
    await staff_command(update, context)


async def broadcasts_command(update: Update, context: BotContext) -> None:
    """Show the latest and scheduled messages of each association of the staff member."""
    chat_id, _, t = await who(update, context)
    user = update.effective_user
    assert user is not None
    service = context.services.associations
    targets: list[tuple[int | None, str]] = [
        (m.association_id, m.name) for m in await service.memberships(user.id)
    ]
    if service.is_operator(user.id):
        targets.append((None, views.everyone(t)))
    if not targets:
        await send(context, chat_id, views.no_broadcast_rights(t))
        return
    for association_id, name in targets:
        await _send_history(context, chat_id, t, association_id, name, user.id)


async def _send_history(
    context: BotContext,
    chat_id: int,
    t: Translator,
    association_id: int | None,
    name: str,
    user_id: int,
) -> None:
    pairs = await context.services.broadcasts.history(association_id, user_id)
    await send(context, chat_id, views.history(t, name, pairs, _local_now(context)))


async def staff_pressed(update: Update, context: BotContext, value: str) -> None:
    """A staff menu button: `<action>.<association>`, checked again for this user."""
    query = update.callback_query
    assert query is not None and query.message is not None
    chat_id, _, t = await who(update, context)
    user_id = query.from_user.id
    action, _, raw = value.partition(".")
    association_id = _number(raw)
    name = await context.services.associations.name(association_id) if association_id else None
    service = context.services.associations
    try:
        if action == "ev" and raw == "0":  # the operator's message to everyone
            await context.services.broadcasts.start(None, user_id, t.locale)
            await query.answer()
            await send(context, chat_id, views.write_message(t, views.everyone(t)))
            return
        if name is None or association_id is None:
            raise Refused("unknown association")
        if action == "bc":
            await context.services.broadcasts.start(association_id, user_id, t.locale)
            await query.answer()
            await send(context, chat_id, views.write_message(t, name))
        elif action == "ln":
            token = await service.follow_token(association_id, user_id)
            link = views.deep_link(context.bot.username, FOLLOW_PREFIX + token)
            await query.answer()
            await send(context, chat_id, views.follow_link(t, name, link))
            await context.bot.send_document(chat_id, _qr_png(link), filename="follow-qr.png")
        elif action == "ct":
            numbers = await service.counts(association_id, user_id)
            await query.answer()
            await send(context, chat_id, views.counts(t, name, numbers))
        elif action == "hi":
            await _send_history(context, chat_id, t, association_id, name, user_id)
            await query.answer()
        elif action in ("is", "ia"):
            role = Role.ADMIN if action == "ia" else Role.STAFF
            token = await service.invite(association_id, role, user_id)
            link = views.deep_link(context.bot.username, INVITE_PREFIX + token)
            await query.answer()
            await send(context, chat_id, views.invitation(t, name, role, link))
        elif action == "sl":
            members = await service.staff(association_id, user_id)
            await query.answer()
            screen = views.staff_list(t, association_id, name, members, user_id)
            await send(context, chat_id, screen)
        else:
            raise Refused(action)
    except Refused:
        await query.answer(views.not_allowed(t), show_alert=True)


async def staff_remove_pressed(update: Update, context: BotContext, value: str) -> None:
    """Remove a staff member (admins only; never the last admin)."""
    query = update.callback_query
    assert query is not None
    _, _, t = await who(update, context)
    association_raw, _, user_raw = value.partition(".")
    association_id, member = _number(association_raw), _number(user_raw)
    if association_id is None or member is None:
        await query.answer(errors.stale_button(t))
        return
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
        await replace_screen(query.message, Screen(views.staff_removed(t)))


# -- the broadcast composer --------------------------------------------------------------------


async def draft_text(update: Update, context: BotContext) -> bool:
    """Take a staff member's typed message as the text their draft waits for; True if taken."""
    user = update.effective_user
    message = update.effective_message
    if user is None or message is None or not message.text:
        return False
    broadcasts = context.services.broadcasts
    draft = await broadcasts.current_draft(user.id)
    if draft is None or draft.waiting_for is None:
        return False
    chat_id, _, t = await who(update, context)
    if draft.waiting_for == "schedule":
        await _schedule_typed(update, context, message.text)
        return True
    try:
        await broadcasts.write(user.id, message.text_html)
    except Refused:
        await broadcasts.discard(user.id)
        await send(context, chat_id, views.not_allowed(t))
        return True
    await _preview(context, chat_id, user.id, update)
    return True


async def draft_pressed(update: Update, context: BotContext, value: str) -> None:
    """The composer's buttons; they only ever act on the presser's own draft."""
    query = update.callback_query
    assert query is not None and query.message is not None
    chat_id, _, t = await who(update, context)
    user_id = query.from_user.id
    broadcasts = context.services.broadcasts
    draft = await broadcasts.current_draft(user_id)
    if draft is None:
        await query.answer(errors.stale_button(t))
        return
    action, _, argument = value.partition(".")
    try:
        if action == "no":
            await broadcasts.discard(user_id)
            await query.answer()
            await replace_screen(query.message, Screen(views.draft_discarded(t)))
        elif action == "ver":
            await query.answer()
            await replace_screen(query.message, views.pick_version_language(t, draft))
        elif action == "vl" and any(lang.code == argument for lang in supported_languages()):
            await broadcasts.wait_for_version(user_id, argument)
            await query.answer()
            await replace_screen(query.message, views.write_version(t, argument))
        elif action in ("al", "ad", "as"):
            await query.answer()
            await _audience_screen(update, context, AUDIENCE_MENUS[action])
        elif action in AUDIENCE_TOGGLES:
            dimension = AUDIENCE_TOGGLES[action]
            await broadcasts.set_audience(user_id, draft.audience.toggled(dimension, argument))
            await query.answer()
            await _audience_screen(update, context, dimension)
        elif action in ("si", "sit", "win"):
            await _situation_pressed(update, context, draft, action, argument)
        elif action == "pv":
            await broadcasts.stop_waiting(user_id)
            await query.answer()
            await _preview(context, chat_id, user_id, update, replace=True)
        elif action == "lt":
            await broadcasts.wait_for_schedule(user_id)
            await query.answer()
            await replace_screen(query.message, views.pick_schedule(t, _local_now(context)))
        elif action == "at" and (at := _scheduled_moment(context, argument)) is not None:
            await query.answer()
            await _schedule(context, update, query.message, at)
        elif action == "ok":
            if await broadcasts.recipients(user_id) == 0:
                await query.answer(views.nobody(t), show_alert=True)
                return
            await query.answer()
            await _remove_buttons(query.message)
            progress = await send(context, chat_id, views.preparing(t))
            await broadcasts.confirm(user_id, chat_id, progress.message_id)
            report = await broadcasts.report(draft.id)
            sent_draft = await broadcasts.draft_by_id(draft.id)
            assert report is not None and sent_draft is not None
            screen = views.broadcast_progress(t, sent_draft, report, _quiet_until(context))
            await replace_screen(progress, screen)
            wake_dispatcher(context.application)  # type: ignore[arg-type]
        else:
            await query.answer(errors.stale_button(t))
    except Refused:
        await broadcasts.discard(user_id)
        await query.answer(views.not_allowed(t), show_alert=True)


async def _situation_pressed(
    update: Update, context: BotContext, draft: Draft, action: str, argument: str
) -> None:
    """Choose a deadline situation ("sit.<id>" or "sit.none") or a window ("win.<days>")."""
    query = update.callback_query
    assert query is not None and query.message is not None
    _, _, t = await who(update, context)
    audience = draft.audience
    try:
        if action == "sit":
            audience = audience.with_situation(None if argument == "none" else argument)
        elif action == "win":
            audience = audience.with_situation(
                audience.situation or SITUATIONS[0].id, int(argument) if argument.isdigit() else -1
            )
    except ValueError:
        await query.answer(errors.stale_button(t))
        return
    updated = await context.services.broadcasts.set_audience(query.from_user.id, audience)
    await query.answer()
    if updated is not None:
        await replace_screen(query.message, views.pick_situation(t, updated))


def _scheduled_moment(context: BotContext, argument: str) -> datetime | None:
    """Read a schedule button's local moment (YYYYMMDDHHMM); None if forged or malformed."""
    try:
        naive = datetime.strptime(argument, "%Y%m%d%H%M")
    except ValueError:
        return None
    return naive.replace(tzinfo=context.services.zone)


async def _schedule_typed(update: Update, context: BotContext, text: str) -> None:
    """Read the date and time a staff member typed for their draft, and schedule it."""
    chat_id, _, t = await who(update, context)
    now = _local_now(context)
    try:
        on, at = parse_date_time(text, locale=t.locale, today=now.date())
    except DateProblem:
        await send(context, chat_id, views.schedule_not_understood(t, now))
        return
    moment = datetime.combine(on, at, now.tzinfo)
    if moment <= now:
        await send(context, chat_id, views.schedule_not_understood(t, now))
        return
    progress = await send(context, chat_id, views.preparing(t))
    await _schedule(context, update, progress, moment)


async def _schedule(
    context: BotContext, update: Update, message: MaybeInaccessibleMessage, at: datetime
) -> None:
    """Schedule the presser's draft at `at`; the message shown becomes its progress report."""
    chat_id, _, t = await who(update, context)
    user = update.effective_user
    assert user is not None and isinstance(message, Message)
    broadcasts = context.services.broadcasts
    draft = await broadcasts.current_draft(user.id)
    if draft is None:
        return
    scheduled = await broadcasts.schedule(user.id, at, chat_id, message.message_id)
    if scheduled is None:
        text = views.schedule_not_understood(t, _local_now(context))
        await replace_screen(message, Screen(text))
        return
    name = await _draft_name(context, t, scheduled)
    await replace_screen(message, views.scheduled(t, scheduled, name, _local_now(context)))
    wake_dispatcher(context.application)  # type: ignore[arg-type]


async def _draft_name(context: BotContext, t: Translator, draft: Draft) -> str:
    """Return who a draft speaks for: its association, or everyone (the operator's)."""
    if draft.association_id is None:
        return views.everyone(t)
    return await context.services.associations.name(draft.association_id) or ""


def _local_now(context: BotContext) -> datetime:
    return context.services.clock.now().astimezone(context.services.zone)


def _quiet_until(context: BotContext) -> datetime | None:
    """Return when broadcasts may go out again, if now is within the quiet hours."""
    quiet = context.dispatcher.settings.quiet
    return None if quiet is None else quiet.resume_at(_local_now(context))


async def stop_pressed(update: Update, context: BotContext, value: str) -> None:
    """Stop a broadcast being sent (staff of its association)."""
    query = update.callback_query
    assert query is not None
    _, _, t = await who(update, context)
    broadcast_id = _number(value)
    try:
        report = (
            await context.services.broadcasts.cancel(broadcast_id, query.from_user.id)
            if broadcast_id
            else None
        )
    except Refused:
        await query.answer(views.not_allowed(t), show_alert=True)
        return
    draft = await context.services.broadcasts.draft_by_id(broadcast_id) if broadcast_id else None
    if report is None or draft is None:
        await query.answer(errors.stale_button(t))
        return
    await query.answer()
    if report.total == 0 and report.status == "cancelled":  # cancelled before it went out
        await replace_screen(query.message, Screen(views.draft_discarded(t)))
        return
    await replace_screen(query.message, views.broadcast_progress(t, draft, report))


async def _preview(
    context: BotContext, chat_id: int, user_id: int, update: Update, *, replace: bool = False
) -> None:
    broadcasts = context.services.broadcasts
    draft = await broadcasts.current_draft(user_id)
    if draft is None:
        return
    t = translator_for(update, await context.services.people.profile(chat_id))
    name = await _draft_name(context, t, draft)
    count = await broadcasts.recipients(user_id)
    texts, buttons = views.draft_preview(t, draft, name, count, _quiet_until(context))
    query = update.callback_query
    if replace and query is not None and query.message is not None:
        await replace_screen(query.message, Screen(texts[-1], buttons))  # the text is above
    else:
        await send_all(context, chat_id, texts, buttons)


async def _audience_screen(update: Update, context: BotContext, dimension: str) -> None:
    query = update.callback_query
    assert query is not None and query.message is not None
    _, _, t = await who(update, context)
    user_id = query.from_user.id
    draft = await context.services.broadcasts.current_draft(user_id)
    if draft is None:
        return
    numbers = await context.services.associations.counts(draft.association_id, user_id)
    if dimension == "languages":
        languages = numbers.by_language
        options = [(code, views.language_name(code)) for code in languages if code != "?"]
    elif dimension == "departments":
        options = [(code, code) for code in numbers.by_department if code != "?"]
    else:
        options = [(s, stage_label(t, s)) for s in numbers.by_stage if s in STAGE_LABELS]
    chosen = getattr(draft.audience, dimension)
    await replace_screen(query.message, views.pick_audience(t, dimension, options, chosen))


async def _remove_buttons(message: MaybeInaccessibleMessage) -> None:
    """Leave a message as it is, without its buttons."""
    if isinstance(message, Message):
        await message.edit_reply_markup(reply_markup=None)


AUDIENCE_MENUS = {"al": "languages", "ad": "departments", "as": "stages"}
AUDIENCE_TOGGLES = {"tl": "languages", "td": "departments", "ts": "stages"}


def _qr_png(link: str) -> bytes:
    """Return a printable QR code of a link, as PNG."""
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=10, border=4)
    return buffer.getvalue()


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) < 19 else None
