"""Associations end to end: create, invite, follow by deep link, broadcast, stop, permissions."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot import callback_data as cb
from bot.app import build_application, running
from bot.callback_data import DraftAction, StaffAction
from bot.cli import associations as association_cli
from bot.clock import ManualClock
from bot.config import Settings
from bot.i18n import translator
from bot.views.common import rtl
from fake_telegram.server import FakeTelegram
from fake_telegram.state import CallbackQuery
from fake_telegram.users import FakeUser
from tests.e2e.conftest import START, Harness, settings_for
from tests.e2e.journeys import press, say

ADMIN, STAFF, OUTSIDER = 9001, 9002, 9003
FOLLOWER_IDS = range(300_000_000, 300_000_500)
LANGUAGES = ("fr", "en", "uk", "ar", "fa_AF")


async def create_association(bot: Harness, name: str, capsys: pytest.CaptureFixture[str]) -> str:
    """Run the operator's `python -m bot association create NAME`; return the invite payload."""
    config = settings_for(bot.telegram, bot.database_url)
    assert await association_cli.create_and_print(config, name) == 0
    out = capsys.readouterr().out
    link = re.search(r"https://t\.me/(\w+)\?start=(i_[\w-]+)", out)
    assert link is not None, out
    assert link.group(1) == bot.application.bot.username
    return link.group(2)


async def add_followers(bot: Harness, association_name: str) -> dict[int, FakeUser]:
    """Add 500 consented people following the association, in five languages (fast path).

    The rows are written from a thread: a blocking write on the event loop would wait for a
    lock that the bot, on this very loop, can only release when the loop runs.
    """
    users = {
        chat_id: bot.telegram.user(chat_id, language_code=_language(i).split("_")[0])
        for i, chat_id in enumerate(FOLLOWER_IDS)
    }
    await asyncio.to_thread(_insert_followers, bot.database_url, association_name)
    return users


def _language(index: int) -> str:
    return LANGUAGES[index % len(LANGUAGES)]


def _insert_followers(database_url: str, association_name: str) -> None:
    engine = sa.create_engine(database_url, connect_args={"timeout": 30})
    now = datetime.now(UTC).isoformat(sep=" ")
    with engine.begin() as connection:
        association_id = connection.execute(
            sa.text("SELECT id FROM associations WHERE name = :n"), {"n": association_name}
        ).scalar_one()
        for index, chat_id in enumerate(FOLLOWER_IDS):
            person = connection.execute(
                sa.text(
                    "INSERT INTO persons (chat_id, language, department, stage, consented_at, "
                    "active, created_at, updated_at) VALUES (:c, :l, '93', 'file_sent', :t, 1, "
                    ":t, :t) RETURNING id"
                ),
                {"c": chat_id, "l": _language(index), "t": now},
            ).scalar_one()
            connection.execute(
                sa.text(
                    "INSERT INTO follows (person_id, association_id, created_at) "
                    "VALUES (:p, :a, :t)"
                ),
                {"p": person, "a": association_id, "t": now},
            )
    engine.dispose()


async def answer_of(telegram: FakeTelegram, query: CallbackQuery) -> str:
    """Wait for the bot's answer to a button press; return its text."""
    for _ in range(200):
        for answer in telegram.state.callback_answers:
            if answer.callback_query_id == query.id:
                return answer.text or ""
        await asyncio.sleep(0.02)
    raise AssertionError(f"no answer to {query.data}")


def received(users: dict[int, FakeUser], needle: str) -> dict[int, int]:
    """Count, per follower, the messages containing `needle`."""
    return {chat: sum(needle in (m.text or "") for m in u.messages) for chat, u in users.items()}


async def join(user: FakeUser, payload: str) -> str:
    """Open a deep link; return the bot's answer."""
    await say(user, f"/start {payload}")
    return user.last_message.text or ""


def staff_button(user: FakeUser, action: StaffAction) -> str:
    """Return the callback data of a staff menu button (`<action>.<association>`)."""
    for message in reversed(user.messages):
        for button in message.buttons:
            if (button.callback_data or "").startswith(f"{cb.STAFF}:{action}."):
                return button.callback_data or ""
    raise AssertionError(f"no staff button {action}")


