"""Sentences that explain a deadline's notes and actor, shared by every renderer."""

from __future__ import annotations

import re

from bot.domain.deadline import Note
from bot.domain.rules.model import Actor, Rule
from bot.i18n import N_, Translator

# A sentence ends with a full stop, ? or ! in Latin, Arabic (؟), Bengali (।) or Ge'ez (።) script.
SENTENCE_END = re.compile(r"(?<=[.?!؟])\s+|[।።]\s*")

NOTE_TEXTS: dict[Note, str] = {
    Note.CHECK_PAPER: N_(
        "It is not confirmed which rule applies to you: this is the earliest possible date. "
        "Check the date printed on your paper and ask an association."
    ),
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
    Note.FROM_RECEIPT: N_(
        "Counted from the day you received the decision, because its printed date was not given. "
        "This deadline runs from the date printed on the decision, which may be earlier: check "
        "it and correct it with /dates."
    ),
    Note.DEEMED_NOTIFIED: N_(
        "The decision was not opened in your Ofpra online account: it counts as received "
        "15 days after it was put there."
    ),
    Note.PRINTED_EXPIRY: N_("The expiry date printed on your document is used."),
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


def action_title(t: Translator, rule: Rule, limit: int = 90) -> str:
    """Return the first sentence of a rule's action, as a short title."""
    first = SENTENCE_END.split(rule_text(t, rule, "action"), maxsplit=1)[0].rstrip(".")
    return first if len(first) <= limit else first[: limit - 3] + "…"


def rule_documents(t: Translator, rule: Rule) -> list[str]:
    """Return the translated list of documents a rule needs."""
    return [t.pgettext(f"rule:{rule.id}:documents", item) for item in rule.guidance.documents]
