"""`python -m bot demo` as a real process, driven through its standard input."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parents[2]


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
