"""Help near you, end to end: an association's admin writes its entry (a typed department, the
address, a location pin); a person of that department finds it in /help and opens it on the
map; staff who are not admins cannot edit it; an entry unchecked for a year is hidden, and its
admins are reminded after six months."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot import callback_data as cb
from bot.callback_data import PlaceAction, StaffAction
from bot.domain.directory import read_entries
from bot.scheduling.digest import digest_job
from bot.services.associations import Refused
from fake_telegram.users import FakeUser
from tests.e2e.conftest import PARIS, Harness
from tests.e2e.journeys import press, say
from tests.e2e.test_ask_association import ADMIN, COLLEAGUE, add_staff, association
from tests.e2e.test_associations import answer_of

SAINT_DENIS = (48.9362, 2.3574)


async def write_entry(bot: Harness, admin: FakeUser, association_id: int) -> None:
    """The admin fills in the entry from /staff, field by field."""
    await say(admin, "/staff")
    await press(admin, cb.encode_staff(StaffAction.DIRECTORY, association_id))
    assert "Not shown yet" in (admin.last_message.text or "")
    await press(admin, cb.encode_place(PlaceAction.KINDS, association_id))
    await press(admin, cb.encode_place(PlaceAction.KIND, association_id, "legal"))
    fields = {
        "department": "Seine-Saint-Denis",
        "address": "12 rue de Paris, 93200 Saint-Denis",
        "hours": "Lundi à vendredi 9h-12h30, sans rendez-vous",
        "languages": "français, anglais, dari",
        "contact": "01 23 45 67 89",
    }
    for field, text in fields.items():
        await press(admin, cb.encode_place(PlaceAction.EDIT, association_id, field))
        await say(admin, text)
    await press(admin, cb.encode_place(PlaceAction.EDIT, association_id, "location"))
    await admin.send_location(*SAINT_DENIS)
    entry = await admin.wait_for(lambda m: "📍 Location on the map: set" in (m.text or ""))
    assert "Department: 93" in entry.text and "Shown to people of the department" in entry.text


async def person_in(bot: Harness, chat_id: int, department: str) -> FakeUser:
    """Someone who went through the first questions, living in `department`."""
    person = bot.telegram.user(chat_id, language_code="en")
    await say(person, "/start")
    await press(person, "English")
    await press(person, "I agree")
    await press(person, "I received my asylum certificate")
    await say(person, department)
    return person


async def test_an_entry_written_by_its_admin_is_found_near_you_and_on_the_map(
    bot: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    admin, association_id = await association(bot, "Droits Devant 93", capsys)
    await write_entry(bot, admin, association_id)

    person = await person_in(bot, 9401, "93")
    await say(person, "/help")
    near = await person.wait_for(lambda m: "Help near you" in (m.text or ""))
    assert "Droits Devant 93" in near.text and "12 rue de Paris" in near.text
    await press(person, "📍 Droits Devant 93")
    details = await person.wait_for(lambda m: "Written by Droits Devant 93" in (m.text or ""))
    assert "Lundi à vendredi 9h-12h30" in details.text and "01 23 45 67 89" in details.text
    venue = await person.wait_for(lambda m: "venue" in m.media)
    assert venue.media["venue"]["title"] == "Droits Devant 93"
    assert venue.media["venue"]["location"] == {"latitude": 48.9362, "longitude": 2.3574}

    # Someone elsewhere sees nothing near them; a person who follows nobody gets it with /ask.
    elsewhere = await person_in(bot, 9402, "69")
    await say(elsewhere, "/help")
    assert not any("Help near you" in (m.text or "") for m in elsewhere.messages)
    await say(person, "/ask")
    await person.wait_for(lambda m: "You do not follow any association" in (m.text or ""))
    await person.wait_for(lambda m: m.text is not None and m.text.count("Help near you") == 1)


async def test_only_admins_edit_and_bad_values_change_nothing(
    bot: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    admin, association_id = await association(bot, "Droits Devant 93", capsys)
    colleague = await add_staff(bot, association_id, COLLEAGUE)
    forged = await colleague.press_data(
        cb.encode_place(PlaceAction.EDIT, association_id, "address")
    )
    assert "association staff only" in await answer_of(bot.telegram, forged)
    junk = await admin.press_data(f"{cb.PLACE}:e.{association_id}.password")
    assert "association staff only" in await answer_of(bot.telegram, junk)

    await admin.press_data(cb.encode_place(PlaceAction.EDIT, association_id, "department"))
    await admin.wait_for(lambda m: "Send the department" in (m.text or ""))
    await say(admin, "Atlantis")
    await admin.wait_for(lambda m: "not a department of France" in (m.text or ""))
    await say(admin, "93")
    await admin.press_data(cb.encode_place(PlaceAction.EDIT, association_id, "address"))
    await admin.wait_for(lambda m: "Send the address" in (m.text or ""))
    await say(admin, "x" * 301)
    await admin.wait_for(lambda m: "empty or too long" in (m.text or ""))
    await admin.press_data(cb.encode_place(PlaceAction.EDIT, association_id, "location"))
    await admin.send_location(40.71, -74.0)  # New York
    await admin.wait_for(lambda m: "not in France" in (m.text or ""))
    services = bot.application.bot_data.services
    assert services is not None
    entry = await services.directory.entry(ADMIN, association_id)
    assert entry is not None and entry.department == "93" and entry.address is None
    assert entry.latitude is None


async def test_an_unchecked_entry_is_flagged_at_six_months_and_hidden_at_twelve(
    bot: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    admin, association_id = await association(bot, "Droits Devant 93", capsys)
    await write_entry(bot, admin, association_id)
    services = bot.application.bot_data.services
    assert services is not None
    assert [p.name for p in await services.directory.near("93")] == ["Droits Devant 93"]

    bot.clock.set(datetime(2026, 10, 1, 9, 0, tzinfo=PARIS))  # past six months, a 1st
    queue = bot.application.job_queue
    assert queue is not None
    queue.run_once(digest_job, 0)
    reminder = await admin.wait_for(lambda m: "was last checked on" in (m.text or ""))
    assert "Droits Devant 93" in reminder.text and "March 3, 2027" in reminder.text
    assert [p.name for p in await services.directory.near("93")] == ["Droits Devant 93"]

    bot.clock.advance(timedelta(days=190))  # more than a year after the last check
    assert await services.directory.near("93") == []
    await say(admin, "/staff")
    await press(admin, cb.encode_staff(StaffAction.DIRECTORY, association_id))
    assert "Hidden: not checked since" in (admin.last_message.text or "")
    await press(admin, cb.encode_place(PlaceAction.VERIFY, association_id))
    await admin.wait_for(lambda m: "Shown to people of the department" in (m.text or ""))
    assert [p.name for p in await services.directory.near("93")] == ["Droits Devant 93"]


GUDA = """
[places.guda-93]
name = "GUDA de Bobigny"
kind = "guda"
department = "93"
address = "Préfecture de la Seine-Saint-Denis, 1 esplanade Jean Moulin, 93000 Bobigny"
source = "the operator's local list, checked with the SPADA, December 2026"
verified_on = 2026-03-01
services = "Only with the appointment given by the SPADA (platform of first reception)."
latitude = 48.9076
longitude = 2.4397
"""


async def test_prefecture_shows_the_gudas_address_and_map_when_the_operator_listed_it(
    bot: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    person = await person_in(bot, 9403, "93")
    await say(person, "/prefecture")
    assert not any("venue" in m.media for m in person.messages)  # nothing listed: text only
    services = bot.application.bot_data.services
    assert services is not None
    assert await services.directory.import_entries(read_entries(GUDA)) == (1, 0, 0)
    await say(person, "/prefecture")
    details = await person.wait_for(lambda m: "GUDA de Bobigny" in (m.text or ""))
    assert "Source: the operator's local list" in details.text
    assert "appointment given by the SPADA" in details.text
    venue = await person.wait_for(lambda m: "venue" in m.media)
    assert venue.media["venue"]["title"] == "GUDA de Bobigny"
    # An association cannot call itself a GUDA: only the operator's file lists them.
    _, association_id = await association(bot, "Droits Devant 93", capsys)
    with pytest.raises(Refused):
        await services.directory.set_kind(ADMIN, association_id, "guda")
