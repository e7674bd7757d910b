"""Every permission decision, for every action and every kind of actor."""

from __future__ import annotations

import pytest

from bot.domain.permissions import RULES, Action, Role, allowed

ADMIN_ONLY = {
    Action.INVITE_STAFF,
    Action.INVITE_ADMIN,
    Action.LIST_STAFF,
    Action.REMOVE_STAFF,
    Action.EDIT_PLACE,
}
OPERATOR_ONLY = {Action.CREATE_ASSOCIATION, Action.BROADCAST_TO_EVERYONE}


@pytest.mark.parametrize("action", list(Action))
def test_the_table_covers_every_action(action: Action) -> None:
    assert action in RULES


@pytest.mark.parametrize("action", list(Action))
def test_someone_without_a_role_can_do_nothing(action: Action) -> None:
    assert not allowed(None, action)
    assert not allowed("owner", action)  # a forged or unknown role grants nothing


@pytest.mark.parametrize("action", list(Action))
def test_operators_can_do_everything(action: Action) -> None:
    assert allowed(None, action, operator=True)


@pytest.mark.parametrize("action", list(Action))
def test_admins_and_staff(action: Action) -> None:
    assert allowed(Role.ADMIN, action) == (action not in OPERATOR_ONLY)
    assert allowed(Role.STAFF, action) == (action not in OPERATOR_ONLY | ADMIN_ONLY)
    assert allowed("staff", action) == allowed(Role.STAFF, action)
