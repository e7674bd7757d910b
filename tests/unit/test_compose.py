"""compose.yaml and deploy/Caddyfile agree with the bot they deploy, checked without Docker.

Docker is not available to the tests, so compose.yaml is read with PyYAML (anchors and `<<`
merges resolve as in compose), its `${VAR}` are filled from sample values as compose fills them
from `.env`, and the result is checked against the real Settings, the real command-line parser,
the Dockerfile and the Caddyfile.
"""

from __future__ import annotations

import argparse
import re
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from sqlalchemy.engine import make_url

from bot.cli import build_parser
from bot.config import Settings, load_settings
from bot.db.engine import create_sync_engine

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "compose.yaml"
CADDYFILE = ROOT / "deploy" / "Caddyfile"
BOT_SERVICES = ("bot-1", "bot-2")
# What an operator puts in `.env` (shapes the bot's validators accept).
SAMPLE_ENV = {
    "POSTGRES_PASSWORD": "0123456789abcdef0123456789abcdef",
    "WEBHOOK_DOMAIN": "bot.example.org",
    "TELEGRAM_BOT_TOKEN": "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1",
    "WEBHOOK_SECRET": "s3cret-token_of-32-characters-xx",
}
# `${NAME}`, `${NAME:?message}`, `${NAME-default}`..., `$NAME`, and `$$` (a literal dollar).
VARIABLE = re.compile(
    r"\$\$|\$\{(?P<name>[A-Za-z_]\w*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}|\$(?P<bare>[A-Za-z_]\w*)"
)
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN")


class MissingVariable(Exception):
    """A `${NAME:?...}` had no value: `docker compose` would refuse to start."""


def interpolate(text: str, env: dict[str, str]) -> str:
    """Fill `${...}` in `text` from `env` the way compose does, raising on a required miss."""

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group("name") or match.group("bare")
        op, arg = match.group("op"), match.group("arg") or ""
        value = env.get(name)
        missing = value is None or (value == "" and op is not None and op.startswith(":"))
        if missing and op is not None and op.endswith("?"):
            raise MissingVariable(f"{name}: {arg}")
        if missing and op is not None and op.endswith("-"):
            return arg
        return value or ""

    return VARIABLE.sub(replace, text)


def variables_in(text: str) -> set[str]:
    """Return the names of the variables `text` interpolates."""
    return {
        match.group("name") or match.group("bare")
        for match in VARIABLE.finditer(text)
        if match.group(0) != "$$"
    }


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    """Return compose.yaml as compose sees it before interpolation (merges resolved)."""
    data = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Return the services of compose.yaml by name."""
    result = compose["services"]
    assert isinstance(result, dict)
    return result


def environment(service: dict[str, Any]) -> dict[str, str]:
    """Return a service's `environment` as a dict, whether written as a map or a list."""
    raw = service.get("environment") or {}
    if isinstance(raw, list):
        raw = dict(item.split("=", 1) for item in raw)
    return {str(name): str(value) for name, value in raw.items()}


def filled_environment(service: dict[str, Any], env: dict[str, str] = SAMPLE_ENV) -> dict[str, str]:
    """Return a service's environment with every `${VAR}` filled from `env`."""
    return {name: interpolate(value, env) for name, value in environment(service).items()}


def settings_of(
    service: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Settings:
    """Build the real Settings from a service's filled environment, as its container would."""
    monkeypatch.chdir(tmp_path)  # away from any developer's .env
    for name, value in filled_environment(service).items():
        monkeypatch.setenv(name, value)
    return load_settings(env_file=None)


def subcommands() -> dict[str, argparse.ArgumentParser]:
    """Return the subcommands of `python -m bot` by name, from the real parser."""
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("python -m bot has no subcommands")


def configuration_table() -> set[str]:
    """Return the variables named in the first column of README's "## Configuration" table."""
    section = (ROOT / "README.md").read_text().split("\n## Configuration\n", 1)[1]
    section = section.split("\n## ", 1)[0]
    rows = [line.split("|")[1] for line in section.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row)}


def caddy_directive(name: str) -> list[str]:
    """Return the arguments of every `name ...` line of the Caddyfile (comments dropped)."""
    lines = [line.split("#", 1)[0].strip() for line in CADDYFILE.read_text().splitlines()]
    return [line[len(name) :].strip() for line in lines if line.split(" ", 1)[0] == name]


