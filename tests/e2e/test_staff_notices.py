"""Admins know who joins their staff, and the only admin is warned before erasing themselves."""

from __future__ import annotations

import pytest

from bot.domain.permissions import Role
from bot.services.associations import INVITE_PREFIX
from tests.e2e.conftest import Harness
from tests.e2e.journeys import say
from tests.e2e.test_associations import join
from tests.e2e.test_broadcast_features import ADMIN, admin_of

NEWCOMER = 9_100_001


async def test_an_admin_is_told_when_an_invitation_is_used(
    bot: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    admin = await admin_of(bot, "Accueil Asile", capsys)
    services = bot.application.bot_data.services
    assert services is not None
    (membership,) = await services.associations.memberships(ADMIN)
    token = await services.associations.invite(membership.association_id, Role.STAFF, ADMIN)
    newcomer = bot.telegram.user(NEWCOMER, language_code="fr")
    answer = await join(newcomer, INVITE_PREFIX + token)
    assert "Accueil Asile" in answer
    told = await admin.wait_for(lambda m: "An invitation was used" in (m.text or ""))
    assert str(NEWCOMER) in told.text and "Accueil Asile" in told.text
    assert "staff member" in told.text and "/staff" in told.text
    assert not any("invitation was used" in (m.text or "") for m in newcomer.messages)


async def test_the_only_admin_is_warned_before_erasing_everything(
    bot: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    admin = await admin_of(bot, "Relais Nord", capsys)
    await say(admin, "/delete")
    warning = admin.last_message.text or ""
    assert "You are the only admin of Relais Nord" in warning
    assert "invite another admin first in /staff" in warning
