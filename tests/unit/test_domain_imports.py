"""The domain stays pure: no Telegram, no database, nothing from the rest of the bot."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import bot.domain

DOMAIN = Path(bot.domain.__file__).parent
FORBIDDEN_PACKAGES = ("telegram", "sqlmodel", "sqlalchemy")


def imported_modules(source: str, module: str, is_package: bool) -> list[str]:
    """Return the absolute names of every module imported by `source` (relative ones resolved)."""
    package = module if is_package else module.rpartition(".")[0]
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                anchor = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{anchor}.{base}" if base else anchor
            names.append(base)
            names += [f"{base}.{alias.name}" for alias in node.names if not node.module]
    return names


def violations(name: str) -> bool:
    """Tell whether an imported module name is forbidden in the domain."""
    top = name.split(".")[0]
    if top in FORBIDDEN_PACKAGES:
        return True
    return top == "bot" and not (name == "bot.domain" or name.startswith("bot.domain."))


def domain_files() -> list[Path]:
    """Return every Python file under bot/domain."""
    return sorted(DOMAIN.rglob("*.py"))


def module_name(path: Path) -> tuple[str, bool]:
    """Return the dotted module name of a file under bot/domain, and whether it is a package."""
    relative = path.relative_to(DOMAIN.parent.parent).with_suffix("")
    parts = relative.parts
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def test_scanner_sees_the_domain_modules() -> None:
    """The scan covers the engine, rules and calendar, and finds their own imports."""
    names = {module_name(path)[0] for path in domain_files()}
    assert {"bot.domain.planner", "bot.domain.rules.loader", "bot.domain.calendar"} <= names
    planner = (DOMAIN / "planner.py").read_text("utf-8")
    assert "bot.domain.events" in imported_modules(planner, "bot.domain.planner", False)


@pytest.mark.parametrize(
    ("source", "bad"),
    [
        ("import telegram", True),
        ("from telegram.ext import Application", True),
        ("import sqlalchemy.orm", True),
        ("from sqlmodel import Session", True),
        ("from bot.config import load_settings", True),
        ("from bot import db", True),
        ("from ...db import models", True),  # relative import escaping bot.domain
        ("from ... import i18n", True),
        ("from .. import calendar", False),
        ("from bot.domain.events import Event", False),
        ("from .events import Event", False),
        ("import holidays", False),
    ],
)
def test_scanner_detects_forbidden_imports(source: str, bad: bool) -> None:
    """The checker flags Telegram, database and non-domain bot imports, absolute or relative."""
    names = imported_modules(source, "bot.domain.rules.loader", False)
    assert any(violations(name) for name in names) is bad


@pytest.mark.parametrize(
    "path", domain_files(), ids=lambda path: str(path.relative_to(DOMAIN.parent.parent))
)
def test_domain_module_imports_nothing_forbidden(path: Path) -> None:
    """This domain module imports nothing from telegram, sqlmodel, sqlalchemy or bot.* outside."""
    module, is_package = module_name(path)
    names = imported_modules(path.read_text("utf-8"), module, is_package)
    assert [name for name in names if violations(name)] == []
