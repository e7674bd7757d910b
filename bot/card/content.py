"""What the card says: each step in the person's language and in French, the day it was made,
and that it is not legal advice. No chat id, no Telegram name: nothing that says whose it is.

The steps are the bot's own cards (the most urgent first: papers whose date is unknown, steps
just passed, open steps), as plain words, each followed by its French text, so that whoever the
person shows it to reads it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.domain.deadline import Deadline, Plan, Standing
from bot.domain.speech import readable
from bot.i18n import N_, Translator, translator
from bot.views.cards import when_lines
from bot.views.common import day, weekday_day
from bot.views.notes import action_title

FRENCH = "fr"
MOST_STEPS = 6  # a one-page card; /next lists the rest
TITLE = N_("My asylum deadlines")
MADE_ON = N_("Card made on {date}.")
NOT_LEGAL_ADVICE = N_(
    "This is not legal advice: always check the dates printed on your papers, and ask an "
    "association or a lawyer, especially before an appeal."
)
MORE = N_("More steps: /next in the bot.")


class Style(StrEnum):
    """How a line is drawn."""

    TITLE = "title"  # the card's title
    STEP = "step"  # a step's first line, in the person's language
    TEXT = "text"  # the step's other lines
    FRENCH = "french"  # the same in French, for whoever reads the card
    NOTE = "note"  # made on, not legal advice


@dataclass(frozen=True)
class Line:
    """One line of the card, in one language (`rtl`: written right to left)."""

    text: str
    style: Style
    locale: str
    rtl: bool = False


def card_lines(t: Translator, plan: Plan, today: date, most: int = MOST_STEPS) -> list[Line]:
    """Return the card's lines: title, each step (person's language, then French), notes; at
    most `most` steps (then a line pointing to /next)."""
    french = translator(FRENCH)
    both = [t] if t.locale == FRENCH else [t, french]
    lines = [_line(tr, tr.gettext(TITLE), Style.TITLE) for tr in both]
    steps = card_steps(plan)
    for step in steps[:most]:
        for tr in both:
            words = step_words(tr, plan, step)
            if tr is t:
                lines.append(_line(tr, words[0], Style.STEP))
                lines += [_line(tr, text, Style.TEXT) for text in words[1:]]
            else:
                lines += [_line(tr, text, Style.FRENCH) for text in words]
    if len(steps) > most:
        lines.append(_line(t, t.gettext(MORE), Style.NOTE))
    for tr in both:
        made = tr.gettext(MADE_ON).format(date=readable(day(tr, today)))
        lines.append(_line(tr, made, Style.NOTE))
        lines.append(_line(tr, tr.gettext(NOT_LEGAL_ADVICE), Style.NOTE))
    return lines


Step = Standing | Deadline


def card_steps(plan: Plan) -> list[Step]:
    """Return the steps of a card, the most urgent first, as the bot's cards order them:
    papers whose date is unknown, steps whose last day just passed, open steps."""
    return [*plan.standing, *plan.passed(), *plan.next_steps()]


def step_words(t: Translator, plan: Plan, step: Step) -> list[str]:
    """Return a step's lines: what to do, then by when (or that its date is unknown, or that
    its last day passed)."""
    if isinstance(step, Standing):
        unknown = t.gettext(
            "The date is not known: this deadline may be running, or may have passed."
        )
        return [action_title(t, step.rule), unknown]
    title = action_title(t, step.rule)
    if not step.is_open(plan.now):
        ended = t.gettext("The deadline ended on {date}.").format(
            date=weekday_day(t, step.due.date())
        )
        return [title, readable(ended)]
    when = when_lines(t, step.rule, step.due, step.act_before, plan.now, suspended=step.suspended)
    return [title, *(readable(text) for text in when)]


def has_steps(plan: Plan) -> bool:
    """Tell whether there is anything to put on a card."""
    return not plan.proves_nothing_is_due()


def _line(t: Translator, text: str, style: Style) -> Line:
    return Line(readable(text), style, t.locale, t.is_rtl)
