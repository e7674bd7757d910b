"""Telegram HTML parse mode, without a server."""

from __future__ import annotations

import pytest

from fake_telegram.html import HtmlError, parse_html, utf16_length


@pytest.mark.parametrize(
    ("source", "text", "entities"),
    [
        ("<b>a</b><strong>b</strong>", "ab", [("bold", 0, 1), ("bold", 1, 1)]),
        (
            "<i>x</i> <em>y</em> <u>z</u> <ins>w</ins>",
            "x y z w",
            [("italic", 0, 1), ("italic", 2, 1), ("underline", 4, 1), ("underline", 6, 1)],
        ),
        (
            "<s>a</s><strike>b</strike><del>c</del>",
            "abc",
            [("strikethrough", 0, 1), ("strikethrough", 1, 1), ("strikethrough", 2, 1)],
        ),
        (
            '<span class="tg-spoiler">a</span><tg-spoiler>b</tg-spoiler>',
            "ab",
            [("spoiler", 0, 1), ("spoiler", 1, 1)],
        ),
        ('<a href="https://x.org/?a=1&amp;b=2">lien</a>', "lien", [("text_link", 0, 4)]),
        ("<code>c</code> <pre>p</pre>", "c p", [("code", 0, 1), ("pre", 2, 1)]),
        (
            "<blockquote>q</blockquote><blockquote expandable>r</blockquote>",
            "qr",
            [("blockquote", 0, 1), ("expandable_blockquote", 1, 1)],
        ),
        ("😀<b>é</b>", "😀é", [("bold", 2, 1)]),  # offsets in UTF-16 units
        ("  <b> a </b>  ", "a", [("bold", 0, 1)]),  # stripped like Telegram
        (
            "1 &lt; 2 &amp;&amp; 3 &gt; 2 &quot;ok&quot; &#233;&#x1F600;",
            '1 < 2 && 3 > 2 "ok" é😀',
            [],
        ),
        ("AT&T &nbsp; &copy;", "AT&T &nbsp; &copy;", []),  # other entities stay literal
    ],
)
def test_valid_html(source: str, text: str, entities: list[tuple[str, int, int]]) -> None:
    """Allowed tags become entities with UTF-16 offsets over the plain text."""
    parsed = parse_html(source)
    assert parsed.text == text
    assert [(e["type"], e["offset"], e["length"]) for e in parsed.entities] == entities


def test_pre_with_language_and_link_details() -> None:
    """<pre><code class="language-x"> is one pre entity with a language; href is decoded."""
    parsed = parse_html('<pre><code class="language-python">x = 1</code></pre>')
    assert parsed.entities == ({"type": "pre", "offset": 0, "length": 5, "language": "python"},)
    link = parse_html('<a href="https://x.org/?a=1&amp;b=2">l</a>').entities[0]
    assert link["url"] == "https://x.org/?a=1&b=2"
    emoji = parse_html('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>').entities[0]
    assert emoji["custom_emoji_id"] == "5368324170671202286"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("<b>gras", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>a<i>b</b></i>", 'Unmatched end tag at byte offset 8, expected "</i>", found "</b>"'),
        ("a</b>", "Unexpected end tag at byte offset 1"),
        ("x <br> y", 'Unsupported start tag "br" at byte offset 2'),
        ("<p>x</p>", 'Unsupported start tag "p" at byte offset 0'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("é<b", "Unclosed start tag at byte offset 2"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ('<span class="bold">x</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ('<tg-emoji emoji-id="abc">x</tg-emoji>', "Invalid custom emoji identifier specified"),
    ],
)
def test_invalid_html(source: str, message: str) -> None:
    """Errors carry Telegram's wording and UTF-8 byte offsets."""
    with pytest.raises(HtmlError) as caught:
        parse_html(source)
    assert str(caught.value) == message


def test_length_counts_utf16_units() -> None:
    """Emoji outside the BMP count twice, as in Telegram's limits."""
    assert utf16_length("a😀") == 3
    assert parse_html("<b>😀</b>").length == 2
