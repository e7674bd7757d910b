"""Render one question: what to look for on which paper, with the right buttons."""

from __future__ import annotations

from datetime import date

from bot import callback_data as cb
from bot.domain.conversation import ConversationState
from bot.domain.plausibility import Doubt, DoubtReason
from bot.domain.questions import Kind, Question, Unknown
from bot.i18n import N_, Translator
from bot.views.common import Screen, day, distance, esc, keyboard, rtl, weekday_day
from bot.views.date_picker import calendar_keyboard
from bot.views.dates import event_label

# Each prompt names the paper as it is printed in French, so the person can find it.
PROMPTS: dict[str, str] = {
    "procedure": N_(
        "Which procedure is written on your asylum certificate "
        "(<b>attestation de demande d'asile</b>)?"
    ),
    "entered_france.on": N_("On which day did you arrive in France?"),
    "claim_presented.on": N_(
        "On which day did you first go to the SPADA (the association that gives the "
        "appointment at the prefecture)?"
    ),
    "certificate_issued.on": N_(
        "On which day was your first asylum certificate (<b>attestation de demande "
        "d'asile</b>) given to you? The date is printed on the certificate."
    ),
    "certificate_expires.on": N_(
        "Until when is your current asylum certificate valid? Look for "
        "<b>valable jusqu'au</b> on the certificate."
    ),
    "ofpra_registration_letter.on": N_(
        "What is the date of Ofpra's letter confirming your file is registered "
        "(<b>lettre d'introduction</b>, in your Ofpra online account)?"
    ),
    "ofpra_completion_request.on": N_(
        "On which day did you receive Ofpra's letter asking you to complete your file? "
        "For a registered letter, it is the day you signed for it."
    ),
    "ofpra_interview.on": N_(
        "On which day is your Ofpra interview? It is on the convocation "
        "(<b>convocation à un entretien</b>)."
    ),
    "ofpra_interview.at": N_("At what time is the interview? Type it like 14:30."),
    "ofpra_decision.outcome": N_("What does Ofpra's decision (<b>décision de l'Ofpra</b>) say?"),
    "ofpra_decision.received": N_("How did the decision reach you?"),
    "ofpra_decision.on": N_(
        "By registered letter: the day you signed the receipt, or the day the postman left the "
        "first notice (<b>avis de passage</b>) if you were out. In the Ofpra online account: "
        "the day the decision was put there (the next question asks when you first opened it). "
        "Which day was it?"
    ),
    "ofpra_decision.opened_on": N_(
        "On which day did you first open the decision in your Ofpra online account? "
        "(It counts as received that day, or 15 days after it was put there if that is earlier.)"
    ),
    "ofpra_decision.decided_on": N_(
        "Which date is printed at the top of the closure decision (<b>décision de clôture</b>)? "
        "The 9 months to ask for reopening run from that date."
    ),
    "cnda_appeal_registered.on": N_(
        "What is the date of the CNDA's acknowledgement that your appeal was registered "
        "(<b>accusé de réception</b> of the Cour nationale du droit d'asile)?"
    ),
    "cnda_decision.outcome": N_("What does the decision of the CNDA say?"),
    "cnda_decision.on": N_("On which day did you receive the CNDA's decision?"),
    "cnda_decision.decided_on": N_(
        "Which date is written on the decision as the day it was read in public "
        "(<b>lu en audience publique le</b>)? Your right to stay and your allowance end with it."
    ),
    "dublin_transfer_notified.on": N_(
        "On which day did you receive the transfer decision (<b>décision de transfert</b>)? "
        "If it was handed to you, it is that day."
    ),
    "oqtf_notified.on": N_(
        "On which day did you receive the order to leave France "
        "(<b>obligation de quitter le territoire français</b>, OQTF)?"
    ),
    "dublin_transfer_notified.detained": N_(
        "When you received it, were you in detention (<b>centre de rétention</b>) or under "
        "house arrest (<b>assignation à résidence</b>)? Then the appeal is only 48 hours."
    ),
    "oqtf_notified.detained": N_(
        "When you received it, were you in detention (<b>centre de rétention</b>) or under "
        "house arrest (<b>assignation à résidence</b>)? Then the appeal is only 48 hours."
    ),
    "dublin_transfer_notified.at": N_(
        "At what time was it handed to you? Type it like 14:30. The 48 hours count from "
        "that minute."
    ),
    "oqtf_notified.at": N_(
        "At what time was it handed to you? Type it like 14:30. The 48 hours count from "
        "that minute."
    ),
    "detention_decision_notified.on": N_(
        "On which day were you placed in detention (<b>placement en rétention</b>)?"
    ),
    "detention_decision_notified.at": N_(
        "At what time was it handed to you? Type it like 14:30. The 48 hours count from "
        "that minute."
    ),
    "legal_aid_requested.on": N_(
        "On which day did you send your legal-aid request (<b>aide juridictionnelle</b>) to "
        "the CNDA? The day of the fax or of the registered letter."
    ),
    "legal_aid_decided.on": N_(
        "On which day did you receive the decision on legal aid "
        "(<b>décision du bureau d'aide juridictionnelle</b>)?"
    ),
    "legal_aid_decided.lawyer_notified_on": N_(
        "On which day did your lawyer receive it? Ask your lawyer: if it is later than your "
        "own day, the appeal deadline counts from that later day."
    ),
    "permit_expires.permit": N_("Which residence document do you have?"),
    "permit_expires.on": N_("Until when is it valid? The end date is printed on the document."),
}

