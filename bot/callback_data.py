"""Short, prefixed callback data for inline buttons, validated strictly when pressed.

Buttons never carry another person's identifiers: every action applies to the chat that pressed
it. Anything that does not match a pattern, or no longer fits the conversation, is answered
politely and ignored.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Literal, TypeVar

LANGUAGE = "lg"  # lg:<code>       a language was picked
CONSENT = "ok"  # ok:<code>        "I agree", with the language chosen before consent
STAGE = "st"  # st:<stage>         "Where are you now?"
ANSWER = "an"  # an:<value>.<tag>  a choice answer to the question tagged (question_tag)
UNKNOWN = "dk"  # dk:<tag>         "I don't know" to the question tagged
EDIT = "de"  # de:<event>          change a stored date
REMOVE = "dr"  # dr:<event>        remove a stored date
ADD = "ad"  # ad:<flow>            add a new letter or event
DELETE = "dl"  # dl:y | dl:n       confirm erasing everything
MENU = "mn"  # mn:<command>        a menu button instead of a typed command
CANCEL = "cx"  # cx                stop the current questions
DONE = "rd"  # rd:<rule id>        "Done" under a reminder
TOMORROW = "rt"  # rt:<rule id>    "Remind me tomorrow"
LEAVE = "lv"  # lv:<association>     stop following an association
STAFF = "sm"  # sm:<StaffAction>.<association>   a staff menu action (checked again when pressed)
STAFF_REMOVE = "sr"  # sr:<association>.<user>  remove a staff member (admins)
INVITE_CANCEL = "iv"  # iv:<association>.<invite>  cancel an invitation not used yet (admins)
DRAFT = "bd"  # bd:<DraftAction>[.<value>]  composing a broadcast (the author's own draft only)
STOP_BROADCAST = "bx"  # bx:<broadcast>  stop a broadcast being sent, or cancel a scheduled one
SHARE = "sh"  # sh:<ShareStep>.<association>  ask / yes / no / stop sharing deadlines
KEEP = "kp"  # kp                "Keep my reminders" under the inactivity notice
WHY = "wy"  # wy:<rule id>         "Why this date?" under a deadline
DETAILS = "dt"  # dt:<rule id>     "Details" under a deadline: where, documents, if missed
CONFIRM = "cf"  # cf:y.<YYYYMMDD> | cf:n.<YYYYMMDD>  that date read back: "Correct", "Change"
DEPARTMENT = "dp"  # dp:<code>     the department suggested for a close spelling
LISTEN = "ls"  # ls               "Listen": the message it is under, read aloud
VOICE = "vo"  # vo:on | vo:off     reminders also as voice notes, or text only
ASK = "ak"  # ak:<AskStep>.<association>  write to a followed association (the presser's own)
INBOX = "ib"  # ib:<InboxAction>.<thread>  a staff member acts on a conversation (checked again)
PLACE = "pl"  # pl:<PlaceAction>.<association>[.<argument>]  an admin edits its directory entry
NEAR = "hn"  # hn:<association>   "Help near you": a place's details and map

MAX_BYTES = 64
_PATTERN = re.compile(r"^(?P<kind>[a-z]{2})(?::(?P<value>[A-Za-z0-9_.-]{1,48}))?$")
_NEEDS_VALUE = {
    LANGUAGE,
    CONSENT,
    STAGE,
    ANSWER,
    UNKNOWN,
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
    INVITE_CANCEL,
    DRAFT,
    STOP_BROADCAST,
    SHARE,
    WHY,
    DETAILS,
    CONFIRM,
    DEPARTMENT,
    VOICE,
    ASK,
    INBOX,
    PLACE,
    NEAR,
}
_NO_VALUE = {CANCEL, KEEP, LISTEN}


@dataclass(frozen=True)
class Pressed:
    """A decoded button press."""

    kind: str
    value: str = ""


def question_tag(question_id: str) -> str:
    """Return the short tag that binds a question's buttons to that question.

    A question's buttons stay on screen after a typed answer moved the conversation on; a press
    on them must not answer the question asked since (an old calendar's day, an old "I don't
    know"). Four hex digits of the question id's CRC-32, unique across the questions (a test
    checks); buttons sent before tags existed carry none and are refused as out of date.
    """
    return f"{zlib.crc32(question_id.encode()) & 0xFFFF:04x}"


def split_tag(value: str) -> tuple[str, str]:
    """Return (value, tag) of a tagged button value "<value>.<tag>" (tag "" when absent)."""
    head, dot, tag = value.rpartition(".")
    return (head, tag) if dot else (value, "")


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


# -- sub-actions of the association buttons ---------------------------------------------------
# The values are on the wire: buttons already sent keep working only if they never change.


class DraftAction(StrEnum):
    """What a composer button does to the presser's draft: `bd:<action>[.<argument>]`."""

    DISCARD = "no"  # drop the draft
    VERSIONS = "ver"  # choose the language of another version
    VERSION_LANGUAGE = "vl"  # .<language>: the next text is that language's version
    MENU_LANGUAGES = "al"  # the audience filter by language
    MENU_DEPARTMENTS = "ad"  # ... by department
    MENU_STAGES = "as"  # ... by stage
    TOGGLE_LANGUAGE = "tl"  # .<language>: tick or untick it
    TOGGLE_DEPARTMENT = "td"  # .<department>
    TOGGLE_STAGE = "ts"  # .<stage>
    SITUATIONS = "si"  # the "deadline soon" filter
    SITUATION = "sit"  # .<situation id> or .none
    WINDOW = "win"  # .<days>: how far ahead the situation's deadline may be
    PREVIEW = "pv"  # back to the preview
    LATER = "lt"  # choose when to send it
    AT = "at"  # .<YYYYMMDDHHMM>, local time: schedule it then
    SEND = "ok"  # send it now


