"""What to do when Telegram refuses a message: one answer for reminders and broadcasts alike.

Pure: the dispatcher turns the verdict into the outbox's outcome for the row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut


@dataclass(frozen=True)
class Backoff:
    """How long to wait before trying again after a network fault: doubling from `first`."""

    first: timedelta = timedelta(seconds=30)
    most: timedelta = timedelta(minutes=10)


@dataclass(frozen=True)
class Verdict:
    """Blocked (the person is suspended), retry after `delay`, or failed; with an error code."""

    action: Literal["blocked", "retry", "failed"]
    code: str
    delay: timedelta = timedelta(0)


def verdict(error: TelegramError, attempts: int, backoff: Backoff) -> Verdict:
    """Decide what a Telegram error means for a message tried `attempts` times.

    429 waits its retry_after; 403 and "chat not found" mean the person is gone (blocked); 5xx,
    timeouts and an unreachable server are retried with exponential backoff up to `backoff.most`,
    for as long as it takes: an outage of hours must not cost anyone a reminder (each try waits
    its turn, so nothing floods Telegram when it comes back); anything else (bad HTML, a text
    too long) would fail again: failed.
    """
    code = error_code(error)
    if isinstance(error, RetryAfter):
        return Verdict("retry", code, retry_after(error.retry_after))
    if isinstance(error, Forbidden) or code == "chat_not_found":
        return Verdict("blocked", code)
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        wait = backoff.first * (2 ** min(max(attempts - 1, 0), 16))
        return Verdict("retry", code, min(wait, backoff.most))
    return Verdict("failed", code)


def error_code(error: TelegramError) -> str:
    """Return a short error code for the database (never the text of a message)."""
    text = str(error).lower()
    if isinstance(error, RetryAfter):
        return "retry_after"
    if isinstance(error, BadRequest):
        if "chat not found" in text:
            return "chat_not_found"
        if "parse entities" in text:
            return "bad_html"
        if "too long" in text:
            return "too_long"
        return "bad_request"
    if isinstance(error, TimedOut) or "timed out" in text:
        return "timeout"
    if isinstance(error, NetworkError):
        return "network"
    return type(error).__name__.lower()


def retry_after(value: object) -> timedelta:
    """Return Telegram's retry_after as a timedelta (PTB gives an int or a timedelta)."""
    if isinstance(value, timedelta):
        return value
    return timedelta(seconds=float(value))  # type: ignore[arg-type]
