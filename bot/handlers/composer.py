"""The broadcast composer in the chat: the texts a staff member types for their draft, and its
buttons, routed by a table (DraftAction -> handler). Every press acts on the presser's own draft
only, and the services check again that they may still broadcast."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from telegram import CallbackQuery, MaybeInaccessibleMessage, Message, Update

from bot import callback_data as cb
from bot.callback_data import DraftAction
from bot.context import BotContext
from bot.domain.situations import SITUATIONS
from bot.domain.typed_dates import DateProblem, parse_date_time
from bot.handlers.base import replace_screen, send, send_screens, translator_for, who
from bot.handlers.broadcasts import draft_name, local_now, quiet_until
from bot.i18n import Translator, supported_languages
from bot.scheduling.jobs import wake_dispatcher
from bot.services.associations import Refused
from bot.services.audience import Audience
from bot.services.drafts import Draft
from bot.views import composer as views
from bot.views import errors
from bot.views.broadcasts import broadcast_progress, draft_discarded, scheduled
from bot.views.common import Screen
from bot.views.onboarding import STAGE_LABELS, stage_label
from bot.views.staff import language_name, not_allowed


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
        await send(context, chat_id, not_allowed(t))
        return True
    await show_preview(context, chat_id, user.id, update)
    return True


@dataclass(frozen=True)
class DraftPress:
    """A composer press: who pressed where, their draft, and the button's argument."""

    update: Update
    context: BotContext
    query: CallbackQuery
    message: MaybeInaccessibleMessage
    chat_id: int
    user_id: int
    t: Translator
    draft: Draft
    argument: str


async def draft_pressed(update: Update, context: BotContext, value: str) -> None:
    """The composer's buttons (`<action>[.<argument>]`); they only act on the presser's draft."""
    query = update.callback_query
    assert query is not None and query.message is not None
    chat_id, _, t = await who(update, context)
    user_id = query.from_user.id
    draft = await context.services.broadcasts.current_draft(user_id)
    pressed = cb.split_action(DraftAction, value)
    if draft is None or pressed is None:
        await query.answer(errors.stale_button(t))
        return
    action, argument = pressed
    press = DraftPress(update, context, query, query.message, chat_id, user_id, t, draft, argument)
    try:
        await DRAFT_ACTIONS[action](press)
    except Refused:
        await context.services.broadcasts.discard(user_id)
        await query.answer(not_allowed(t), show_alert=True)


async def _discard(p: DraftPress) -> None:
    """Drop the draft: nothing is sent."""
    await p.context.services.broadcasts.discard(p.user_id)
    await p.query.answer()
    await replace_screen(p.context, p.message, Screen(draft_discarded(p.t)))


async def _pick_version(p: DraftPress) -> None:
    """Ask which language the next version is for (those not written yet)."""
    await p.query.answer()
    await replace_screen(p.context, p.message, views.pick_version_language(p.t, p.draft))


async def _write_version(p: DraftPress) -> None:
    """The next text is the version in the language pressed (a language the bot speaks)."""
    if not any(language.code == p.argument for language in supported_languages()):
        await p.query.answer(errors.stale_button(p.t))
        return
    await p.context.services.broadcasts.wait_for_version(p.user_id, p.argument)
    await p.query.answer()
    await replace_screen(p.context, p.message, views.write_version(p.t, p.argument))


def _audience_menu(dimension: str) -> Callable[[DraftPress], Awaitable[None]]:
    """Return the handler that shows the values of one audience filter."""

    async def menu(p: DraftPress) -> None:
        await p.query.answer()
        await _audience_screen(p, dimension)

    return menu


def _toggle(dimension: str) -> Callable[[DraftPress], Awaitable[None]]:
    """Return the handler that ticks or unticks the value pressed in one audience filter."""

    async def toggle(p: DraftPress) -> None:
        # Only a group offered (at least the threshold) can be added: a forged value naming a
        # small group would let two previews tell its size.
        offered = await _offered(p, dimension)
        if p.argument not in offered and p.argument not in getattr(p.draft.audience, dimension):
            await p.query.answer(errors.stale_button(p.t))
            return
        audience = p.draft.audience.toggled(dimension, p.argument)
        await p.context.services.broadcasts.set_audience(p.user_id, audience)
        await p.query.answer()
        await _audience_screen(p, dimension)

    return toggle


