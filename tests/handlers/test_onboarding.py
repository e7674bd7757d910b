"""The first minutes: language picker, privacy notice, consent and the stage question."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import SQLModel

from bot import callback_data as cb
from bot.domain.questions import PICKABLE_STAGES
from bot.i18n import translator
from bot.views import onboarding
from bot.views.common import preceded
from tests.handlers.harness import Handlers, buttons_of, seen
from tests.handlers.steps import agree


async def test_start_offers_the_apps_language_first(bot: Handlers) -> None:
    """/start from a French Telegram app: the picker speaks French and lists French first."""
    person = bot.person(101, language_code="fr")
    await person.send("/start")
    picker = person.last_message
    assert picker.text == translator("fr").gettext("Choose your language.")
    assert picker.buttons[0] == ("Français", cb.encode(cb.LANGUAGE, "fr"))


async def test_nothing_is_stored_before_consent(bot: Handlers) -> None:
    """The notice replaces the picker and writes nothing; "I agree" writes the first row."""
    person = bot.person(102)
    await person.send("/start")
    await person.press("English")
    notice = person.last_message
    assert notice.edits == 1 and "what this bot keeps" in (notice.text or "")
    assert [label for label, _ in notice.buttons] == ["I agree", "Change language"]
    assert rows(bot.database_url) == 0
    await person.press("I agree")
    assert rows(bot.database_url) > 0
    # The notice becomes the first question, under the thanks: one edit, no new message.
    assert (notice.text or "").startswith("Thank you. Let's start.\n\nWhere are you")
    assert notice.buttons == buttons_of(onboarding.stage_picker(translator("en")))


async def test_consent_gives_the_stage_question_and_the_commands_in_that_language(
    bot: Handlers,
) -> None:
    """After "I agree" in Arabic: the stage question, one button per stage, and this chat's
    command list set in Arabic."""
    person = bot.person(103, language_code="ar")
    await agree(person, "ar")
    t = translator("ar")
    question = person.last_message
    thanks = t.gettext("Thank you. Let's start.")
    assert question.text == seen(preceded(onboarding.stage_picker(t), thanks))
    assert question.buttons == buttons_of(onboarding.stage_picker(t))
    assert [data for _, data in question.buttons] == [
        cb.encode(cb.STAGE, stage.value) for stage in PICKABLE_STAGES
    ]
    scoped = [
        call
        for call in bot.telegram.calls_of("setMyCommands")
        if call.params.get("scope") == {"type": "chat", "chat_id": 103}
    ]
    assert len(scoped) == 1
    commands = scoped[0].params["commands"]
    assert {"command": "mydata", "description": t.gettext("What the bot keeps about me")} in (
        commands
    )


async def test_the_stage_chosen_closes_the_question_and_asks_the_department(
    bot: Handlers,
) -> None:
    """Pressing a stage turns the question into the next one, the answer shown on top."""
    person = bot.person(104)
    await agree(person)
    question = person.last_message
    answer = await person.press("I received my asylum certificate")
    assert answer.params.get("text") is None  # a plain acknowledgement, no pop-up
    assert person.last_message is question and question.buttons == []
    assert (question.text or "").startswith("✔️ I received my asylum certificate\n\n")
    assert "In which department do you live?" in (question.text or "")


def rows(database_url: str) -> int:
    """Count the rows of every table of the application (migrations' own table excluded)."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            return sum(
                connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                for table in SQLModel.metadata.sorted_tables
            )
    finally:
        engine.dispose()
