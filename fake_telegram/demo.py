"""`python -m bot demo`: chat with the real bot in this terminal, against a local fake Telegram.

No token, no network: the bot runs as in production (long polling over HTTP) against the fake
Bot API server on 127.0.0.1, with a temporary database. Type messages; type a button's number to
press it; type :next to jump to the next planned reminder (time travel: the bot's clock moves, the
reminder is sent as in production); :staff (or `--staff`) to become the admin of a demo association
with followers (fake_telegram/demo_staff.py); type :quit (or Ctrl-D, or Ctrl-C) to leave. For
associations, translators and new developers.
"""

from __future__ import annotations

import asyncio
import html
import re
import sys
import tempfile
import threading
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

from bot.app import build_application, running
from bot.callback_data import CALENDAR_NOOP as NOOP
from bot.cli import INTERRUPTED
from bot.config import load_settings
from bot.context import BotApplication
from bot.db.migrate import upgrade_to_head
from bot.db.outbox_reminders import next_due
from fake_telegram.demo_staff import StaffDemo
from fake_telegram.server import FakeTelegram
from fake_telegram.state import Button, ChatMessage
from fake_telegram.users import FakeUser

DEMO_CHAT = 700_000_001
QUIET_AFTER = 0.3  # seconds without a new bot message before the prompt comes back
FIRST_ANSWER_TIMEOUT = 15.0


async def run_demo(
    language: str | None,
    *,
    staff: bool = False,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
) -> int:
    """Start the fake server and the bot, then relay the terminal to the simulated person.

    Cancelled (Ctrl-C), every block below still closes: the bot stops, the server stops, the
    temporary folder is removed.
    """
    with tempfile.TemporaryDirectory(prefix="asylum-bot-demo-") as folder:
        url = f"sqlite:///{Path(folder) / 'demo.sqlite3'}"
        upgrade_to_head(url)
        async with FakeTelegram() as telegram:
            settings = load_settings(
                env_file=None,
                telegram_bot_token=telegram.token,
                telegram_api_base_url=telegram.base_url,
                database_url=url,
            )
            clock = TravellingClock()
            application = build_application(settings, clock=clock)
            async with running(application, poll_timeout=1):
                user = telegram.user(DEMO_CHAT, first_name="Demo", language_code=language)
                printer = Printer(user, stdout)
                stdout.write(_banner())
                staff_demo = StaffDemo(application, telegram, user, stdout)
                commands = {
                    ":next": TimeTravel(application, clock, stdout).next_reminder,
                    ":staff": staff_demo.enter,
                }
                if staff:
                    await staff_demo.enter()  # opens the admin link instead of a bare /start
                else:
                    await user.send_command("start")
                await printer.show_new()
                await _converse(user, printer, LineReader(stdin), stdout, commands)
    return 0


