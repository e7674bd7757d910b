"""`python -m bot <command>`: the operator's and association worker's command line."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from bot.cli.operator_parsers import add_association, add_places
from bot.config import ConfigError, Settings, load_settings
from bot.domain.calendar import PARIS
from bot.domain.events import Detained, Outcome, Permit, Procedure, Received

if TYPE_CHECKING:
    from telegram.error import TelegramError

    from bot.context import BotApplication

Command = Callable[[argparse.Namespace], int]
USAGE_ERROR = 2
TELEGRAM_FAILED = 1
INTERRUPTED = 130  # the shell's status after Ctrl-C (128 + SIGINT)
# A bot's username, as in t.me/<username>: 5 to 32 letters, digits or "_", ending in "bot".
BOT_USERNAME = re.compile(r"[A-Za-z0-9_]{2,29}[Bb][Oo][Tt]")


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line, run the command, and return its exit code."""
    # PTB 22 reports time periods (retry_after, durations) as timedelta when opted in; without
    # it, every 429 raises a deprecation warning. PTB reads the variable when it needs it.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    # Every file the bot creates (the SQLite database, its -wal and -shm files, backups, the demo's
    # files) is readable and writable by its user only: it holds people's asylum dates.
    os.umask(0o077)
    parser = build_parser()
    args = parser.parse_args(argv)
    command: Command = args.command
    try:
        return command(args)
    except ConfigError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return USAGE_ERROR
    except TelegramUnavailable as error:
        print(f"error: {error}", file=sys.stderr)
        return TELEGRAM_FAILED
    except KeyboardInterrupt:  # Ctrl-C: whatever was open has closed on the way out
        print(file=sys.stderr)
        return INTERRUPTED


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of every subcommand."""
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Telegram assistant reminding people seeking asylum in France of deadlines.",
    )
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")
    run = commands.add_parser("run", help="start the bot (migrates the database first)")
    run.add_argument(
        "--webhook",
        action="store_true",
        help="receive updates by webhook (WEBHOOK_URL, WEBHOOK_SECRET)",
    )
    run.set_defaults(command=_lazy("bot.cli.commands", "run"))
    dispatch = commands.add_parser(
        "dispatch", help="run only the reminder dispatcher (an extra sending instance)"
    )
    dispatch.add_argument(
        "--until-idle", action="store_true", help="send what is due now, then exit"
    )
    dispatch.set_defaults(command=_lazy("bot.cli.commands", "dispatch"))
    migrate = commands.add_parser(
        "migrate", help="upgrade the database schema to the latest version"
    )
    migrate.set_defaults(command=_lazy("bot.cli.commands", "migrate"))
    health = commands.add_parser(
        "health", help="exit 0 when the running bot's /healthz says it is healthy"
    )
    health.add_argument("--timeout", type=float, default=8.0, help="seconds to wait (default 8)")
    health.set_defaults(command=_lazy("bot.cli.commands", "health"))
    backup = commands.add_parser(
        "backup", help="copy the SQLite database to PATH while the bot runs (PostgreSQL: advice)"
    )
    backup.add_argument("path", help="the file to write, e.g. backups/bot-2026-11-23.sqlite3")
    backup.add_argument("--force", action="store_true", help="replace PATH if it exists")
    backup.set_defaults(command=_lazy("bot.cli.operations", "backup"))
    stats = commands.add_parser(
        "stats", help="counts of people, reminders and broadcasts (no personal data)"
    )
    stats.add_argument("--json", action="store_true", help="print JSON instead of text")
    stats.set_defaults(command=_lazy("bot.cli.operations", "stats"))
    demo = commands.add_parser(
        "demo", help="chat with the bot in this terminal, against a local fake Telegram (no token)"
    )
    demo.add_argument("--lang", help="the Telegram app language of the demo person, e.g. fr, ar")
    demo.add_argument(
        "--staff",
        action="store_true",
        help="be the admin of a demo association with followers (try /staff, /broadcast)",
    )
    demo.set_defaults(command=_lazy("bot.cli.commands", "demo"))
    replan = commands.add_parser(
        "replan",
        help="recompute every stored plan with the current rules (safe while the bot runs)",
    )
    replan.add_argument("--batch", type=int, default=50, help="people per transaction (default 50)")
    replan.set_defaults(command=_lazy("bot.cli.replan", "replan"))
    _add_deadlines(commands)
    add_association(commands, _lazy, bot_username)
    add_places(commands, _lazy)
    prefecture = commands.add_parser(
        "prefecture", help="the prefecture competent for asylum in a department"
    )
    prefecture.add_argument("department", help="department number (01..95, 2A, 2B) or name")
    prefecture.set_defaults(command=_lazy("bot.cli.commands", "prefecture"))
    return parser


def bot_username(text: str) -> str:
    """Parse a bot's username for argparse: a leading @ is dropped, the shape is checked."""
    name = text.strip().removeprefix("@")
    if not BOT_USERNAME.fullmatch(name):
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a bot username: 5 to 32 letters, digits or _, ending in 'bot'"
        )
    return name