# Answers as the person recognises them, with the French words printed on the paper.
CHOICES: dict[str, str] = {
    "procedure:normal": N_("Normal (procédure normale)"),
    "procedure:accelerated": N_("Accelerated (procédure accélérée)"),
    "procedure:dublin": N_("Dublin (procédure Dublin)"),
    "outcome:rejected": N_("Rejected (rejet)"),
    "outcome:refugee": N_("Refugee status (statut de réfugié)"),
    "outcome:subsidiary": N_("Subsidiary protection (protection subsidiaire)"),
    "outcome:inadmissible": N_("Inadmissible (irrecevabilité)"),
    "outcome:closure": N_("File closed (clôture)"),
    "received:post": N_("Registered letter"),
    "received:online": N_("Ofpra online account"),
    "permit:resident": N_("Resident card (carte de résident)"),
    "permit:multiyear": N_("Multi-year card (carte de séjour pluriannuelle)"),
    "permit:api": N_("Temporary certificate (API)"),
    "detained:yes": N_("Yes: detention or house arrest"),
    "detained:no": N_("No, I am free"),
    "when:week": N_("This week"),
    "when:2weeks": N_("1 to 2 weeks ago"),
    "when:4weeks": N_("2 to 4 weeks ago"),
    "when:older": N_("More than a month ago"),
}
# The rough "When did you get it?" asked after "I don't know", whatever the paper.
WHEN_PROMPT = N_(
    "Roughly when did you get it? We will count from the earliest day of your answer, to be safe."
)

UNKNOWN_LABEL = N_("I don't know")
CANCEL_LABEL = N_("Cancel")
TYPE_HINT = N_("Pick the day below, or type it like {example}.")


def question_screen(t: Translator, state: ConversationState, *, today: date) -> Screen:
    """Return the message asking the current question."""
    question = state.question
    assert question is not None
    prompt = WHEN_PROMPT if question.field == "when" else PROMPTS[question.id]
    text = t.gettext(prompt)
    tag = cb.question_tag(question.id)
    if question.kind is Kind.CHOICE:
        rows = [
            [(choice_label(t, question, value), cb.encode(cb.ANSWER, f"{value}.{tag}"))]
            for value in question.choices
        ]
        return Screen(rtl(t, text), keyboard(rows + _footer(t, question)))
    if question.kind is Kind.TIME:
        return Screen(rtl(t, text), keyboard(_footer(t, question)))
    earliest, latest = date_bounds(question, state, today)
    month = _shown_month(state, today, earliest, latest)
    hint = t.gettext(TYPE_HINT).format(example=esc(f"{today:%d/%m/%Y}"))
    markup = calendar_keyboard(
        t, month=month, today=today, earliest=earliest, latest=latest, tag=tag
    )
    rows = [[(b.text, str(b.callback_data)) for b in row] for row in markup.inline_keyboard]
    return Screen(rtl(t, f"{text}\n\n<i>{hint}</i>"), keyboard(rows + _footer(t, question)))


def choice_label(t: Translator, question: Question, value: str) -> str:
    """Return the label of one choice of a question."""
    return t.gettext(CHOICES[f"{question.field}:{value}"])