def test_compose_file_shape(compose: dict[str, Any]) -> None:
    """The compose spec file has no `version:`, the five services, and bot instances identical
    but for their place among the instances (BOT_INSTANCE_INDEX: 0, 1... in BOT_PEER_URLS)."""
    assert "version" not in compose
    assert set(services(compose)) == {"postgres", "migrate", *BOT_SERVICES, "caddy"}
    bot = compose["x-bot"]
    peers = bot["environment"]["BOT_PEER_URLS"].split(",")
    assert len(peers) == int(bot["environment"]["BOT_INSTANCES"]) == len(BOT_SERVICES)
    for index, name in enumerate(sorted(BOT_SERVICES)):
        service = dict(services(compose)[name])
        environment = dict(service.pop("environment"))
        assert environment.pop("BOT_INSTANCE_INDEX") == str(index)
        assert peers[index] == f"http://{name}:8443/telegram"
        assert {**service, "environment": environment} == bot, f"{name} drifted from x-bot"
        assert bot["restart"] == "unless-stopped"
        assert ".env" in (
            [bot["env_file"]] if isinstance(bot["env_file"], str) else bot["env_file"]
        )


def test_commands_are_real_subcommands(compose: dict[str, Any]) -> None:
    """Every service built from the image runs a real subcommand of the installed `asylum-bot`
    (the console script of pyproject.toml, the same as `python -m bot`) that parses."""
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'ENTRYPOINT ["asylum-bot"]' in dockerfile
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["asylum-bot"] == "bot.cli:main"
    healthcheck = re.search(r'CMD \["asylum-bot", (.+)\]\s*$', dockerfile, re.M)
    assert healthcheck, "the Dockerfile HEALTHCHECK no longer runs asylum-bot"
    commands = {
        "HEALTHCHECK": [part.strip().strip('"') for part in healthcheck.group(1).split(",")]
    }
    for name, service in services(compose).items():
        if "build" in service:
            assert "entrypoint" not in service, f"{name} must run through asylum-bot"
            commands[name] = service["command"]
    assert set(commands) == {"HEALTHCHECK", "migrate", *BOT_SERVICES}
    known = subcommands()
    for name, argv in commands.items():
        assert argv[0] in known, f"{name}: python -m bot has no command {argv[0]!r}"
        try:
            args = build_parser().parse_args(argv)
        except SystemExit:
            pytest.fail(f"{name}: `python -m bot {' '.join(argv)}` does not parse")
        if name in BOT_SERVICES:
            assert argv[0] == "run" and args.webhook is True, f"{name} must run --webhook"
    assert commands["migrate"] == ["migrate"] and commands["HEALTHCHECK"] == ["health"]


def test_environment_names_are_settings(compose: dict[str, Any]) -> None:
    """Every variable given to the bot's containers is a Settings field or documented."""
    documented = configuration_table()
    for name in ("migrate", *BOT_SERVICES):
        for variable in environment(services(compose)[name]):
            assert variable.lower() in Settings.model_fields or variable in documented, (
                f"{name} sets {variable}, which the bot does not read (not in bot/config.py)"
            )


