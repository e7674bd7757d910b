"""The translation gate: what every catalog must satisfy before it ships.

Run by the test suite (so CI enforces it) and by hand while translating:

    python -m bot.i18n_gate            # every language of locales/languages.toml
    python -m bot.i18n_gate uk ar      # some of them

A catalog passes when it compiles, has no untranslated or fuzzy entry, keeps every placeholder
(`{days}`, `%(date)s`) and every /command of the English source, keeps HTML tags balanced, limited
to those Telegram accepts and the same as the source, keeps the numbers of the source (a
deadline's "21 days", a phone number; 1 and 2 may become words), and has its language's plural
forms.
"""

from __future__ import annotations

import gettext
import io
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from bot.i18n import SOURCE_LOCALE, supported_languages
from bot.resources import LOCALES_DIR

# Tags Telegram's HTML parse mode accepts (Bot API, "HTML style").
TELEGRAM_TAGS = frozenset(
    {
        "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
        "span", "tg-spoiler", "tg-emoji", "blockquote",
    }
)  # fmt: skip
MAX_MESSAGE = 4096
PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}|%\([A-Za-z_]+\)[sd]")
COMMAND = re.compile(r"(?<![\w/.])/[a-z][a-z_]+\b")
TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z-]*)[^>]*>")
NUMBER = re.compile(r"\d+")
# Numbers a language may write as a word or a grammatical form (Arabic duals: "two months").
NUMBERS_AS_WORDS = frozenset({"1", "2"})


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one catalog entry."""

    locale: str
    message: str
    what: str

    def __str__(self) -> str:
        return f"{self.locale}: {self.what}: {self.message[:70]!r}"


def catalog_path(locale: str) -> Path:
    """Return the .po file of a locale."""
    return LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po"


def load(locale: str) -> Catalog:
    """Read a locale's catalog."""
    with catalog_path(locale).open("rb") as handle:
        return read_po(handle, locale=locale)


def check_language(locale: str) -> list[Problem]:
    """Return every problem of one language's catalog (empty when it passes)."""
    path = catalog_path(locale)
    if not path.exists():
        return [Problem(locale, str(path), "no catalog")]
    catalog = load(locale)
    return check_catalog(locale, catalog) + missing_from(locale, catalog, template())


def template() -> Catalog:
    """Read the template every catalog is updated from (locales/bot.pot)."""
    with (LOCALES_DIR / "bot.pot").open("rb") as handle:
        return read_po(handle)


def missing_from(locale: str, catalog: Catalog, source: Catalog) -> list[Problem]:
    """Return the template's texts the catalog lacks (the bot would show them in English):
    `make extract` was run without `make update-catalogs`."""
    return [
        Problem(locale, str(message.id), "missing: run `make update-catalogs`, then translate")
        for message in source
        if message.id and catalog.get(message.id, context=message.context) is None
    ]


def check_catalog(locale: str, catalog: Catalog) -> list[Problem]:
    """Return every problem of a catalog read or built for `locale`."""
    problems = _check_header(locale, catalog)
    nplurals = get_plural(locale).num_plurals
    for message in catalog:
        if not message.id:
            continue
        problems.extend(_check_message(locale, message, nplurals))
    problems.extend(_check_compiles(locale, catalog))
    return problems


def check_all(locales: list[str] | None = None) -> list[Problem]:
    """Check the given languages, or every translated language of languages.toml."""
    wanted = locales or [
        language.code for language in supported_languages() if language.code != SOURCE_LOCALE
    ]
    problems = [problem for locale in wanted for problem in check_language(locale)]
    listed = {language.code for language in supported_languages()}
    for directory in sorted(LOCALES_DIR.glob("*/LC_MESSAGES/messages.po")):
        code = directory.parent.parent.name
        if code not in listed:
            problems.append(
                Problem(code, "locales/languages.toml", "catalog of an unlisted language")
            )
    return problems


def _check_header(locale: str, catalog: Catalog) -> list[Problem]:
    expected = get_plural(locale)
    if catalog.plural_forms != expected.plural_forms:
        return [Problem(locale, catalog.plural_forms, f"plural forms should be {expected}")]
    return []


