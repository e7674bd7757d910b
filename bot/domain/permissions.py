"""Who may do what with an association's power: every permission decision of the bot is here.

Pure: callers look up the actor's role in the association concerned (None when they have none)
and whether they are an operator, then ask `allowed`. Nothing else in the code decides access.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A staff member's role in one association."""

    ADMIN = "admin"
    STAFF = "staff"


class Action(StrEnum):
    """What someone may try to do with an association."""

    OPEN_STAFF_MENU = "open_staff_menu"
    SEE_COUNTS = "see_counts"  # followers by language, department and stage: counts only
    SHOW_FOLLOW_LINK = "show_follow_link"
    BROADCAST = "broadcast"
    CANCEL_BROADCAST = "cancel_broadcast"
    SEE_HISTORY = "see_history"
    INVITE_STAFF = "invite_staff"
    INVITE_ADMIN = "invite_admin"
    LIST_STAFF = "list_staff"
    REMOVE_STAFF = "remove_staff"
    CREATE_ASSOCIATION = "create_association"
    BROADCAST_TO_EVERYONE = "broadcast_to_everyone"
    EDIT_PLACE = "edit_place"  # the association's own entry in the directory of help
    # Read and answer the people who write to the association (operators are not let in: the
    # inbox asks without operator=True; only the association's own staff read its people).
    ANSWER_PEOPLE = "answer_people"


_EVERY_STAFF = frozenset({Role.ADMIN, Role.STAFF})
_ADMINS = frozenset({Role.ADMIN})
_OPERATORS_ONLY: frozenset[Role] = frozenset()

RULES: dict[Action, frozenset[Role]] = {
    Action.OPEN_STAFF_MENU: _EVERY_STAFF,
    Action.SEE_COUNTS: _EVERY_STAFF,
    Action.SHOW_FOLLOW_LINK: _EVERY_STAFF,
    Action.BROADCAST: _EVERY_STAFF,
    Action.CANCEL_BROADCAST: _EVERY_STAFF,
    Action.SEE_HISTORY: _EVERY_STAFF,
    Action.INVITE_STAFF: _ADMINS,
    Action.INVITE_ADMIN: _ADMINS,
    Action.LIST_STAFF: _ADMINS,
    Action.REMOVE_STAFF: _ADMINS,
    Action.CREATE_ASSOCIATION: _OPERATORS_ONLY,
    Action.BROADCAST_TO_EVERYONE: _OPERATORS_ONLY,
    Action.EDIT_PLACE: _ADMINS,
    Action.ANSWER_PEOPLE: _EVERY_STAFF,
}


def allowed(role: Role | str | None, action: Action, *, operator: bool = False) -> bool:
    """Tell whether someone with `role` in the association (None: none) may do `action`.

    Operators (BOT_OPERATOR_IDS) may do everything. A role that is not a known one grants nothing.
    """
    if operator:
        return True
    if role is None:
        return False
    try:
        known = Role(role)
    except ValueError:
        return False
    return known in RULES[action]
