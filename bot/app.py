"""Build the Telegram application: handlers, typed context, services created at start."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

from telegram import BotCommand, Update
from telegram.ext import Application, ContextTypes
from telegram.request import BaseRequest

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.context import BotApplication, BotContext, BotData
from bot.db.engine import async_session_factory, create_async_engine
from bot.domain.rules.loader import default_rulebook
from bot.handlers import register
from bot.handlers.base import tell_to_slow_down
from bot.health import HealthCheck, HealthServer
from bot.i18n import supported_languages, translator
from bot.scheduling.digest import schedule_digest
from bot.scheduling.dispatcher import Dispatcher, DispatchSettings
from bot.scheduling.jobs import keep_dispatching, schedule_dispatch, schedule_relay_poll
from bot.scheduling.replanning import schedule_replan
from bot.scheduling.retention import schedule_retention
from bot.scheduling.voice import VoiceFollowUps
from bot.sending import Sender
from bot.sending.pacing import SendRateLimiter
from bot.sending.request import AiohttpRequest
from bot.services import build_services
from bot.services.conversation import ConversationService
from bot.speech.engines import engines
from bot.speech.speaker import Speaker, load_voices
from bot.update_processor import FloodLimit, PerChatUpdateProcessor
from bot.views.menu import command_list
from bot.views.privacy import Controller
from bot.webhook import WebhookServer

log = logging.getLogger(__name__)
ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY]


@dataclass
class Runtime:
    """What the application owns beyond PTB: the database engine and the clock."""

    settings: Settings
    clock: Clock = field(default_factory=SystemClock)
    engine: object | None = None
    serve_health: bool = False
    health: HealthServer | None = None
    replan: bool = False
    watchdog: asyncio.Task[None] | None = None


def _speaker(settings: Settings) -> Speaker | None:
    """Return the voice-note maker for the languages an installed engine speaks, if any."""
    if not settings.voice_notes:
        return None
    voices = load_voices(settings.voices_file) if settings.voices_file else load_voices()
    speaker = Speaker(
        voices,
        engines=engines(settings.piper_voices_dir),
        workers=settings.voice_workers,
        queue=settings.voice_queue,
    )
    if not speaker.languages():
        log.info("voice notes: no engine installed for any language (espeak-ng, opusenc)")
        return None
    log.info("voice notes in %s", ", ".join(speaker.languages()))
    return speaker


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    clock: Clock | None = None,
    health: bool = False,
    replan: bool = False,
) -> BotApplication:
    """Return the application, ready to start; the database is opened in post_init.

    `health` serves GET /healthz on HEALTH_LISTEN:HEALTH_PORT while the bot runs (unless the
    port is 0). `replan` recomputes every stored plan after start if the rules file changed since
    they were computed (`run` asks for it; a dispatch-only instance does not).
    """
    runtime = Runtime(settings, clock or SystemClock(), serve_health=health, replan=replan)
    updates = PerChatUpdateProcessor(
        settings.max_concurrent_updates,
        FloodLimit(settings.flood_updates, settings.flood_seconds),
        on_flood=lambda update: tell_to_slow_down(application.bot_data, update),
    )
    builder = (
        Application.builder()
        .token(settings.require_token())
        .base_url(settings.telegram_api_base_url)
        .context_types(ContextTypes(context=BotContext, bot_data=BotData))
        .request(request or AiohttpRequest(max(16, settings.dispatch_concurrency + 8)))
        .rate_limiter(
            SendRateLimiter(
                settings.per_instance_rate,
                bulk_floor=settings.send_bulk_floor,
                reply_patience=settings.reply_retry_patience,
            )
        )
        .concurrent_updates(updates)
        .get_updates_request(AiohttpRequest(1, read_timeout=40))
        .post_init(lambda app: _post_init(app, runtime))
        .post_stop(_post_stop)
        .post_shutdown(lambda app: _post_shutdown(app, runtime))
    )
    application: BotApplication = builder.build()  # type: ignore[assignment]
    register(application)
    return application


async def _post_init(application: BotApplication, runtime: Runtime) -> None:
    """Open the database, build the services, and publish the commands in each language."""
    settings = runtime.settings
    engine = create_async_engine(settings.database_url)
    runtime.engine = engine
    services = build_services(
        async_session_factory(engine),
        book=default_rulebook(),
        clock=runtime.clock,
        zone=settings.timezone,
        reminder_time=settings.reminder_time,
        operators=frozenset(settings.bot_operator_ids),
        count_threshold=settings.count_threshold,
        inactivity_months=settings.inactivity_months,
        inactivity_notice_days=settings.inactivity_notice_days,
        thread_retention_days=settings.thread_retention_days,
        keep_days=(
            settings.reminder_retention_days,
            settings.broadcast_retention_days,
            settings.audit_retention_days,
        ),
    )
    data = application.bot_data
    data.services, data.book = services, default_rulebook()
    data.conversation = ConversationService(
        services.people, services.plans, services.conversations, runtime.clock
    )
    data.sender = Sender(application.bot)
    data.speaker = _speaker(settings)
    data.dispatcher = Dispatcher(
        services.plans.sessions,
        data.sender,
        data.book,
        runtime.clock,
        settings.timezone,
        DispatchSettings(
            lease=timedelta(seconds=settings.dispatch_lease),
            batch=settings.dispatch_batch,
            concurrency=settings.dispatch_concurrency,
            quiet=settings.quiet_hours,
            daily_cap=settings.broadcast_daily_cap,
            spoken=frozenset(data.speaker.languages() if data.speaker else ()),
            instance=(settings.bot_instance_index, max(1, len(settings.bot_peer_urls))),
        ),
        keep_going=lambda: application.running,
        broadcast_service=services.broadcasts,
        voice=VoiceFollowUps(data.speaker, data.sender),
    )
    data.dispatch_interval = settings.dispatch_interval
    data.controller = Controller(
        settings.operator_name, settings.operator_contact, settings.privacy_policy_url
    )
    data.inactivity_months = settings.inactivity_months
    await _publish_commands(application)
    schedule_dispatch(application, settings.dispatch_interval)
    runtime.watchdog = asyncio.create_task(
        keep_dispatching(application, settings.dispatch_interval), name="dispatch-watchdog"
    )
    schedule_retention(application, settings.retention_interval)
    schedule_digest(application, settings.timezone)
    if len(settings.bot_peer_urls) > 1:  # another instance may queue messages this one sends
        schedule_relay_poll(application)
    if runtime.replan:
        schedule_replan(application)
    if runtime.serve_health and settings.health_port:
        updater = application.updater
        check = HealthCheck(
            engine,
            data.liveness,
            settings.dispatch_interval,
            receiving=lambda: (updater is not None and updater.running) or data.webhook_receiving,
        )
        runtime.health = HealthServer(check, settings.health_listen, settings.health_port)
        await runtime.health.start()


async def _publish_commands(application: BotApplication) -> None:
    """Set the command list for every language we speak (and English by default)."""
    for language in supported_languages():
        t = translator(language.code)
        commands = [BotCommand(c, d) for c, d in command_list(t)]
        await application.bot.set_my_commands(commands, language_code=language.code.split("_")[0])
    english = [BotCommand(c, d) for c, d in command_list(translator("en"))]
    await application.bot.set_my_commands(english)


async def _post_stop(application: BotApplication) -> None:
    """Let the voice notes on their way after reminders leave (a few seconds at most)."""
    dispatcher = application.bot_data.dispatcher
    if dispatcher is not None and dispatcher.voice is not None:
        await dispatcher.voice.drain()


async def _post_shutdown(application: BotApplication, runtime: Runtime) -> None:
    """Stop the watchdog and the health endpoint, and close the database connections."""
    if runtime.watchdog is not None:
        runtime.watchdog.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await runtime.watchdog
        runtime.watchdog = None
    if runtime.health is not None:
        await runtime.health.stop()
        runtime.health = None
    engine = runtime.engine
    if engine is not None:
        await engine.dispose()  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Webhook:
    """Where Telegram posts updates, and the secret it must send back with each."""

    listen: str
    port: int
    url: str
    secret: str
    # With several instances: every instance's own webhook address, in BOT_INSTANCE_INDEX order,
    # and this one's index (each chat's updates go to one instance: bot/webhook.py).
    peers: tuple[str, ...] = ()
    index: int = 0

    @property
    def path(self) -> str:
        """Return the local path PTB serves (the path of the public URL)."""
        return urlsplit(self.url).path.lstrip("/")


@asynccontextmanager
async def running(
    application: BotApplication,
    *,
    poll_timeout: int = 10,
    webhook: Webhook | None = None,
    receive: bool = True,
) -> AsyncIterator[BotApplication]:
    """Run the bot inside an async block (tests, the demo, `dispatch`); stop it cleanly after.

    Updates come by long polling, or by webhook when `webhook` is given; `receive=False` runs
    only the jobs (the reminder dispatcher) for an instance that does not take updates.
    """
    await application.initialize()
    server = (
        WebhookServer(
            application,
            webhook.listen,
            webhook.port,
            webhook.path,
            webhook.secret,
            peers=webhook.peers,
            index=webhook.index,
        )
        if receive and webhook is not None
        else None
    )
    try:
        if application.post_init is not None:
            await application.post_init(application)
        updater = application.updater
        assert updater is not None
        if server is not None and webhook is not None:
            # Our own server, not PTB's: it refuses a post without the secret before reading it.
            await server.start()
            await application.bot.set_webhook(
                webhook.url, secret_token=webhook.secret, allowed_updates=ALLOWED_UPDATES
            )
            application.bot_data.webhook_receiving = True
            application.bot_data.webhook = server
        elif receive:
            await updater.start_polling(
                poll_interval=0.0, timeout=poll_timeout, allowed_updates=ALLOWED_UPDATES
            )
        await application.start()
        try:
            yield application
        finally:
            # Nothing is taken in that could not be handled any more: Telegram keeps it.
            await _stop_receiving(application, server)
            if updater.running:
                await updater.stop()
            await application.stop()
            if application.post_stop is not None:  # run_polling calls it; so do we
                await application.post_stop(application)
    finally:
        await _stop_receiving(application, server)
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
        await application.shutdown()


async def _stop_receiving(application: BotApplication, server: WebhookServer | None) -> None:
    """Stop the webhook server, if it listens."""
    if server is not None and server.running:
        application.bot_data.webhook_receiving = False
        await server.stop()
