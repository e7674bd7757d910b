"""Typed callback context: handlers reach the services through `context.bot_data`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot, JobQueue

from bot.domain.rules.model import RuleBook
from bot.health import Liveness
from bot.scheduling.dispatcher import Dispatcher
from bot.sending import Sender
from bot.services import Services
from bot.services.conversation import ConversationService
from bot.speech.speaker import Speaker
from bot.views.privacy import Controller
from bot.webhook import WebhookServer


@dataclass
class BotData:
    """What every handler needs; filled in by `post_init` (PTB creates it empty)."""

    services: Services | None = None
    conversation: ConversationService | None = None
    book: RuleBook | None = None
    dispatcher: Dispatcher | None = None
    sender: Sender | None = None
    speaker: Speaker | None = None  # voice notes, when an engine is installed
    dispatch_interval: float = 60.0
    controller: Controller = field(default_factory=Controller)  # who runs the bot (/privacy)
    inactivity_months: int = 18
    webhook_receiving: bool = False  # the webhook server (bot/webhook.py) is listening
    webhook: WebhookServer | None = None  # that server (its count of updates passed on)
    liveness: Liveness = field(default_factory=Liveness)


class BotContext(CallbackContext[ExtBot[dict[str, Any]], dict[Any, Any], dict[Any, Any], BotData]):
    """CallbackContext with typed access to the services."""

    @property
    def services(self) -> Services:
        """Return the use cases (set at start)."""
        assert self.bot_data.services is not None, "services are built in post_init"
        return self.bot_data.services

    @property
    def conversation(self) -> ConversationService:
        """Return the conversation use cases."""
        assert self.bot_data.conversation is not None, "services are built in post_init"
        return self.bot_data.conversation

    @property
    def dispatcher(self) -> Dispatcher:
        """Return the reminder dispatcher."""
        assert self.bot_data.dispatcher is not None, "the dispatcher is built in post_init"
        return self.bot_data.dispatcher

    @property
    def sender(self) -> Sender:
        """Return the one path every message leaves through."""
        assert self.bot_data.sender is not None, "the sender is built in post_init"
        return self.bot_data.sender

    @property
    def dispatch_interval(self) -> float:
        """Return how often the dispatcher runs at least, in seconds."""
        return self.bot_data.dispatch_interval

    @property
    def book(self) -> RuleBook:
        """Return the deadline rules."""
        assert self.bot_data.book is not None, "rules are loaded in post_init"
        return self.bot_data.book


BotApplication = Application[
    ExtBot[dict[str, Any]],
    BotContext,
    dict[Any, Any],
    dict[Any, Any],
    BotData,
    JobQueue[BotContext],
]