class TravellingClock:
    """The real time, plus however far the demo has travelled forward."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        """Return the travelled-to moment."""
        return datetime.now(UTC) + self.offset


class TimeTravel:
    """`:next`: move the clock to the next planned reminder and let the dispatcher send it."""

    def __init__(self, application: BotApplication, clock: TravellingClock, out: TextIO) -> None:
        self.application, self.clock, self.out = application, clock, out

    async def next_reminder(self) -> bool:
        """Jump to the next due reminder and send what is due; False when none is planned."""
        dispatcher = self.application.bot_data.dispatcher
        assert dispatcher is not None, "the application has started"
        async with dispatcher.sessions.begin() as session:
            due = await next_due(session)
        if due is None:
            self.out.write("(no reminder is planned)\n")
            return False
        if due > self.clock.now():
            self.clock.offset += due - self.clock.now() + timedelta(seconds=1)
        self.out.write(
            f"(the clock is now {self.clock.now().astimezone(dispatcher.zone):%Y-%m-%d %H:%M})\n"
        )
        await dispatcher.run_once()
        return True


async def _converse(
    user: FakeUser,
    printer: Printer,
    lines: LineReader,
    stdout: TextIO,
    commands: Mapping[str, Callable[[], Awaitable[bool]]],
) -> None:
    """Read lines until :quit or end of input; run a :command (True when the bot will answer),
    or send the line as a message or a button press."""
    while True:
        stdout.write("> ")
        stdout.flush()
        line = await lines.readline()
        if not line or line.strip() in (":quit", ":q"):
            stdout.write("\n")
            return
        text = line.strip()
        if not text:
            continue
        if text in commands:
            if await commands[text]():
                await printer.show_new()
            continue
        buttons = printer.current_buttons()
        if text.isdigit() and 1 <= int(text) <= len(buttons):
            button = buttons[int(text) - 1]
            await user.press_data(button.callback_data or "", message_id=printer.buttons_message_id)
        else:
            await user.send_text(text)
        await printer.show_new()


class LineReader:
    """The terminal's lines, read by a daemon thread so Ctrl-C never waits for Enter.

    A `readline` blocked in asyncio's default executor would hold up `asyncio.run` after Ctrl-C
    (it joins the executor's threads) until a line is typed; a daemon thread is not waited for.
    """

    def __init__(self, stdin: TextIO) -> None:
        self._lines: asyncio.Queue[str] = asyncio.Queue()
        loop = asyncio.get_running_loop()
        reader = threading.Thread(target=self._read, args=(stdin, loop), daemon=True)
        reader.start()

    async def readline(self) -> str:
        """Return the next line, with its newline; "" at the end of input."""
        return await self._lines.get()

    def _read(self, stdin: TextIO, loop: asyncio.AbstractEventLoop) -> None:
        """Hand each line to the event loop, until the end of input or of the loop."""
        while True:
            line = stdin.readline()
            try:
                loop.call_soon_threadsafe(self._lines.put_nowait, line)
            except RuntimeError:  # the loop is closed: the demo is over
                return
            if not line:
                return


class Printer:
    """Prints what the bot sent or edited since last time, with numbered buttons."""

    def __init__(self, user: FakeUser, out: TextIO) -> None:
        self.user, self.out = user, out
        self.seen: dict[int, int] = {}  # message id -> edit count already printed
        self.buttons_message_id: int | None = None

    async def show_new(self) -> None:
        """Wait for the bot's answer to settle, then print it."""
        before = self._signature()
        try:
            await self.user.wait_for(
                lambda _: self._unseen() or self._signature() != before,
                timeout=FIRST_ANSWER_TIMEOUT,
            )
        except AssertionError:
            self.out.write("(no answer from the bot)\n")
            return
        while True:
            signature = self._signature()
            await asyncio.sleep(QUIET_AFTER)
            if self._signature() == signature:
                break
        for message in self.user.messages:
            if self.seen.get(message.message_id) != message.edit_count:
                self.seen[message.message_id] = message.edit_count
                self._print(message)

    def _unseen(self) -> bool:
        """Tell whether a message arrived or changed since the last print (e.g. a reminder)."""
        return any(self.seen.get(m.message_id) != m.edit_count for m in self.user.messages)

    def current_buttons(self) -> list[Button]:
        """Return the pressable buttons of the bot's newest message (numbers refer to it only)."""
        messages = self.user.messages
        return pressable(messages[-1].buttons) if messages else []

    def _signature(self) -> tuple[int, int, int]:
        """Return a summary that changes when the bot sends, edits or sends a document."""
        messages = self.user.messages
        return len(messages), sum(m.edit_count for m in messages), len(self.user.documents)

    def _print(self, message: ChatMessage) -> None:
        """Print one bot message as plain text, then its buttons numbered."""
        if message.document is not None:
            document = message.document
            size = len(document.data or b"")
            self.out.write(f"\n[file: {document.filename}, {size} bytes]\n")
        voice, photo = message.media.get("voice"), message.media.get("photo")
        if voice is not None:  # a terminal cannot play it: its length says it came
            self.out.write(f"\n[voice note, {voice.get('duration', 0)} s]\n")
        if photo:
            self.out.write(f"\n[picture, {photo[-1]['width']} x {photo[-1]['height']}]\n")
        attached = message.document is not None or voice is not None or bool(photo)
        body = to_terminal(message.raw_text or message.text or message.caption or "")
        edited = " (edited)" if message.edit_count else ""
        if body or not attached:  # a file without a caption is its line above
            self.out.write(f"\nbot{edited}:\n{body}\n")
        if message.buttons:
            self.buttons_message_id = message.message_id
            self.out.write(render_buttons(message.buttons))


def pressable(buttons: list[Button]) -> list[Button]:
    """Return the buttons that do something (calendar padding and labels are not numbered)."""
    return [b for b in buttons if b.callback_data and b.callback_data != NOOP]


def render_buttons(buttons: list[Button]) -> str:
    """Lay buttons out row by row; pressable ones get the number to type."""
    numbers = {id(b): n for n, b in enumerate(pressable(buttons), 1)}
    rows: dict[int, list[str]] = {}
    for button in buttons:
        number = numbers.get(id(button))
        cell = f"[{number}] {button.text}" if number else f" {button.text} "
        rows.setdefault(button.row, []).append(cell)
    return "".join("  " + "  ".join(cells) + "\n" for cells in rows.values())


def to_terminal(text: str) -> str:
    """Turn Telegram HTML into plain terminal text."""
    return html.unescape(re.sub(r"</?(b|i|u|s|code|pre|a)[^>]*>", "", text))


def _banner() -> str:
    """Explain how to use the demo."""
    return (
        "Demo: you are chatting with the real bot through a local fake Telegram "
        "(temporary database, nothing leaves this computer).\n"
        "Type a message, or the number of a button to press it. :next jumps to the next "
        "reminder. :staff makes you the admin of a demo association. :quit (or Ctrl-C) to "
        "leave.\n"
    )


def main(language: str | None, *, staff: bool = False) -> int:
    """Run the demo until the person quits (exit 0) or presses Ctrl-C (exit 130).

    asyncio.run turns the first Ctrl-C into a cancellation of the demo, which closes everything,
    then raises KeyboardInterrupt here.
    """
    try:
        return asyncio.run(run_demo(language, staff=staff))
    except KeyboardInterrupt:
        sys.stdout.write("\n")
        return INTERRUPTED
