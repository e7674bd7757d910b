"""Ask my association, end to end over the fake Bot API: a person writes, staff take, answer and
close; two staff at once; two associations; opening hours; /delete mid-conversation; a removed
staff member; bad input and forged buttons."""

from __future__ import annotations

import asyncio
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot import callback_data as cb
from bot.callback_data import AskStep, InboxAction
from bot.domain.opening_hours import OpeningHours
from bot.domain.permissions import Role
from bot.scheduling.digest import digest_job
from bot.services.associations import FOLLOW_PREFIX, INVITE_PREFIX
from fake_telegram.server import FakeTelegram
from fake_telegram.state import ChatMessage
from fake_telegram.users import FakeUser
from tests.e2e.conftest import PARIS, Harness, harness
from tests.e2e.journeys import press, say
from tests.e2e.test_associations import answer_of, create_association, join

ADMIN, COLLEAGUE, OTHER_ADMIN = 9201, 9202, 9203
PERSON, SECOND_PERSON = 9301, 9302


async def association(
    bot: Harness, name: str, capsys: pytest.CaptureFixture[str], admin_id: int = ADMIN
) -> tuple[FakeUser, int]:
    """Create an association; return its admin (joined, in English) and its id."""
    payload = await create_association(bot, name, capsys)
    admin = bot.telegram.user(admin_id, language_code="en")
    await join(admin, payload)
    services = bot.application.bot_data.services
    assert services is not None
    memberships = await services.associations.memberships(admin_id)
    return admin, next(m.association_id for m in memberships if m.name == name)


async def add_staff(bot: Harness, association_id: int, user_id: int) -> FakeUser:
    """Invite and join a staff member (in English)."""
    services = bot.application.bot_data.services
    assert services is not None
    token = await services.associations.invite(association_id, Role.STAFF, ADMIN)
    member = bot.telegram.user(user_id, language_code="en")
    await join(member, INVITE_PREFIX + token)
    return member


async def follower(bot: Harness, association_id: int, user_id: int = PERSON) -> FakeUser:
    """A newcomer who follows the association by its link (language, consent, follow)."""
    services = bot.application.bot_data.services
    assert services is not None
    token = await services.associations.follow_token(association_id, ADMIN)
    person = bot.telegram.user(user_id, language_code="en", first_name="Amina")
    await say(person, f"/start {FOLLOW_PREFIX}{token}")
    await press(person, "English")
    await press(person, "I agree")
    await person.wait_for(lambda m: "Where are you now" in (m.text or ""))
    return person


async def agree_and_write(person: FakeUser, *, sharing: bool = True) -> None:
    """/ask, then agree (showing the deadlines or not): the invitation to write comes."""
    await say(person, "/ask")
    await press(person, "✅ Write, and show my deadlines" if sharing else "✅ Write, message only")
    await person.wait_for(lambda m: "Write your message to" in (m.text or ""))


def copies(user: FakeUser) -> list[ChatMessage]:
    """The messages copied to a staff member (a person's messages, as they sent them)."""
    return [m for m in user.messages if m.copied_from is not None]


def inbox_data(action: InboxAction, message: ChatMessage) -> str:
    """Return the callback data of a conversation button of that action on a message."""
    prefix = f"{cb.INBOX}:{action}."
    return next(
        b.callback_data for b in message.buttons if (b.callback_data or "").startswith(prefix)
    )


