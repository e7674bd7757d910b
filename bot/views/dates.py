"""/dates (see, correct, remove each date) and /add (a new letter or event)."""

from __future__ import annotations

from bot import callback_data as cb
from bot.domain.events import Event
from bot.domain.questions import ADD_FLOWS
from bot.i18n import N_, Translator
from bot.views.common import Screen, day, esc, keyboard, rtl

EVENT_LABELS: dict[str, str] = {
    "entered_france": N_("Arrival in France"),
    "regularisation_visa_issued": N_("8-day visa (visa de régularisation) issued"),
    "entry_refused": N_("Entry refused at the border"),
    "border_judgment_notified": N_("Court judgment on the border refusal"),
    "claim_presented": N_("First visit to the SPADA"),
    "certificate_issued": N_("Asylum certificate issued"),
    "certificate_renewed": N_("Asylum certificate renewed"),
    "certificate_expires": N_("Asylum certificate valid until"),
    "dublin_accepted": N_("Other country accepted responsibility (Dublin)"),
    "dublin_transfer_notified": N_("Dublin transfer decision"),
    "ofpra_registration_letter": N_("Ofpra registration letter"),
    "ofpra_completion_request": N_("Ofpra letter asking to complete the file"),
    "ofpra_document_posted": N_("Document put in the Ofpra online account"),
    "ofpra_interview": N_("Ofpra interview"),
    "ofpra_decision": N_("Ofpra decision"),
    "cnda_appeal_registered": N_("CNDA appeal registered"),
    "cnda_decision": N_("CNDA decision"),
    "reopening_registered": N_("New registration to reopen the file"),
    "reexamination_presented": N_("Re-examination request presented"),
    "reexamination_registered": N_("Re-examination registered at the prefecture"),
    "reexamination_introduced": N_("Re-examination introduced at Ofpra"),
    "reexamination_completion_request": N_("Ofpra letter asking to complete the re-examination"),
    "reexamination_certificate_issued": N_("Certificate for the re-examination issued"),
    "oqtf_notified": N_("Order to leave France (OQTF)"),
    "removal_decision_notified": N_("Removal or house-arrest decision"),
    "detention_decision_notified": N_("Placement in detention (rétention)"),
    "final_rejection_notified": N_("Final rejection"),
    "protection_api_issued": N_("Temporary certificate (API) after protection"),
    "renewal_api_issued": N_("Temporary certificate (API) for a renewal"),
    "resident_card_issued": N_("Resident card issued"),
    "multiyear_card_issued": N_("Multi-year card issued"),
    "permit_expires": N_("Residence document valid until"),
    "child_born": N_("Child's date of birth"),
    "legal_aid_requested": N_("Legal aid asked (aide juridictionnelle)"),
    "legal_aid_decided": N_("Decision on legal aid"),
}

ADD_LABELS: dict[str, str] = {
    "completion": N_("Letter asking to complete my file"),
    "interview": N_("Interview convocation"),
    "decision": N_("Ofpra decision"),
    "closure": N_("Closure of my file (clôture)"),
    "certificate": N_("New asylum certificate"),
    "appeal": N_("My CNDA appeal was registered"),
    "cnda_decision": N_("CNDA decision"),
    "permit": N_("Residence permit received"),
    "transfer": N_("Dublin transfer decision"),
    "oqtf": N_("Order to leave France (OQTF)"),
    "detention": N_("I was placed in detention (rétention)"),
    "legal_aid": N_("I asked for legal aid (aide juridictionnelle)"),
    "legal_aid_decision": N_("Decision on my legal aid"),
}


def event_label(t: Translator, event: str) -> str:
    """Return the plain name of an event."""
    return t.gettext(EVENT_LABELS[event]) if event in EVENT_LABELS else event


def dates_screen(t: Translator, events: tuple[Event, ...]) -> Screen:
    """List each stored date with buttons to change or remove it."""
    if not events:
        return Screen(rtl(t, t.gettext("You have not given any date yet. Add one with /add.")))
    lines, rows = [t.gettext("<b>Your dates</b>")], []
    for event in events:
        label = event_label(t, event.kind.value)
        when = day(t, event.on) + (f" {event.at:%H:%M}" if event.at else "")
        estimated = " " + t.gettext("(estimated)") if event.estimated else ""
        lines.append(f"• {esc(label)}: {when}{estimated}")
        rows.append(
            [
                (
                    t.gettext("Change: {what}").format(what=label),
                    cb.encode(cb.EDIT, event.kind.value),
                ),
                (t.gettext("Remove"), cb.encode(cb.REMOVE, event.kind.value)),
            ]
        )
    return Screen(rtl(t, "\n".join(lines)), keyboard(rows))


def add_screen(t: Translator) -> Screen:
    """Ask which new letter or event to add."""
    rows = [[(t.gettext(ADD_LABELS[flow]), cb.encode(cb.ADD, flow))] for flow in ADD_FLOWS]
    return Screen(rtl(t, t.gettext("What did you receive?")), keyboard(rows))


def removed(t: Translator, event: str) -> str:
    """Confirm a date was removed."""
    return rtl(t, t.gettext("Removed: {what}.").format(what=esc(event_label(t, event))))
