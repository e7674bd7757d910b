"""The demo's staff mode (`python -m bot demo --staff`, or `:staff` at the prompt).

The simulated phone becomes the admin of a demo association followed by a dozen demo people, so
the staff tools (invitations, follow link and QR code, counts, the broadcast composer with its
preview, schedule and report) can be tried without a token. Everything goes through the real
services and the real bot: the association is created as the operator's command line does, the
followers answer the onboarding questions through the same service calls as the chat handlers and
follow it through its deep link, and the demo person opens the admin invitation link.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TextIO

from bot.context import BotApplication
from bot.domain.stages import Stage
from bot.services.associations import FOLLOW_PREFIX, INVITE_PREFIX
from fake_telegram.server import FakeTelegram
from fake_telegram.users import FakeUser

DEMO_ASSOCIATION = "Entraide démo"
FIRST_FOLLOWER = 700_000_101
FOLLOW_TIMEOUT = 15.0


@dataclass(frozen=True)
class DemoFollower:
    """A demo person: the answers they gave during onboarding."""

    language: str  # the bot's language code (a catalog), e.g. "fa_AF"
    department: str
    stage: Stage


# Twenty followers: three languages, two departments and three stages big enough to be counted
# (5 or more, COUNT_THRESHOLD), and smaller groups the staff only see as "other groups".
FOLLOWERS = (
    DemoFollower("fr", "93", Stage.CERTIFICATE_RECEIVED),
    DemoFollower("fr", "93", Stage.FILE_SENT),
    DemoFollower("fr", "75", Stage.WAITING_INTERVIEW),
    DemoFollower("fr", "75", Stage.CERTIFICATE_RECEIVED),
    DemoFollower("fr", "59", Stage.FILE_SENT),
    DemoFollower("fr", "93", Stage.CERTIFICATE_RECEIVED),
    DemoFollower("ar", "93", Stage.WAITING_INTERVIEW),
    DemoFollower("ar", "75", Stage.FILE_SENT),
    DemoFollower("ar", "67", Stage.WAITING_INTERVIEW),
    DemoFollower("ar", "93", Stage.CERTIFICATE_RECEIVED),
    DemoFollower("ar", "75", Stage.DECISION_RECEIVED),
    DemoFollower("fa_AF", "93", Stage.CERTIFICATE_RECEIVED),
    DemoFollower("fa_AF", "69", Stage.FILE_SENT),
    DemoFollower("fa_AF", "93", Stage.WAITING_INTERVIEW),
    DemoFollower("fa_AF", "75", Stage.CERTIFICATE_RECEIVED),
    DemoFollower("fa_AF", "13", Stage.FILE_SENT),
    DemoFollower("ps", "93", Stage.CNDA_APPEAL),
    DemoFollower("uk", "75", Stage.FILE_SENT),
    DemoFollower("ti", "93", Stage.WAITING_INTERVIEW),
    DemoFollower("ru", "33", Stage.CERTIFICATE_RECEIVED),
)


class StaffDemo:
    """Turns the demo person into the admin of the demo association, once."""

    def __init__(
        self, application: BotApplication, telegram: FakeTelegram, user: FakeUser, out: TextIO
    ) -> None:
        self.application, self.telegram, self.user, self.out = application, telegram, user, out
        self.association_id: int | None = None

    async def enter(self) -> bool:
        """Create the association and its followers, then open the admin link as the person;
        True when the bot will answer ("you are now its admin": the caller prints it)."""
        if self.association_id is not None:
            self.out.write(f"(you are already the admin of {DEMO_ASSOCIATION})\n")
            return False
        services = self.application.bot_data.services
        assert services is not None, "the application has started"
        association, invite_token = await services.associations.create(DEMO_ASSOCIATION)
        self.association_id = association.id
        people = [await self._onboard(FIRST_FOLLOWER + n, f) for n, f in enumerate(FOLLOWERS)]
        for person in people:  # as if each had scanned the association's QR code
            await person.send_command("start", FOLLOW_PREFIX + association.follow_token)
        await asyncio.gather(*(p.wait_for(1, timeout=FOLLOW_TIMEOUT) for p in people))
        self.out.write(staff_banner())
        await self.user.send_command("start", INVITE_PREFIX + invite_token)
        return True

    async def _onboard(self, chat_id: int, follower: DemoFollower) -> FakeUser:
        """Record one demo person's answers through the chat handlers' service calls."""
        services = self.application.bot_data.services
        conversation = self.application.bot_data.conversation
        assert services is not None and conversation is not None
        await services.people.consent(chat_id, follower.language)
        await conversation.begin(chat_id)
        await conversation.choose_stage(chat_id, follower.stage)
        await conversation.set_department(chat_id, follower.department)
        await conversation.cancel(chat_id)  # they left their dates for later
        return self.telegram.user(
            chat_id,
            first_name=f"Follower {chat_id - FIRST_FOLLOWER + 1}",
            language_code=follower.language.split("_")[0],
        )


def staff_banner() -> str:
    """Say what the admin of the demo association can try."""
    return (
        f"\nStaff mode: you are the admin of {DEMO_ASSOCIATION}, followed by {len(FOLLOWERS)} "
        "demo people (several languages, departments and stages). Try:\n"
        "  /staff       the staff menu: follow link and QR code, follower counts, invitations\n"
        "  /broadcast   write to the followers: audience, preview, schedule, send, report\n"
        "  /broadcasts  the messages sent and scheduled\n"
    )
