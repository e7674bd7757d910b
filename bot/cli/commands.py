"""The subcommands of `python -m bot`; each returns a process exit code."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import urllib.error
import urllib.request
from typing import TYPE_CHECKING

from bot.cli import (
    USAGE_ERROR,
    configure_logging,
    connect_to_telegram,
    now_for,
    settings_from_environment,
    telegram_unavailable,
)
from bot.cli.deadlines_output import assumptions, plan_as_json, plan_as_text
from bot.cli.event_args import EventArgumentError, parse_facts
from bot.config import ConfigError, Settings, load_settings
from bot.domain.events import FactsError
from bot.domain.planner import compute_plan
from bot.domain.prefectures import DepartmentError, find_department, prefecture_for
from bot.domain.rules.loader import default_rulebook
from bot.i18n import CatalogError, load_all_catalogs, translator

if TYPE_CHECKING:
    from bot.app import Webhook
    from bot.context import BotApplication


def run(args: argparse.Namespace) -> int:
    """Validate the configuration, check the token with Telegram, migrate the database, then run
    the bot.

    Long polling by default; `--webhook` receives updates over HTTPS (WEBHOOK_URL, checked with
    WEBHOOK_SECRET on every request), so several instances can share the work.
    """
    settings = settings_from_environment()
    settings.require_token()
    require_catalogs()
    webhook = settings.require_webhook() if args.webhook else None
    refuse_a_lost_database(settings.database_url)
    configure_logging(settings)
    default_rulebook()
    from bot.app import build_application

    application = build_application(settings, health=True, replan=True)
    # run_polling/run_webhook run on the current event loop (and close it): the first call to
    # Telegram is made on it beforehand, so a refused token or no network is one clear line.
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(connect_to_telegram(application, settings))
        _migrate(settings.database_url)
    except BaseException:
        loop.run_until_complete(application.shutdown())
        loop.close()
        raise
    _warn_if_anonymous(settings)
    _serve(application, settings, webhook)
    return 0


def _serve(
    application: BotApplication, settings: Settings, webhook: tuple[str, str] | None
) -> None:
    """Take updates by long polling or by webhook until stopped (SIGINT, SIGTERM)."""
    from telegram.error import TelegramError

    from bot.app import ALLOWED_UPDATES, Webhook

    try:
        if webhook is None:
            application.run_polling(allowed_updates=ALLOWED_UPDATES)
            return
        url, secret = webhook
        hook = Webhook(
            settings.webhook_listen,
            settings.webhook_port,
            url,
            secret,
            peers=settings.bot_peer_urls,
            index=settings.bot_instance_index,
        )
        loop = asyncio.get_event_loop()
        try:
            loop.run_until_complete(_serve_webhook(application, hook))
        finally:
            loop.close()
    except TelegramError as error:  # only start-up calls (setMyCommands, setWebhook) end here
        raise telegram_unavailable(error, settings) from None


async def _serve_webhook(application: BotApplication, hook: Webhook) -> None:
    """Take updates on the bot's own webhook server (bot/webhook.py) until SIGTERM or SIGINT."""
    from bot.app import running

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with running(application, webhook=hook):
        await stop.wait()


def dispatch(args: argparse.Namespace) -> int:
    """Run only the reminder dispatcher (no updates): a sending instance, or a one-off catch-up."""
    settings = settings_from_environment()
    settings.require_token()
    require_catalogs()
    configure_logging(settings)
    return asyncio.run(_dispatch(settings, until_idle=args.until_idle))


async def _dispatch(settings: Settings, *, until_idle: bool) -> int:
    """Check the token with Telegram, then the database's schema, then run the dispatcher."""
    from bot.app import build_application
    from bot.cli.dispatch_only import run_dispatcher
    from bot.db.migrate import current_revision, head_revision

    refuse_a_lost_database(settings.database_url)
    application = build_application(settings)
    await connect_to_telegram(application, settings)
    try:
        revision = await asyncio.to_thread(current_revision, settings.database_url)
    except BaseException:
        await application.shutdown()
        raise
    if revision != head_revision():
        await application.shutdown()
        print("error: the database is not migrated; run `python -m bot migrate`", file=sys.stderr)
        return USAGE_ERROR
    return await run_dispatcher(settings, until_idle=until_idle, application=application)


def demo(args: argparse.Namespace) -> int:
    """Run the bot against the local fake Telegram, with a chat in this terminal.

    The fake Telegram server is a development tool: it lives beside `bot/` in a checkout and is
    not part of the installed package or the Docker image.
    """
    try:
        from fake_telegram.demo import main as demo_main
    except ModuleNotFoundError as error:
        if error.name != "fake_telegram":
            raise
        print(
            "error: the demo runs from a checkout of the project (its fake Telegram server is "
            "not installed with the bot): clone the repository and run `make demo`",
            file=sys.stderr,
        )
        return USAGE_ERROR

    require_catalogs()
    return demo_main(args.lang, staff=args.staff)


def association_create(args: argparse.Namespace) -> int:
    """Create an association and print its first admin's one-time link."""
    from bot.cli import associations

    settings = settings_from_environment()
    _migrate(settings.database_url)
    return associations.create(args, settings)


def association_invite(args: argparse.Namespace) -> int:
    """Print a new one-time admin link for an association."""
    from bot.cli import associations

    settings = settings_from_environment()
    _migrate(settings.database_url)
    return associations.invite(args, settings)


def association_hours(args: argparse.Namespace) -> int:
    """Set when an association's staff read messages."""
    from bot.cli import association_settings

    settings = settings_from_environment()
    _migrate(settings.database_url)
    return association_settings.hours(args, settings)


