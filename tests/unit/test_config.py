"""Settings: safe defaults, one clear ConfigError line per bad variable, the token kept secret."""

from __future__ import annotations

from datetime import time
from pathlib import Path, PurePosixPath

import pytest

from bot.config import ConfigError, load_settings

VARIABLES = (
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_API_BASE_URL",
    "DATABASE_URL",
    "BOT_TIMEZONE",
    "BOT_OPERATOR_IDS",
    "REMINDER_TIME",
    "LOG_LEVEL",
)
TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Run every test without the developer's variables, away from any real .env file."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.chdir(tmp_path)


def test_defaults() -> None:
    """Without settings: Paris time, reminders at 09:00, SQLite under data/, INFO, no token."""
    settings = load_settings(env_file=None)
    assert settings.bot_timezone == "Europe/Paris" and settings.timezone.key == "Europe/Paris"
    assert settings.reminder_time == time(9, 0)
    assert settings.database_url.startswith("sqlite:///")
    path = PurePosixPath(settings.database_url.removeprefix("sqlite:///"))
    assert path.parts[0] == "data"
    assert settings.log_level == "INFO"
    assert settings.bot_operator_ids == ()
    assert settings.telegram_bot_token is None
    assert settings.telegram_api_base_url == "https://api.telegram.org/bot"


def test_good_values_are_read() -> None:
    """Well-formed variables are parsed into typed settings."""
    settings = load_settings(
        env_file=None,
        bot_operator_ids="12, 345",
        reminder_time="07:30",
        database_url="postgresql+psycopg://u@localhost/db",
    )
    assert settings.bot_operator_ids == (12, 345)
    assert settings.reminder_time == time(7, 30)
    assert settings.database_url.startswith("postgresql")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TELEGRAM_BOT_TOKEN", "not-a-token"),
        ("TELEGRAM_BOT_TOKEN", "123456789:short"),
        ("BOT_OPERATOR_IDS", "12,abc"),
        ("REMINDER_TIME", "25:00"),
        ("REMINDER_TIME", "03:00"),
        ("REMINDER_TIME", "nine"),
        ("BOT_TIMEZONE", "Mars/Olympus"),
        ("LOG_LEVEL", "LOUD"),
        ("DATABASE_URL", "mysql://x"),
        ("TELEGRAM_API_BASE_URL", "ftp://x"),
    ],
)
def test_malformed_setting_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    """A malformed variable gives one ConfigError line starting with the variable's name."""
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings(env_file=None)
    message = str(caught.value)
    assert message.startswith(f"{name}: ") and "\n" not in message
    assert len(message) > len(name) + 10  # says what is wrong, not only which variable


def test_night_reminder_time_is_refused_with_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    """03:00 is a valid time but would wake people: the message says the allowed range."""
    monkeypatch.setenv("REMINDER_TIME", "03:00")
    with pytest.raises(ConfigError, match="07:00 and 21:00"):
        load_settings(env_file=None)


def test_bad_token_is_not_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The refused token value never appears in the error (logs must not leak it)."""
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456789:secret-but-too-short")
    with pytest.raises(ConfigError) as caught:
        load_settings(env_file=None)
    assert "secret-but-too-short" not in str(caught.value)


def test_require_token_without_token() -> None:
    """Running the bot without a token stops with a ConfigError naming TELEGRAM_BOT_TOKEN."""
    with pytest.raises(ConfigError, match=r"^TELEGRAM_BOT_TOKEN: missing"):
        load_settings(env_file=None).require_token()


def test_require_token_returns_the_token(monkeypatch: pytest.MonkeyPatch) -> None:
    """A well-formed token is returned as plain text only when asked for."""
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    assert load_settings(env_file=None).require_token() == TOKEN


def test_token_never_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    """repr() and str() of the settings hide the token."""
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    settings = load_settings(env_file=None)
    assert TOKEN not in repr(settings) and TOKEN not in str(settings)
    assert TOKEN.split(":")[1] not in repr(settings)


def test_env_file_is_read(tmp_path: Path) -> None:
    """A .env file given to load_settings is read."""
    env = tmp_path / "custom.env"
    env.write_text(f"TELEGRAM_BOT_TOKEN={TOKEN}\nREMINDER_TIME=08:15\nLOG_LEVEL=DEBUG\n", "utf-8")
    settings = load_settings(env_file=env)
    assert settings.require_token() == TOKEN
    assert (settings.reminder_time, settings.log_level) == (time(8, 15), "DEBUG")


def test_environment_wins_over_env_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A real environment variable takes precedence over the same one in the .env file."""
    env = tmp_path / ".env"
    env.write_text("REMINDER_TIME=08:15\n", "utf-8")
    monkeypatch.setenv("REMINDER_TIME", "10:00")
    assert load_settings(env_file=env).reminder_time == time(10, 0)


def test_env_file_not_read_when_none(tmp_path: Path) -> None:
    """env_file=None ignores a .env in the working directory."""
    (tmp_path / ".env").write_text("LOG_LEVEL=DEBUG\n", "utf-8")
    assert load_settings(env_file=None).log_level == "INFO"
    assert load_settings().log_level == "DEBUG"  # the default is the .env of the cwd


def test_empty_token_line_counts_as_missing(tmp_path: Path) -> None:
    """`TELEGRAM_BOT_TOKEN=` left empty: settings load; require_token says 'missing'."""
    env = tmp_path / ".env"
    env.write_text("TELEGRAM_BOT_TOKEN=\nLOG_LEVEL=INFO\n", "utf-8")
    settings = load_settings(env_file=env)
    with pytest.raises(ConfigError, match=r"^TELEGRAM_BOT_TOKEN: missing"):
        settings.require_token()
