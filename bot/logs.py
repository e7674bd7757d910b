"""Logging that never carries what a person typed: readable lines or one JSON object per line.

Our own log calls name counts, ids of rules and kinds of errors, never message text, dates or
names. Two things could still leak a person's words, and both are closed here:
- an exception's message (`int("12 mai")` says "invalid literal ... '12 mai'"): tracebacks are
  written as the exception types and the code locations only, never the messages;
- the libraries' debug logs (PTB logs whole updates, aiosqlite every query's parameters): only the
  bot's own loggers go down to DEBUG; everything else stays at INFO or above.
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from datetime import UTC, datetime
from types import TracebackType
from typing import TextIO

# DEBUG is for the bot's own loggers only: libraries log updates, requests and SQL parameters at
# DEBUG (PTB, aiosqlite, psycopg...), so everything else stays at INFO or above. These log even
# more at INFO (SQLAlchemy: every statement) and stay at WARNING.
OWN_LOGGER = "bot"
QUIET_LIBRARIES = ("sqlalchemy", "alembic.runtime.plugins")
HANDLER_NAME = "bot.logs"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def configure(level: str, fmt: str = "text", stream: TextIO | None = None) -> logging.Handler:
    """Send every log record to `stream` (stderr) at `level`, as text lines or JSON lines."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else RedactingFormatter(TEXT_FORMAT))
    handler.set_name(HANDLER_NAME)
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(old)  # configured again (tests, several commands in one process)
    root.addHandler(handler)
    wanted = logging.getLevelName(level)
    root.setLevel(max(wanted, logging.INFO))
    logging.getLogger(OWN_LOGGER).setLevel(wanted)
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(max(wanted, logging.WARNING))
    return handler


def describe_exception(exc_info: ExcInfo) -> str:
    """Return a traceback without exception messages: types, files, lines and functions."""
    parts: list[str] = []
    error: BaseException | None = exc_info[1]
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        frames = traceback.extract_tb(error.__traceback__)
        stack = "".join(
            f'\n  File "{frame.filename}", line {frame.lineno}, in {frame.name}' for frame in frames
        )
        parts.append(
            f"{type(error).__module__}.{type(error).__qualname__} (message withheld){stack}"
        )
        error = error.__cause__ or error.__context__
    return "\nwhile handling:\n".join(reversed(parts))


class RedactingFormatter(logging.Formatter):
    """The usual text line, with tracebacks that name exception types but not their messages."""

    def formatException(self, ei: ExcInfo) -> str:  # type: ignore[override]  # noqa: N802
        """Render the exception without its message."""
        return "Traceback (most recent call last, messages withheld):\n" + describe_exception(ei)


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (UTC), level, logger, message, and a redacted error."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as one line of JSON."""
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and record.exc_info[1] is not None:
            exc_info: ExcInfo = record.exc_info
            entry["error"] = f"{type(exc_info[1]).__module__}.{type(exc_info[1]).__qualname__}"
            entry["traceback"] = describe_exception(exc_info)
        return json.dumps(entry, ensure_ascii=False)