def association_retention(args: argparse.Namespace) -> int:
    """Set how long an association keeps its closed conversations."""
    from bot.cli import association_settings

    settings = settings_from_environment()
    _migrate(settings.database_url)
    return association_settings.retention(args, settings)


def places_import(args: argparse.Namespace) -> int:
    """Make the operator's directory entries those of a file."""
    from bot.cli import places

    settings = settings_from_environment()
    _migrate(settings.database_url)
    return places.import_file(args, settings)


def places_list(args: argparse.Namespace) -> int:
    """List the operator's directory entries."""
    from bot.cli import places

    settings = settings_from_environment()
    _migrate(settings.database_url)
    return places.list_entries(args, settings)


def require_catalogs() -> None:
    """Refuse to start when a language's catalog is missing or broken (rather than fall back to
    English without a word)."""
    try:
        load_all_catalogs()
    except CatalogError as error:
        raise ConfigError(str(error)) from None


def migrate(args: argparse.Namespace) -> int:
    """Upgrade the database to the latest schema and print its revision."""
    settings = settings_from_environment()
    configure_logging(settings)
    revision = _migrate(settings.database_url)
    print(f"Database at revision {revision}.")
    return 0


def _warn_if_anonymous(settings: Settings) -> None:
    """Say, once the bot is about to serve, that people cannot be told who runs it."""
    if not (settings.operator_name and settings.operator_contact):
        print(
            "warning: OPERATOR_NAME or OPERATOR_CONTACT is not set: /privacy tells people that "
            "whoever runs this bot has not said who they are or how to reach them (GDPR art. 13)."
            " Set both in the env file.",
            file=sys.stderr,
        )


def refuse_a_lost_database(database_url: str) -> None:
    """Stop, before anything opens the database, when it was created here and is now gone."""
    from bot.db.lost import DatabaseLost, check_not_lost

    try:
        check_not_lost(database_url)
    except DatabaseLost as error:
        raise ConfigError(str(error)) from None


def _migrate(database_url: str) -> str | None:
    """Run Alembic's upgrade to head and return the resulting revision."""
    from bot.db.lost import mark_created
    from bot.db.migrate import current_revision, upgrade_to_head

    refuse_a_lost_database(database_url)
    upgrade_to_head(database_url)
    mark_created(database_url)
    return current_revision(database_url)


def health(args: argparse.Namespace) -> int:
    """Exit 0 when the running bot's /healthz answers 200, else 1 (the Docker HEALTHCHECK).

    With HEALTH_PORT=0 (no endpoint) only the database is checked: reachable and migrated.
    """
    settings = settings_from_environment()
    if not settings.health_port:
        return _database_health(settings.database_url)
    host = settings.health_listen if settings.health_listen not in ("0.0.0.0", "::") else None
    url = f"http://{host or '127.0.0.1'}:{settings.health_port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=args.timeout) as response:
            print(response.read().decode())
            return 0
    except urllib.error.HTTPError as error:
        print(f"unhealthy: {error.read().decode()}", file=sys.stderr)
    except (OSError, ValueError) as error:
        print(
            f"unhealthy: the bot does not answer on {url} ({type(error).__name__})", file=sys.stderr
        )
    return 1


def _database_health(database_url: str) -> int:
    """Exit code of the database-only check: reachable and at the latest schema."""
    from bot.db.migrate import current_revision, head_revision

    try:
        current = current_revision(database_url)
    except Exception as error:  # noqa: BLE001 - any failure means unhealthy; say which kind
        print(f"unhealthy: database unreachable ({type(error).__name__})", file=sys.stderr)
        return 1
    if current != head_revision():
        print(f"unhealthy: database at {current}, expected {head_revision()}", file=sys.stderr)
        return 1
    print("healthy")
    return 0


def deadlines(args: argparse.Namespace) -> int:
    """Print a person's deadlines as a table or JSON; exit 2 on impossible input."""
    book = default_rulebook()
    chosen = {"reminder_time": args.reminder_time} if args.reminder_time else {}
    reminder_time = load_settings(env_file=None, **chosen).reminder_time
    try:
        prefecture = prefecture_for(args.department)
        args.department = prefecture.department_code  # "9" -> "09", "2a" -> "2A"
        facts = parse_facts(args.events, args)
        plan = compute_plan(facts, book, now=now_for(args), reminder_time=reminder_time)
    except (EventArgumentError, FactsError, DepartmentError) as error:
        print(f"error: {error}", file=sys.stderr)
        return USAGE_ERROR
    for line in assumptions(plan):
        print(line, file=sys.stderr)
    if args.json:
        print(plan_as_json(plan))
    else:
        print(plan_as_text(plan, facts, prefecture, book, translator()))
    return 0


def prefecture(args: argparse.Namespace) -> int:
    """Print the prefecture competent for asylum in a department."""
    try:
        found = find_department(args.department)
    except DepartmentError as error:
        print(f"error: {error}", file=sys.stderr)
        return USAGE_ERROR
    print(f"{found.department_code} {found.department_name} ({found.region})")
    print(f"Competent prefecture for asylum: {found.competent_prefecture}")
    if found.france_asile_pilot:
        print(
            "Since 19 May 2025 claims are registered and introduced to Ofpra at the "
            "Espace France Asile (Cergy-Pontoise)."
        )
    print(
        "First step: a SPADA (first-reception association) gives the appointment; "
        "do not go to the prefecture without it."
    )
    return 0
