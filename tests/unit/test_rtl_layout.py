"""Right-to-left messages (Arabic, Dari, Pashto) as a phone lays them out.

The code wraps every Latin run in Unicode isolates (FSI ... PDI) so that French terms, numbers
and dates keep their order. An isolate must never split a pair of brackets or quotes: the pair
would no longer be resolved as a pair and one bracket would be mirrored the wrong way ("(25"
shown as "25)"). Every message the person can see is checked twice: structurally (both brackets
of a pair inside the same isolates), and with the Unicode bidirectional algorithm itself
(python-bidi): what is between the brackets stays between them on screen.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from bidi import get_display

from bot.domain.conversation import ConversationState, start
from bot.domain.questions import QUESTIONS
from bot.domain.rules.loader import default_rulebook
from bot.i18n import FSI, PDI, translator
from bot.views.basis import why_text
from bot.views.cards import details_screen, ended_card
from bot.views.help import help_messages
from bot.views.onboarding import privacy_notice
from bot.views.plan import summary
from bot.views.questions import question_screen, read_back
from bot.views.reminder import reminder_message
from fake_telegram.html import parse_html
from tests.unit.plans import ev, plan, rejected

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 3, 3, 10, 0, tzinfo=PARIS)
RTL = ["ar", "fa_AF", "ps"]
PAIRS = {"(": ")", "«": "»", "[": "]"}


def messages(code: str) -> Iterator[str]:
    """Every kind of message a person sees, in one language (as Telegram shows the text)."""
    t, book = translator(code), default_rulebook()
    due = NOW + timedelta(days=3)
    for rule in book.rules:
        for kind in ("lead", "missed", "standing"):
            yield reminder_message(t, rule, due, NOW, kind).text
        yield details_screen(t, rule, None, NOW).text
        yield ended_card(t, rule, due, None).text
    for events in (
        (rejected("2027-06-04"), ev("legal_aid_requested", "2027-06-10")),
        (ev("dublin_transfer_notified", "2025-12-19"),),
        (ev("certificate_issued", "2026-03-02"),),
    ):
        found = plan(*events, department="67")
        for deadline in found.deadlines:
            yield why_text(t, deadline)
        yield from (screen.text for screen in summary(t, found, book))
    yield from help_messages(t)
    yield privacy_notice(t, code, reviewed=False).text
    for qid in QUESTIONS:
        state = ConversationState("q", "x", (qid,))
        yield question_screen(t, state, today=NOW.date()).text
    yield read_back(t, date(2026, 3, 2), NOW.date(), None).text


def shown(html: str) -> str:
    return parse_html(html).text


def split_pairs(text: str) -> list[str]:
    """Return the bracket pairs whose two brackets are not inside the same isolates."""
    broken, stack, isolates = [], [], []
    for position, char in enumerate(text):
        if char == FSI:
            isolates.append(position)
        elif char == PDI and isolates:
            isolates.pop()
        elif char in PAIRS:
            stack.append((char, position, tuple(isolates)))
        elif char in PAIRS.values() and stack and PAIRS[stack[-1][0]] == char:
            opener, start, inside = stack.pop()
            if tuple(isolates) != inside:
                broken.append(text[max(0, start - 10) : position + 10])
    return broken


def displaced(line: str) -> str | None:
    """Lay a line out right to left with the bidi algorithm; with one bracket pair in it, return
    the line when letters or digits between the brackets end up outside them on screen."""
    openers = [i for i, c in enumerate(line) if c in PAIRS]
    closers = [i for i, c in enumerate(line) if c in PAIRS.values()]
    if len(openers) != 1 or len(closers) != 1 or openers[0] > closers[0]:
        return None
    inside = sorted(c for c in line[openers[0] + 1 : closers[0]] if c.isalnum())
    visual = get_display(line, base_dir="R")
    brackets = [i for i, c in enumerate(visual) if c in PAIRS or c in PAIRS.values()]
    between = sorted(c for c in visual[brackets[0] + 1 : brackets[-1]] if c.isalnum())
    return None if between == inside else line


@pytest.mark.parametrize("code", RTL)
def test_no_isolate_splits_a_bracket_pair(code: str) -> None:
    broken = [pair for message in messages(code) for pair in split_pairs(shown(message))]
    assert broken == []


@pytest.mark.parametrize("code", RTL)
def test_brackets_keep_their_content_when_laid_out_right_to_left(code: str) -> None:
    """python-bidi: a pair and what it holds stay together on screen."""
    lines = [line for message in messages(code) for line in shown(message).splitlines()]
    assert len(lines) > 500
    assert [line for line in lines if displaced(line)] == []


def test_the_checks_see_a_split_pair() -> None:
    """An isolate opened inside a pair and closed after it is caught by both checks."""
    split = f"قبل {FSI}(25{PDI} يومًا) بعد"
    assert split_pairs(split) != []
    assert displaced(split) == split
    whole = f"قبل ({FSI}25{PDI} يومًا) بعد"
    assert split_pairs(whole) == [] and displaced(whole) is None


@pytest.mark.parametrize("code", RTL)
def test_help_lines_start_right_to_left(code: str) -> None:
    """Every line of /help starts with a right-to-left mark: a command line ("/next: ...") or a
    glossary line ("Ofpra: ...") would otherwise be laid out left to right."""
    lines = [line for m in help_messages(translator(code)) for line in shown(m).splitlines()]
    assert any(line.lstrip("\u200f\u2068").startswith("/next") for line in lines)
    assert [line for line in lines if line and not line.startswith("\u200f")] == []


def test_question_state_helper() -> None:
    """The screens above are built from real question states (not an empty state)."""
    state: ConversationState = start("x", ("certificate_issued.on",))
    assert state.question is not None
