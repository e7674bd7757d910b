"""Draw the card: an A4 page (1240 x 1754 pixels, 150 dpi) as PNG and as a one-page PDF.

Pillow's wheels shape text with raqm (HarfBuzz, FriBiDi): Arabic letters join, Bengali and
Ethiopic clusters form. Each script has its Noto font (bot/card/fonts, SIL OFL 1.1); a character
the line's font lacks (a digit in Ethiopic, a bracket in Arabic, a French term) is drawn with
Noto Sans, in runs: a right-to-left line is laid out from the right, its runs in reverse order.
Lines too long for the page wrap at spaces.
"""

from __future__ import annotations

import contextlib
import io
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFont

from bot.card.content import MOST_STEPS, Line, Style, card_lines
from bot.domain.deadline import Plan
from bot.i18n import Translator

FONTS = Path(__file__).with_name("fonts")
WIDTH, HEIGHT, DPI = 1240, 1754, 150
MARGIN = 90
LATIN = "NotoSans"
# The font of each language's script; anything else is Latin or Cyrillic (Noto Sans).
SCRIPT_FONTS = {
    "ar": "NotoSansArabic",
    "fa": "NotoSansArabic",
    "ps": "NotoSansArabic",
    "bn": "NotoSansBengali",
    "ti": "NotoSansEthiopic",
    "ka": "NotoSansGeorgian",
}
SIZES = {Style.TITLE: 50, Style.STEP: 36, Style.TEXT: 30, Style.FRENCH: 26, Style.NOTE: 22}
BOLD = {Style.TITLE, Style.STEP}
COLOURS = {
    Style.TITLE: (20, 20, 20),
    Style.STEP: (20, 20, 20),
    Style.TEXT: (40, 40, 40),
    Style.FRENCH: (90, 90, 110),
    Style.NOTE: (90, 90, 90),
}
SPACE_BEFORE = {Style.TITLE: 0, Style.STEP: 28, Style.TEXT: 2, Style.FRENCH: 2, Style.NOTE: 12}
LEADING = 1.4
_NEUTRAL = re.compile(r"[\s\d.,:;!?()\[\]«»\"'’·/\-–]")


@dataclass(frozen=True)
class Card:
    """The card as a picture and as a document."""

    png: bytes
    pdf: bytes


class PageFull(Exception):
    """The lines do not fit on one page (the content keeps a card to a few steps)."""


def card_for(t: Translator, plan: Plan, today: date) -> Card:
    """Draw a person's card with as many steps as fit on the page (the most urgent first)."""
    for most in range(MOST_STEPS, 0, -1):
        with contextlib.suppress(PageFull):
            return render(card_lines(t, plan, today, most))
    raise PageFull


def render(lines: list[Line]) -> Card:
    """Draw the lines on one page; return it as PNG and PDF."""
    page = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(page)
    y = MARGIN
    for index, line in enumerate(lines):
        y += SPACE_BEFORE[line.style]
        for row in _wrap(line):
            height = int(SIZES[line.style] * LEADING)
            if y + height > HEIGHT - MARGIN:
                raise PageFull
            _draw_row(draw, row, line, y)
            y += height
        following = lines[index + 1].style if index + 1 < len(lines) else None
        if line.style is Style.TITLE and following is not Style.TITLE:  # under the title(s)
            draw.line([(MARGIN, y + 10), (WIDTH - MARGIN, y + 10)], fill=(180, 180, 180), width=2)
            y += 20
    png, pdf = io.BytesIO(), io.BytesIO()
    page.save(png, "PNG", optimize=True)
    page.save(pdf, "PDF", resolution=DPI)
    return Card(png.getvalue(), pdf.getvalue())


def missing_glyphs(line: Line) -> set[str]:
    """Return the characters of a line that neither its script's font nor Noto Sans has."""
    primary, latin = _coverage(_family(line.locale)), _coverage(LATIN)
    return {c for c in line.text if not c.isspace() and c not in primary and c not in latin}


def _family(locale: str) -> str:
    return SCRIPT_FONTS.get(locale.split("_")[0], LATIN)


@cache
def _coverage(family: str) -> frozenset[str]:
    with TTFont(FONTS / f"{family}-Regular.ttf", lazy=True) as font:
        return frozenset(map(chr, font.getBestCmap()))


@cache
def _font(family: str, size: int, bold: bool) -> ImageFont.FreeTypeFont:
    path = FONTS / f"{family}-{'Bold' if bold else 'Regular'}.ttf"
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.RAQM)


def _runs(text: str, locale: str) -> list[tuple[str, str]]:
    """Split a text into (font family, text) runs: the script's font where it has the glyph,
    Noto Sans otherwise; spaces, digits and punctuation stay with the run they are in."""
    primary = _family(locale)
    covered = _coverage(primary)
    runs: list[tuple[str, str]] = []
    for char in text:
        if _NEUTRAL.match(char) and runs and (char in _coverage(runs[-1][0]) or char.isspace()):
            family = runs[-1][0]
        else:
            family = primary if char in covered else LATIN
        if runs and runs[-1][0] == family:
            runs[-1] = (family, runs[-1][1] + char)
        else:
            runs.append((family, char))
    return runs


def _width(text: str, line: Line) -> float:
    size, bold = SIZES[line.style], line.style in BOLD
    direction = "rtl" if line.rtl else "ltr"
    return sum(
        _font(family, size, bold).getlength(part, direction=direction)
        for family, part in _runs(text, line.locale)
    )


def _wrap(line: Line) -> list[str]:
    """Break a line at spaces so that each row fits between the margins."""
    room = WIDTH - 2 * MARGIN
    rows: list[str] = []
    current = ""
    for word in line.text.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and _width(candidate, line) > room:
            rows.append(current)
            current = word
        else:
            current = candidate
    if current:
        rows.append(current)
    return rows


def _draw_row(draw: ImageDraw.ImageDraw, row: str, line: Line, y: int) -> None:
    """Draw one row: from the left margin, or from the right one for a right-to-left line."""
    size, bold, colour = SIZES[line.style], line.style in BOLD, COLOURS[line.style]
    direction = "rtl" if line.rtl else "ltr"
    runs = _runs(row, line.locale)
    if line.rtl:
        runs.reverse()  # the first words are on the right
        x = WIDTH - MARGIN - _width(row, line)
    else:
        x = MARGIN
    baseline = y + int(size * 1.05)  # every run on one baseline, whatever its font's metrics
    for family, part in runs:
        font = _font(family, size, bold)
        draw.text((x, baseline), part, font=font, fill=colour, direction=direction, anchor="ls")
        x += font.getlength(part, direction=direction)
