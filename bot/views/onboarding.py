"""First contact: language picker, privacy notice, "Where are you now?", department."""

from __future__ import annotations

from bot import callback_data as cb
from bot.domain.prefectures import Prefecture
from bot.domain.questions import PICKABLE_STAGES
from bot.i18n import N_, Language, Translator
from bot.views.common import Screen, esc, keyboard, rtl

STAGE_LABELS: dict[str, str] = {
    "not_registered": N_("Not yet registered at the prefecture"),
    "certificate_received": N_("I received my asylum certificate"),
    "file_sent": N_("I sent my file to Ofpra"),
    "waiting_interview": N_("Waiting for the Ofpra interview"),
    "decision_received": N_("I received Ofpra's decision"),
    "cnda_appeal": N_("I appealed to the CNDA"),
    "protected": N_("I am protected (residence permit)"),
}


def language_picker(
    t: Translator,
    languages: tuple[Language, ...],
    first: str | None,
    follow: str | None = None,
    extra: list[tuple[str, str]] | None = None,
) -> Screen:
    """Return the language buttons, in their own names, the person's Telegram language first.

    `follow` is the token of the association link that brought a newcomer: it rides along the
    buttons until consent, when the person starts following (nothing is stored before). `extra`
    is a last row (the choice to hear reminders as voice notes).
    """
    ordered = sorted(languages, key=lambda language: language.code != first)
    suffix = f".{follow}" if follow else ""
    rows = [
        [(language.native, cb.encode(cb.LANGUAGE, language.code + suffix))] for language in ordered
    ]
    if extra:
        rows.append(extra)
    return Screen(rtl(t, t.gettext("Choose your language.")), keyboard(rows))


def unreviewed_translation(t: Translator) -> str:
    """Say, in the language itself and briefly, that no native speaker has checked it yet."""
    return t.gettext(
        "<i>Translation not yet checked by a native speaker: if a sentence is unclear, ask an "
        "association or change language (/language).</i>"
    )


def privacy_pointer(t: Translator) -> str:
    """The line under the consent notice that leads to the full information (/privacy)."""
    return t.gettext("Who runs this bot, why, for how long, and your rights: /privacy")


def privacy_notice(
    t: Translator, code: str, reviewed: bool = True, follow: str | None = None
) -> Screen:
    """Return the privacy notice with an explicit "I agree"; nothing is stored before it.

    An unreviewed translation says so once, here, at the end, before the person relies on it.
    """
    text = t.gettext(
        "<b>Before we start: what this bot keeps</b>\n\n"
        "This bot reminds you of the deadlines of your asylum procedure.\n\n"
        "It keeps only: your language, your department, the stage of your procedure and the "
        "dates you give. Never your name, your file numbers or your address.\n\n"
        "Only you can see them here; the people who run the bot can access the database "
        "but never use it for anything else. Telegram carries the messages.\n\n"
        "See everything we keep with /mydata. Erase everything at any time with /delete.\n\n"
        'Nothing is kept until you press "I agree".'
    )
    text = f"{text}\n\n{privacy_pointer(t)}"
    if not reviewed:
        text = f"{text}\n\n{unreviewed_translation(t)}"  # honest, but never the first line
    rows = [
        [(t.gettext("I agree"), cb.encode(cb.CONSENT, f"{code}.{follow}" if follow else code))],
        [(t.gettext("Change language"), cb.encode(cb.MENU, "language"))],
    ]
    return Screen(rtl(t, text), keyboard(rows))


def stage_picker(t: Translator) -> Screen:
    """Return "Where are you now?" with one button per stage."""
    rows = [
        [(t.gettext(STAGE_LABELS[stage.value]), cb.encode(cb.STAGE, stage.value))]
        for stage in PICKABLE_STAGES
    ]
    return Screen(
        rtl(t, t.gettext("<b>Where are you now in your asylum procedure?</b>")), keyboard(rows)
    )


def department_prompt(t: Translator) -> Screen:
    """Ask for the department, typed as a number or a name."""
    return Screen(
        rtl(
            t,
            t.gettext(
                "In which department do you live? Type its number, its name or your town, "
                "for example 93, Seine-Saint-Denis or Bobigny."
            ),
        )
    )


def department_saved(t: Translator, prefecture: Prefecture) -> str:
    """Confirm the department and show the competent prefecture."""
    text = t.gettext("{code} {name}: the prefecture competent for asylum is {prefecture}.").format(
        code=esc(prefecture.department_code),
        name=esc(prefecture.department_name),
        prefecture=esc(prefecture.competent_prefecture),
    )
    if prefecture.france_asile_pilot:
        text += "\n" + t.gettext(
            "Since 19 May 2025, claims here are registered and introduced to Ofpra at the "
            "Espace France Asile in Cergy-Pontoise."
        )
    return rtl(t, text)


def department_unknown(t: Translator, suggestion: Prefecture | None = None) -> Screen:
    """Say the department was not recognised, with an example, and a close one to tap."""
    text = t.gettext(
        "I do not know this department. Type its number (01 to 95, 2A or 2B), its name or your "
        "town, for example 69, Rhône or Lyon."
    )
    if suggestion is None:
        return Screen(rtl(t, text))
    label = f"{suggestion.department_code} {suggestion.department_name}"
    text += "\n" + t.gettext("Did you mean {department}?").format(department=esc(label))
    rows = [[(label, cb.encode(cb.DEPARTMENT, suggestion.department_code))]]
    return Screen(rtl(t, text), keyboard(rows))


def department_overseas(t: Translator) -> str:
    """Say plainly that overseas departments are not covered yet."""
    return rtl(
        t,
        t.gettext(
            "This is an overseas department: its asylum rules and deadlines differ and this bot "
            "does not cover them yet. Please ask a local association or the prefecture. If you "
            "live in metropolitan France, type that department instead."
        ),
    )


def stage_label(t: Translator, stage: str | None) -> str:
    """Return the plain-language label of a stage."""
    return t.gettext(STAGE_LABELS[stage]) if stage in STAGE_LABELS else "-"
