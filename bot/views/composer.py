"""What a staff member sees while composing a broadcast: the text and its versions, the
audience (languages, departments, stages, a deadline coming soon), the preview with its count,
and the moments to send it later."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot import callback_data as cb
from bot.callback_data import DraftAction
from bot.domain.disclosure import Disclosed
from bot.domain.situations import SITUATIONS, WINDOWS
from bot.i18n import N_, Translator, supported_languages
from bot.services.drafts import Draft
from bot.views.common import Screen, esc, keyboard, moment, rtl, split_long
from bot.views.onboarding import stage_label
from bot.views.staff import language_name

SITUATION_LABELS = {
    "ofpra_filing": N_("Form to send to Ofpra"),
    "ofpra_completion": N_("File to complete for Ofpra"),
    "ofpra_interview": N_("Ofpra interview or online document"),
    "certificate_renewal": N_("Asylum certificate to renew"),
    "cnda_appeal": N_("Appeal to the CNDA"),
    "residence_permit": N_("Residence permit to ask for or renew"),
    "reexamination": N_("Re-examination or reopening"),
    "removal_order": N_("Order to leave France (OQTF) or transfer"),
}
# Hours offered for a scheduled message, local time; a typed date and time is also accepted.
SCHEDULE_HOURS = (9, 14, 18)


# Which button ticks a value of each audience filter (the Audience field it changes).
TOGGLES = {
    "languages": DraftAction.TOGGLE_LANGUAGE,
    "departments": DraftAction.TOGGLE_DEPARTMENT,
    "stages": DraftAction.TOGGLE_STAGE,
}
NO_SITUATION = "none"  # the argument of "No deadline filter"
MOMENT_FORMAT = "%Y%m%d%H%M"  # a schedule button's local moment


def write_message(t: Translator, name: str) -> Screen:
    """Ask for the broadcast's text."""
    text = t.gettext(
        "Write the message for the followers of <b>{name}</b> (bold, italic and links are "
        "kept). It goes to everyone, except those for whom you add a version in their language."
    )
    rows = [[(t.gettext("Cancel"), cb.encode_draft(DraftAction.DISCARD))]]
    return Screen(rtl(t, text.format(name=esc(name))), keyboard(rows))


def write_version(t: Translator, language: str) -> Screen:
    """Ask for one language's version."""
    text = t.gettext("Write the version in {language}.").format(language=language_name(language))
    return Screen(
        rtl(t, text), keyboard([[(t.gettext("Cancel"), cb.encode_draft(DraftAction.DISCARD))]])
    )


