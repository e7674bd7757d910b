"""`python -m bot demo` as a real process, driven through its standard input."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

import pytest

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.processes


def test_demo_plays_the_onboarding_in_the_terminal() -> None:
    """Buttons are pressed by number, dates typed; the summary with the 21-day deadline shows."""
    today = datetime.now(ZoneInfo("Europe/Paris")).date()  # the demo runs on the real clock
    issued, expires = today - timedelta(days=10), today + timedelta(days=60)
    lines = [
        "1",
        "1",
        "2",
        "93",
        "1",
        f"{issued:%d/%m/%Y}",
        "1",  # Correct
        "maybe",
        f"{expires:%d/%m/%Y}",
        "1",  # Correct
        ":next",
        ":quit",
    ]
    script = "\n".join([*lines, ""])
    result = subprocess.run(
        [sys.executable, "-m", "bot", "demo", "--lang", "en"],
        cwd=REPO,
        input=script,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    out = result.stdout
    assert "[1] English" in out and "[2] Français" in out
    assert "Where are you now in your asylum procedure?" in out
    assert "Préfecture de la Seine-Saint-Denis (Bobigny, 93)" in out
    assert "I could not read a date" in out  # "maybe"
    assert "Send your asylum form to Ofpra" in out and "in 11 days" in out
    assert "(the clock is now" in out and "⏰ Send your asylum form" in out  # :next: a reminder
    assert "Traceback" not in result.stderr


def test_staff_mode_shows_the_counts_and_a_broadcast_preview() -> None:
    """`demo --staff`: the phone is the admin of a demo association with 20 followers, counted
    without naming a group under 5; the end of input (no :quit) leaves cleanly."""
    lines = ["/staff", "3", "/broadcast", "Réunion d'information jeudi à 14h."]  # 3: Followers
    result = subprocess.run(
        [sys.executable, "-m", "bot", "demo", "--staff", "--lang", "en"],
        cwd=REPO,
        input="\n".join([*lines, ""]),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    out = result.stdout
    assert "Staff mode: you are the admin of Entraide démo" in out and "/broadcast" in out
    assert "Welcome to Entraide démo: you are now its admin." in out
    assert "Followers of Entraide démo: 20" in out
    assert "By language: Français: 6, العربية: 5, دری / فارسی: 5, other groups: fewer than 5" in out
    assert "By department: 93: 9, 75: 6, other groups: 5" in out
    assert "Preview of the message from Entraide démo" in out
    assert "Réunion d'information jeudi à 14h." in out and "Send to 20 people" in out
    assert "Traceback" not in result.stderr


def test_ctrl_c_leaves_at_once_and_cleans_up(tmp_path: Path) -> None:
    """SIGINT at the prompt (stdin still open, as in a terminal): exit 130 within seconds, no
    traceback, the bot and server stopped, the temporary folder removed."""
    demo = subprocess.Popen(
        [sys.executable, "-m", "bot", "demo", "--lang", "en"],
        cwd=REPO,
        env={**os.environ, "TMPDIR": str(tmp_path)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert demo.stdout is not None and demo.stderr is not None
        out = _read_until(demo.stdout, "\n> ", timeout=90)
        assert "[1] English" in out
        assert list(tmp_path.glob("asylum-bot-demo-*")), "the demo's folder is under TMPDIR"
        demo.send_signal(signal.SIGINT)
        assert demo.wait(timeout=10) == 130
        assert "Traceback" not in demo.stderr.read()
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()
        for stream in (demo.stdin, demo.stdout, demo.stderr):
            if stream is not None:
                stream.close()
    assert list(tmp_path.glob("asylum-bot-demo-*")) == []


def _read_until(stream: IO[str], marker: str, timeout: float) -> str:
    """Return what the process printed up to `marker` (the prompt), failing after `timeout`."""
    seen: list[str] = []
    found = threading.Event()

    def read() -> None:
        while character := stream.read(1):
            seen.append(character)
            if "".join(seen[-len(marker) :]) == marker:
                found.set()
                return

    threading.Thread(target=read, daemon=True).start()
    assert found.wait(timeout), f"no prompt after {timeout} s: {''.join(seen)}"
    return "".join(seen)