class StaffAction(StrEnum):
    """A staff menu button: `sm:<action>.<association>` (`sm:ev.0` for the operator's)."""

    BROADCAST = "bc"  # write to the association's followers
    EVERYONE = "ev"  # the operator writes to everyone who uses the bot
    FOLLOW_LINK = "ln"  # the public follow link and its QR code
    COUNTS = "ct"  # followers by language, department and stage
    HISTORY = "hi"  # the latest and scheduled messages
    INVITE_STAFF = "is"
    INVITE_ADMIN = "ia"
    STAFF_LIST = "sl"  # the staff, with a button to remove each
    DIRECTORY = "dr"  # the association's own entry in the directory of help (admins)


class ShareStep(StrEnum):
    """A step of sharing deadlines with a followed association: `sh:<step>.<association>`."""

    ASK = "a"  # explain and ask
    YES = "y"
    DECLINE = "x"  # "No" to the question: nothing shared
    STOP = "n"  # stop sharing


class AskStep(StrEnum):
    """A step of writing to an association: `ak:<step>.<association>` (`ak:p.0`: choose one)."""

    PICK = "p"  # which association (the person follows several)
    WRITE = "w"  # write to it (the agreement screen first, the first time)
    AGREE_SHARING = "s"  # agree, and let its staff see stage, department and open deadlines
    AGREE = "y"  # agree, the messages only
    STOP = "x"  # stop writing: texts are answers to the bot again


class InboxAction(StrEnum):
    """A staff member's button on a conversation: `ib:<action>.<thread>`."""

    VIEW = "v"  # the conversation's card
    TAKE = "t"  # "I'm handling this"
    REPLY = "r"  # the next message goes to the person
    CANCEL_REPLY = "q"
    SHOW = "m"  # copy the person's latest messages again
    CLOSE = "c"
    BLOCK = "b"  # ask to confirm
    BLOCK_CONFIRMED = "bb"
    UNBLOCK = "u"


class PlaceAction(StrEnum):
    """An admin's button on their association's directory entry: `pl:<action>.<association>`."""

    SHOW = "s"  # the entry (also "Cancel" under a question)
    EDIT = "e"  # .<field>: the next message fills it in
    KINDS = "k"  # choose the kind of help
    KIND = "ks"  # .<kind>
    VERIFY = "v"  # everything is still correct
    REMOVE = "x"


