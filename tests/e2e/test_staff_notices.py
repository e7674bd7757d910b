"""Admins know who joins their staff, and the only admin is warned before erasing themselves."""

from __future__ import annotations

import pytest

from bot import callback_data as cb
from bot.callback_data import StaffAction
from bot.domain.permissions import Role
from bot.services.associations import INVITE_PREFIX, Refused
from tests.e2e.conftest import Harness
from tests.e2e.journeys import say
from tests.e2e.test_associations import answer_of, join
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


async def test_an_admin_sees_and_cancels_invitations_not_used_yet(
    bot: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    """The staff list shows the invitations waiting; "Cancel invitation 1" ends its link (a
    later use is refused), the list is shown again without it, and the audit says so. Staff
    who are not admins cannot cancel."""
    admin = await admin_of(bot, "Maison Asile", capsys)
    services = bot.application.bot_data.services
    assert services is not None
    (membership,) = await services.associations.memberships(ADMIN)
    association = membership.association_id
    token = await services.associations.invite(association, Role.STAFF, ADMIN)
    await admin.press_data(cb.encode_staff(StaffAction.STAFF_LIST, association))
    listing = await admin.wait_for(lambda m: "Invitations not used yet" in (m.text or ""))
    assert "1. staff member, valid until" in listing.text
    cancel = next(b.callback_data for b in listing.buttons if b.text == "Cancel invitation 1")
    assert cancel is not None
    ((invite_id, _, _),) = await services.associations.pending_invites(association, ADMIN)
    helper = await services.associations.invite(association, Role.STAFF, ADMIN)
    assert await services.associations.redeem(helper, NEWCOMER + 1)
    with pytest.raises(Refused):  # a staff member who is not an admin
        await services.associations.cancel_invite(association, invite_id, NEWCOMER + 1)
    answer = await answer_of(bot.telegram, await admin.press_data(cancel, listing.message_id))
    assert answer == "Invitation cancelled: its link no longer works."
    await admin.wait_for(
        lambda m: m.message_id == listing.message_id and "Invitations not used" not in m.text
    )
    newcomer = bot.telegram.user(NEWCOMER + 2, language_code="en")
    assert "This invitation does not work" in await join(newcomer, INVITE_PREFIX + token)
    assert await services.associations.memberships(NEWCOMER + 2) == []