def date_bounds(question: Question, state: ConversationState, today: date) -> tuple[date, date]:
    """Return the plausible range of a date answer."""
    earliest = date(today.year - 12, 1, 1)
    latest = date(today.year + 11, 12, 31) if question.future else today
    if question.field in ("opened_on", "lawyer_notified_on") and question.event is not None:
        posted = state.answers.get(f"{question.event}.on", "")
        earliest = date.fromisoformat(posted) if posted[:4].isdigit() else earliest
    if question.field == "decided_on" and question.event is not None:
        received = state.answers.get(f"{question.event}.on", "")
        latest = date.fromisoformat(received) if received[:4].isdigit() else latest
    return earliest, latest


def _shown_month(state: ConversationState, today: date, earliest: date, latest: date) -> date:
    """Return the month the calendar shows: the one navigated to, else today's (bounded)."""
    if state.month:
        return date(int(state.month[:4]), int(state.month[4:]), 1)
    anchor = min(max(today, earliest), latest)
    return anchor.replace(day=1)


def _footer(t: Translator, question: Question) -> list[list[tuple[str, str]]]:
    """Return the "I don't know" and "Cancel" buttons where they apply."""
    row = [(t.gettext(CANCEL_LABEL), cb.encode(cb.CANCEL))]
    if question.unknown is not Unknown.NOT_ALLOWED:
        row.insert(
            0, (t.gettext(UNKNOWN_LABEL), cb.encode(cb.UNKNOWN, cb.question_tag(question.id)))
        )
    return [row]


def unknown_used(t: Translator, question: Question, used: date | None) -> str | None:
    """Explain what "I don't know" (or a rough answer) did, and who can give the real date."""
    if question.field == "when" and used is not None:
        return rtl(
            t,
            t.gettext(
                "Counted from {date}, the earliest day of your answer, to be safe: your "
                "deadline may be close. Correct it with /dates when you find the exact date."
            ).format(date=day(t, used)),
        )
    if question.field == "when":
        return rtl(
            t,
            t.gettext(
                "Then the date is unknown: this deadline may be running, or may have passed. "
                "Take the paper to an association today, and add the date with /dates when "
                "you have it."
            ),
        )
    if question.field == "detained":
        return rtl(
            t,
            t.gettext(
                "Then the shorter period is used: 48 hours. Ask an association or a lawyer "
                "today; if you are free, change it with /dates."
            ),
        )
    if question.field == "at":
        return rtl(
            t,
            t.gettext(
                "No problem: without the time, the count starts at midnight, the earliest. If "
                "you find the time, add it with /dates."
            ),
        )
    if question.kind is Kind.CHOICE:
        return rtl(
            t,
            t.gettext(
                "No problem: the answer that gives the earliest dates is used. You can change "
                "it with /dates."
            ),
        )
    if question.unknown is Unknown.SKIP:
        return rtl(
            t,
            t.gettext(
                "No problem: we will do without this date. If you find it (on the paper, or by "
                "asking your SPADA or an association), add it with /dates."
            ),
        )
    return None


def read_back(t: Translator, value: date, today: date, doubt: Doubt | None) -> Screen:
    """Read a date back in words, with its weekday and distance, and ask to confirm it."""
    lines = [f"📅 <b>{weekday_day(t, value)}</b> · {esc(distance(t, value, today))}"]
    if doubt is not None:
        lines.append("⚠️ " + doubt_text(t, doubt))
    lines.append(t.gettext("Is that right?"))
    rows = [
        [
            (t.gettext("✅ Correct"), cb.encode(cb.CONFIRM, f"y.{value:%Y%m%d}")),
            (t.gettext("✏️ Change"), cb.encode(cb.CONFIRM, f"n.{value:%Y%m%d}")),
        ]
    ]
    return Screen(rtl(t, "\n".join(lines)), keyboard(rows))


def doubt_text(t: Translator, doubt: Doubt) -> str:
    """Say why a date looks wrong (asked once: the person may well be right)."""
    if doubt.reason is DoubtReason.LONG_AGO:
        return t.gettext("That is a long time ago.")
    if doubt.reason is DoubtReason.FAR_AHEAD:
        return t.gettext("That is far in the future.")
    assert doubt.other is not None and doubt.other_day is not None
    label = esc(event_label(t, doubt.other.value))
    if doubt.reason is DoubtReason.BEFORE:
        return t.gettext("That is before this date you gave: {what}, {date}.").format(
            what=label, date=day(t, doubt.other_day)
        )
    return t.gettext("That is after this date you gave: {what}, {date}.").format(
        what=label, date=day(t, doubt.other_day)
    )