def _add_deadlines(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Declare `deadlines EVENT=DATE... [options]`."""
    from bot.cli.event_args import events_help

    parser = commands.add_parser(
        "deadlines",
        help="compute a person's deadlines from their dates",
        description=(
            "Compute every deadline from the dates printed on a person's papers. Example: "
            "python -m bot deadlines certificate_issued=2026-03-02 "
            "--procedure normal --department 93"
        ),
        epilog=(
            "Events (DATE is YYYY-MM-DD; THH:MM adds the time, for deadlines counted in hours; "
            "options may follow the date, or be given once as flags):\n"
            f"{events_help()}\n\n"
            "Example: ofpra_decision=2026-05-04,outcome=rejected,received=online,opened=2026-05-06"
            "\nA missing option is assumed the way that gives the earliest dates, and said so "
            "(a rejection; a registered letter; detained, so 48 hours; any procedure)."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "events", nargs="+", metavar="EVENT=DATE", help="e.g. certificate_issued=2026-03-02"
    )
    parser.add_argument("--department", required=True, help="department number, e.g. 93 or 2A")
    parser.add_argument("--procedure", choices=[p.value for p in Procedure])
    parser.add_argument("--outcome", choices=[o.value for o in Outcome], help="of the decision")
    parser.add_argument(
        "--received", choices=[r.value for r in Received], help="how the Ofpra decision came"
    )
    parser.add_argument("--opened", metavar="DATE", help="day an online decision was first opened")
    parser.add_argument(
        "--decided",
        metavar="DATE",
        help="date printed on the decision (for the CNDA, the day it was read in public)",
    )
    parser.add_argument(
        "--detained",
        nargs="?",
        const="yes",
        choices=[d.value for d in Detained],
        help="detained or under house arrest when notified (bare --detained means yes)",
    )
    parser.add_argument(
        "--lawyer",
        metavar="DATE",
        help="day the lawyer was notified of the legal-aid decision (legal_aid_decided)",
    )
    parser.add_argument(
        "--permit", choices=[p.value for p in Permit], help="kind of residence document"
    )
    parser.add_argument(
        "--today", type=_iso_date, help="count as if today were this date (default: today)"
    )
    parser.add_argument(
        "--reminder-time", default=None, help="time of day reminders are sent (HH:MM)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.set_defaults(command=_lazy("bot.cli.commands", "deadlines"))


def _iso_date(text: str) -> date:
    """Parse a YYYY-MM-DD argument for argparse."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date as YYYY-MM-DD") from None


def _lazy(module: str, name: str) -> Command:
    """Import a command only when it runs, so `--help` and simple commands start fast."""

    def command(args: argparse.Namespace) -> int:
        from importlib import import_module

        return int(getattr(import_module(module), name)(args))

    return command


