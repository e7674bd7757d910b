"""/help: the French words of the procedure in plain language, and who to contact."""

from __future__ import annotations

from bot.i18n import N_, RLM, Translator
from bot.views.common import esc, rtl, split_long
from bot.views.menu import command_list

# From the glossary of the domain reference (shared/domain/rules.md, section 7).
GLOSSARY: tuple[tuple[str, str], ...] = (
    (
        "Ofpra",
        N_(
            "Office français de protection des réfugiés et apatrides: the office that examines "
            "asylum claims, interviews you and decides."
        ),
    ),
    (
        "CNDA",
        N_(
            "Cour nationale du droit d'asile: the court where you can appeal against Ofpra's "
            "decision, within one month. Free lawyer (legal aid) if you ask within 15 days."
        ),
    ),
    (
        "SPADA",
        N_(
            "First-reception association: your first stop. It gives the appointment at the "
            "prefecture and often a postal address."
        ),
    ),
    (
        "GUDA",
        N_("Guichet unique: the one-stop shop at the prefecture where your claim is registered."),
    ),
    ("OFII", N_("The state agency that offers housing and the allowance (ADA) to asylum seekers.")),
    (
        N_("Attestation de demande d'asile"),
        N_(
            "Your asylum certificate: it proves you may stay in France while your claim is "
            "examined. Renew it before it expires."
        ),
    ),
    (
        N_("Clôture"),
        N_(
            "Ofpra closes a file without deciding (form sent late, interview missed...). You can "
            "ask once, within 9 months, to reopen it."
        ),
    ),
    (
        N_("Aide juridictionnelle"),
        N_(
            "Legal aid: the state pays your lawyer. Ask the CNDA within 15 days of receiving "
            "Ofpra's decision."
        ),
    ),
    (
        N_("Domiciliation"),
        N_(
            "A postal address given by an association. Ofpra, CNDA and prefecture letters go "
            "there: check it often."
        ),
    ),
    (
        "API",
        N_(
            "Attestation de prolongation d'instruction: proves your right to stay while your "
            "residence card is being made or renewed."
        ),
    ),
    (
        "OQTF",
        N_(
            "Order to leave France. The deadline to appeal can be very short and is written on the "
            "decision: get legal help at once."
        ),
    ),
)

CONTACTS = N_(
    "<b>Contacts</b>\n"
    "Ofpra: 201 rue Carnot, 94136 Fontenay-sous-Bois Cedex, 01 58 68 10 10, "
    "ofpra.gouv.fr\n"
    "CNDA: Montreuil, the address is on Ofpra's decision; legal-aid office fax 01 48 18 43 11\n"
    "Residence permits (ANEF) help line: 0 806 001 620 (free service, price of a normal call)"
)


def help_messages(t: Translator) -> list[str]:
    """Return /help: what the bot does, the commands, the glossary and the contacts."""
    intro = t.gettext(
        "<b>Help</b>\nThis bot reminds you of your asylum deadlines. It is not legal advice: "
        "check your papers and ask an association."
    )
    # In right-to-left languages each line starts with a right-to-left mark: a line starting
    # with "/next" or "Ofpra" would otherwise be laid out left to right.
    mark = RLM if t.is_rtl else ""
    commands = "\n".join(
        f"{mark}{t.isolate('/' + command)}: {esc(text)}" for command, text in command_list(t)
    )
    words = "\n".join(
        f"{mark}<b>{esc(t.gettext(term))}</b>: {esc(t.gettext(text))}" for term, text in GLOSSARY
    )
    messages = split_long([intro, commands, words, t.gettext(CONTACTS)])
    return [rtl(t, "\n".join(mark + line for line in m.split("\n"))) for m in messages]