def draft_preview(
    t: Translator,
    draft: Draft,
    name: str,
    reach: Disclosed,
    quiet_until: datetime | None = None,
) -> list[Screen]:
    """Show the draft as it will be sent, who receives it, and the choices left.

    Returns the messages (a text near Telegram's limit goes on its own, never cut); the buttons
    go on the last one.
    """
    versions = ", ".join(language_name(code) for code in draft.texts if code != "default")
    audience = draft.audience
    parts = []
    if audience.languages:
        parts.append(", ".join(language_name(code) for code in audience.languages))
    if audience.departments:
        parts.append(", ".join(audience.departments))
    if audience.stages:
        parts.append(", ".join(stage_label(t, stage) for stage in audience.stages))
    if audience.situation:
        parts.append(situation_summary(t, audience.situation, audience.within_days))
    header = t.gettext("<b>Preview</b> of the message from {name}:").format(name=esc(name))
    if quiet_until is not None:
        summary_end = [
            t.gettext("Quiet hours now: it goes out from {time}, so nobody is woken up.").format(
                time=moment(t, quiet_until)
            )
        ]
    else:
        summary_end = []
    recorded = ", ".join(
        language_name(draft.default_language if code == "default" else code)
        for code in draft.voices
    )
    summary = [
        t.gettext("Versions in other languages: {versions}").format(versions=versions or "-"),
        t.gettext("🔊 Recorded voice notes: {versions}").format(versions=recorded)
        if recorded
        else t.gettext(
            "🎙 To add your own voice, send a voice note now (up to 5 minutes): it is sent "
            "after the text."
        ),
        t.gettext("Audience: {audience}").format(
            audience=esc("; ".join(parts)) if parts else t.gettext("all followers")
        ),
        _reach_line(t, reach),
        *summary_end,
    ]
    send_rows = []
    if reach.value is not None:  # too few people: no way to send it as it is
        recipients = reach.value
        send_rows = [
            [
                (
                    t.ngettext(
                        "✅ Send to {count} person", "✅ Send to {count} people", recipients
                    ).format(count=recipients),
                    cb.encode_draft(DraftAction.SEND),
                )
            ],
            [(t.gettext("🕘 Send later"), cb.encode_draft(DraftAction.LATER))],
        ]
    rows = [
        [(t.gettext("Add a version in another language"), cb.encode_draft(DraftAction.VERSIONS))],
        [
            (t.gettext("Languages"), cb.encode_draft(DraftAction.MENU_LANGUAGES)),
            (t.gettext("Departments"), cb.encode_draft(DraftAction.MENU_DEPARTMENTS)),
            (t.gettext("Stages"), cb.encode_draft(DraftAction.MENU_STAGES)),
        ],
        [(t.gettext("Deadline soon"), cb.encode_draft(DraftAction.SITUATIONS))],
        *send_rows,
        [(t.gettext("Cancel"), cb.encode_draft(DraftAction.DISCARD))],
    ]
    paragraphs = [header, draft.texts.get("default", ""), "\n".join(summary)]
    *before, last = split_long(paragraphs)
    return [*(Screen(text) for text in before), Screen(last, keyboard(rows))]


def pick_version_language(t: Translator, draft: Draft) -> Screen:
    """Ask which language the next version is for."""
    rows = [
        [(language.native, cb.encode_draft(DraftAction.VERSION_LANGUAGE, language.code))]
        for language in supported_languages()
        if language.code not in draft.texts
    ]
    rows.append([(t.gettext("Back"), cb.encode_draft(DraftAction.PREVIEW))])
    return Screen(rtl(t, t.gettext("Which language is this version for?")), keyboard(rows))


def pick_audience(
    t: Translator, dimension: str, options: list[tuple[str, str]], chosen: tuple[str, ...]
) -> Screen:
    """Toggle the values of one filter (languages, departments or stages) among the followers."""
    titles = {
        "languages": t.gettext("Send only to the followers who use these languages:"),
        "departments": t.gettext("Send only to the followers who live in these departments:"),
        "stages": t.gettext("Send only to the followers at these stages:"),
    }
    rows = [
        [
            (
                ("☑️ " if value in chosen else "⬜ ") + label,
                cb.encode_draft(TOGGLES[dimension], value),
            )
        ]
        for value, label in options
    ]
    rows.append([(t.gettext("Back"), cb.encode_draft(DraftAction.PREVIEW))])
    text = titles[dimension] + "\n" + t.gettext("Nothing ticked: everyone.")
    return Screen(rtl(t, text), keyboard(rows))


def situation_summary(t: Translator, situation: str, within_days: int) -> str:
    """Describe a situation filter: "Appeal to the CNDA, last day within 10 days"."""
    return t.ngettext(
        "{situation}, last day within {n} day",
        "{situation}, last day within {n} days",
        within_days,
    ).format(situation=t.gettext(SITUATION_LABELS[situation]), n=within_days)


