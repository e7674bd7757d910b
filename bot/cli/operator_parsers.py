"""The arguments of the operator's commands: `association ...` (create, invite, hours,
retention) and `places ...` (the operator's entries of the directory of help)."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def add_places(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    lazy: Callable[[str, str], Callable[[argparse.Namespace], int]],
) -> None:
    """Declare `places import FILE` and `places list` (the operator's directory entries)."""
    places = commands.add_parser("places", help="the operator's entries of the directory of help")
    actions = places.add_subparsers(title="actions", required=True, metavar="ACTION")
    load = actions.add_parser("import", help="make the operator's entries those of FILE")
    load.add_argument("file", help="a TOML file: one [places.<key>] table per place")
    load.set_defaults(command=lazy("bot.cli.commands", "places_import"))
    listing = actions.add_parser("list", help="the operator's entries, with what to check")
    listing.set_defaults(command=lazy("bot.cli.commands", "places_list"))


def add_association(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    lazy: Callable[[str, str], Callable[[argparse.Namespace], int]],
    bot_username: Callable[[str], str],
) -> None:
    """Declare `association create NAME`, `association invite ID`, `association hours ID HOURS`
    and `association retention ID DAYS` (the operator's tools)."""
    parser = commands.add_parser("association", help="create associations, invite their admins")
    actions = parser.add_subparsers(title="actions", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="create an association; print its admin's link")
    create.add_argument("name", help="the association's name, as its followers will see it")
    create.set_defaults(command=lazy("bot.cli.commands", "association_create"))
    invite = actions.add_parser("invite", help="print a new one-time admin link")
    invite.add_argument("association_id", type=int, help="the number printed by create")
    invite.set_defaults(command=lazy("bot.cli.commands", "association_invite"))
    hours = actions.add_parser("hours", help="when its staff read messages (people are told)")
    hours.add_argument("association_id", type=int, help="the number printed by create")
    hours.add_argument("hours", help='days and times, e.g. "mon-fri 9:00-17:00", or off')
    hours.set_defaults(command=lazy("bot.cli.commands", "association_hours"))
    keep = actions.add_parser("retention", help="days closed conversations are kept")
    keep.add_argument("association_id", type=int, help="the number printed by create")
    keep.add_argument("days", help="1 to 3650, or default (THREAD_RETENTION_DAYS)")
    keep.set_defaults(command=lazy("bot.cli.commands", "association_retention"))
    for action in (create, invite):
        action.add_argument(
            "--username",
            type=bot_username,
            help="the bot's username for the t.me link, e.g. @my_asylum_bot "
            "(offline: Telegram is not asked, no token needed)",
        )