async def _situations(p: DraftPress) -> None:
    """Show the situations and windows, the draft's own ticked."""
    await _change_situation(p, lambda audience: audience)


async def _choose_situation(p: DraftPress) -> None:
    """Choose a situation by id, or none (NO_SITUATION): no deadline filter."""
    chosen = None if p.argument == views.NO_SITUATION else p.argument
    await _change_situation(p, lambda audience: audience.with_situation(chosen))


async def _choose_window(p: DraftPress) -> None:
    """Choose how many days ahead to look; the first situation if none was chosen yet."""
    days = int(p.argument) if p.argument.isdigit() else -1
    await _change_situation(
        p, lambda audience: audience.with_situation(audience.situation or SITUATIONS[0].id, days)
    )


async def _change_situation(p: DraftPress, change: Callable[[Audience], Audience]) -> None:
    """Apply a change to the draft's situation filter and show the situations again; a forged
    situation or window changes nothing."""
    try:
        audience = change(p.draft.audience)
    except ValueError:
        await p.query.answer(errors.stale_button(p.t))
        return
    updated = await p.context.services.broadcasts.set_audience(p.user_id, audience)
    await p.query.answer()
    if updated is not None:
        await replace_screen(p.context, p.message, views.pick_situation(p.t, updated))


async def _back_to_preview(p: DraftPress) -> None:
    """Back to the preview; the next text typed is not for the draft any more."""
    await p.context.services.broadcasts.stop_waiting(p.user_id)
    await p.query.answer()
    await show_preview(p.context, p.chat_id, p.user_id, p.update, replace=True)


async def _may_send(p: DraftPress) -> bool:
    """Tell whether the draft's audience may receive it; if not, say why in an alert."""
    reach = await p.context.services.broadcasts.reach(p.user_id)
    if reach.value is None:
        await p.query.answer(views.too_few(p.t), show_alert=True)
        return False
    if reach.value == 0:
        await p.query.answer(views.nobody(p.t), show_alert=True)
        return False
    return True


async def _pick_schedule(p: DraftPress) -> None:
    """Offer moments to send it later; the next text typed may be a date and time."""
    if not await _may_send(p):
        return
    await p.context.services.broadcasts.wait_for_schedule(p.user_id)
    await p.query.answer()
    await replace_screen(p.context, p.message, views.pick_schedule(p.t, local_now(p.context)))


async def _schedule_pressed(p: DraftPress) -> None:
    """Schedule at a moment offered (local YYYYMMDDHHMM); a forged one is a stale button."""
    try:
        naive = datetime.strptime(p.argument, views.MOMENT_FORMAT)
    except ValueError:
        await p.query.answer(errors.stale_button(p.t))
        return
    await p.query.answer()
    await _schedule(p.context, p.update, p.message, naive.replace(tzinfo=p.context.services.zone))


async def _send_now(p: DraftPress) -> None:
    """Send the draft now; this chat gets a progress message that becomes the report."""
    broadcasts = p.context.services.broadcasts
    if not await _may_send(p):
        return
    await p.query.answer()
    if isinstance(p.message, Message):  # the preview stays, without its buttons
        await p.context.sender.remove_buttons(p.chat_id, p.message.message_id)
    progress = await send(p.context, p.chat_id, views.preparing(p.t))
    if not await broadcasts.confirm(p.user_id, p.chat_id, progress.message_id):
        # The audience shrank below the threshold (or emptied) since the preview.
        await replace_screen(p.context, progress, Screen(views.too_few(p.t)))
        return
    report = await broadcasts.report(p.draft.id)
    sent = await broadcasts.draft_by_id(p.draft.id)
    assert report is not None and sent is not None
    screen = broadcast_progress(p.t, sent, report, quiet_until(p.context))
    await replace_screen(p.context, progress, screen)
    wake_dispatcher(p.context.application)  # type: ignore[arg-type]


