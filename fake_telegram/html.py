"""Telegram's HTML parse mode, checked the way Telegram (tdlib's parse_html) checks it.

Only the documented tags are accepted; tags must nest properly; `&lt; &gt; &amp; &quot;` and
numeric character references are decoded, and any other `&...` stays as literal text (Telegram
does not reject it). Errors carry Telegram's wording, to be prefixed with
"Bad Request: can't parse entities: ". Lengths are counted in UTF-16 code units, like Telegram's
entity offsets and its 4096-character limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

ALLOWED_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "tg-emoji",
        "code",
        "pre",
        "blockquote",
    }
)
_SIMPLE_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_NUMERIC_ENTITY = re.compile(r"&#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}));")
_NAMED_ENTITY = re.compile(r"&([a-zA-Z]{2,4});")
_UNQUOTED_VALUE = re.compile(r"[A-Za-z0-9.\-]*")


class HtmlError(ValueError):
    """The text is not valid Telegram HTML; the message is Telegram's description."""


@dataclass(frozen=True)
class ParsedText:
    """Plain text as the person sees it, with the entities Telegram would return."""

    text: str
    entities: tuple[dict[str, Any], ...] = ()

    @property
    def length(self) -> int:
        """Length in UTF-16 code units, as Telegram counts it for its limits."""
        return utf16_length(self.text)


@dataclass
class _OpenTag:
    """A start tag waiting for its end tag."""

    name: str
    argument: str | None
    offset: int  # UTF-16 offset in the plain text where the entity starts


@dataclass
class _Parser:
    """State of one parse: the source, the plain text so far, open tags and entities."""

    source: str
    pos: int = 0
    plain: list[str] = field(default_factory=list)
    utf16: int = 0
    stack: list[_OpenTag] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)

    def byte_offset(self, index: int) -> int:
        """Return the UTF-8 byte offset of `index`, which Telegram's messages quote."""
        return len(self.source[:index].encode("utf-8"))

    def emit(self, text: str) -> None:
        """Append visible text."""
        self.plain.append(text)
        self.utf16 += utf16_length(text)


_SPECIAL = re.compile("[<&]")


def utf16_length(text: str) -> int:
    """Count UTF-16 code units: characters outside the BMP (most emoji) count twice."""
    return len(text.encode("utf-16-le")) // 2


def decode_entity(source: str, pos: int) -> tuple[str, int] | None:
    """Decode the character reference at `pos`, or return None to keep the '&' literally."""
    numeric = _NUMERIC_ENTITY.match(source, pos)
    if numeric:
        code = int(numeric.group(1), 16) if numeric.group(1) else int(numeric.group(2))
        if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
            return chr(code), numeric.end()
        return None
    named = _NAMED_ENTITY.match(source, pos)
    if named and named.group(1) in _NAMED_ENTITIES:
        return _NAMED_ENTITIES[named.group(1)], named.end()
    return None


def parse_html(source: str) -> ParsedText:
    """Parse Telegram HTML into plain text and entities, or raise HtmlError like Telegram."""
    parser = _Parser(source)
    while parser.pos < len(source):
        char = source[parser.pos]
        if char == "<":
            _tag(parser)
        elif char == "&" and (decoded := decode_entity(source, parser.pos)):
            parser.emit(decoded[0])
            parser.pos = decoded[1]
        else:  # a run of plain text, up to the next tag or character reference
            stop = _SPECIAL.search(source, parser.pos + 1)
            end = stop.start() if stop else len(source)
            parser.emit(source[parser.pos : end])
            parser.pos = end
    if parser.stack:
        raise HtmlError(f'Can\'t find end tag corresponding to start tag "{parser.stack[-1].name}"')
    return _strip("".join(parser.plain), parser.entities)


def _tag(parser: _Parser) -> None:
    """Handle a start or end tag beginning at `parser.pos` (which is on '<')."""
    if parser.source.startswith("</", parser.pos):
        _end_tag(parser)
    else:
        _start_tag(parser)


def _start_tag(parser: _Parser) -> None:
    """Read a start tag and its attributes, and push it on the stack."""
    source, begin = parser.source, parser.pos
    end_of_name = begin + 1
    while (
        end_of_name < len(source)
        and not source[end_of_name].isspace()
        and source[end_of_name] != ">"
    ):
        end_of_name += 1
    if end_of_name >= len(source):
        raise HtmlError(f"Unclosed start tag at byte offset {parser.byte_offset(begin)}")
    name = source[begin + 1 : end_of_name].lower()
    if name not in ALLOWED_TAGS:
        raise HtmlError(
            f'Unsupported start tag "{name}" at byte offset {parser.byte_offset(begin)}'
        )
    parser.pos = end_of_name
    argument = _attributes(parser, name, begin)
    if name == "span" and argument != "tg-spoiler":
        raise HtmlError(
            f'Tag "span" must have class "tg-spoiler" at byte offset {parser.byte_offset(begin)}'
        )
    parser.pos += 1  # the '>'
    parser.stack.append(_OpenTag(name, argument, parser.utf16))


def _attributes(parser: _Parser, tag: str, begin: int) -> str | None:
    """Read attributes up to '>' and return the one that matters for `tag` (href, class...)."""
    source, argument = parser.source, None
    while True:
        while parser.pos < len(source) and source[parser.pos].isspace():
            parser.pos += 1
        if parser.pos >= len(source):
            raise HtmlError(f"Unclosed start tag at byte offset {parser.byte_offset(begin)}")
        if source[parser.pos] == ">":
            return argument
        name, value = _attribute(parser, tag, begin)
        if tag == "a" and name == "href" or tag == "tg-emoji" and name == "emoji-id":
            argument = value
        elif tag in ("span", "code") and name == "class":
            argument = value
        elif tag == "blockquote" and name == "expandable":
            argument = "expandable"