def encode_draft(action: DraftAction, argument: str = "") -> str:
    """Return the callback data of a composer button."""
    return encode(DRAFT, f"{action}.{argument}" if argument else action)


def encode_staff(action: StaffAction, association_id: int) -> str:
    """Return the callback data of a staff menu button."""
    return encode(STAFF, f"{action}.{association_id}")


def encode_share(step: ShareStep, association_id: int) -> str:
    """Return the callback data of a sharing button."""
    return encode(SHARE, f"{step}.{association_id}")


def encode_ask(step: AskStep, association_id: int = 0) -> str:
    """Return the callback data of a button to write to an association."""
    return encode(ASK, f"{step}.{association_id}")


def encode_place(action: PlaceAction, association_id: int, argument: str = "") -> str:
    """Return the callback data of a button on a directory entry."""
    tail = f".{argument}" if argument else ""
    return encode(PLACE, f"{action}.{association_id}{tail}")


def encode_inbox(action: InboxAction, thread_id: int) -> str:
    """Return the callback data of a staff member's button on a conversation."""
    return encode(INBOX, f"{action}.{thread_id}")


Action = TypeVar("Action", DraftAction, StaffAction, ShareStep, AskStep, InboxAction, PlaceAction)


def split_action(kind: type[Action], value: str) -> tuple[Action, str] | None:
    """Split `<action>[.<argument>]` into a known action and its argument; None if unknown."""
    action, _, argument = value.partition(".")
    try:
        return kind(action), argument
    except ValueError:
        return None


def number(value: str) -> int | None:
    """Read an id a button carries (an association, a user, a broadcast); None if it is not one."""
    return int(value) if value.isdigit() and len(value) < 19 else None


# -- the date picker: `cal:m:YYYYMM` shows a month, `cal:d:YYYYMMDD` picks a day, `cal:x` nothing
# (its own prefix, longer than the two letters above, and its own strict decoder).

CALENDAR_PREFIX = "cal"
CALENDAR_NOOP = f"{CALENDAR_PREFIX}:x"
_CALENDAR_DATA = re.compile(
    rf"{CALENDAR_PREFIX}:(?:(?:m:([0-9]{{6}})|d:([0-9]{{8}}))\.([0-9a-f]{{4}})|x)"
)


@dataclass(frozen=True)
class CalendarAction:
    """A decoded calendar press: show a month (its first day), pick a day, or nothing.

    `value` is always a date so handlers need no None checks once they know the kind; a no-op
    carries `date.min`, which is never a valid answer.
    """

    kind: Literal["month", "day", "noop"]
    value: date = date.min
    tag: str = ""  # the question the calendar belongs to (question_tag)


def calendar_month_data(first: date, tag: str) -> str:
    """Return the callback data that shows a month of the calendar of the question tagged."""
    return f"{CALENDAR_PREFIX}:m:{first.year:04d}{first.month:02d}.{tag}"


def calendar_day_data(day: date, tag: str) -> str:
    """Return the callback data that picks a day for the question tagged."""
    return f"{CALENDAR_PREFIX}:d:{day.year:04d}{day.month:02d}{day.day:02d}.{tag}"


def parse_calendar_data(data: str | None) -> CalendarAction | None:
    """Return the press encoded in callback data, or None when it is malformed or forged."""
    if not isinstance(data, str) or len(data) > MAX_BYTES:
        return None
    match = _CALENDAR_DATA.fullmatch(data)
    if match is None:
        return None
    month, day, tag = match.groups()
    try:
        if month is not None:
            return CalendarAction("month", date(int(month[:4]), int(month[4:]), 1), tag)
        if day is not None:
            return CalendarAction("day", date(int(day[:4]), int(day[4:6]), int(day[6:])), tag)
    except ValueError:  # month 13, 30 February, year 0
        return None
    return CalendarAction("noop")
