"""Sentences that explain a deadline's notes and actor, shared by every renderer."""

from __future__ import annotations

from bot.domain.deadline import Note
from bot.domain.rules.model import Actor, Rule
from bot.i18n import N_, Translator

NOTE_TEXTS: dict[Note, str] = {
    Note.CHECK_PAPER: N_(
        "It is not confirmed which rule applies to you: this is the earliest possible date. "
        "Check the date printed on your paper and ask an association."
    ),
    Note.CHECK_PERIOD: N_('Check the period printed on your paper ("voies et délais de recours").'),
    Note.EXTENDED: N_(
        "The last day fell on a weekend or public holiday, so it moves to the next working day."
    ),
    Note.NOT_EXTENDED: N_(
        "The last day is a weekend or public holiday and the deadline is NOT moved: act before."
    ),
    Note.ESTIMATED_DATE: N_(
        "You did not know the exact date: the earliest possible date was used. An association "
        "or your SPADA can tell you the real date."
    ),
    Note.ASSUMED_DECISION_DATE: N_(
        "The date printed on the decision was not given: it is counted from 15 days before you "
        "received it, the earliest possible day. Give the printed date with /dates."
    ),
    Note.DEEMED_NOTIFIED: N_(
        "The decision was not opened in your Ofpra online account: it counts as received "
        "15 days after it was put there."
    ),
    Note.PRINTED_EXPIRY: N_("The expiry date printed on your document is used."),
    Note.TWO_READINGS: N_(
        "Two readings of the law give different dates: the earlier one is shown."
    ),
    Note.TIME_UNKNOWN: N_(
        "You did not give the time: the hours are counted from midnight, the earliest."
    ),
    Note.ASSUMED_DETAINED: N_(
        "You did not say whether you are in detention or under house arrest: the shorter "
        "period, 48 hours, is used."
    ),
    Note.ASSUMED_FACTS: N_(
        "Some facts were not given: the answer that gives the earliest date was used. "
        'See "Why this date?".'
    ),
    Note.ACT_EARLY: N_(
        "A judge may count this period hour by hour from the notification: act one day early."
    ),
    Note.SUSPENDED: N_(
        "Your legal-aid request stopped this deadline. It starts again when you receive the "
        "decision on legal aid: add that date with /add."
    ),
    Note.LEGAL_AID_LATE: N_(
        "Your legal-aid request was made after the 15 days: it does not stop this deadline."
    ),
    Note.LEGAL_AID_UNDATED: N_(
        "Without the date of your legal-aid request, this deadline is counted as if it had not "
        "been stopped. Add the date of your request with /add."
    ),
}

ACTOR_LABELS: dict[Actor, str] = {
    Actor.USER: N_("you must act"),
    Actor.ADMINISTRATION: N_("expected from the administration"),
    Actor.COURT: N_("expected from the court"),
}


def note_text(t: Translator, note: Note) -> str:
    """Return the translated sentence of a note."""
    return t.gettext(NOTE_TEXTS[note])


def actor_label(t: Translator, rule: Rule) -> str:
    """Return who the deadline binds, in words."""
    return t.gettext(ACTOR_LABELS[rule.actor])


def rule_text(t: Translator, rule: Rule, field: str) -> str:
    """Return a translated guidance text of a rule (action, consequence, where)."""
    return t.pgettext(f"rule:{rule.id}:{field}", getattr(rule.guidance, field))


def action_title(t: Translator, rule: Rule) -> str:
    """Return what to do, in a few words (the rule's title): the first line of its card."""
    return t.pgettext("rule:title", rule.guidance.title)


def rule_advice(t: Translator, rule: Rule) -> list[str]:
    """Return the translated advice of a rule (what a careful lawyer adds)."""
    return [t.pgettext(f"rule:{rule.id}:advice", item) for item in rule.guidance.advice]


def rule_documents(t: Translator, rule: Rule) -> list[str]:
    """Return the translated list of documents a rule needs."""
    return [t.pgettext(f"rule:{rule.id}:documents", item) for item in rule.guidance.documents]
