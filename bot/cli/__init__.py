"""`python -m bot <command>`: the operator's and association worker's command line."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime, time

from bot.config import ConfigError, Settings, load_settings
from bot.domain.calendar import PARIS
from bot.domain.events import Detained, Outcome, Permit, Procedure, Received

Command = Callable[[argparse.Namespace], int]
USAGE_ERROR = 2


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line, run the command, and return its exit code."""
    # PTB 22 reports time periods (retry_after, durations) as timedelta when opted in; without
    # it, every 429 raises a deprecation warning. PTB reads the variable when it needs it.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    parser = build_parser()
    args = parser.parse_args(argv)
    command: Command = args.command
    try:
        return command(args)
    except ConfigError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return USAGE_ERROR


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
    demo.set_defaults(command=_lazy("bot.cli.commands", "demo"))
    replan = commands.add_parser(
        "replan",
        help="recompute every stored plan with the current rules (safe while the bot runs)",
    )
    replan.add_argument("--batch", type=int, default=50, help="people per transaction (default 50)")
    replan.set_defaults(command=_lazy("bot.cli.replan", "replan"))
    _add_deadlines(commands)
    _add_association(commands)
    prefecture = commands.add_parser(
        "prefecture", help="the prefecture competent for asylum in a department"
    )
    prefecture.add_argument("department", help="department number (01..95, 2A, 2B) or name")
    prefecture.set_defaults(command=_lazy("bot.cli.commands", "prefecture"))
    return parser


def _add_association(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Declare `association create NAME` and `association invite ID` (the operator's tools)."""
    parser = commands.add_parser("association", help="create associations, invite their admins")
    actions = parser.add_subparsers(title="actions", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="create an association; print its admin's link")
    create.add_argument("name", help="the association's name, as its followers will see it")
    create.set_defaults(command=_lazy("bot.cli.commands", "association_create"))
    invite = actions.add_parser("invite", help="print a new one-time admin link")
    invite.add_argument("association_id", type=int, help="the number printed by create")
    invite.set_defaults(command=_lazy("bot.cli.commands", "association_invite"))


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
