"""Babel extractor for the rules file: each rule's texts become msgids with a context.

Registered in locales/babel.cfg. Context `rule:<id>:<field>` lets translators translate each
text on its own; the legal basis goes along as a translator comment.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from typing import IO, Any

RULE_FIELDS = ("action", "consequence", "where", "late_advice")
# Titles are short and often shared by several rules ("Renew your asylum certificate"): one
# context for all, so each distinct title is translated once.
TITLE_CONTEXT = "rule:title"
STAGE_FIELDS = ("title", "next_step")


def extract_rules(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str, tuple[str, str], list[str]]]:
    """Yield (line, "pgettext", (context, text), comments) for every text of the rules file."""
    source = fileobj.read().decode("utf-8")
    lines = source.splitlines()
    data = tomllib.loads(source)
    for rule in data.get("rule", []):
        line = _line_of(lines, f'id = "{rule["id"]}"')
        comment = [f"Rule {rule['id']} ({rule.get('legal_basis', '')})"]
        if rule.get("title"):
            yield line, "pgettext", (TITLE_CONTEXT, rule["title"]), []
        for field in RULE_FIELDS:
            if rule.get(field):
                yield line, "pgettext", (f"rule:{rule['id']}:{field}", rule[field]), comment
        for field in ("documents", "advice"):
            for text in rule.get(field, []):
                yield line, "pgettext", (f"rule:{rule['id']}:{field}", text), comment
    for stage in data.get("stage", []):
        line = _line_of(lines, f'id = "{stage["id"]}"')
        for field in STAGE_FIELDS:
            yield line, "pgettext", (f"stage:{stage['id']}:{field}", stage[field]), []


def _line_of(lines: list[str], needle: str) -> int:
    """Return the 1-based line where `needle` appears (1 when absent)."""
    return next((number for number, line in enumerate(lines, 1) if needle in line), 1)