DRAFT_ACTIONS: dict[DraftAction, Callable[[DraftPress], Awaitable[None]]] = {
    DraftAction.DISCARD: _discard,
    DraftAction.VERSIONS: _pick_version,
    DraftAction.VERSION_LANGUAGE: _write_version,
    DraftAction.MENU_LANGUAGES: _audience_menu("languages"),
    DraftAction.MENU_DEPARTMENTS: _audience_menu("departments"),
    DraftAction.MENU_STAGES: _audience_menu("stages"),
    DraftAction.TOGGLE_LANGUAGE: _toggle("languages"),
    DraftAction.TOGGLE_DEPARTMENT: _toggle("departments"),
    DraftAction.TOGGLE_STAGE: _toggle("stages"),
    DraftAction.SITUATIONS: _situations,
    DraftAction.SITUATION: _choose_situation,
    DraftAction.WINDOW: _choose_window,
    DraftAction.PREVIEW: _back_to_preview,
    DraftAction.LATER: _pick_schedule,
    DraftAction.AT: _schedule_pressed,
    DraftAction.SEND: _send_now,
}


async def _schedule_typed(update: Update, context: BotContext, text: str) -> None:
    """Read the date and time a staff member typed for their draft, and schedule it."""
    chat_id, _, t = await who(update, context)
    now = local_now(context)
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
    if await broadcasts.current_draft(user.id) is None:
        return
    done = await broadcasts.schedule(user.id, at, chat_id, message.message_id)
    if done is None:
        text = views.schedule_not_understood(t, local_now(context))
        await replace_screen(context, message, Screen(text))
        return
    name = await draft_name(context, t, done)
    await replace_screen(context, message, scheduled(t, done, name, local_now(context)))
    wake_dispatcher(context.application)  # type: ignore[arg-type]


async def show_preview(
    context: BotContext, chat_id: int, user_id: int, update: Update, *, replace: bool = False
) -> None:
    """Show the draft's preview: a new message, or in place of the screen pressed."""
    broadcasts = context.services.broadcasts
    draft = await broadcasts.current_draft(user_id)
    if draft is None:
        return
    t = translator_for(update, await context.services.people.profile(chat_id))
    name = await draft_name(context, t, draft)
    reach = await broadcasts.reach(user_id)
    screens = views.draft_preview(t, draft, name, reach, quiet_until(context))
    query = update.callback_query
    if replace and query is not None and query.message is not None:
        await replace_screen(context, query.message, screens[-1])  # the text is above
    else:
        await send_screens(context, chat_id, screens)


async def _offered(p: DraftPress, dimension: str) -> list[str]:
    """Return the values of one filter found among the followers in groups big enough to name
    (bot/domain/disclosure.py), largest first."""
    numbers = await p.context.services.associations.counts(p.draft.association_id, p.user_id)
    if dimension == "languages":
        return [code for code in numbers.by_language.shown if code != "?"]
    if dimension == "departments":
        return [code for code in numbers.by_department.shown if code != "?"]
    return [stage for stage in numbers.by_stage.shown if stage in STAGE_LABELS]


async def _audience_screen(p: DraftPress, dimension: str) -> None:
    """Show the values of one filter found among the followers, the chosen ones ticked."""
    draft = await p.context.services.broadcasts.current_draft(p.user_id)
    if draft is None:
        return
    values = await _offered(p, dimension)
    if dimension == "languages":
        options = [(code, language_name(code)) for code in values]
    elif dimension == "stages":
        options = [(stage, stage_label(p.t, stage)) for stage in values]
    else:
        options = [(code, code) for code in values]
    chosen = getattr(draft.audience, dimension)
    await replace_screen(p.context, p.message, views.pick_audience(p.t, dimension, options, chosen))