def pick_situation(t: Translator, draft: Draft) -> Screen:
    """Choose a situation (a deadline coming soon) and how far ahead to look."""
    chosen, within = draft.audience.situation, draft.audience.within_days
    rows = [
        [
            (
                ("🔘 " if situation.id == chosen else "⚪ ")
                + t.gettext(SITUATION_LABELS[situation.id]),
                cb.encode_draft(DraftAction.SITUATION, situation.id),
            )
        ]
        for situation in SITUATIONS
    ]
    rows.append(
        [
            (
                ("🔘 " if days == within else "")
                + t.ngettext("{n} day", "{n} days", days).format(n=days),
                cb.encode_draft(DraftAction.WINDOW, str(days)),
            )
            for days in WINDOWS
        ]
    )
    rows.append(
        [(t.gettext("No deadline filter"), cb.encode_draft(DraftAction.SITUATION, NO_SITUATION))]
    )
    rows.append([(t.gettext("Back"), cb.encode_draft(DraftAction.PREVIEW))])
    text = t.gettext(
        "Send only to the followers with one of these deadlines coming up, open and not marked "
        "done, within the number of days chosen (counted when the message goes out):"
    )
    return Screen(rtl(t, text), keyboard(rows))


def pick_schedule(t: Translator, now: datetime) -> Screen:
    """Offer moments to send the message later, or to type one."""
    options: list[datetime] = []
    for offset in range(3):
        for hour in SCHEDULE_HOURS:
            at = (now + timedelta(days=offset)).replace(
                hour=hour, minute=0, second=0, microsecond=0
            )
            if at > now + timedelta(minutes=10) and len(options) < 6:
                options.append(at)
    rows = [
        [(moment(t, at), cb.encode_draft(DraftAction.AT, at.strftime(MOMENT_FORMAT)))]
        for at in options
    ]
    rows.append([(t.gettext("Back"), cb.encode_draft(DraftAction.PREVIEW))])
    text = t.gettext(
        "When should it go out? Choose, or type a date and time such as {example}."
    ).format(example=_typed_example(t, now))
    return Screen(rtl(t, text), keyboard(rows))


def schedule_not_understood(t: Translator, now: datetime) -> str:
    """Say that a typed moment could not be read or is not in the future."""
    return rtl(
        t,
        t.gettext(
            "I could not read a future date and time. Type for example {example}, or press Back."
        ).format(example=_typed_example(t, now)),
    )


def _typed_example(t: Translator, now: datetime) -> str:
    """Return tomorrow at 09:30 as a staff member would type it (digits, day first)."""
    return t.isolate((now + timedelta(days=1)).strftime("%d/%m/%Y 09:30"))


def preparing(t: Translator) -> str:
    """The progress message, before the first count."""
    return rtl(t, t.gettext("📣 Preparing the message…"))


def _reach_line(t: Translator, reach: Disclosed) -> str:
    """Say who the draft reaches: a number, or that too few people match to send it."""
    if reach.value is None:
        return t.ngettext(
            "It will reach fewer than {count} person: too few to send, because the message "
            "could single someone out. Choose a wider audience.",
            "It will reach fewer than {count} people: too few to send, because the message "
            "could single someone out. Choose a wider audience.",
            reach.threshold,
        ).format(count=reach.threshold)
    return t.ngettext(
        "It will reach {count} person now.", "It will reach {count} people now.", reach.value
    ).format(count=reach.value)


def too_few(t: Translator) -> str:
    """Refuse to send to an audience small enough to single someone out."""
    return rtl(
        t,
        t.gettext(
            "Too few people for this message: it could single someone out. Choose a wider audience."
        ),
    )


def nobody(t: Translator) -> str:
    """Say that the audience is empty."""
    return rtl(t, t.gettext("Nobody matches this audience: change it before sending."))


def voice_too_long(t: Translator) -> str:
    """Refuse a staff member's voice note longer than 5 minutes."""
    return t.gettext("This voice note is longer than 5 minutes. Please record a shorter one.")


def send_a_voice_note(t: Translator) -> str:
    """Refuse an audio file, video or document sent while composing."""
    return t.gettext(
        "To add your voice, record a voice note (hold the microphone button). Files and videos "
        "cannot be sent to followers."
    )