def _attribute(parser: _Parser, tag: str, begin: int) -> tuple[str, str]:
    """Read one `name`, `name=value` or `name="value"` attribute."""
    source, start = parser.source, parser.pos
    while (
        parser.pos < len(source)
        and not source[parser.pos].isspace()
        and source[parser.pos] not in "=>/\"'"
    ):
        parser.pos += 1
    name = source[start : parser.pos].lower()
    if not name:
        raise HtmlError(
            f'Empty attribute name in the tag "{tag}" at byte offset {parser.byte_offset(begin)}'
        )
    while parser.pos < len(source) and source[parser.pos].isspace():
        parser.pos += 1
    if parser.pos >= len(source) or source[parser.pos] != "=":
        return name, ""
    parser.pos += 1
    while parser.pos < len(source) and source[parser.pos].isspace():
        parser.pos += 1
    if parser.pos >= len(source):
        raise HtmlError(f'Unclosed start tag "{tag}" at byte offset {parser.byte_offset(begin)}')
    if source[parser.pos] in "\"'":
        return name, _quoted_value(parser)
    token = _UNQUOTED_VALUE.match(source, parser.pos)
    assert token is not None  # the pattern also matches the empty string
    parser.pos = token.end()
    if parser.pos < len(source) and not source[parser.pos].isspace() and source[parser.pos] != ">":
        raise HtmlError(
            f"Unexpected end of name token at byte offset {parser.byte_offset(parser.pos)}"
        )
    return name, token.group().lower()


def _quoted_value(parser: _Parser) -> str:
    """Read a quoted attribute value, decoding character references inside it."""
    source, quote = parser.source, parser.source[parser.pos]
    parser.pos += 1
    value: list[str] = []
    while parser.pos < len(source) and source[parser.pos] != quote:
        decoded = decode_entity(source, parser.pos) if source[parser.pos] == "&" else None
        if decoded:
            value.append(decoded[0])
            parser.pos = decoded[1]
        else:
            value.append(source[parser.pos])
            parser.pos += 1
    parser.pos += 1  # the closing quote (or past the end, caught by the caller)
    return "".join(value)


def _end_tag(parser: _Parser) -> None:
    """Read an end tag, check it closes the innermost open tag, and record the entity."""
    source, begin = parser.source, parser.pos
    if not parser.stack:
        raise HtmlError(f"Unexpected end tag at byte offset {parser.byte_offset(begin)}")
    end = begin + 2
    while end < len(source) and not source[end].isspace() and source[end] != ">":
        end += 1
    name = source[begin + 2 : end].lower()
    while end < len(source) and source[end].isspace():
        end += 1
    if end >= len(source) or source[end] != ">":
        raise HtmlError(f"Unclosed end tag at byte offset {parser.byte_offset(begin)}")
    opened = parser.stack.pop()
    if name and name != opened.name:
        raise HtmlError(
            f"Unmatched end tag at byte offset {parser.byte_offset(begin)}, "
            f'expected "</{opened.name}>", found "</{name}>"'
        )
    parser.pos = end + 1
    if parser.utf16 > opened.offset:
        _record(parser, opened)


def _record(parser: _Parser, opened: _OpenTag) -> None:
    """Turn a closed tag into a MessageEntity dict (merging <pre><code> like Telegram)."""
    entity: dict[str, Any] = {"offset": opened.offset, "length": parser.utf16 - opened.offset}
    if opened.name in _SIMPLE_TYPES:
        entity["type"] = _SIMPLE_TYPES[opened.name]
    elif opened.name == "a":
        entity.update(type="text_link", url=opened.argument or _inner_text(parser, opened))
    elif opened.name == "tg-emoji":
        if not (opened.argument or "").isdigit():
            raise HtmlError("Invalid custom emoji identifier specified")
        entity.update(type="custom_emoji", custom_emoji_id=opened.argument)
    elif opened.name == "blockquote":
        entity["type"] = "expandable_blockquote" if opened.argument else "blockquote"
    elif opened.name == "code":
        entity["type"] = "code"
        language = (opened.argument or "").removeprefix("language-")
        if opened.argument and opened.argument.startswith("language-") and language:
            entity["language"] = language
    else:  # pre
        last = parser.entities[-1] if parser.entities else None
        if (
            last
            and last["type"] == "code"
            and last["offset"] == entity["offset"]
            and last["length"] == entity["length"]
        ):
            parser.entities.pop()
            entity.update({k: v for k, v in last.items() if k == "language"})
        entity["type"] = "pre"
    parser.entities.append(entity)


def _inner_text(parser: _Parser, opened: _OpenTag) -> str:
    """Return the visible text inside an entity (an `<a>` without href links to its text)."""
    text = "".join(parser.plain).encode("utf-16-le")
    return text[opened.offset * 2 : parser.utf16 * 2].decode("utf-16-le")


def _strip(text: str, entities: list[dict[str, Any]]) -> ParsedText:
    """Strip surrounding whitespace like Telegram, shifting and clipping the entities."""
    stripped = text.strip()
    lead = utf16_length(text[: len(text) - len(text.lstrip())])
    size = utf16_length(stripped)
    kept = []
    for entity in sorted(entities, key=lambda e: (e["offset"], -e["length"])):
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, size)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return ParsedText(stripped, tuple(kept))
