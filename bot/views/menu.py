"""The commands, described once: for setMyCommands, the menu buttons and /help."""

from __future__ import annotations

from bot import callback_data as cb
from bot.i18n import N_, Translator
from bot.views.common import Rows, Screen, keyboard, rtl

# (command, description): one table drives the Telegram command list, the menu and /help.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("next", N_("My next deadlines")),
    ("card", N_("My deadlines on one page, to show")),
    ("dates", N_("See or correct my dates")),
    ("add", N_("Add a new letter or event")),
    ("prefecture", N_("My prefecture")),
    ("ask", N_("Ask my association")),
    ("associations", N_("Associations I follow")),
    ("language", N_("Change language")),
    ("help", N_("Help: words and contacts")),
    ("mydata", N_("What the bot keeps about me")),
    ("privacy", N_("Who runs the bot, my rights")),
    ("stop", N_("Pause reminders")),
    ("resume", N_("Restart reminders")),
    ("delete", N_("Erase everything about me")),
)
MENU_COMMANDS = frozenset(command for command, _ in COMMANDS) | {"start", "menu"}


def command_list(t: Translator) -> list[tuple[str, str]]:
    """Return the commands with translated descriptions (for setMyCommands)."""
    return [(command, t.gettext(description)) for command, description in COMMANDS]


def main_menu(t: Translator) -> Screen:
    """Return the menu: one button per command, two per row, for people who do not type."""
    return Screen(
        rtl(t, t.gettext("<b>Menu</b>: choose what you want to do.")), keyboard(menu_rows(t))
    )


def menu_rows(t: Translator) -> Rows:
    """Return the menu's buttons, two per row."""
    buttons = [
        (t.gettext(description), cb.encode(cb.MENU, command)) for command, description in COMMANDS
    ]
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
