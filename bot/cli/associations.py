"""`python -m bot association ...`: the operator creates associations and invites their admins.

The invite link is printed once: only its hash is stored, so it cannot be shown again (invite a
new admin instead). The bot's username, needed for the t.me link, is asked from the Bot API, unless
`--username` gives it: then nothing is sent to Telegram (no token or network needed).
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from telegram import Bot
from telegram.error import TelegramError

from bot.cli import telegram_unavailable
from bot.clock import SystemClock
from bot.config import Settings
from bot.db.engine import async_session_factory, create_async_engine
from bot.domain.permissions import Role
from bot.services.associations import INVITE_PREFIX, AssociationService
from bot.services.unit import Sessions
from bot.views.staff import deep_link


def create(args: argparse.Namespace, settings: Settings) -> int:
    """Create an association and print its first admin's one-time invite link."""
    return asyncio.run(create_and_print(settings, args.name, username=args.username))


def invite(args: argparse.Namespace, settings: Settings) -> int:
    """Print a one-time invite link for an admin of an existing association."""
    return asyncio.run(invite_and_print(settings, args.association_id, username=args.username))


async def create_and_print(settings: Settings, name: str, *, username: str | None = None) -> int:
    """Create the association, then print its number and first admin's link (`username`: the
    bot's, else asked from Telegram before anything is written)."""
    username = username or await _bot_username(settings)
    engine = create_async_engine(settings.database_url)
    try:
        service = AssociationService(Sessions(async_session_factory(engine)), SystemClock())
        association, token = await service.create(name)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        await engine.dispose()
    print(f"Association #{association.id} created: {association.name}")
    print("One-time link for its first admin (valid 7 days, shown only now):")
    print(deep_link(username, INVITE_PREFIX + token))
    return 0


async def invite_and_print(
    settings: Settings, association_id: int, *, username: str | None = None
) -> int:
    """Print a new one-time admin link of an association (`username`: as for create)."""
    username = username or await _bot_username(settings)
    engine = create_async_engine(settings.database_url)
    try:
        sessions = Sessions(async_session_factory(engine))
        service = AssociationService(sessions, SystemClock())
        if await service.name(association_id) is None:
            print(f"error: no association #{association_id}", file=sys.stderr)
            return 2
        token = await service.invite(association_id, Role.ADMIN, None)
    finally:
        await engine.dispose()
    print("One-time admin link (valid 7 days, shown only now):")
    print(deep_link(username, INVITE_PREFIX + token))
    return 0


async def _bot_username(settings: Settings) -> str:
    """Ask the Bot API for the bot's username (t.me links need it); a refused token or an
    unreachable API is one line (TelegramUnavailable), the connection closed by `async with`."""
    bot = Bot(settings.require_token(), base_url=settings.telegram_api_base_url)
    try:
        async with bot:
            return bot.username
    except TelegramError as error:
        raise telegram_unavailable(error, settings) from None