def _source_and_forms(message: Message) -> tuple[list[str], list[str]]:
    if isinstance(message.id, tuple | list):
        sources = [str(part) for part in message.id]
        forms = [str(form or "") for form in (message.string or ())]
    else:
        sources = [str(message.id)]
        forms = [str(message.string or "")]
    return sources, forms


def _check_message(locale: str, message: Message, nplurals: int) -> list[Problem]:
    sources, forms = _source_and_forms(message)
    label = sources[0] if not message.context else f"[{message.context}] {sources[0]}"
    problems: list[Problem] = []

    def problem(what: str) -> None:
        problems.append(Problem(locale, label, what))

    if message.fuzzy:
        problem("fuzzy")
    if len(sources) > 1 and len(forms) != nplurals:
        problem(f"{len(forms)} plural forms instead of {nplurals}")
    if any(not form.strip() for form in forms):
        problem("untranslated")
        return problems
    for what in _placeholder_problems(sources, forms, nplurals) + _form_problems(sources, forms):
        problem(what)
    return problems


def _placeholder_problems(sources: list[str], forms: list[str], nplurals: int) -> list[str]:
    """Placeholders and numbers of the source that a translation changed or lost."""
    wanted = set(PLACEHOLDER.findall(" ".join(sources)))
    found = [set(PLACEHOLDER.findall(form)) for form in forms]
    problems = []
    if len(sources) == 1 and found[0] != wanted:
        problems.append(f"placeholders {sorted(found[0])} instead of {sorted(wanted)}")
    if len(sources) > 1:
        if any(not names <= wanted for names in found) or set().union(*found) != wanted:
            problems.append(
                f"plural placeholders {[sorted(names) for names in found]}, want {sorted(wanted)}"
            )
        if nplurals == 1 and found[0] != wanted:
            problems.append("the only plural form must keep every placeholder")
    if len(sources) == 1:
        lost = Counter(NUMBER.findall(sources[0])) - Counter(NUMBER.findall(forms[0]))
        if set(lost) - NUMBERS_AS_WORDS:
            problems.append(
                f"numbers {sorted(lost)} of the source are missing (days, phones, dates)"
            )
    return problems


def _form_problems(sources: list[str], forms: list[str]) -> list[str]:
    """Commands, HTML tags and lengths of each translated form."""
    commands = set(COMMAND.findall(sources[0]))
    problems = []
    for form in forms:
        missing = commands - set(COMMAND.findall(form))
        if missing:
            problems.append(f"commands {sorted(missing)} missing (keep them in Latin letters)")
        what = _tag_problem(form, _tags(sources[0]))
        if what:
            problems.append(what)
        if len(form) > MAX_MESSAGE:
            problems.append(f"{len(form)} characters, more than Telegram's {MAX_MESSAGE}")
    return problems


def _tags(text: str) -> Counter[str]:
    return Counter(name.lower() for closing, name in TAG.findall(text) if not closing)


def _tag_problem(text: str, source_tags: Counter[str]) -> str | None:
    stack: list[str] = []
    for closing, raw in TAG.findall(text):
        name = raw.lower()
        if name not in TELEGRAM_TAGS:
            return f"tag <{name}> is not accepted by Telegram"
        if not closing:
            stack.append(name)
        elif not stack or stack.pop() != name:
            return f"unbalanced </{name}>"
    if stack:
        return f"unclosed <{stack[-1]}>"
    if _tags(text) != source_tags:
        return f"tags {dict(_tags(text))} differ from the source's {dict(source_tags)}"
    return None


def _check_compiles(locale: str, catalog: Catalog) -> list[Problem]:
    problems = [
        Problem(locale, str(message.id), f"babel check: {error}")
        for message, errors in catalog.check()
        for error in errors
    ]
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    try:
        gettext.GNUTranslations(buffer)
    except (OSError, ValueError) as error:
        problems.append(Problem(locale, "messages.mo", f"does not compile: {error}"))
    return problems


def main(argv: list[str]) -> int:
    """Print every problem; exit 1 when there is any."""
    problems = check_all(argv or None)
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
