"""/privacy: what the law requires a person to be told (GDPR art. 13), in their language.

Who runs the bot and how to reach them come from the operator's settings (OPERATOR_NAME,
OPERATOR_CONTACT, PRIVACY_POLICY_URL); everything else is the same for every installation and
says what the code does (bot/db/models.py, bot/services/retention.py). Shown from the consent
screen and at any time with /privacy, before and after consent.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import Translator
from bot.views.common import Screen, esc, rtl
from bot.views.onboarding import unreviewed_translation


@dataclass(frozen=True)
class Controller:
    """Who is responsible for the data (the operator), as the operator set it."""

    name: str | None = None
    contact: str | None = None
    policy_url: str | None = None


def privacy_information(
    t: Translator, controller: Controller, inactivity_months: int, reviewed: bool = True
) -> Screen:
    """Return the full information: who, why, on what basis, what, how long, who sees it,
    the person's rights and where to complain."""
    paragraphs = [
        t.gettext("<b>Your data in this bot</b>"),
        _who(t, controller),
        t.gettext(
            "Why: to remind you of the deadlines of your asylum procedure and tell you what to "
            "do, and, if you choose, to pass on messages from associations you follow."
        ),
        t.gettext(
            "Legal basis: your consent (GDPR article 6(1)(a), and article 9(2)(a) for what "
            "concerns your asylum procedure). You can withdraw it at any time with /delete."
        ),
        t.gettext(
            "What is kept: your Telegram chat number, your language, your department, your "
            "procedure and its stage, the dates you give, the steps you mark done, the "
            "associations you follow and whether you share your deadlines with them, the "
            "association messages sent to you, and when you last used the bot. Never your name, "
            "your file numbers, your address or what you write."
        ),
        _how_long(t, inactivity_months),
        t.gettext(
            "Who sees it: you, here. Associations you follow see only numbers, never you; if you "
            "share your deadlines with one, its staff get an alert 3 days before each deadline. "
            "The people who run the bot can reach the database and use it for nothing else. "
            "Telegram carries the messages and is responsible for what it does with them."
        ),
        t.gettext(
            "Your rights: see everything with /mydata (also as a file), erase everything with "
            "/delete, object or ask a question by writing to the contact above. You can "
            "complain to the CNIL, the French data protection authority: www.cnil.fr"
        ),
    ]
    if controller.policy_url:
        paragraphs.append(
            t.gettext("Full privacy policy: {url}").format(url=esc(controller.policy_url))
        )
    if not reviewed:
        paragraphs.append(unreviewed_translation(t))
    return Screen(rtl(t, "\n\n".join(paragraphs)))


def _who(t: Translator, controller: Controller) -> str:
    """Say who runs the bot and how to reach them, or that they have not said yet."""
    if not controller.name:
        return t.gettext(
            "Run by: not stated yet by the people who installed this bot. Ask the association "
            "that gave you its link."
        )
    # No Translator.isolate: in right-to-left languages the {placeholders} of a translation are
    # isolated already (bot/i18n.py), and the value goes inside that isolate.
    name = esc(controller.name)
    if not controller.contact:
        return t.gettext("Run by: {name}.").format(name=name)
    contact = esc(controller.contact)
    return t.gettext("Run by: {name}. Contact: {contact}").format(name=name, contact=contact)


def _how_long(t: Translator, months: int) -> str:
    """Say how long the data is kept: until /delete, or after months without use."""
    if months <= 0:
        return t.gettext("How long: until you erase it with /delete.")
    return t.ngettext(
        "How long: until you erase it with /delete, or, if you do not use the bot for "
        "{months} month, you are warned and then everything about you is erased.",
        "How long: until you erase it with /delete, or, if you do not use the bot for "
        "{months} months, you are warned and then everything about you is erased.",
        months,
    ).format(months=months)