async def test_a_person_asks_staff_take_answer_and_close(
    bot: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    admin, association_id = await association(bot, "Entraide 93", capsys)
    person = await follower(bot, association_id)
    await agree_and_write(person)
    question = await person.send_text("Bonjour, j'ai reçu une lettre de l'Ofpra, que faire ?")

    # The staff get a header (no name, no chat id), then the message copied as it was sent.
    header = await admin.wait_for(lambda m: "new conversation #" in (m.text or ""))
    assert "Entraide 93" in header.text and "Language: English" in header.text
    assert str(PERSON) not in header.text and "Amina" not in header.text
    copy = await admin.wait_for(lambda m: m.copied_from is not None)
    assert copy.copied_from == (PERSON, question.message_id)
    assert copy.text == question.text
    ack = await person.wait_for(lambda m: "Sent to Entraide 93" in (m.text or ""))
    assert "Their answer will come here" in ack.text

    # The admin takes it and answers by replying to the copy (Telegram's "reply").
    taken = await admin.press(inbox_data(InboxAction.TAKE, copy))
    assert "You handle #" in await answer_of(bot.telegram, taken)
    reply = await admin.send_text("Envoyez-nous une photo de la lettre.", reply_to=copy.message_id)
    await bot.telegram.wait_until(lambda: reply.bot_reaction == "👌")  # queued: no new message
    answer = await person.wait_for(lambda m: "Entraide 93 answered you" in (m.text or ""))
    assert "Envoyez-nous une photo de la lettre." in answer.text
    assert str(ADMIN) not in answer.text  # the person never sees the staff member's account

    # The person replies with a photo, by replying to the answer; it reaches the admin only.
    photo = await person.send_photo(caption="la lettre", reply_to=answer.message_id)
    copied = await admin.wait_for(lambda m: m.copied_from == (PERSON, photo.message_id))
    assert copied.media.get("photo") and copied.caption == "la lettre"
    assert not any("new conversation" in (m.text or "") for m in admin.messages[1:] if m != header)

    # /inbox lists it; the admin closes it; the person is told and can write again.
    await say(admin, "/inbox")
    listing = admin.last_message.text or ""
    assert "Entraide 93" in listing and "you handle it" in listing and "waiting for" in listing
    closing = await admin.press(inbox_data(InboxAction.CLOSE, copied))
    assert "is closed" in await answer_of(bot.telegram, closing)
    closed = await person.wait_for(lambda m: "closed your conversation" in (m.text or ""))
    assert any(
        b.callback_data == cb.encode_ask(AskStep.WRITE, association_id) for b in closed.buttons
    )
    await say(admin, "/inbox")
    assert "No open conversation." in (admin.last_message.text or "")

    # The audit log names who did what, never the text.
    with sa.create_engine(bot.database_url).connect() as connection:
        rows = connection.execute(
            sa.text("SELECT action, details FROM audit_log WHERE action LIKE 'thread_%'")
        ).all()
    assert [action for action, _ in rows] == ["thread_take", "thread_reply", "thread_close"]
    assert all("lettre" not in details for _, details in rows)


async def test_two_staff_at_once_one_takes_the_other_takes_over(
    bot: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    """Both staff get the first message; once one takes it, the next messages reach them only;
    a colleague can take over (told so), and then only they get the next message."""
    admin, association_id = await association(bot, "Entraide 93", capsys)
    colleague = await add_staff(bot, association_id, COLLEAGUE)
    person = await follower(bot, association_id)
    await agree_and_write(person, sharing=False)
    await person.send_text("Première question")
    admin_copy = await admin.wait_for(lambda m: m.copied_from is not None)
    colleague_copy = await colleague.wait_for(lambda m: m.copied_from is not None)
    header = next(m for m in colleague.messages if "new conversation" in (m.text or ""))
    assert "They chose to show only their messages." in header.text

    # Both press "I'm handling" at once: both succeed, the second is told it took over.
    first, second = await asyncio.gather(
        colleague.press(inbox_data(InboxAction.TAKE, colleague_copy)),
        admin.press(inbox_data(InboxAction.TAKE, admin_copy)),
    )
    answers = {await answer_of(bot.telegram, first), await answer_of(bot.telegram, second)}
    assert any("a colleague handled it before" in a for a in answers), answers
    services = bot.application.bot_data.services
    assert services is not None
    view = await services.inbox.view(ADMIN, 1)
    assert view is not None and view.handler_id in (ADMIN, COLLEAGUE)
    handler, other = (admin, colleague) if view.handler_id == ADMIN else (colleague, admin)

    await person.send_text("Deuxième question")
    await handler.wait_for(lambda m: m.text == "Deuxième question")
    await asyncio.sleep(0.3)
    assert not any(m.text == "Deuxième question" for m in other.messages)

    # The other takes over from the inbox card; the next message goes to them.
    await say(other, "/inbox")
    assert "a colleague handles it" in (other.last_message.text or "")
    await press(other, inbox_data(InboxAction.VIEW, other.last_message))
    card = other.last_message
    assert "A colleague handles it." in (card.text or "")
    took = await other.press(inbox_data(InboxAction.TAKE, card))
    assert "a colleague handled it before" in await answer_of(bot.telegram, took)
    await other.wait_for(lambda m: "✋ You handle it." in (m.text or ""))
    await person.send_text("Troisième question")
    await other.wait_for(lambda m: m.text == "Troisième question")


async def test_a_person_following_two_associations_chooses(
    bot: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    first_admin, first_id = await association(bot, "Entraide 93", capsys)
    second_admin, second_id = await association(bot, "Cimade Paris", capsys, OTHER_ADMIN)
    person = await follower(bot, first_id)
    services = bot.application.bot_data.services
    assert services is not None
    token = await services.associations.follow_token(second_id, OTHER_ADMIN)
    await say(person, f"/start {FOLLOW_PREFIX}{token}")
    await person.wait_for(lambda m: "You now follow Cimade Paris" in (m.text or ""))
    await say(person, "/ask")
    assert "Which association" in (person.last_message.text or "")
    await press(person, "💬 Ask Cimade Paris")
    await press(person, "✅ Write, message only")
    await person.send_text("Pour la Cimade")
    await second_admin.wait_for(lambda m: m.text == "Pour la Cimade")
    await person.wait_for(lambda m: "Sent to Cimade Paris" in (m.text or ""))
    assert not any(m.copied_from for m in first_admin.messages)


async def test_outside_opening_hours_the_person_is_told_when_to_expect_an_answer(
    bot: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    admin, association_id = await association(bot, "Entraide 93", capsys)
    services = bot.application.bot_data.services
    assert services is not None
    hours = OpeningHours(frozenset(range(5)), time(9, 0), time(17, 0))
    assert await services.inbox_upkeep.set_hours(association_id, hours)
    person = await follower(bot, association_id)
    bot.clock.set(datetime(2026, 3, 7, 15, 0, tzinfo=PARIS))  # a Saturday
    await agree_and_write(person)
    invitation = person.last_message.text or ""
    assert "Entraide 93 reads messages Mon–Fri, 9:00\u202fAM–5:00\u202fPM." in invitation
    assert "Expect an answer from Monday, March 9, 2026 9:00\u202fAM." in invitation
    await person.send_text("Samedi")
    sent = await person.wait_for(lambda m: "Sent to Entraide 93" in (m.text or ""))
    assert "Expect an answer from Monday, March 9, 2026" in sent.text
    await admin.wait_for(lambda m: m.text == "Samedi")  # relayed at once all the same
    await say(admin, "/inbox")
    assert "Reads messages Mon–Fri, 9:00\u202fAM–5:00\u202fPM." in (admin.last_message.text or "")


async def test_delete_mid_conversation_erases_it_and_staff_can_no_longer_answer(
    bot: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    admin, association_id = await association(bot, "Entraide 93", capsys)
    person = await follower(bot, association_id)
    await agree_and_write(person)
    await person.send_text("Avant de tout effacer")
    copy = await admin.wait_for(lambda m: m.copied_from is not None)
    await say(person, "/delete")
    await press(person, cb.encode(cb.DELETE, "y"))
    await person.wait_for(lambda m: "erased" in (m.text or "").lower())
    with sa.create_engine(bot.database_url).connect() as connection:
        for table in ("threads", "thread_messages", "inbox_blocks", "persons"):
            count = connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
            assert count == 0, table
    pressed = await admin.press(inbox_data(InboxAction.REPLY, copy))
    assert "no longer valid" in await answer_of(bot.telegram, pressed)
    await admin.send_text("Réponse trop tard", reply_to=copy.message_id)
    await admin.wait_for(lambda m: "no longer valid" in (m.text or ""))
    await say(admin, "/inbox")
    assert "No open conversation." in (admin.last_message.text or "")


async def test_a_removed_staff_member_loses_the_inbox(
    bot: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    admin, association_id = await association(bot, "Entraide 93", capsys)
    colleague = await add_staff(bot, association_id, COLLEAGUE)
    person = await follower(bot, association_id)
    await agree_and_write(person)
    await person.send_text("Pour toute l'équipe")
    copy = await colleague.wait_for(lambda m: m.copied_from is not None)
    await colleague.press(inbox_data(InboxAction.TAKE, copy))
    await colleague.wait_for(lambda _: True)
    services = bot.application.bot_data.services
    assert services is not None
    assert await services.associations.remove_staff(association_id, COLLEAGUE, ADMIN)
    pressed = await colleague.press(inbox_data(InboxAction.REPLY, copy))
    assert "no longer valid" in await answer_of(bot.telegram, pressed)
    await say(colleague, "/inbox")
    assert "not on the staff of any association" in (colleague.last_message.text or "")
    # Their conversation goes back to everyone left on the staff.
    await person.send_text("Encore une question")
    await admin.wait_for(lambda m: m.text == "Encore une question")
    await asyncio.sleep(0.3)
    assert not any(m.text == "Encore une question" for m in colleague.messages)


async def test_bad_input_and_forged_buttons_get_a_clear_answer(
    bot: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    admin, association_id = await association(bot, "Entraide 93", capsys)
    other_admin, _ = await association(bot, "Cimade Paris", capsys, OTHER_ADMIN)
    person = await follower(bot, association_id)
    await agree_and_write(person)

    # A sticker is not passed on; a message of 4,096 characters is, whole.
    await person.send_sticker()
    refused = await person.wait_for(lambda m: "cannot be sent to Entraide 93" in (m.text or ""))
    assert "Nothing was sent" in refused.text
    longest = "é" * 4096
    await person.send_text(longest)
    copy = await admin.wait_for(lambda m: m.copied_from is not None)
    assert copy.text == longest

    # Staff of another association pressing a forged "take" (or replying) get nothing.
    thread = inbox_data(InboxAction.TAKE, copy)
    forged = await other_admin.press_data(thread)
    assert "no longer valid" in await answer_of(bot.telegram, forged)
    junk = await other_admin.press_data(f"{cb.INBOX}:zz.1")
    assert "no longer valid" in await answer_of(bot.telegram, junk)
    services = bot.application.bot_data.services
    assert services is not None
    assert await services.inbox.view(OTHER_ADMIN, 1) is None
    # A forged "write to" an association the person does not follow.
    not_mine = await person.press_data(cb.encode_ask(AskStep.WRITE, 99))
    assert "do not follow this association" in await answer_of(bot.telegram, not_mine)

    # A staff answer too long to go under the bot's line is refused, not cut.
    await admin.press(inbox_data(InboxAction.REPLY, copy))
    await admin.wait_for(lambda m: "Write your answer" in (m.text or ""))
    await admin.send_text("x" * 4000)
    await admin.wait_for(lambda m: "too long to pass on" in (m.text or ""))
    assert not any("answered you" in (m.text or "") for m in person.messages)
    # A sticker from staff is refused too.
    await admin.press(inbox_data(InboxAction.REPLY, copy))
    await admin.send_sticker()
    await admin.wait_for(lambda m: "Only texts, voice notes" in (m.text or ""))

    # A voice answer reaches the person with the bot's line naming the association.
    await admin.press(inbox_data(InboxAction.REPLY, copy))
    await admin.wait_for(lambda m: "Write your answer" in (m.text or "") and m != copy)
    await admin.send_voice()
    note = await person.wait_for(lambda m: bool(m.media.get("voice")))
    assert "From Entraide 93" in (note.caption or "")


async def test_staff_block_a_person_and_a_flood_is_limited(
    bot: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    admin, association_id = await association(bot, "Entraide 93", capsys)
    person = await follower(bot, association_id)
    services = bot.application.bot_data.services
    assert services is not None
    services.asking.hourly_limit = 5  # 20 by default: the same path, a shorter test
    await agree_and_write(person)
    sent = [await person.send_text(f"message {index}") for index in range(5)]
    await admin.wait_for(lambda m: m.text == "message 4", timeout=10)
    await person.wait_for(lambda m: "Sent to Entraide 93" in (m.text or ""))
    await bot.telegram.wait_until(lambda: all(m.bot_reaction == "👌" for m in sent[1:]))
    assert sent[0].bot_reaction is None  # the first got a message saying when to expect an answer
    await person.send_text("message 5")
    await person.wait_for(lambda m: "You sent many messages" in (m.text or ""))
    assert not any(m.text == "message 5" for m in admin.messages)

    await say(admin, "/inbox")
    listing = await admin.wait_for(lambda m: "waiting for" in (m.text or ""))
    await press(admin, inbox_data(InboxAction.VIEW, listing))
    await press(admin, inbox_data(InboxAction.BLOCK, admin.last_message))
    assert "Block the person of #1?" in (admin.last_message.text or "")
    await press(admin, inbox_data(InboxAction.BLOCK_CONFIRMED, admin.last_message))
    await admin.wait_for(lambda m: "Blocked: their messages no longer reach you" in (m.text or ""))

    bot.clock.advance(timedelta(hours=2))  # past the hourly limit
    await say(person, "/ask")
    await person.send_text("Je suis bloqué ?")
    await person.wait_for(lambda m: "no longer takes your messages" in (m.text or ""))
    with sa.create_engine(bot.database_url).connect() as connection:
        audit = connection.execute(
            sa.text("SELECT action FROM audit_log WHERE action LIKE 'inbox_%'")
        ).scalars()
        assert list(audit) == ["inbox_block"]
    await press(admin, inbox_data(InboxAction.UNBLOCK, admin.last_message))
    await person.send_text("Et maintenant ?")
    await admin.wait_for(lambda m: m.text == "Et maintenant ?")


async def test_the_daily_digest_and_closed_conversations_erased_after_retention(
    bot: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    admin, association_id = await association(bot, "Entraide 93", capsys)
    person = await follower(bot, association_id)
    await agree_and_write(person)
    await person.send_text("Personne ne répond ?")
    copy = await admin.wait_for(lambda m: m.copied_from is not None)
    bot.clock.advance(timedelta(days=1))
    queue = bot.application.job_queue
    assert queue is not None
    queue.run_once(digest_job, 0)
    digest = await admin.wait_for(lambda m: "waits for an answer" in (m.text or ""))
    assert "Entraide 93: 1 person waits for an answer" in digest.text and "1 day" in digest.text
    queue.run_once(digest_job, 0)  # a second instance, or a second run, the same day
    await asyncio.sleep(0.3)
    assert sum("waits for an answer" in (m.text or "") for m in admin.messages) == 1

    await admin.press(inbox_data(InboxAction.CLOSE, copy))
    await person.wait_for(lambda m: "closed your conversation" in (m.text or ""))
    services = bot.application.bot_data.services
    assert services is not None
    bot.clock.advance(timedelta(days=29))
    assert await services.inbox_upkeep.sweep_closed() == 0
    bot.clock.advance(timedelta(days=2))
    assert await services.inbox_upkeep.sweep_closed() == 1
    with sa.create_engine(bot.database_url).connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM thread_messages")).scalar_one() == 0


def relay_statuses(bot: Harness) -> dict[str, int]:
    """Count the relayed messages by status (and error code, once one was recorded)."""
    with sa.create_engine(bot.database_url).connect() as connection:
        rows = connection.execute(
            sa.text("SELECT status, last_error, count(*) FROM thread_messages GROUP BY 1, 2")
        ).all()
    return {f"{status}:{error}" if error else status: count for status, error, count in rows}


async def test_telegram_faults_delay_a_relayed_message_but_never_lose_it(
    bot: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 429 on the copy to the staff, then two 500s on the answer to the person: each is put
    back for later and arrives once; a staff member who blocked the bot does not stop it."""
    admin, association_id = await association(bot, "Entraide 93", capsys)
    colleague = await add_staff(bot, association_id, COLLEAGUE)
    person = await follower(bot, association_id)
    await agree_and_write(person)
    await colleague.block()
    bot.telegram.fail("copyMessage", status=429, retry_after=5, chat_id=ADMIN)
    await person.send_text("Malgré les pannes")
    await bot.telegram.wait_until(lambda: relay_statuses(bot) == {"pending:retry_after": 1})
    assert not any(m.copied_from for m in admin.messages)
    bot.clock.advance(timedelta(seconds=6))
    copy = await admin.wait_for(lambda m: m.text == "Malgré les pannes", timeout=10)
    await bot.telegram.wait_until(lambda: relay_statuses(bot) == {"sent": 1})

    bot.telegram.fail("sendMessage", status=500, times=2, chat_id=PERSON)
    await admin.send_text("Réponse malgré tout", reply_to=copy.message_id)
    for failures, wait in ((1, 31), (2, 61)):
        await bot.telegram.wait_until(lambda n=failures: _failed_calls(bot, 500) >= n)
        await bot.telegram.wait_until(lambda: relay_statuses(bot).get("pending:network") == 1)
        bot.clock.advance(timedelta(seconds=wait))
    await person.wait_for(lambda m: "Réponse malgré tout" in (m.text or ""), timeout=10)
    await bot.telegram.wait_until(lambda: relay_statuses(bot) == {"sent": 2})
    assert sum("Réponse malgré tout" in (m.text or "") for m in person.messages) == 1


def _failed_calls(bot: Harness, status: int) -> int:
    return sum(1 for r in bot.telegram.requests if r.status == status)


async def test_a_relayed_message_survives_a_restart(
    telegram: FakeTelegram, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Telegram refuses the copy until the bot stops; after a restart it is sent, once."""
    async with harness(telegram, tmp_path) as bot:
        admin, association_id = await association(bot, "Entraide 93", capsys)
        person = await follower(bot, association_id)
        await agree_and_write(person)
        telegram.fail("copyMessage", status=500, times=1, chat_id=ADMIN)
        await person.send_text("Avant le redémarrage")
        await telegram.wait_until(lambda: relay_statuses(bot) == {"pending:network": 1})
    async with harness(telegram, tmp_path) as bot:
        bot.clock.advance(timedelta(minutes=1))
        await admin.wait_for(lambda m: m.text == "Avant le redémarrage", timeout=10)
        await telegram.wait_until(lambda: relay_statuses(bot) == {"sent": 1})
    assert sum(m.text == "Avant le redémarrage" for m in admin.messages) == 1


async def test_answering_the_bots_questions_ends_writing_and_an_hour_ends_it_too(
    bot: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    """Mid-onboarding, "Ask" then a message: relayed. Pressing the next answer of the
    onboarding makes the next text an answer again (the department), not a message."""
    admin, association_id = await association(bot, "Entraide 93", capsys)
    person = await follower(bot, association_id)
    await agree_and_write(person)
    await person.send_text("Une question avant de continuer")
    await admin.wait_for(lambda m: m.text == "Une question avant de continuer")
    await press(person, "I received my asylum certificate")  # the onboarding goes on
    await say(person, "93")
    await person.wait_for(lambda m: "Which procedure" in (m.text or ""))
    await asyncio.sleep(0.3)
    assert not any(m.text == "93" for m in admin.messages)

    # Writing again, then silence for more than an hour: the next text is for the bot.
    await say(person, "/ask")
    bot.clock.advance(timedelta(hours=1, minutes=1))
    await say(person, "bonjour ?")
    await asyncio.sleep(0.3)
    assert not any(m.text == "bonjour ?" for m in admin.messages)


async def test_a_staff_member_missed_by_a_passing_fault_gets_the_message_later_once(
    bot: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    """The copy reaches the admin but a 500 keeps it from the colleague: the row is retried for
    the colleague only (the admin does not get it twice)."""
    admin, association_id = await association(bot, "Entraide 93", capsys)
    colleague = await add_staff(bot, association_id, COLLEAGUE)
    person = await follower(bot, association_id)
    await agree_and_write(person)
    bot.telegram.fail("copyMessage", status=500, times=1, chat_id=COLLEAGUE)
    await person.send_text("Pour vous deux")
    await admin.wait_for(lambda m: m.text == "Pour vous deux")
    await bot.telegram.wait_until(lambda: relay_statuses(bot) == {"pending:network": 1})
    with sa.create_engine(bot.database_url).connect() as connection:
        delivered = connection.execute(sa.text("SELECT delivered_to FROM thread_messages"))
        assert delivered.scalar_one() == f"[{ADMIN}]"
    bot.clock.advance(timedelta(seconds=31))
    await colleague.wait_for(lambda m: m.text == "Pour vous deux", timeout=10)
    await bot.telegram.wait_until(lambda: relay_statuses(bot) == {"sent": 1})
    assert sum(m.text == "Pour vous deux" for m in admin.messages) == 1
    assert sum("new conversation" in (m.text or "") for m in admin.messages) == 1
    assert sum(m.text == "Pour vous deux" for m in colleague.messages) == 1


async def test_stop_writing_keeps_what_was_said_and_ends_the_relay(
    bot: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    admin, association_id = await association(bot, "Entraide 93", capsys)
    person = await follower(bot, association_id)
    await agree_and_write(person)
    await person.send_text("Une seule question")
    ack = await person.wait_for(lambda m: "Sent to Entraide 93" in (m.text or ""))
    await press(person, "✖️ Stop writing")
    await person.wait_for(lambda m: "no longer sent to the association" in (m.text or ""))
    assert "Sent to Entraide 93" in (ack.text or "") and ack.buttons == []
    await person.send_text("pas pour eux")
    await asyncio.sleep(0.3)
    assert not any(m.text == "pas pour eux" for m in admin.messages)
    assert any(m.text == "Une seule question" for m in admin.messages)
