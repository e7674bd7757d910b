"""Two instances behind one webhook: each chat's updates are handled by the instance that owns it
(chat id modulo the number of instances), whichever instance Telegram's post reached; when the
owner is down, the instance that received the update handles it: nothing is lost."""

from __future__ import annotations

from pathlib import Path

from bot.app import Webhook, build_application, running
from bot.clock import ManualClock
from fake_telegram.server import FakeTelegram
from tests.e2e.conftest import START, settings_for
from tests.e2e.journeys import press, say
from tests.e2e.test_webhook import SECRET, _free_port


async def test_each_chat_is_handled_by_its_instance_and_never_lost(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    ports = (_free_port(), _free_port())
    peers = tuple(f"http://127.0.0.1:{port}/telegram" for port in ports)
    first, second = (
        build_application(settings_for(telegram, url, bot_instances=2), clock=ManualClock(START))
        for _ in ports
    )
    hooks = [
        Webhook("127.0.0.1", port, peers[index], SECRET, peers=peers, index=index)
        for index, port in enumerate(ports)
    ]
    odd = telegram.user(8001, language_code="en")  # owned by the second instance
    even = telegram.user(8002, language_code="en")  # owned by the first
    async with running(first, webhook=hooks[0]):
        async with running(second, webhook=hooks[1]):
            # The second registered last: Telegram posts every update to it.
            assert telegram.calls("setWebhook")[-1].params["url"] == peers[1]
            received = second.bot_data.webhook
            assert received is not None
            await say(even, "/start")
            await press(even, "English")
            assert received.passed_on == 2  # both of the even chat's updates went to the first
            await say(odd, "/start")
            await press(odd, "English")
            assert received.passed_on == 2  # the odd chat's stayed here
        # The second instance is gone and Telegram still posts there: the test points Telegram
        # at the first, which now receives the odd chat's updates; their owner does not answer.
        await first.bot.set_webhook(peers[0], secret_token=SECRET)
        await press(odd, "I agree")
        await odd.wait_for(lambda m: "Where are you now" in (m.text or ""))
        passer = first.bot_data.webhook
        assert passer is not None and passer.passed_on == 0  # handled here: never lost
    assert telegram.protocol_errors == []
