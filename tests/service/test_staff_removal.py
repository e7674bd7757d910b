"""Removing someone from an association's staff takes away what they were preparing for it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import ManualClock
from bot.db.engine import async_session_factory, create_async_engine, create_sync_engine
from bot.db.migrate import upgrade_to_head
from bot.domain.permissions import Role
from bot.domain.rules.loader import default_rulebook
from bot.services import Services, build_services

ADMIN, HELPER = 9001, 9002


def services_on(engine: AsyncEngine) -> Services:
    """The real services over `engine`, on 3 March 2026."""
    return build_services(
        async_session_factory(engine),
        book=default_rulebook(),
        clock=ManualClock(datetime(2026, 3, 3, 9, 0, tzinfo=UTC)),
        zone=ZoneInfo("Europe/Paris"),
        reminder_time=time(9, 0),
    )


@pytest.fixture
def url(sqlite_url: str) -> str:
    upgrade_to_head(sqlite_url)
    return sqlite_url


async def test_a_removed_staff_members_draft_goes_with_the_membership(url: str) -> None:
    """A "send later" draft waits for a date: after the removal it is gone, so what the person
    types next is read as what it is (their own answers), and the audit says who was removed."""
    engine = create_async_engine(url)
    try:
        services = services_on(engine)
        association, token = await services.associations.create("Entraide")
        assert association.id is not None
        assert await services.associations.redeem(token, ADMIN)
        helper_token = await services.associations.invite(association.id, Role.STAFF, ADMIN)
        assert await services.associations.redeem(helper_token, HELPER)
        await services.broadcasts.start(association.id, HELPER, "fr")
        await services.broadcasts.write(HELPER, "Réunion jeudi.")
        assert await services.broadcasts.wait_for_schedule(HELPER) is not None

        assert await services.associations.remove_staff(association.id, HELPER, ADMIN)
        assert await services.broadcasts.current_draft(HELPER) is None
    finally:
        await engine.dispose()
    sync = create_sync_engine(url)
    with sync.connect() as connection:
        drafts = connection.execute(sa.text("SELECT count(*) FROM broadcasts")).scalar_one()
        details = connection.execute(
            sa.text("SELECT details FROM audit_log WHERE action = 'remove_staff'")
        ).scalar_one()
    sync.dispose()
    assert drafts == 0
    assert json.loads(details)["removed"] > 0


async def test_only_an_associations_last_admin_is_its_sole_admin(url: str) -> None:
    engine = create_async_engine(url)
    try:
        services = services_on(engine)
        association, token = await services.associations.create("Entraide")
        assert association.id is not None
        assert await services.associations.redeem(token, ADMIN)
        assert await services.associations.sole_admin_of(ADMIN) == ["Entraide"]
        staff_token = await services.associations.invite(association.id, Role.STAFF, ADMIN)
        assert await services.associations.redeem(staff_token, HELPER)
        assert await services.associations.sole_admin_of(HELPER) == []  # not an admin
        admin_token = await services.associations.invite(association.id, Role.ADMIN, ADMIN)
        assert await services.associations.redeem(admin_token, HELPER)
        assert await services.associations.sole_admin_of(ADMIN) == []  # two admins now
        assert await services.associations.admins(association.id) == [
            (ADMIN, "fr"),
            (HELPER, "fr"),
        ]
    finally:
        await engine.dispose()
