"""Translations: gettext catalogs under `locales/`, and a Translator for one language.

English is the source language. A language without a compiled catalog gets the English source
texts only where the caller asked for English; `available_locales()` lists what is compiled.
"""

from __future__ import annotations

import gettext
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel import Locale, negotiate_locale

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"
SOURCE_LOCALE = "en"
# Unicode isolates keep Latin fragments (dates, addresses, "Ofpra") in order inside RTL text.
FSI, PDI, RLM = "\u2068", "\u2069", "\u200f"


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now."""
    return message


@dataclass(frozen=True)
class Translator:
    """gettext functions for one language, plus its text direction."""

    locale: str
    catalog: gettext.NullTranslations

    def gettext(self, message: str) -> str:
        """Translate a message."""
        return self.catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        """Translate a message that depends on a count."""
        return self.catalog.ngettext(singular, plural, count)

    def pgettext(self, context: str, message: str) -> str:
        """Translate a message in a context (short labels, rule texts)."""
        return self.catalog.pgettext(context, message)

    @property
    def is_rtl(self) -> bool:
        """Tell whether the language is written right to left."""
        return Locale.parse(self.locale).text_direction == "rtl"

    def isolate(self, fragment: str) -> str:
        """Wrap a left-to-right fragment so it stays in order inside right-to-left text."""
        return f"{FSI}{fragment}{PDI}" if self.is_rtl else fragment


@cache
def translator(locale: str = SOURCE_LOCALE) -> Translator:
    """Return the Translator of a locale (English source texts when it has no catalog)."""
    catalog = gettext.translation(
        DOMAIN, localedir=LOCALES_DIR, languages=[locale], fallback=locale == SOURCE_LOCALE
    )
    return Translator(locale, catalog)


@dataclass(frozen=True)
class Language:
    """A language the bot speaks, as listed in locales/languages.toml."""

    code: str
    native: str
    english: str
    reviewed: bool


@cache
def supported_languages() -> tuple[Language, ...]:
    """Return the languages of locales/languages.toml, in the order listed."""
    data = tomllib.loads((LOCALES_DIR / "languages.toml").read_text("utf-8"))
    return tuple(Language(**entry) for entry in data["language"])


def is_supported(code: str) -> bool:
    """Tell whether the bot speaks this language code."""
    return any(language.code == code for language in supported_languages())


def negotiate(telegram_code: str | None) -> str | None:
    """Return our language matching a Telegram `language_code` (e.g. "fr-FR" -> "fr")."""
    if not telegram_code:
        return None
    available = [language.code for language in supported_languages()]
    return negotiate_locale([telegram_code.replace("-", "_")], available, sep="_")
