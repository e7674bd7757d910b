"""Translations: gettext catalogs under `locales/`, and a Translator for one language.

English is the source language. Each language's catalog (`<code>/LC_MESSAGES/messages.po`) is
read and compiled in memory the first time the language is used (about 25 ms); there are no
compiled `.mo` files to build or to forget. `load_all_catalogs()` reads them all at start-up, so a
missing or broken catalog stops the bot before it answers anyone in English by mistake.
"""

from __future__ import annotations

import gettext
import io
import re
import tomllib
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from babel import Locale, negotiate_locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po

from bot.resources import LOCALES_DIR

DOMAIN = "messages"
SOURCE_LOCALE = "en"
# Unicode isolates keep Latin fragments (dates, addresses, "Ofpra") in order inside RTL text.
FSI, PDI, RLM = "\u2068", "\u2069", "\u200f"
LANGUAGE_ALIASES = {"prs": "fa"}


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now."""
    return message


@dataclass(frozen=True)
class Translator:
    """gettext functions for one language, plus its text direction."""

    locale: str
    catalog: gettext.NullTranslations
    speaks: bool = False  # a voice reads this language aloud here (a "Listen" button is shown)

    def gettext(self, message: str) -> str:
        """Translate a message."""
        return self._directed(self.catalog.gettext(message))

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        """Translate a message that depends on a count."""
        return self._directed(self.catalog.ngettext(singular, plural, count))

    def pgettext(self, context: str, message: str) -> str:
        """Translate a message in a context (short labels, rule texts)."""
        return self._directed(self.catalog.pgettext(context, message))

    def _directed(self, text: str) -> str:
        """In right-to-left languages, isolate the Latin runs of a translation."""
        return isolate_latin_runs(text) if self.is_rtl else text

    @cached_property
    def babel(self) -> Locale:
        """Return Babel's locale data (dates, month and day names) for this language."""
        return Locale.parse(self.locale)

    @cached_property
    def is_rtl(self) -> bool:
        """Tell whether the language is written right to left."""
        return self.babel.text_direction == "rtl"

    def isolate(self, fragment: str) -> str:
        """Wrap a left-to-right fragment so it stays in order inside right-to-left text."""
        return f"{FSI}{fragment}{PDI}" if self.is_rtl else fragment


# Latin runs: French terms, names, commands, numbers, {placeholders}, with the quotes or brackets
# around them. HTML tags and character references are left alone.
_MARKUP = re.compile(r"(<[^>]*>|&#?\w+;)")
_LATIN = "A-Za-z0-9\u00c0-\u024f{}"
_LATIN_RUN = re.compile(
    rf"[\"«(/]?[{_LATIN}][{_LATIN}_'’\-./:@+,()\u00a0 ]*[{_LATIN}\"»)]|[\"«(/]?[{_LATIN}][\"»)]?"
)


def isolate_latin_runs(text: str) -> str:
    """Wrap each Latin run of a right-to-left text in Unicode isolates (FSI ... PDI).

    Without them, a phone number's groups, "attestation de demande d'asile" in quotes or a
    /command next to Arabic letters are reordered by the bidirectional algorithm.
    """
    parts = _MARKUP.split(text)
    for index in range(0, len(parts), 2):  # even parts are text, odd parts are markup
        parts[index] = _LATIN_RUN.sub(lambda run: _isolated(run.group(0)), parts[index])
    return "".join(parts)


_PAIRS = {"(": ")", "«": "»", "[": "]"}
_CLOSERS = {closer: opener for opener, closer in _PAIRS.items()}


