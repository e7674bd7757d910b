"""Trim the full Bot API spec to what the fake server's validation needs.

Usage: ``python -m fake_telegram.trim_spec /path/to/bot-api-spec.json``

The input is ``api.json`` from github.com/PaulSonOfLars/telegram-bot-api-spec (MIT licence, see
``bot_api_spec.LICENSE``). The output, ``bot_api_spec.json`` beside this file, keeps every
method's parameters and every type reachable from them (name, types, required), the subtypes of
abstract types, and the constant ``type`` of each subtype ("must be chat", "always \"emoji\""),
which is how Telegram tells subtypes apart. Descriptions and links are dropped.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

OUTPUT = Path(__file__).with_name("bot_api_spec.json")
SOURCE = "https://github.com/PaulSonOfLars/telegram-bot-api-spec"
_CONST = re.compile(r'(?:must be|always) "?([a-z_]+)"?\s*$')
_DISCRIMINATORS = ("type", "source", "status")


def _trim_field(field: dict[str, Any], *, is_subtype: bool) -> dict[str, Any]:
    """Keep a field's name, types and required flag, plus its constant value in a subtype."""
    kept = {"name": field["name"], "types": field["types"], "required": field["required"]}
    if is_subtype and field["name"] in _DISCRIMINATORS:
        match = _CONST.search(field.get("description", ""))
        if match:
            kept["const"] = match.group(1)
    return kept


def _trim_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """Trim one method or type to its fields and, for abstract types, its subtypes."""
    is_subtype = bool(entry.get("subtype_of"))
    trimmed: dict[str, Any] = {
        "fields": [_trim_field(f, is_subtype=is_subtype) for f in entry.get("fields", [])]
    }
    if entry.get("subtypes"):
        trimmed["subtypes"] = entry["subtypes"]
    return trimmed


def _base_names(types: list[str]) -> set[str]:
    """Return the type names in a list like ["Array of Array of InlineKeyboardButton", "String"]."""
    return {t.removeprefix("Array of ").removeprefix("Array of ") for t in types}


def reachable_types(spec: dict[str, Any]) -> set[str]:
    """Return every type a method parameter can contain, directly or nested."""
    fields = [f for m in spec["methods"].values() for f in m.get("fields", [])]
    todo = {n for f in fields for n in _base_names(f["types"])}
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen or name not in spec["types"]:
            continue
        seen.add(name)
        entry = spec["types"][name]
        todo |= set(entry.get("subtypes", []))
        todo |= {n for f in entry.get("fields", []) for n in _base_names(f["types"])}
    return seen


def trim(spec: dict[str, Any]) -> dict[str, Any]:
    """Return the trimmed spec: version, methods and the reachable types."""
    version, _, release_date = spec["version"].partition(",")
    kept_types = reachable_types(spec)
    return {
        "version": version.strip(),
        "release_date": spec.get("release_date", release_date.strip()),
        "source": SOURCE,
        "licence": "MIT, Copyright (c) 2020 Paul Larsen: see bot_api_spec.LICENSE",
        "methods": {n: _trim_entry(m) for n, m in sorted(spec["methods"].items())},
        "types": {n: _trim_entry(spec["types"][n]) for n in sorted(kept_types)},
    }


def dump(trimmed: dict[str, Any]) -> str:
    """Serialise with one line per method and per type, so diffs stay readable."""
    lines = ["{"]
    for key in ("version", "release_date", "source", "licence"):
        lines.append(f" {json.dumps(key)}: {json.dumps(trimmed[key])},")
    for section in ("methods", "types"):
        lines.append(f' "{section}": {{')
        items = list(trimmed[section].items())
        for index, (name, entry) in enumerate(items):
            comma = "," if index < len(items) - 1 else ""
            lines.append(f"  {json.dumps(name)}: {json.dumps(entry, separators=(',', ':'))}{comma}")
        lines.append(" }," if section == "methods" else " }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    """Read the full spec named on the command line and write the trimmed copy."""
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    OUTPUT.write_text(dump(trim(spec)), encoding="utf-8")
    print(f"wrote {OUTPUT} ({spec['version']})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
