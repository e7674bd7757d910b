"""Settings read from the environment and an optional `.env` file, validated at start.

Nothing here is created at import time: `load_settings()` builds a fresh `Settings` each call, and a
bad value becomes one `ConfigError` line naming the variable, so `python -m bot` can stop cleanly.
"""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.domain.quiet_hours import QuietHours, parse_quiet_hours

DEFAULT_DATABASE_URL = f"sqlite:///{Path('data') / 'bot.sqlite3'}"
DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
# BotFather tokens: the bot's numeric id, a colon, then 35 URL-safe characters.
TOKEN_PATTERN = re.compile(r"^\d{5,20}:[A-Za-z0-9_-]{30,64}$")
# Reminders are pushed at this local time; people must never be woken up by the bot.
EARLIEST_REMINDER, LATEST_REMINDER = time(7, 0), time(21, 0)


class ConfigError(Exception):
    """A setting is missing or malformed; the message names it in one line."""


class Settings(BaseSettings):
    """Everything the operator can set, with safe defaults where a default makes sense."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = DEFAULT_API_BASE_URL
    database_url: str = DEFAULT_DATABASE_URL
    bot_timezone: str = "Europe/Paris"
    bot_operator_ids: Annotated[tuple[int, ...], NoDecode] = Field(default=())
    reminder_time: time = time(9, 0)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # "json": one JSON object per line (for log collectors); "text": one readable line.
    log_format: Literal["text", "json"] = "text"
    # The reminder dispatcher runs at least this often (seconds), and at each due moment.
    dispatch_interval: float = Field(default=60.0, gt=0, le=3600)
    # A claimed reminder returns to the queue after this many seconds if its sender died.
    dispatch_lease: float = Field(default=300.0, gt=0, le=86400)
    # Reminders claimed per transaction, and sent at the same time (the rate limiter paces them).
    dispatch_batch: int = Field(default=500, ge=1, le=10000)
    dispatch_concurrency: int = Field(default=8, ge=1, le=1000)
    # Telegram's budget for this token (messages/s), shared by BOT_INSTANCES; 0 turns pacing off.
    telegram_global_rate: float = Field(default=30.0, ge=0, le=1000)
    bot_instances: int = Field(default=1, ge=1, le=100)
    # Several instances behind a round-robin proxy (webhook mode): every instance's own webhook
    # address, in order, and this instance's place in that list. Each chat's updates are then
    # handled by one instance (its id modulo the number of addresses): bot/webhook.py.
    bot_peer_urls: Annotated[tuple[str, ...], NoDecode] = Field(default=())
    bot_instance_index: int = Field(default=0, ge=0, le=99)
    # Answers to people go first in the send window; reminders and alerts to staff keep this
    # share of it while people are talking (legal reminders never stop during a surge), and
    # broadcasts take what is left.
    send_bulk_floor: float = Field(default=0.2, ge=0, le=1)
    # An answer Telegram refuses with 429 is tried again after retry_after, for this long in all
    # (seconds); past it, it is given up and logged.
    reply_retry_patience: float = Field(default=30.0, ge=0, le=600)
    # Updates of different people handled at once (those of one person always in order).
    max_concurrent_updates: int = Field(default=64, ge=1, le=1024)
    # A person sending more than FLOOD_UPDATES updates in FLOOD_SECONDS is asked to slow down and
    # the extra ones are dropped (0: no limit).
    flood_updates: int = Field(default=20, ge=0, le=1000)
    flood_seconds: float = Field(default=10.0, gt=0, le=3600)
    # Association broadcasts wait out these local hours ("off" to send at any time), and nobody
    # receives more than BROADCAST_DAILY_CAP of them in 24 hours (0: no cap; the rest wait).
    # Legal reminders are exempt from both.
    broadcast_quiet_hours: str = "21:00-08:00"
    # Who runs this bot, told to every person by /privacy and the consent screen (GDPR art. 13):
    # a name (a person or an association), how to reach them, and a full privacy policy's address.
    # `run` warns while the name or the contact is missing.
    operator_name: str | None = Field(default=None, max_length=200)
    operator_contact: str | None = Field(default=None, max_length=200)
    privacy_policy_url: str | None = Field(default=None, max_length=500)
    # Association staff never see a count of followers below this, and cannot send a broadcast
    # to fewer people (the operators' broadcast to everyone excepted): nobody is singled out.
    count_threshold: int = Field(default=5, ge=1, le=100)
    # Records kept only while they serve (days; 0: kept until the person is erased): reminders
    # of deadlines that ended this long ago, finished broadcasts (texts and deliveries), audit
    # entries. Swept by the retention job every RETENTION_INTERVAL.
    reminder_retention_days: int = Field(default=90, ge=0, le=3650)
    broadcast_retention_days: int = Field(default=180, ge=0, le=3650)
    audit_retention_days: int = Field(default=365, ge=0, le=3650)
    # "Ask my association": closed conversations are erased after this many days, unless the
    # association set its own period (`python -m bot association retention ID DAYS`).
    thread_retention_days: int = Field(default=30, ge=1, le=3650)
    broadcast_daily_cap: int = Field(default=3, ge=0, le=100)
    # Webhook mode (`python -m bot run --webhook`): the public HTTPS URL Telegram posts to, and the
    # secret it must send back in X-Telegram-Bot-Api-Secret-Token with every update.
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    # Voice notes ("🔊 Listen"): the file choosing an engine and voice per language (default: the
    # one shipped in bot/speech/voices.toml), notes made at once, and notes waiting (past that, a
    # press is answered "try again in a minute"). VOICE_NOTES=false hides the button everywhere.
    voice_notes: bool = True
    voices_file: Path | None = None
    piper_voices_dir: Path | None = None  # Piper's voice models (<name>.onnx and .onnx.json)
    voice_workers: int = Field(default=2, ge=1, le=64)
    voice_queue: int = Field(default=20, ge=0, le=10000)
    # GET /healthz of a running bot (`python -m bot health`, Docker, load balancers); 0: none.
    health_listen: str = "127.0.0.1"
    health_port: int = Field(default=8080, ge=0, le=65535)
    # People who have not written to the bot for INACTIVITY_MONTHS are told, then erased
    # INACTIVITY_NOTICE_DAYS later unless they answer (0 months: never).
    inactivity_months: int = Field(default=18, ge=0, le=120)
    inactivity_notice_days: int = Field(default=30, ge=1, le=365)
    # How often (seconds) an instance looks for people to warn or erase.
    retention_interval: float = Field(default=3600.0, gt=0, le=86400)

    @field_validator("telegram_bot_token", mode="before")
    @classmethod
    def _empty_token_is_missing(cls, value: Any) -> Any:
        # `TELEGRAM_BOT_TOKEN=` (as in .env.example) means "not set", not a malformed token.
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not TOKEN_PATTERN.match(value.get_secret_value()):
            raise ValueError(
                "does not look like a BotFather token (digits, ':', then 35 characters)"
            )
        return value

    @field_validator("telegram_api_base_url")
    @classmethod
    def _base_url_shape(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+(/\S*)?$", value):
            raise ValueError("must be an http(s) URL such as https://api.telegram.org/bot")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_scheme(cls, value: str) -> str:
        scheme = value.split(":", 1)[0]
        if scheme.split("+", 1)[0] not in ("sqlite", "postgresql", "postgres"):
            raise ValueError("must start with sqlite:/// or postgresql://")
        return value

    @field_validator("bot_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("is not a known time zone (e.g. Europe/Paris)") from None
        return value

    @field_validator("bot_operator_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: Any) -> Any:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            if not all(re.fullmatch(r"\d{1,20}", part) for part in parts):
                raise ValueError("must be Telegram user ids separated by commas, e.g. 1234,5678")
            return tuple(int(part) for part in parts)
        return value

    @field_validator("bot_peer_urls", mode="before")
    @classmethod
    def _split_urls(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("bot_peer_urls")
    @classmethod
    def _peer_urls_shape(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for url in value:
            if not re.match(r"^https?://[^\s/]+(/\S*)?$", url):
                raise ValueError(f"{url!r} is not an http(s) address of an instance's webhook")
        return value

    @model_validator(mode="after")
    def _index_in_peers(self) -> Settings:
        if self.bot_peer_urls and self.bot_instance_index >= len(self.bot_peer_urls):
            raise ValueError(
                "BOT_INSTANCE_INDEX must name one of BOT_PEER_URLS (0 for the first address)"
            )
        return self

    @field_validator("reminder_time", mode="before")
    @classmethod
    def _reminder_time(cls, value: Any) -> Any:
        if isinstance(value, str):
            if not re.fullmatch(r"\d{1,2}:\d{2}", value.strip()):
                raise ValueError("must be a time of day as HH:MM, e.g. 09:00")
            hours, minutes = (int(part) for part in value.strip().split(":"))
            if hours > 23 or minutes > 59:
                raise ValueError("must be a time of day as HH:MM, e.g. 09:00")
            value = time(hours, minutes)
        if isinstance(value, time) and not EARLIEST_REMINDER <= value <= LATEST_REMINDER:
            raise ValueError("must be between 07:00 and 21:00 so nobody is woken at night")
        return value

    @field_validator("broadcast_quiet_hours")
    @classmethod
    def _quiet_hours_shape(cls, value: str) -> str:
        parse_quiet_hours(value)  # raises ValueError with the expected shape
        return value

    @field_validator("webhook_secret", mode="before")
    @classmethod
    def _secret_shape(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None
        if isinstance(value, str) and not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", value):
            raise ValueError("must be 16 to 256 characters among A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("webhook_url", mode="before")
    @classmethod
    def _webhook_url_shape(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None
        if isinstance(value, str) and not re.match(r"^https?://[^\s/]+(/\S*)?$", value):
            raise ValueError("must be the public https:// URL Telegram will post updates to")
        return value

    @property
    def per_instance_rate(self) -> float | None:
        """Return this instance's share of Telegram's global budget (None: no pacing)."""
        return self.telegram_global_rate / self.bot_instances if self.telegram_global_rate else None

    def require_webhook(self) -> tuple[str, str]:
        """Return the webhook URL and secret, or raise ConfigError naming what is missing."""
        if self.webhook_url is None:
            raise ConfigError("WEBHOOK_URL: missing (the public https:// URL for webhook mode)")
        if self.webhook_secret is None:
            raise ConfigError(
                "WEBHOOK_SECRET: missing (16+ random characters, checked on every update)"
            )
        return self.webhook_url, self.webhook_secret.get_secret_value()

    @property
    def quiet_hours(self) -> QuietHours | None:
        """Return the nightly hours without broadcasts (None: broadcasts at any time)."""
        return parse_quiet_hours(self.broadcast_quiet_hours)

    @property
    def timezone(self) -> ZoneInfo:
        """Return the zone in which reminders are scheduled and dates shown."""
        return ZoneInfo(self.bot_timezone)

    def require_token(self) -> str:
        """Return the bot token, or raise ConfigError when it is not set."""
        if self.telegram_bot_token is None:
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN: missing (create a bot with @BotFather and set its token)"
            )
        return self.telegram_bot_token.get_secret_value()


def load_settings(env_file: str | Path | None = ".env", **overrides: Any) -> Settings:
    """Build Settings from the environment (and `env_file`), or raise one-line ConfigError."""
    try:
        return Settings(_env_file=env_file, **overrides)  # type: ignore[call-arg]
    except ValidationError as error:
        raise ConfigError(_describe(error)) from None


def _describe(error: ValidationError) -> str:
    """Turn the first validation problem into 'VARIABLE: what is wrong'."""
    first = error.errors()[0]
    name = str(first["loc"][0]).upper() if first["loc"] else "configuration"
    message = str(first["msg"]).removeprefix("Value error, ")
    if first["type"] == "literal_error":
        message = f"must be one of {first['ctx']['expected']}"
    elif first["type"].startswith("time"):
        message = "must be a time of day as HH:MM, e.g. 09:00"
    return f"{name}: {message}"
