"""`python -m bot association ...`: the operator creates associations and invites their admins.

The invite link is printed once: only its hash is stored, so it cannot be shown again (invite a
new admin instead). The bot's username, needed for the t.me link, is asked from the Bot API.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from telegram import Bot

from bot.clock import SystemClock
from bot.config import Settings
from bot.db.engine import async_session_factory, create_async_engine
from bot.domain.permissions import Role
from bot.services.associations import INVITE_PREFIX, AssociationService
from bot.services.unit import Sessions
from bot.views.staff import deep_link


def create(args: argparse.Namespace, settings: Settings) -> int:
    """Create an association and print its first admin's one-time invite link."""
    return asyncio.run(create_and_print(settings, args.name))


def invite(args: argparse.Namespace, settings: Settings) -> int:
    """Print a one-time invite link for an admin of an existing association."""
    return asyncio.run(invite_and_print(settings, args.association_id))


async def create_and_print(settings: Settings, name: str) -> int:
    username = await _bot_username(settings)
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


async def invite_and_print(settings: Settings, association_id: int) -> int:
    username = await _bot_username(settings)
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
    """Ask the Bot API for the bot's username (t.me links need it)."""
    bot = Bot(settings.require_token(), base_url=settings.telegram_api_base_url)
    async with bot:
        return bot.username
