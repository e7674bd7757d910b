"""Voice notes: the bot's messages read aloud in the person's language (bot/speech/speaker.py),
by the engines the operator installed (bot/speech/engines.py, chosen in voices.toml)."""
