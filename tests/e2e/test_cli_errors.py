"""`python -m bot` as a real process when Telegram is out of reach or refuses the token.

Each command that calls Telegram ends with one line on stderr saying what failed and what to check,
a non-zero exit code, no traceback and nothing left unclosed; `association create/invite` with
`--username` print the link without calling Telegram at all. Traffic goes to 127.0.0.1 only: a
closed port there, or the local fake Bot API server (which knows only its own token).
"""

from __future__ import annotations

import asyncio
import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from fake_telegram.server import FakeTelegram

REPO = Path(__file__).resolve().parents[2]
OTHER_TOKEN = "987654321:" + "Q" * 35  # well-formed, not the fake server's
TIMEOUT = 60
pytestmark = pytest.mark.processes


def closed_port() -> str:
    """Return a Bot API base URL on 127.0.0.1 where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/bot"


def environment(folder: Path, base_url: str, token: str | None = OTHER_TOKEN) -> dict[str, str]:
    """The child's environment: our settings only (no .env: it runs in `folder`), warnings on."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "DATABASE_", "WEBHOOK_", "HEALTH_"))
    }
    env.update(
        PYTHONPATH=str(REPO),
        PYTHONWARNINGS="always",  # an unclosed session or engine would print a ResourceWarning
        DATABASE_URL=f"sqlite:///{folder / 'bot.sqlite3'}",
        TELEGRAM_API_BASE_URL=base_url,
        HEALTH_PORT="0",
    )
    if token is not None:
        env["TELEGRAM_BOT_TOKEN"] = token
    return env


def bot(folder: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m bot ARGS` in `folder` and return what it did."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


async def bot_beside(folder: Path, env: dict[str, str], *args: str) -> tuple[int, str, str]:
    """Run `python -m bot ARGS` while this test's event loop serves the fake Telegram."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=folder,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), TIMEOUT)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def one_error_line(stderr: str, token: str = OTHER_TOKEN) -> str:
    """Assert stderr is a single `error: ...` line, without traceback or token; return it."""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: "), stderr
    assert "Traceback" not in stderr and "Unclosed" not in stderr
    assert token not in stderr and token.split(":")[1] not in stderr
    return lines[0]


def associations(folder: Path) -> list[str]:
    """Return the names of the associations in the child's database."""
    with sqlite3.connect(folder / "bot.sqlite3") as connection:
        return [row[0] for row in connection.execute("SELECT name FROM associations")]


@pytest.mark.parametrize(
    "command",
    [["run"], ["dispatch", "--until-idle"], ["association", "create", "Entraide 93"]],
    ids=["run", "dispatch", "association-create"],
)
def test_without_network_one_line_says_what_to_check(tmp_path: Path, command: list[str]) -> None:
    base_url = closed_port()
    if command[0] == "dispatch":
        assert bot(tmp_path, environment(tmp_path, base_url), "migrate").returncode == 0
    result = bot(tmp_path, environment(tmp_path, base_url), *command)
    assert result.returncode != 0
    line = one_error_line(result.stderr)
    assert line == (
        f"error: cannot reach the Telegram Bot API at {base_url} (connection refused): "
        "check the network or TELEGRAM_API_BASE_URL"
    )
    if command[0] == "association":
        assert associations(tmp_path) == []  # nothing written before Telegram answered


@pytest.mark.parametrize(
    "command",
    [["run"], ["dispatch", "--until-idle"], ["association", "create", "Entraide 93"]],
    ids=["run", "dispatch", "association-create"],
)
async def test_a_refused_token_is_one_line(tmp_path: Path, command: list[str]) -> None:
    async with FakeTelegram() as telegram:
        env = environment(tmp_path, telegram.base_url)
        if command[0] == "dispatch":
            assert (await bot_beside(tmp_path, env, "migrate"))[0] == 0
        code, _, err = await bot_beside(tmp_path, env, *command)
    assert code != 0
    assert one_error_line(err) == (
        "error: Telegram refused the token in TELEGRAM_BOT_TOKEN (401 Unauthorized): "
        "check it with @BotFather"
    )


def test_association_create_offline_with_the_username(tmp_path: Path) -> None:
    env = environment(tmp_path, closed_port(), token=None)  # no token, nothing to reach
    created = bot(tmp_path, env, "association", "create", "Entraide 93", "--username", "@demo_bot")
    assert created.returncode == 0, created.stderr
    assert "Association #1 created: Entraide 93" in created.stdout
    assert "https://t.me/demo_bot?start=i_" in created.stdout
    assert associations(tmp_path) == ["Entraide 93"]
    invited = bot(tmp_path, env, "association", "invite", "1", "--username", "Demo_Bot")
    assert invited.returncode == 0, invited.stderr
    assert "https://t.me/Demo_Bot?start=i_" in invited.stdout


@pytest.mark.parametrize("username", ["demo", "@ab_bot_", "bot", "demo-bot", "a" * 30 + "bot"])
def test_a_malformed_username_is_refused_before_anything(tmp_path: Path, username: str) -> None:
    env = environment(tmp_path, closed_port(), token=None)
    result = bot(tmp_path, env, "association", "create", "Entraide 93", "--username", username)
    assert result.returncode == 2
    assert "is not a bot username" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "bot.sqlite3").exists()
