"""What a person is told about voice notes ("🔊 Listen")."""

from __future__ import annotations

from bot.i18n import Translator


def not_spoken(t: Translator) -> str:
    """Say that no voice reads this language here (a pop-up)."""
    return t.gettext("Listening is not available in your language yet.")


def busy(t: Translator) -> str:
    """Say that too many notes are being made (a pop-up)."""
    return t.gettext("Many people are listening right now. Please try again in a minute.")


def failed(t: Translator) -> str:
    """Say that the note could not be made; the text stands (a pop-up)."""
    return t.gettext("The voice note could not be made. The text says the same.")


def no_voice_for_language(t: Translator) -> str:
    """Say, after a change of language, that voice notes do not exist in it here."""
    return t.gettext("🔊 Voice notes are not available in this language yet.")