def _isolated(run: str) -> str:
    """Isolate a Latin run, leaving outside the isolate any bracket or quote whose partner is
    not in the run: an isolate must never split a pair, or the pair is mirrored wrongly."""
    alone: set[int] = set()
    openers: list[int] = []
    for position, char in enumerate(run):
        if char in _PAIRS:
            openers.append(position)
        elif char in _CLOSERS:
            if openers and run[openers[-1]] == _CLOSERS[char]:
                openers.pop()
            else:
                alone.add(position)
    alone.update(openers)
    quotes = [position for position, char in enumerate(run) if char == '"']
    if len(quotes) % 2:
        alone.add(quotes[0] if quotes[0] == 0 else quotes[-1])
    pieces, start = [], 0
    for position in sorted(alone):
        pieces += [_wrap(run[start:position]), run[position]]
        start = position + 1
    pieces.append(_wrap(run[start:]))
    return "".join(pieces)


def _wrap(fragment: str) -> str:
    """Isolate a fragment that holds Latin letters or digits; leave spaces and signs as they are."""
    if not any(
        char.isascii() and char.isalnum() or "\u00c0" <= char <= "\u024f" for char in fragment
    ):
        return fragment
    core = fragment.strip()
    lead = fragment[: len(fragment) - len(fragment.lstrip())]
    trail = fragment[len(fragment.rstrip()) :]
    return f"{lead}{FSI}{core}{PDI}{trail}"


@cache
def translator(locale: str = SOURCE_LOCALE, *, speaks: bool = False) -> Translator:
    """Return the Translator of a locale (the English source texts for the source language);
    `speaks`: a voice reads the language aloud here (cards get a "Listen" button)."""
    if locale == SOURCE_LOCALE:
        return Translator(locale, gettext.NullTranslations(), speaks)
    return Translator(locale, _compiled(catalog_file(locale)), speaks)


def catalog_file(locale: str) -> Path:
    """Return the path of a language's catalog."""
    return LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def _compiled(path: Path) -> gettext.GNUTranslations:
    """Read a catalog and compile it in memory (fuzzy entries left out, as `msgfmt` does)."""
    with path.open("rb") as handle:
        catalog = read_po(handle)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def load_all_catalogs() -> None:
    """Load every supported language's catalog now; raise CatalogError naming what is wrong."""
    for language in supported_languages():
        try:
            translator(language.code)
        except (OSError, ValueError, PoFileError) as error:
            raise CatalogError(f"the {language.code} translation cannot be read: {error}") from None


class CatalogError(Exception):
    """A language's catalog is missing or cannot be read."""


@dataclass(frozen=True)
class Language:
    """A language the bot speaks, as listed in locales/languages.toml."""

    code: str
    native: str
    english: str
    reviewed: bool
    # A language the texts are written from (English) or checked against (French, the language
    # of the law and of the papers): no "not reviewed" notice is shown in it.
    source: bool = False


@cache
def supported_languages() -> tuple[Language, ...]:
    """Return the languages of locales/languages.toml, in the order listed."""
    data = tomllib.loads((LOCALES_DIR / "languages.toml").read_text("utf-8"))
    return tuple(Language(**entry) for entry in data["language"])


def is_supported(code: str) -> bool:
    """Tell whether the bot speaks this language code."""
    return any(language.code == code for language in supported_languages())


def is_reviewed(code: str) -> bool:
    """Tell whether this language's texts need no "not reviewed" notice: a native speaker
    reviewed the catalog, or it is a source language."""
    return any(
        language.code == code and (language.reviewed or language.source)
        for language in supported_languages()
    )


def negotiate(telegram_code: str | None) -> str | None:
    """Return our language for a Telegram `language_code` ("fr-FR" -> "fr", "fa" -> "fa_AF")."""
    if not telegram_code:
        return None
    available = [language.code for language in supported_languages()]
    wanted = telegram_code.replace("-", "_")
    exact = negotiate_locale([wanted], available, sep="_")
    if exact:
        return exact
    # Telegram sends "fa" for Dari and Farsi alike; "prs" is Dari's own code.
    base = LANGUAGE_ALIASES.get(wanted.split("_")[0].lower(), wanted.split("_")[0].lower())
    return next((code for code in available if code.split("_")[0] == base), None)
