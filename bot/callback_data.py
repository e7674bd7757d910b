"""Short, prefixed callback data for inline buttons, validated strictly when pressed.

Buttons never carry another person's identifiers: every action applies to the chat that pressed
it. Anything that does not match a pattern, or no longer fits the conversation, is answered
politely and ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LANGUAGE = "lg"  # lg:<code>       a language was picked
CONSENT = "ok"  # ok:<code>        "I agree", with the language chosen before consent
STAGE = "st"  # st:<stage>         "Where are you now?"
ANSWER = "an"  # an:<value>        a choice answer to the current question
UNKNOWN = "dk"  # dk               "I don't know"
EDIT = "de"  # de:<event>          change a stored date
REMOVE = "dr"  # dr:<event>        remove a stored date
ADD = "ad"  # ad:<flow>            add a new letter or event
DELETE = "dl"  # dl:y | dl:n       confirm erasing everything
MENU = "mn"  # mn:<command>        a menu button instead of a typed command
CANCEL = "cx"  # cx                stop the current questions
DONE = "rd"  # rd:<rule id>        "Done" under a reminder
TOMORROW = "rt"  # rt:<rule id>    "Remind me tomorrow"
LEAVE = "lv"  # lv:<association>     stop following an association
STAFF = "sm"  # sm:<action>.<association>   a staff menu action (checked again when pressed)
STAFF_REMOVE = "sr"  # sr:<association>.<user>  remove a staff member (admins)
DRAFT = "bd"  # bd:<action>[.<value>]  composing a broadcast (the author's own draft only)
STOP_BROADCAST = "bx"  # bx:<broadcast>  stop a broadcast being sent, or cancel a scheduled one
SHARE = "sh"  # sh:<a|y|x|n>.<association>  ask / yes / no / stop sharing deadlines
KEEP = "kp"  # kp                "Keep my reminders" under the inactivity notice
WHY = "wy"  # wy:<rule id>         "Why this date?" under a deadline
DETAILS = "dt"  # dt:<rule id>     "Details" under a deadline: where, documents, if missed
CONFIRM = "cf"  # cf:y | cf:n      a date read back: "Correct" or "Change"
DEPARTMENT = "dp"  # dp:<code>     the department suggested for a close spelling

MAX_BYTES = 64
_PATTERN = re.compile(r"^(?P<kind>[a-z]{2})(?::(?P<value>[A-Za-z0-9_.-]{1,48}))?$")
_NEEDS_VALUE = {
    LANGUAGE,
    CONSENT,
    STAGE,
    ANSWER,
    EDIT,
    REMOVE,
    ADD,
    DELETE,
    MENU,
    DONE,
    TOMORROW,
    LEAVE,
    STAFF,
    STAFF_REMOVE,
    DRAFT,
    STOP_BROADCAST,
    SHARE,
    WHY,
    DETAILS,
    CONFIRM,
    DEPARTMENT,
}
_NO_VALUE = {UNKNOWN, CANCEL, KEEP}


@dataclass(frozen=True)
class Pressed:
    """A decoded button press."""

    kind: str
    value: str = ""


def encode(kind: str, value: str = "") -> str:
    """Return the callback data of a button (checked to fit Telegram's 64 bytes)."""
    data = f"{kind}:{value}" if value else kind
    if len(data.encode()) > MAX_BYTES or decode(data) is None:
        raise ValueError(f"invalid callback data {data!r}")
    return data


def decode(data: str | None) -> Pressed | None:
    """Return the press, or None for data that is malformed or of an unknown kind."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    match = _PATTERN.match(data)
    if match is None:
        return None
    kind, value = match["kind"], match["value"] or ""
    if (kind in _NEEDS_VALUE and value) or (kind in _NO_VALUE and not value):
        return Pressed(kind, value)
    return None
