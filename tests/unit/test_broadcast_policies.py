"""Quiet hours, the alert moment, situations and audiences: the pure rules behind broadcasts."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.config import ConfigError, load_settings
from bot.domain.quiet_hours import QuietHours, alert_moment, parse_quiet_hours
from bot.domain.rules.loader import default_rulebook
from bot.domain.situations import BY_ID, SITUATIONS, WINDOWS
from bot.domain.typed_dates import DateProblem, parse_date_time
from bot.services.audience import Audience

PARIS = ZoneInfo("Europe/Paris")
NIGHT = QuietHours(time(21, 0), time(8, 0))


@pytest.mark.parametrize(
    ("local", "quiet", "resume"),
    [
        (datetime(2026, 3, 3, 20, 59), False, None),
        (datetime(2026, 3, 3, 21, 0), True, datetime(2026, 3, 4, 8, 0)),
        (datetime(2026, 3, 3, 23, 30), True, datetime(2026, 3, 4, 8, 0)),
        (datetime(2026, 3, 4, 0, 10), True, datetime(2026, 3, 4, 8, 0)),
        (datetime(2026, 3, 4, 7, 59), True, datetime(2026, 3, 4, 8, 0)),
        (datetime(2026, 3, 4, 8, 0), False, None),
        (datetime(2026, 3, 4, 12, 0), False, None),
    ],
)
def test_quiet_hours_across_midnight(local: datetime, quiet: bool, resume: datetime | None) -> None:
    moment = local.replace(tzinfo=PARIS)
    assert NIGHT.contains(moment) is quiet
    assert NIGHT.resume_at(moment) == (resume.replace(tzinfo=PARIS) if resume else None)


def test_quiet_hours_within_one_day() -> None:
    lunch = QuietHours(time(12, 0), time(14, 0))
    assert lunch.contains(datetime(2026, 3, 3, 13, 0, tzinfo=PARIS))
    assert not lunch.contains(datetime(2026, 3, 3, 14, 0, tzinfo=PARIS))
    assert not lunch.contains(datetime(2026, 3, 3, 23, 0, tzinfo=PARIS))


def test_quiet_hours_over_a_clock_change() -> None:
    # The night of 28 to 29 March 2026, when Paris moves to summer time at 02:00.
    moment = datetime(2026, 3, 29, 1, 30, tzinfo=PARIS)
    assert NIGHT.resume_at(moment) == datetime(2026, 3, 29, 8, 0, tzinfo=PARIS)


@pytest.mark.parametrize("text", ["21:00-08:00", " 22:30 - 07:15 ", "off", "", "none"])
def test_quiet_hours_settings_accepted(text: str) -> None:
    assert load_settings(env_file=None, broadcast_quiet_hours=text).broadcast_quiet_hours == text
    parsed = parse_quiet_hours(text)
    assert (parsed is None) == (text.strip() in ("off", "", "none"))


@pytest.mark.parametrize("text", ["21-8", "21:00", "25:00-08:00", "21:00-21:00", "night"])
def test_quiet_hours_settings_refused_with_the_variable_named(text: str) -> None:
    with pytest.raises(ConfigError, match="BROADCAST_QUIET_HOURS: must be"):
        load_settings(env_file=None, broadcast_quiet_hours=text)


def test_an_alert_comes_three_days_before_the_last_day_in_office_hours() -> None:
    due = datetime(2026, 3, 23, 23, 59, 59, tzinfo=PARIS)
    assert alert_moment(due) == datetime(2026, 3, 20, 10, 0, tzinfo=PARIS)


def test_every_situation_names_existing_rules_that_ask_the_person_to_act() -> None:
    book = default_rulebook()
    for situation in SITUATIONS:
        assert situation.rules, situation.id
        for rule_id in situation.rules:
            assert rule_id in book.by_id, (situation.id, rule_id)
            assert book.by_id[rule_id].asks_action, (situation.id, rule_id)
    assert len(BY_ID) == len(SITUATIONS)


def test_an_audience_round_trips_and_drops_forged_values() -> None:
    audience = Audience(("fr",), ("93",), ("waiting_interview",)).with_situation("cnda_appeal", 7)
    assert Audience.from_json(audience.to_json()) == audience
    forged = '{"situation": "everyone_s_dates", "within_days": 365}'
    assert Audience.from_json(forged) == Audience()
    with pytest.raises(ValueError):
        audience.with_situation("nothing")
    with pytest.raises(ValueError):
        audience.with_situation("cnda_appeal", max(WINDOWS) + 1)
    assert audience.with_situation(None).situation is None


def test_a_typed_date_and_time() -> None:
    today = datetime(2026, 3, 3).date()
    assert parse_date_time("05/03/2026 14h30", locale="fr", today=today) == (
        datetime(2026, 3, 5).date(),
        time(14, 30),
    )
    assert parse_date_time("٥/٣/٢٠٢٦ ٩:٠٠", locale="ar", today=today)[1] == time(9, 0)
    for wrong in ("14:30", "31/02/2026 10:00", "05/03/2026 25:00", "01/01/2026 10:00", "x" * 500):
        with pytest.raises(DateProblem):
            parse_date_time(wrong, locale="en", today=today)
