"""The use cases behind the conversation, on a real migrated SQLite database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from bot.clock import ManualClock
from bot.db.engine import async_session_factory, create_async_engine
from bot.db.migrate import upgrade_to_head
from bot.domain.conversation import UNKNOWN
from bot.domain.events import EventKind, Outcome, Procedure
from bot.domain.prefectures import DepartmentError
from bot.domain.rules.loader import default_rulebook
from bot.domain.stages import Stage
from bot.services import Services, build_services
from bot.services.conversation import ConversationService

PARIS = ZoneInfo("Europe/Paris")
CHAT = 424242


@pytest.fixture
async def wired(
    tmp_path: Path,
) -> AsyncIterator[tuple[Services, ConversationService, ManualClock, str]]:
    """Services over a freshly migrated database, with a clock set to 3 March 2026."""
    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    upgrade_to_head(url)
    engine = create_async_engine(url)
    clock = ManualClock(datetime(2026, 3, 3, 10, 0, tzinfo=PARIS))
    services = build_services(
        async_session_factory(engine),
        book=default_rulebook(),
        clock=clock,
        zone=PARIS,
        reminder_time=time(9),
    )
    conversation = ConversationService(
        services.people, services.plans, services.conversations, clock
    )
    yield services, conversation, clock, url
    await engine.dispose()


async def _onboard(services: Services, conversation: ConversationService) -> None:
    """Consent, certificate stage, department 93, normal procedure, certificate of 2 March."""
    await services.people.consent(CHAT, "fr")
    await conversation.begin(CHAT)
    await conversation.choose_stage(CHAT, Stage.CERTIFICATE_RECEIVED)
    await conversation.set_department(CHAT, "93")
    await conversation.answer(CHAT, Procedure.NORMAL.value)
    await conversation.answer(CHAT, "2026-03-02")


async def test_onboarding_saves_dates_plan_and_reminder_rows(wired) -> None:
    """After the last answer: dates, plan and reminder rows exist; the conversation is over."""
    services, conversation, _, _ = wired
    await _onboard(services, conversation)
    step = await conversation.answer(CHAT, UNKNOWN)  # expiry of the certificate: not known
    assert step.change is not None and step.flow == "stage:certificate_received"
    filing = step.change.plan.find("ofpra_filing_21_days")
    assert filing is not None and filing.due == datetime(2026, 3, 23, 23, 59, 59, tzinfo=PARIS)
    assert await services.conversations.get(CHAT) is None
    exported = await services.people.export(CHAT)
    assert exported is not None
    assert [d["event"] for d in exported["dates"]] == ["certificate_issued"]
    assert exported["person"]["procedure"] == "normal" and exported["person"]["department"] == "93"
    pending = [r for r in exported["reminders"] if r["status"] == "pending"]
    assert {r["rule"] for r in pending} >= {
        "ofpra_filing_21_days",
        "attestation_initial_validity_normal",
    }


async def test_state_survives_a_new_service_instance(wired) -> None:
    """The conversation state is in the database: another instance continues the same flow."""
    services, conversation, clock, url = wired
    await services.people.consent(CHAT, "en")
    await conversation.begin(CHAT)
    await conversation.choose_stage(CHAT, Stage.DECISION_RECEIVED)
    engine = create_async_engine(url)
    other = build_services(
        async_session_factory(engine),
        book=default_rulebook(),
        clock=clock,
        zone=PARIS,
        reminder_time=time(9),
    )
    state = await other.conversations.get(CHAT)
    await engine.dispose()
    assert (
        state is not None and state.step == "department" and state.flow == "stage:decision_received"
    )


async def test_unknown_department_is_refused_and_nothing_changes(wired) -> None:
    """A department that does not exist raises and leaves the stored profile untouched."""
    services, conversation, _, _ = wired
    await services.people.consent(CHAT, "en")
    await conversation.choose_stage(CHAT, Stage.FILE_SENT)
    with pytest.raises(DepartmentError):
        await conversation.set_department(CHAT, "Atlantis")
    profile = await services.people.profile(CHAT)
    assert profile is not None and profile.department is None


async def test_correction_moves_deadlines_and_replaces_reminders(wired) -> None:
    """Correcting the certificate date moves the 21-day deadline and cancels stale reminders."""
    services, conversation, _, _ = wired
    await _onboard(services, conversation)
    await conversation.answer(CHAT, UNKNOWN)
    await conversation.start_edit(CHAT, EventKind.CERTIFICATE_ISSUED)
    step = await conversation.answer(CHAT, "2026-02-25")
    assert step.change is not None
    moved = {old.rule.id: (old.due.date(), new.due.date()) for old, new in step.change.moved}
    assert moved["ofpra_filing_21_days"] == (date(2026, 3, 23), date(2026, 3, 18))
    exported = await services.people.export(CHAT)
    assert exported is not None
    statuses = {(r["rule"], r["deadline"][:10], r["status"]) for r in exported["reminders"]}
    assert ("ofpra_filing_21_days", "2026-03-23", "cancelled") in statuses
    assert ("ofpra_filing_21_days", "2026-03-18", "pending") in statuses


async def test_dont_know_the_certificate_date_uses_the_earliest_day_of_the_range(wired) -> None:
    """ "I don't know" the issue date, then "2 to 4 weeks ago": counted from 28 days ago (3 Feb),
    so the 21-day filing deadline (24 Feb) is shown as passed, never as far away."""
    services, conversation, _, _ = wired
    await services.people.consent(CHAT, "en")
    await conversation.choose_stage(CHAT, Stage.CERTIFICATE_RECEIVED)
    await conversation.set_department(CHAT, "69")
    await conversation.answer(CHAT, Procedure.ACCELERATED.value)
    await conversation.answer(CHAT, UNKNOWN)
    await conversation.answer(CHAT, "4weeks")
    step = await conversation.answer(CHAT, UNKNOWN)
    assert step.change is not None
    filing = step.change.plan.find("ofpra_filing_21_days")
    assert filing is not None and filing.due.date() == date(2026, 2, 24)
    assert filing.event.estimated and filing in step.change.plan.passed()


async def test_erase_leaves_no_row_in_any_table(wired) -> None:
    """/delete removes every row about the person, in every table of the metadata."""
    services, conversation, _, url = wired
    await _onboard(services, conversation)
    assert await services.people.erase(CHAT)
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            assert (
                connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one() == 0
            ), table.name
    engine.dispose()
    assert await services.people.profile(CHAT) is None


async def test_reminders_in_the_past_are_not_planned(wired) -> None:
    """Only reminder moments after now become rows."""
    services, conversation, clock, _ = wired
    clock.set(datetime(2026, 3, 20, 12, 0, tzinfo=UTC))
    await _onboard(services, conversation)
    await conversation.answer(CHAT, UNKNOWN)
    exported = await services.people.export(CHAT)
    assert exported is not None
    assert all(r["remind_at"] > "2026-03-20T12" for r in exported["reminders"])


async def test_dont_know_the_day_received_counts_from_the_earliest_day_of_the_range(
    wired,
) -> None:
    """Decision received "1 to 2 weeks ago": counted from 14 days ago (17 Feb), estimated."""
    services, conversation, _, _ = wired
    await services.people.consent(CHAT, "en")
    await conversation.choose_stage(CHAT, Stage.DECISION_RECEIVED)
    await conversation.set_department(CHAT, "75")
    for answer in ("rejected", "post", UNKNOWN, "2weeks"):
        step = await conversation.answer(CHAT, answer)
    step = await conversation.answer(CHAT, UNKNOWN)  # certificate expiry
    assert step.change is not None
    appeal = step.change.plan.find("cnda_appeal_1_month")
    assert appeal is not None and appeal.event.estimated
    assert appeal.due.date() == date(2026, 3, 18)  # 17 Feb + 1 month = 17 March, franc: 18


async def test_no_date_at_all_keeps_the_rejection_and_its_steps_running(wired) -> None:
    """Neither the day received nor roughly when: no date is invented, but the rejection is
    kept and its steps stand as probably running, with reminders every few days."""
    services, conversation, _, _ = wired
    await services.people.consent(CHAT, "en")
    await conversation.choose_stage(CHAT, Stage.DECISION_RECEIVED)
    await conversation.set_department(CHAT, "75")
    for answer in ("rejected", "post", UNKNOWN, UNKNOWN, UNKNOWN):
        step = await conversation.answer(CHAT, answer)
    assert step.change is not None
    plan = step.change.plan
    assert plan.find("cnda_appeal_1_month") is None
    assert [s.rule.id for s in plan.standing] == ["cnda_appeal_1_month"]
    assert {r.id for r in plan.standing[0].rules} >= {
        "cnda_appeal_1_month",
        "cnda_legal_aid_15_days",
    }
    assert plan.stage is Stage.DECISION_RECEIVED and not plan.proves_nothing_is_due()
    (decision,) = await services.plans.events(CHAT)
    assert decision.undated and decision.outcome is Outcome.REJECTED