def now_for(args: argparse.Namespace) -> datetime:
    """Return the moment to count from: noon of --today, or the real current time."""
    if getattr(args, "today", None):
        return datetime.combine(args.today, time(12, 0), tzinfo=PARIS)
    return datetime.now(PARIS)


def configure_logging(settings: Settings) -> None:
    """Send logs to stderr at the configured level and format (never any personal data)."""
    from bot import logs

    logs.configure(settings.log_level, settings.log_format)


def settings_from_environment() -> Settings:
    """Return validated settings (ConfigError is reported by `main`)."""
    return load_settings()


class TelegramUnavailable(Exception):
    """Telegram refused the token or could not be reached: one line saying what to check."""


async def connect_to_telegram(application: BotApplication, settings: Settings) -> None:
    """Initialize the application: its first call to Telegram (getMe), made here on purpose.

    A refused token or an unreachable Bot API then ends the command with one line (raised as
    TelegramUnavailable) instead of PTB's traceback; the HTTP sessions the failed initialize()
    opened are closed here, since PTB's shutdown() skips an application that never initialized.
    """
    from telegram.error import TelegramError

    try:
        await application.initialize()
    except TelegramError as error:
        await application.bot.shutdown()
        raise telegram_unavailable(error, settings) from None


def telegram_unavailable(error: TelegramError, settings: Settings) -> TelegramUnavailable:
    """Say in one line what failed and what to check, never with the token (PTB's InvalidToken
    message quotes it)."""
    from telegram.error import InvalidToken, NetworkError

    base = settings.telegram_api_base_url
    if isinstance(error, InvalidToken):
        if "not found" in _innermost(error, InvalidToken).lower():
            return TelegramUnavailable(
                f"the Bot API at {base} does not know the token in TELEGRAM_BOT_TOKEN "
                "(404 Not Found): check the token with @BotFather, and TELEGRAM_API_BASE_URL"
            )
        return TelegramUnavailable(
            "Telegram refused the token in TELEGRAM_BOT_TOKEN (401 Unauthorized): "
            "check it with @BotFather"
        )
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    if isinstance(error, NetworkError):  # TimedOut included
        return TelegramUnavailable(
            f"cannot reach the Telegram Bot API at {base} ({_network_reason(error, token)}): "
            "check the network or TELEGRAM_API_BASE_URL"
        )
    reason = _short(_without(str(error), token))
    return TelegramUnavailable(f"the Telegram Bot API at {base} answered: {reason}")


def _innermost(error: BaseException, kind: type[BaseException]) -> str:
    """Return the message of the deepest error of this kind in the chain (PTB wraps the
    server's answer in a message quoting the token)."""
    message = ""
    current: BaseException | None = error
    while current is not None:
        if isinstance(current, kind):
            message = str(current)
        current = current.__cause__ or current.__context__
    return message


def _network_reason(error: BaseException, token: str) -> str:
    """Name the cause of a network error in a few words, from the deepest error in its chain."""
    import socket
    import ssl

    from telegram.error import TimedOut

    causes: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in causes:
        causes.append(current)
        current = current.__cause__ or current.__context__
    for cause in reversed(causes):
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, socket.gaierror):
            return "host name not found"
        if isinstance(cause, TimedOut | TimeoutError):
            return "timed out"
        if isinstance(cause, ssl.SSLError):
            return "TLS error"
    return _short(_without(str(error), token)) or type(error).__name__


def _without(text: str, secret: str) -> str:
    """Return the text with the secret masked (in case a library quotes a URL with the token)."""
    return text.replace(secret, "<token>") if secret else text


def _short(message: str) -> str:
    """Keep PTB's message to its first clause: it may quote a whole HTML page that answered."""
    status, quoted_body, _ = message.partition(". Parsing the server response")
    first = status + (", not a Bot API answer" if quoted_body else "")
    return first.splitlines()[0][:160] if first else ""
