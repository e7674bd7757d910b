"""The directory of help: an association's entry as its admins edit it, and "Help near you" as
people see it (/help), with the place on the map."""

from __future__ import annotations

from datetime import date

from bot import callback_data as cb
from bot.callback_data import PlaceAction
from bot.domain.directory import ASSOCIATION_KINDS, HIDE_AFTER, is_shown
from bot.i18n import N_, Translator
from bot.services.directory import DEPARTMENT, LOCATION, PlaceView
from bot.views.common import Button, Keyboard, Screen, day, esc, rtl

KIND_LABELS = {
    "spada": N_("SPADA (first reception of asylum seekers)"),
    "legal": N_("Legal aid and advice"),
    "association": N_("Association: support and information"),
    "domiciliation": N_("Domiciliation (a postal address)"),
    "health": N_("Health care (PASS, free care)"),
    "guda": N_("GUDA: the prefecture's asylum desk"),
}
FIELD_LABELS = {
    DEPARTMENT: N_("Department"),
    "address": N_("Address"),
    "hours": N_("Opening hours"),
    "languages": N_("Languages spoken"),
    "services": N_("What you do"),
    "contact": N_("How to reach you"),
    LOCATION: N_("📍 Location on the map"),
}
# The same fields as people read them (an admin's "What you do" is their "Services").
PUBLIC_LABELS = {
    "address": N_("Address"),
    "hours": N_("Opening hours"),
    "languages": N_("Languages spoken"),
    "services": N_("Services"),
    "contact": N_("Contact"),
}
PROMPTS = {
    DEPARTMENT: N_("Send the department of the place: its number or its name (for example 93)."),
    "address": N_(
        "Send the address, as on the door (for example: 12 rue de Paris, 93200 Saint-Denis)."
    ),
    "hours": N_(
        "Send the opening hours (for example: Monday to Friday 9:00-12:30, without appointment)."
    ),
    "languages": N_(
        "Send the languages spoken on site (for example: French, English, Dari, Arabic)."
    ),
    "services": N_(
        "Send what you do, in a few lines (for example: help with the Ofpra form, domiciliation)."
    ),
    "contact": N_(
        'Send how to reach you (a phone number, an e-mail address, or "come without appointment").'
    ),
    LOCATION: N_(
        "Send the location of your door: 📎, then Location, then move the pin and send it."
    ),
}


def _label(t: Translator, field: str) -> str:
    """Return a field's name in the admin's language."""
    return t.gettext(FIELD_LABELS[field])


def _button(label: str, action: PlaceAction, association_id: int, argument: str = "") -> Button:
    return Button(label, cb.encode_place(action, association_id, argument))


def kind_label(t: Translator, kind: str | None) -> str:
    """Return what kind of help a place gives, in words ("-" when not said)."""
    return t.gettext(KIND_LABELS[kind]) if kind in KIND_LABELS else "-"


def entry(
    t: Translator, name: str, association_id: int, view: PlaceView | None, today: date
) -> Screen:
    """An association's entry as its admins see it, with a button per field."""
    lines = [
        t.gettext("📍 <b>{name} in the directory</b>").format(name=esc(name)),
        t.gettext(
            'People of the department find this entry in /help ("Help near you"). Keep it '
            "true: after 6 months without a check you are reminded, after 12 it is hidden."
        ),
        "",
    ]
    values = {
        DEPARTMENT: view.department if view else None,
        "address": view.address if view else None,
        "hours": view.hours if view else None,
        "languages": view.languages if view else None,
        "services": view.services if view else None,
        "contact": view.contact if view else None,
    }
    lines.append(f"{t.gettext('Kind')}: {esc(kind_label(t, view.kind if view else None))}")
    lines += [f"{_label(t, f)}: {esc(v or '-')}" for f, v in values.items()]
    located = view is not None and view.latitude is not None
    lines.append(
        f"{_label(t, LOCATION)}: " + (t.gettext("set") if located else t.gettext("not set"))
    )
    lines.append("")
    lines.append(_status(t, view, today))
    a = association_id
    edit = PlaceAction.EDIT
    rows = (
        (
            _button(t.gettext("Kind"), PlaceAction.KINDS, a),
            _button(_label(t, DEPARTMENT), edit, a, DEPARTMENT),
        ),
        (
            _button(_label(t, "address"), edit, a, "address"),
            _button(_label(t, "hours"), edit, a, "hours"),
        ),
        (
            _button(_label(t, "languages"), edit, a, "languages"),
            _button(_label(t, "services"), edit, a, "services"),
        ),
        (
            _button(_label(t, "contact"), edit, a, "contact"),
            _button(_label(t, LOCATION), edit, a, LOCATION),
        ),
        (
            _button(t.gettext("✅ Everything is correct"), PlaceAction.VERIFY, a),
            _button(t.gettext("🗑 Remove"), PlaceAction.REMOVE, a),
        ),
    )
    return Screen(rtl(t, "\n".join(lines)), Keyboard(rows))


