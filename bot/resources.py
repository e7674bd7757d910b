"""Where the bot's data files are: the translation catalogs and the database migrations.

In an installed package (`pip install .`, the Docker image) they are inside it, as `bot/locales`
and `bot/migrations` (pyproject.toml maps the repository's top-level `locales/` and
`migrations/` there). In a checkout they are those top-level folders, beside `bot/`. Nothing
else in the bot knows either layout: it asks this module.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    """Return the folder `name` inside the installed package, or beside it in a checkout."""
    inside = _PACKAGE / name
    if inside.is_dir():
        return inside
    beside = _PACKAGE.parent / name
    if beside.is_dir():
        return beside
    raise FileNotFoundError(f"the bot's {name}/ folder is missing (looked in {inside}, {beside})")


LOCALES_DIR = _data_dir("locales")
MIGRATIONS_DIR = _data_dir("migrations")
