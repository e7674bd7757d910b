"""Voice notes after reminders and broadcasts, for the people who asked to hear them.

The reminder's text is sent and recorded first, as for everyone: the voice note is an addition
that never holds the outbox back nor puts a reminder at risk. Sent letters wait in a queue that
`workers` tasks empty, each note made by the speaker (waiting its turn, never refused as busy)
and sent in the letter's lane; a note that cannot be made or sent is counted and logged, the
text having gone. A reminder sent to many people with the same text and language is read once
and uploaded once (the speaker's cache and Telegram's file_id). A broadcast's recorded voice
note (a staff member's) is sent by its file_id, with no engine at all.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field

from telegram.error import TelegramError

from bot.scheduling.letters import Letter
from bot.sending import Lane, Sender
from bot.speech.engines import EngineError
from bot.speech.speaker import Speaker
from bot.views.common import Screen

log = logging.getLogger(__name__)


@dataclass
class VoiceFollowUps:
    """Sends the voice notes that follow sent letters."""

    speaker: Speaker | None  # None: no engine installed (recorded voice notes still go)
    sender: Sender
    workers: int = 4
    sent: int = 0
    failed: int = 0
    _queue: asyncio.Queue[Letter] = field(default_factory=asyncio.Queue)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def after(self, letter: Letter) -> None:
        """Queue the voice note of a sent letter (its text read aloud, or a recorded note)."""
        if letter.voice is None and letter.recorded is None:
            return
        self._queue.put_nowait(letter)
        if not self._tasks:
            self._tasks = [
                asyncio.create_task(self._work(), name=f"voice-notes-{n}")
                for n in range(self.workers)
            ]

    @property
    def waiting(self) -> int:
        """Return the letters whose voice note is not sent yet."""
        return self._queue.qsize()

    async def _work(self) -> None:
        while True:
            letter = await self._queue.get()
            try:
                await self._send(letter)
            except Exception as error:  # noqa: BLE001 - one note never stops the others
                self.failed += 1
                log.warning("voice note not sent: %s", type(error).__name__)
            finally:
                self._queue.task_done()

    async def _send(self, letter: Letter) -> None:
        if letter.recorded is not None:
            for chat_id in dict.fromkeys(chat_id for chat_id, _ in letter.messages):
                await self._deliver(chat_id, b"", letter.recorded, letter.lane)
            return
        if letter.voice is None or self.speaker is None:
            return
        for chat_id, screen in letter.messages:
            if not isinstance(screen, Screen):
                continue  # only a reminder's text is read aloud
            try:
                note = await self.speaker.note(screen.text, letter.voice, patient=True)
            except EngineError:  # logged by the speaker, without the text
                self.failed += 1
                continue
            note.file_id = await self._deliver(chat_id, note.data, note.file_id, letter.lane)

    async def _deliver(self, chat_id: int, data: bytes, file_id: str | None, lane: Lane) -> str:
        """Send one note; a refusal is counted, never retried (the text went)."""
        try:
            sent = await self.sender.send_voice(chat_id, data, file_id, lane=lane)
        except TelegramError as error:
            self.failed += 1
            log.info("voice note refused by Telegram: %s", type(error).__name__)
            return file_id or ""
        self.sent += 1
        return sent

    async def drain(self, timeout: float = 10.0) -> None:
        """Wait for the notes queued (at shutdown, in benchmarks), then stop the workers; the
        notes still queued after `timeout` are dropped and counted in the log."""
        if self._tasks:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._queue.join(), timeout)
        if self._queue.qsize():
            log.warning("voice notes dropped at shutdown: %d", self._queue.qsize())
        for task in self._tasks:
            task.cancel()
        self._tasks = []
