"""Each layer imports only the layers below it (ARCHITECTURE.md draws them).

Imports are read from the source (ast), at any depth of the module, including imports made inside
functions: a layer may not reach up even lazily.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import bot

BOT = Path(bot.__file__).parent

# For each package of bot/: what it must never import (a prefix of a module name).
_OUTER = ("bot.scheduling", "bot.sending", "bot.app", "bot.cli")  # the ring that runs the bot
_SQL = ("sqlalchemy", "sqlmodel", "bot.db")
FORBIDDEN = {
    "bot.domain": ("telegram", *_SQL, "bot.services", "bot.views", "bot.handlers", *_OUTER),
    "bot.db": ("telegram", "bot.services", "bot.views", "bot.handlers", *_OUTER),
    "bot.services": ("telegram", "bot.views", "bot.handlers", *_OUTER),
    "bot.views": ("telegram", *_SQL, "bot.handlers", *_OUTER),
    "bot.speech": ("telegram", *_SQL, "bot.services", "bot.views", "bot.handlers", *_OUTER),
    "bot.card": ("telegram", *_SQL, "bot.services", "bot.handlers", *_OUTER),
    "bot.sending": (
        "bot.db",
        "bot.services",
        "bot.handlers",
        "bot.scheduling",
        "bot.app",
        "bot.cli",
    ),
    "bot.scheduling": ("bot.handlers", "bot.app", "bot.cli"),
    # Handlers may wake the dispatcher (bot.scheduling.jobs) after a broadcast is confirmed.
    "bot.handlers": ("bot.db", "bot.scheduling.dispatcher", "bot.app", "bot.cli"),
}


def module_of(path: Path) -> str:
    """Return the dotted name of a file under bot/."""
    parts = path.relative_to(BOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Return every module a file imports (relative imports resolved), at any depth."""
    module = module_of(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{anchor}.{base}" if base else anchor
            names.add(base)
            names |= {f"{base}.{alias.name}" for alias in node.names}
    return names


def reaches(name: str, prefix: str) -> bool:
    """Tell whether an imported module name is `prefix` or inside it."""
    return name == prefix or name.startswith(prefix + ".")


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_never_imports_the_layers_above_it(layer: str) -> None:
    """No module of `layer` imports a forbidden module, even inside a function."""
    folder = BOT / layer.removeprefix("bot.").replace(".", "/")
    files = sorted(folder.rglob("*.py"))
    assert files, f"no module in {layer}"
    wrong = sorted(
        f"{module_of(path)} imports {name}"
        for path in files
        for name in imports_of(path)
        if any(reaches(name, bad) for bad in FORBIDDEN[layer])
    )
    assert wrong == []


def test_the_scanner_sees_imports_made_inside_functions() -> None:
    """bot/cli/commands.py imports the dispatch-only process lazily, inside a function."""
    assert "bot.cli.dispatch_only" in imports_of(BOT / "cli" / "commands.py")
    assert reaches("bot.db.models", "bot.db") and not reaches("bot.dbx", "bot.db")
