"""What a person is told about voice notes ("🔊 Listen")."""

from __future__ import annotations

from bot import callback_data as cb
from bot.i18n import N_, Translator
from bot.views.common import Screen, keyboard, rtl


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


VOICE_ON_LABEL = N_("🔊 Also send my reminders as voice notes")
VOICE_OFF_LABEL = N_("🔇 Reminders as text only")


def voice_choice_row(t: Translator, voice_reminders: bool) -> list[tuple[str, str]]:
    """Return the button that turns voice reminders on or off, under the language picker."""
    if voice_reminders:
        return [(t.gettext(VOICE_OFF_LABEL), cb.encode(cb.VOICE, "off"))]
    return [(t.gettext(VOICE_ON_LABEL), cb.encode(cb.VOICE, "on"))]


def voice_choice_saved(t: Translator, voice_reminders: bool) -> Screen:
    """Confirm the choice, with the button to undo it."""
    if voice_reminders:
        text = t.gettext("From now on, each reminder also comes as a voice note.")
    else:
        text = t.gettext("From now on, reminders come as text only.")
    return Screen(rtl(t, text), keyboard([voice_choice_row(t, voice_reminders)]))