async def test_invite_follow_and_a_broadcast_in_each_language(
    bot: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    payload = await create_association(bot, "Entraide 93", capsys)
    admin = bot.telegram.user(ADMIN, language_code="en")
    assert "you are now its admin" in await join(admin, payload)
    assert "does not work" in await join(bot.telegram.user(OUTSIDER, language_code="en"), payload)

    # The admin invites a staff member, who joins; the link works once.
    await say(admin, "/staff")
    await press(admin, staff_button(admin, StaffAction.INVITE_STAFF))
    invite = re.search(r"start=(i_[\w-]+)", admin.last_message.text or "")
    assert invite is not None
    staff = bot.telegram.user(STAFF, language_code="en")
    assert "you are now its staff member" in await join(staff, invite.group(1))

    # A newcomer follows by the public link: language, consent, then following.
    await say(staff, "/staff")
    await press(staff, staff_button(staff, StaffAction.FOLLOW_LINK))
    link = re.search(r"start=(f_[\w-]+)", staff.last_message.text or "")
    assert link is not None
    await staff.wait_for(lambda _: bool(staff.documents))
    assert staff.documents[-1].data.startswith(b"\x89PNG")  # the QR code to print
    newcomer = bot.telegram.user(9100, language_code="en")
    await say(newcomer, f"/start {link.group(1)}")
    await press(newcomer, "English")
    await press(newcomer, "I agree")
    await newcomer.wait_for(lambda m: "You now follow" in (m.text or ""))
    await newcomer.wait_for(lambda m: "Where are you now" in (m.text or ""))  # onboarding goes on
    await say(newcomer, "/associations")
    await newcomer.wait_for(lambda m: "Associations you follow" in (m.text or ""))
    assert "Entraide 93" in (newcomer.last_message.text or "")

    # 500 more followers; the staff member writes a message with a Ukrainian version.
    followers = await add_followers(bot, "Entraide 93")
    await press(staff, staff_button(staff, StaffAction.BROADCAST))
    await say(staff, "Bureau fermé lundi 12.")
    await press(staff, cb.encode_draft(DraftAction.VERSIONS))
    await press(staff, cb.encode_draft(DraftAction.VERSION_LANGUAGE, "uk"))
    await say(staff, "Офіс зачинено в понеділок 12.")
    assert "It will reach 501 people now." in (staff.last_message.text or "")
    await press(staff, cb.encode_draft(DraftAction.SEND))
    await staff.wait_for(
        lambda m: "<b>" not in (m.text or "") and "501 of 501" in (m.text or ""), timeout=60
    )

    for index, chat_id in enumerate(FOLLOWER_IDS):
        got = [m for m in followers[chat_id].messages if "12" in (m.text or "")]
        expected = "Офіс зачинено" if _language(index) == "uk" else "Bureau fermé"
        assert len(got) == 1 and expected in (got[0].text or ""), (chat_id, got)
        # Signed by the bot, the association's text quoted: it cannot pass for a reminder.
        t = translator(_language(index))
        head = t.gettext("📣 <b>Message from {name}</b>, an association you follow")
        head = rtl(t, head.format(name="Entraide 93"))  # French: "Message d'Entraide 93"
        first_line = (got[0].text or "").splitlines()[0]
        assert first_line == head.replace("<b>", "").replace("</b>", "")
        assert [e["type"] for e in got[0].entities] == ["bold", "blockquote"]
    audit = _rows(bot, "SELECT action, details FROM audit_log WHERE action = 'broadcast'")
    assert json.loads(audit[0][1])["recipients"] == 501


async def test_stopping_a_broadcast_half_way(
    telegram: FakeTelegram, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = slow_settings(telegram, tmp_path)
    application = build_application(settings, clock=ManualClock(START))
    async with running(application, poll_timeout=1):
        bot = Harness(telegram, application, settings.database_url, ManualClock(START))
        payload = await create_association(bot, "Solidarité", capsys)
        admin = telegram.user(ADMIN, language_code="en")
        await join(admin, payload)
        followers = await add_followers(bot, "Solidarité")
        telegram.delay("sendMessage", 0.02, times=10_000)  # a slow Telegram: time to stop
        await say(admin, "/staff")
        await press(admin, staff_button(admin, StaffAction.BROADCAST))
        await say(admin, "Réunion annulée.")
        await press(admin, cb.encode_draft(DraftAction.SEND))
        progress = await admin.wait_for(lambda m: _delivered(m.text) >= 20, timeout=30)
        assert "Stop sending" in [b.text for b in progress.buttons]
        await admin.press(cb.encode(cb.STOP_BROADCAST, _first_broadcast(bot)))
        await admin.wait_for(lambda m: "Message stopped." in (m.text or ""), timeout=30)
        await telegram.wait_idle(quiet=0.5, timeout=30)
        counts = received(followers, "Réunion annulée")
        statuses = dict(_rows(bot, "SELECT status, count(*) FROM deliveries GROUP BY status"))
    assert set(counts.values()) <= {0, 1}
    got = sum(counts.values())
    assert 20 <= got < 500
    assert statuses.get("sent", 0) == got and statuses.get("cancelled", 0) == 500 - got


def slow_settings(telegram: FakeTelegram, tmp_path: Path) -> Settings:
    """Small batches, two sends at a time: a broadcast of 500 takes seconds, not a blink."""
    return settings_for(
        telegram,
        f"sqlite:///{tmp_path / 'bot.sqlite3'}",
        dispatch_batch=20,
        dispatch_concurrency=2,
    )


async def test_outsiders_and_other_associations_are_refused(
    bot: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    first = await create_association(bot, "Alpha", capsys)
    second = await create_association(bot, "Beta", capsys)
    admin = bot.telegram.user(ADMIN, language_code="en")
    await join(admin, first)
    other = bot.telegram.user(STAFF, language_code="en")
    await join(other, second)
    outsider = bot.telegram.user(OUTSIDER, language_code="en")

    await say(outsider, "/staff")
    assert "for association staff only" in (outsider.last_message.text or "")
    beta = _rows(bot, "SELECT id FROM associations WHERE name = 'Beta'")[0][0]
    for data in (
        cb.encode_staff(StaffAction.COUNTS, beta),
        cb.encode_staff(StaffAction.BROADCAST, beta),
        cb.encode_staff(StaffAction.INVITE_STAFF, beta),
        cb.encode_staff(StaffAction.FOLLOW_LINK, beta),
        f"sr:{beta}.{STAFF}",
        "bx:1",
    ):
        # Alpha's admin forging Beta's buttons, and someone with no role at all.
        answer = await answer_of(bot.telegram, await admin.press_data(data))
        assert ("staff only" if data != "bx:1" else "no longer valid") in answer, data
        assert await answer_of(bot.telegram, await outsider.press_data(data)), data
    assert _rows(bot, "SELECT count(*) FROM staff WHERE user_id = :u", u=STAFF) == [(1,)]
    assert _rows(bot, "SELECT count(*) FROM broadcasts") == [(0,)]

    # Removed staff lose access at once.
    await say(other, "/staff")
    await press(other, staff_button(other, StaffAction.INVITE_ADMIN))
    second_admin_link = re.search(r"start=(i_[\w-]+)", other.last_message.text or "")
    assert second_admin_link is not None
    await join(outsider, second_admin_link.group(1))
    await say(other, "/staff")
    await press(other, staff_button(other, StaffAction.STAFF_LIST))
    await press(other, cb.encode(cb.STAFF_REMOVE, f"{beta}.{OUTSIDER}"))
    await other.wait_for(lambda m: "Removed" in (m.text or ""))
    counts = cb.encode_staff(StaffAction.COUNTS, beta)
    refused = await answer_of(bot.telegram, await outsider.press_data(counts))
    assert "staff only" in refused


def _rows(bot: Harness, query: str, **params: object) -> list[tuple[object, ...]]:
    engine = sa.create_engine(bot.database_url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(sa.text(query), params).all()]
    finally:
        engine.dispose()


def _delivered(text: str | None) -> int:
    found = re.search(r"(\d+) delivered", text or "")
    return int(found.group(1)) if found else 0


def _first_broadcast(bot: Harness) -> str:
    return str(_rows(bot, "SELECT min(id) FROM broadcasts")[0][0])


async def test_a_restart_half_way_finishes_without_duplicates(
    telegram: FakeTelegram, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = slow_settings(telegram, tmp_path)
    admin = telegram.user(ADMIN, language_code="en")
    application = build_application(settings, clock=ManualClock(START))
    async with running(application, poll_timeout=1):
        harness = Harness(telegram, application, settings.database_url, ManualClock(START))
        payload = await create_association(harness, "Gamma", capsys)
        await join(admin, payload)
        followers = await add_followers(harness, "Gamma")
        telegram.delay("sendMessage", 0.02, times=10_000)
        await say(admin, "/staff")
        await press(admin, staff_button(admin, StaffAction.BROADCAST))
        await say(admin, "Distribution jeudi.")
        await press(admin, cb.encode_draft(DraftAction.SEND))
        await admin.wait_for(lambda m: _delivered(m.text) >= 20, timeout=30)
    # Stopping does not wait for the whole broadcast: unsent claims were given back.
    assert sum(received(followers, "Distribution jeudi").values()) < 500
    assert _rows(harness, "SELECT count(*) FROM deliveries WHERE status = 'claimed'") == [(0,)]
    async with running(build_application(settings, clock=ManualClock(START)), poll_timeout=1):
        await admin.wait_for(lambda m: "500 of 500" in (m.text or ""), timeout=120)
    assert set(received(followers, "Distribution jeudi").values()) == {1}