def _status(t: Translator, view: PlaceView | None, today: date) -> str:
    """Say whether people see the entry, and why not."""
    if view is None or not view.complete:
        return t.gettext(
            "⚪ Not shown yet: people see it once it has a kind, a department and an address."
        )
    assert view.verified_on is not None
    if not is_shown(view.verified_on, today):
        return t.gettext(
            '🔴 Hidden: not checked since {date}. Press "Everything is correct" once you have '
            "checked it."
        ).format(date=day(t, view.verified_on))
    return t.gettext("🟢 Shown to people of the department; last checked on {date}.").format(
        date=day(t, view.verified_on)
    )


def prompt(t: Translator, field: str, association_id: int) -> Screen:
    """Ask for a field's new value (the admin's next message)."""
    keyboard = Keyboard(((_button(t.gettext("✖️ Cancel"), PlaceAction.SHOW, association_id),),))
    return Screen(rtl(t, "✏️ " + t.gettext(PROMPTS[field])), keyboard)


def kinds(t: Translator, association_id: int) -> Screen:
    """Ask what kind of help the place gives."""
    rows = tuple(
        (_button(kind_label(t, kind), PlaceAction.KIND, association_id, kind),)
        for kind in ASSOCIATION_KINDS
    )
    return Screen(rtl(t, t.gettext("What kind of help do you give?")), Keyboard(rows))


def invalid(t: Translator, reason: str, field: str) -> str:
    """Say why what the admin sent was not saved, and what to send."""
    if reason == "department":
        text = t.gettext("This is not a department of France: nothing was changed.")
    elif reason == "location":
        text = t.gettext("This location is not in France: nothing was changed.")
    else:
        text = t.gettext("This is empty or too long: nothing was changed.")
    return rtl(t, f"{text}\n{t.gettext(PROMPTS[field])}")


def removed(t: Translator) -> str:
    """The association left the directory."""
    return rtl(t, t.gettext("Your association is no longer in the directory."))


def near(t: Translator, places: list[PlaceView]) -> Screen | None:
    """ "Help near you" in /help: the places of the person's department (None: none)."""
    if not places:
        return None
    lines = [t.gettext("📍 <b>Help near you</b>")]
    for place in places:
        lines.append(f"• <b>{esc(place.name)}</b>: {esc(kind_label(t, place.kind))}")
        lines.append(f"  {esc(place.address or '')}")
    lines.append(t.gettext("Press a name for the details and the map."))
    rows = tuple(
        (Button(f"📍 {place.name[:40]}", cb.encode(cb.NEAR, str(place.id))),) for place in places
    )
    return Screen(rtl(t, "\n".join(lines)), Keyboard(rows))


def details(t: Translator, place: PlaceView) -> Screen:
    """One place, everything its association wrote, and who checked it when."""
    lines = [f"📍 <b>{esc(place.name)}</b>", esc(kind_label(t, place.kind))]
    for field in ("address", "hours", "languages", "services", "contact"):
        value = getattr(place, field)
        if value:
            lines.append(f"<b>{esc(t.gettext(PUBLIC_LABELS[field]))}</b>: {esc(value)}")
    assert place.verified_on is not None
    checked = day(t, place.verified_on)
    if place.association_id is None:  # the operator's entry: its source
        origin = t.gettext("Source: {source}, checked on {date}.").format(
            source=esc(place.source or "-"), date=checked
        )
    else:
        origin = t.gettext("Written by {name}, checked on {date}.").format(
            name=esc(place.name), date=checked
        )
    lines.append(f"<i>{origin}</i>")
    return Screen(rtl(t, "\n".join(lines)))


def check_reminder(t: Translator, name: str, verified_on: date | None) -> Screen:
    """Remind an admin to check their entry (unverified for 6 months); hidden at 12."""
    since = day(t, verified_on) if verified_on else "-"
    hidden = day(t, verified_on + HIDE_AFTER) if verified_on else "-"
    text = t.gettext(
        "📍 The directory entry of {name} was last checked on {date}. Is it still true (address, "
        'hours, contact)? Without a check it is hidden on {hidden}: /staff, then "Directory".'
    ).format(name=esc(name), date=since, hidden=hidden)
    return Screen(rtl(t, text))