def test_bot_settings_validate(
    compose: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The bot instances' environment passes the real Settings validation, with what they need."""
    settings = settings_of(services(compose)["bot-1"], monkeypatch, tmp_path)
    assert settings.require_token() == SAMPLE_ENV["TELEGRAM_BOT_TOKEN"]
    url, secret = settings.require_webhook()
    assert url == f"https://{SAMPLE_ENV['WEBHOOK_DOMAIN']}/telegram"
    assert secret == SAMPLE_ENV["WEBHOOK_SECRET"]
    assert settings.bot_instances == len(BOT_SERVICES)
    assert settings.per_instance_rate == settings.telegram_global_rate / len(BOT_SERVICES)
    # Caddy on the compose network must reach both ports; the image's HEALTHCHECK asks 127.0.0.1.
    assert settings.webhook_listen == settings.health_listen == "0.0.0.0"
    assert settings.health_port > 0
    assert settings.log_format == "json"


def test_database_url_points_at_the_postgres_service(
    compose: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """DATABASE_URL passes validation and names the postgres service, its user, password and db."""
    postgres = filled_environment(services(compose)["postgres"])
    urls = set()
    for name in ("migrate", *BOT_SERVICES):
        settings = settings_of(services(compose)[name], monkeypatch, tmp_path)
        urls.add(settings.database_url)
    assert len(urls) == 1, "migrate and the bots must use one database"
    url = make_url(urls.pop())
    assert url.get_backend_name() == "postgresql"
    assert url.host == "postgres" and url.port in (None, 5432)
    assert url.username == postgres["POSTGRES_USER"] and url.database == postgres["POSTGRES_DB"]
    assert url.password == postgres["POSTGRES_PASSWORD"] == SAMPLE_ENV["POSTGRES_PASSWORD"]
    engine = create_sync_engine(str(url.render_as_string(hide_password=False)))
    try:
        assert engine.dialect.driver == "psycopg"  # the driver the image installs
    finally:
        engine.dispose()


def test_start_order(compose: dict[str, Any]) -> None:
    """postgres is healthy before migrate runs, and migrate has finished before any bot starts."""
    postgres, migrate = services(compose)["postgres"], services(compose)["migrate"]
    assert postgres["image"].startswith("postgres:15")
    assert "pg_isready" in postgres["healthcheck"]["test"]
    assert any(target.endswith("/var/lib/postgresql/data") for target in postgres["volumes"])
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert migrate.get("restart", "no") == "no"
    for name in BOT_SERVICES:
        depends = services(compose)[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert depends["postgres"]["condition"] == "service_healthy"


def test_secrets_come_only_from_the_env_file(compose: dict[str, Any]) -> None:
    """No password, token or secret is written in compose.yaml; a missing one stops compose."""
    text = COMPOSE.read_text()
    for name, service in services(compose).items():
        for variable, value in environment(service).items():
            if SECRET_NAME.search(variable):
                assert re.fullmatch(rf"\$\{{{variable}:\?[^}}]+\}}", value), (
                    f"{name}: {variable} must be ${{{variable}:?...}} from .env, not {value!r}"
                )
    database = make_url(interpolate(compose["x-database-url"], SAMPLE_ENV))
    assert database.password == SAMPLE_ENV["POSTGRES_PASSWORD"]
    assert "${POSTGRES_PASSWORD:?" in compose["x-database-url"]
    for variable in SAMPLE_ENV:
        without = {key: value for key, value in SAMPLE_ENV.items() if key != variable}
        with pytest.raises(MissingVariable, match=variable):
            interpolate(text, without)
    example = (ROOT / ".env.example").read_text()
    for variable in variables_in(text):
        assert re.search(rf"^{variable}=", example, re.M), f".env.example lacks {variable}="


def test_caddy_proxies_to_the_bot_services(compose: dict[str, Any]) -> None:
    """Caddy balances the webhook path over every bot, checking /healthz on their HEALTH_PORT."""
    bot = filled_environment(compose["x-bot"])
    (upstreams,) = [args.rstrip("{").split() for args in caddy_directive("reverse_proxy")]
    assert sorted(upstreams) == [f"{name}:{bot['WEBHOOK_PORT']}" for name in BOT_SERVICES]
    assert caddy_directive("health_port") == [bot["HEALTH_PORT"]]
    assert caddy_directive("health_uri") == ["/healthz"]
    assert caddy_directive("health_status") == ["200"]
    # Passive failover: a failing instance is left out, and the update tried on another.
    assert caddy_directive("fail_duration") and caddy_directive("fail_duration") != ["0s"]
    assert caddy_directive("lb_try_duration")
    webhook_path = urlsplit(bot["WEBHOOK_URL"]).path
    assert caddy_directive("path") == [webhook_path], "Caddy must forward WEBHOOK_URL's path"
    caddy = services(compose)["caddy"]
    assert caddy["image"].startswith("caddy:2")
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in caddy["volumes"]
    assert CADDYFILE.read_text().count("{$WEBHOOK_DOMAIN}") == 1
    assert environment(caddy)["WEBHOOK_DOMAIN"].startswith("${WEBHOOK_DOMAIN")
    assert {"80:80", "443:443"} <= set(caddy["ports"])


def test_caddy_refuses_updates_without_the_secret_before_reading_them(
    compose: dict[str, Any],
) -> None:
    """Only requests carrying WEBHOOK_SECRET reach an instance, with a body capped at 1 MB; the
    others get 403 from Caddy (the bot's own server reads a body before checking the secret)."""
    bot = filled_environment(compose["x-bot"])
    webhook_path = urlsplit(bot["WEBHOOK_URL"]).path
    assert caddy_directive("path") == [webhook_path]
    assert caddy_directive("header") == ["X-Telegram-Bot-Api-Secret-Token {$WEBHOOK_SECRET}"]
    assert caddy_directive("max_size") == ["1MB"]
    assert "@telegram {" in caddy_directive("handle")
    assert caddy_directive("respond") == ["403", "404"]
    text = CADDYFILE.read_text()
    assert text.index("handle @telegram") < text.index("reverse_proxy") < text.index("respond 403")
    caddy = services(compose)["caddy"]
    assert environment(caddy)["WEBHOOK_SECRET"].startswith("${WEBHOOK_SECRET")


def test_the_image_holds_the_installed_bot_only() -> None:
    """The image is built from the package's sources (installed as a wheel): the fake Telegram
    server, the tests and the benchmarks are never copied in."""
    dockerfile = (ROOT / "Dockerfile").read_text()
    copied = set()
    for line in dockerfile.splitlines():
        if line.startswith("COPY ") and "--from=" not in line:
            copied.update(part for part in line.split()[1:-1] if not part.startswith("--"))
    allowed = {"requirements/base.lock", "requirements/build.lock", "pyproject.toml", "README.md"}
    assert copied == allowed | {"bot", "locales", "migrations"}
    assert "pip install --no-deps /wheels/" in dockerfile
