"""The README's configuration table against `bot.config.Settings`: one source for every default.

The table is written by hand, because its Meaning column says what a value does (units, what `0`
turns off, what the setting is for), which the code cannot say as well. The code is the source of
the names and the defaults, and this test keeps the table true to it: every field of `Settings`
has a row naming its environment variable with exactly its default, and no row names a setting
that does not exist. Changing a default in bot/config.py (or the table) fails here until the
other says the same.
"""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path
from typing import Any

import pytest
from pydantic.fields import FieldInfo

from bot.config import Settings

README = Path(__file__).resolve().parents[2] / "README.md"
HEADER = "| Variable | Default | Meaning |"
# A setting without a value by default is written in words in parentheses: "(none)",
# "(required by `run`)". Any other default cell is one `literal` per variable of the row.
NO_VALUE = re.compile(r"\(.*\)")
LITERALS = re.compile(r"`[^`]*`(?:, `[^`]*`)*")
NAMES = re.compile(r"`[A-Z][A-Z0-9_]*`(?:, `[A-Z][A-Z0-9_]*`)*")


def table(text: str) -> dict[str, str | None]:
    """Return {VARIABLE: default as the table writes it, None for "no value"} from the README.

    Raise ValueError naming the line when a row is not of the form the table uses.
    """
    lines = text.splitlines()
    start = lines.index(HEADER)  # ValueError when the table is gone
    documented: dict[str, str | None] = {}
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not NAMES.fullmatch(cells[0]):
            raise ValueError(f"not a configuration row: {line}")
        names = [name.strip("`") for name in cells[0].split(", ")]
        defaults = _defaults(cells[1], len(names), line)
        for name, default in zip(names, defaults, strict=True):
            if name in documented:
                raise ValueError(f"{name} has two rows")
            documented[name] = default
    return documented


def _defaults(cell: str, count: int, line: str) -> list[str | None]:
    """Return the defaults a cell gives its row's `count` variables."""
    if NO_VALUE.fullmatch(cell):
        return [None] * count
    if not LITERALS.fullmatch(cell):
        raise ValueError(f"the default should be `value`s or '(none)': {line}")
    values = [value[1:-1] for value in cell.split(", ")]
    if len(values) != count:
        raise ValueError(f"{count} variables but {len(values)} defaults: {line}")
    return list(values)


def environment_name(name: str, field: FieldInfo) -> str:
    """Return the variable pydantic-settings reads for a field (no alias: prefix + name)."""
    alias = field.validation_alias or field.alias
    if isinstance(alias, str):
        return alias.upper()
    return (str(Settings.model_config.get("env_prefix") or "") + name).upper()


def written(value: Any) -> str | None:
    """Return a default as the README writes it (None: the setting has no value by default)."""
    if value is None or value == ():
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def expected() -> dict[str, str | None]:
    """Return {VARIABLE: its default as the README must write it} for every field of Settings."""
    return {
        environment_name(name, field): written(field.get_default(call_default_factory=True))
        for name, field in Settings.model_fields.items()
    }


def problems(text: str) -> list[str]:
    """Return every disagreement between a README's table and Settings (empty: they agree)."""
    documented, wanted = table(text), expected()
    found = [f"{name}: no row in the README's table" for name in wanted if name not in documented]
    found += [
        f"{name}: the README says {_shown(documented[name])}, bot/config.py {_shown(default)}"
        for name, default in wanted.items()
        if name in documented and documented[name] != default
    ]
    found += [
        f"{name}: a row for a setting Settings does not have"
        for name in documented
        if name not in wanted
    ]
    return found


def _shown(default: str | None) -> str:
    return "no value" if default is None else f"`{default}`"


def test_the_readme_gives_every_setting_with_exactly_its_default() -> None:
    assert problems(README.read_text(encoding="utf-8")) == []


def test_every_field_is_read_from_the_variable_of_its_name() -> None:
    # The table's names are the fields' names in capitals: no alias or prefix to translate.
    assert Settings.model_config.get("env_prefix", "") == ""
    assert all(
        field.alias is None and field.validation_alias is None
        for field in Settings.model_fields.values()
    )


def _replace_row(text: str, variable: str, row: str) -> str:
    lines = [row if line.startswith(f"| `{variable}` |") else line for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


@pytest.mark.parametrize(
    ("variable", "row", "expected_problem"),
    [
        (
            "LOG_LEVEL",
            "| `LOG_LEVEL` | `DEBUG` | how much is logged |",
            "LOG_LEVEL: the README says `DEBUG`, bot/config.py `INFO`",
        ),
        (
            "BOT_TIMEZONE",
            "| `BOT_TIMEZONE` | (none) | zone |",
            "BOT_TIMEZONE: the README says no value, bot/config.py `Europe/Paris`",
        ),
        ("LOG_LEVEL", "", "LOG_LEVEL: no row in the README's table"),
        (
            "LOG_LEVEL",
            "| `LOG_LEVEL` | `INFO` | levels |\n| `LOG_COLOUR` | `on` | colours |",
            "LOG_COLOUR: a row for a setting Settings does not have",
        ),
    ],
)
def test_a_table_that_drifted_from_the_code_is_refused(
    variable: str, row: str, expected_problem: str
) -> None:
    text = _replace_row(README.read_text(encoding="utf-8"), variable, row)
    assert problems(text) == [expected_problem]


def test_a_pair_row_gives_each_variable_its_own_default() -> None:
    text = README.read_text(encoding="utf-8")
    pair = next(line for line in text.splitlines() if line.startswith("| `DISPATCH_BATCH`, "))
    drifted = text.replace(pair, pair.replace("`500`, `8`", "`500`, `64`"))
    assert problems(drifted) == ["DISPATCH_CONCURRENCY: the README says `64`, bot/config.py `8`"]


@pytest.mark.parametrize(
    "row",
    [
        "| DISPATCH_LEASE | `300` | seconds |",  # the name not as code
        "| `DISPATCH_LEASE` | 300 seconds | seconds |",  # the default not as code
        "| `WEBHOOK_LISTEN`, `WEBHOOK_PORT` | `0.0.0.0` | where |",  # one default for two
    ],
)
def test_a_row_the_check_cannot_read_is_an_error_not_a_pass(row: str) -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    header = lines.index(HEADER)
    lines.insert(header + 2, row)
    with pytest.raises(ValueError, match="row|default"):
        table("\n".join(lines))
