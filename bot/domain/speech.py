"""What a message says aloud: its words without markup, emoji or layout marks, in runs that a
voice reads in the person's language or in French.

The bot's texts keep French official terms in French ("attestation de demande d'asile", Ofpra,
CNDA): a listener must hear them as a French speaker says them, since that is what is printed
on their papers and what they will hear at the counter. In a language not written in Latin
letters, every Latin run is such a term; in English, Turkish or Albanian, a term in brackets that
reads as French is one. Numbers and dates are left as the text writes them: the voices read
them as words in their language.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

FRENCH = "fr"
# Languages written in Latin letters, where a Latin run is not by itself a French term.
LATIN_SCRIPT = frozenset({"fr", "en", "tr", "sq"})

_TAG = re.compile(r"<[^>]*>")
# Pictographs, dingbats, arrows, variation selectors, bidi marks and isolates, the Braille blank:
# seen on screen, not read. Joiners stay (Persian's half-space, U+200C, is part of a word).
_SILENT = re.compile(
    "[\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufe0f\u2800\u2190-\u21ff\u2300-\u23ff"
    "\u2500-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff•]"
)
_SPACES = re.compile(r"[ \t]+")  # a no-break space (French "date :") stays as it is
_LATIN_RUN = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿŒœ][A-Za-zÀ-ÖØ-öø-ÿŒœ'’ \-]*[A-Za-zÀ-ÖØ-öø-ÿŒœ]|[A-Za-z]")
_BRACKETED = re.compile(r"\(([^()]+)\)")
_FRENCH_HINT = re.compile(
    r"[àâçéèêëîïôûùüÿœ]|\b(?:de|des|du|la|le|les|d'|l'|jusqu'au|valable|titre|séjour)\b",
    re.IGNORECASE,
)
MAX_SPOKEN = (
    3000  # characters: a card is a few hundred; anything longer is cut, not read for minutes
)


@dataclass(frozen=True)
class Run:
    """A stretch of text read in one language (`french`: in French, else the person's)."""

    text: str
    french: bool = False


def spoken_runs(text: str, locale: str) -> list[Run]:
    """Return what to read aloud of a message (HTML or plain), in runs by language."""
    plain = readable(text).replace(" · ", ", ")[:MAX_SPOKEN]  # a pause, not a symbol
    language = locale.split("_")[0]
    if language == FRENCH:
        return [Run(plain)] if plain else []
    pattern = _BRACKETED if language in LATIN_SCRIPT else _LATIN_RUN
    runs: list[Run] = []
    cursor = 0
    for match in pattern.finditer(plain):
        group = match.lastindex or 0
        term = match.group(group)
        if language in LATIN_SCRIPT and not _FRENCH_HINT.search(term):
            continue
        start, end = match.span(group)
        _append(runs, plain[cursor:start], french=False)
        _append(runs, term, french=True)
        cursor = end
    _append(runs, plain[cursor:], french=False)
    return runs


def readable(text: str) -> str:
    """Return the words of a message (HTML or plain), one line per line: tags, entities, emoji
    and layout marks removed (what is read aloud, or printed on the card)."""
    words = _SILENT.sub(" ", html.unescape(_TAG.sub(" ", text)))
    lines = (_SPACES.sub(" ", line).strip() for line in words.splitlines())
    return "\n".join(line for line in lines if line)


def _append(runs: list[Run], text: str, *, french: bool) -> None:
    """Add a run, merged with the previous one when in the same language; skip blanks."""
    if not text.strip(" \n()«»\"',.:;-"):
        if runs and text:
            runs[-1] = Run(runs[-1].text + text, runs[-1].french)
        return
    if runs and runs[-1].french == french:
        runs[-1] = Run(runs[-1].text + text, french)
    else:
        runs.append(Run(text, french))
