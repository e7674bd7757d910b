"""The trimmed Bot API spec shipped in the package."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fake_telegram import trim_spec
from fake_telegram.spec import load_spec

FULL_SPEC = Path(__file__).resolve().parents[3] / "shared" / "telegram" / "bot-api-spec.json"


def test_spec_loads_with_version_methods_and_types() -> None:
    """The package data loads, and knows the methods and types the bot relies on."""
    spec = load_spec()
    assert spec.version == "Bot API 10.1"
    send = spec.method("SENDMESSAGE")
    assert send is not None and send.name == "sendMessage"
    assert send.fields["chat_id"].types == ("Integer", "String") and send.fields["text"].required
    assert spec.types["BotCommandScopeChat"].fields["type"].const == "chat"
    assert "BotCommandScopeChat" in spec.types["BotCommandScope"].subtypes
    assert spec.method("noSuchMethod") is None


def test_licence_travels_with_the_data() -> None:
    """The MIT licence and attribution sit beside the trimmed copy."""
    licence = Path(trim_spec.__file__).with_name("bot_api_spec.LICENSE").read_text()
    assert "Copyright (c) 2020 Paul Larsen" in licence and "PaulSonOfLars" in licence


@pytest.mark.skipif(not FULL_SPEC.exists(), reason=f"full spec not found at {FULL_SPEC}")
def test_trimmed_copy_is_up_to_date() -> None:
    """Regenerating from the full spec gives exactly the committed file."""
    full = json.loads(FULL_SPEC.read_text(encoding="utf-8"))
    assert trim_spec.dump(trim_spec.trim(full)) == trim_spec.OUTPUT.read_text(encoding="utf-8")
