"""A calendar file (.ics) of the upcoming deadlines, to add to the phone's calendar."""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Alarm, Calendar
from icalendar import Event as IcsEvent

from bot.domain.deadline import Plan
from bot.i18n import Translator
from bot.views.notes import action_title, rule_text

PRODID = "-//asylum-deadlines-bot//EN"


def plan_calendar(t: Translator, plan: Plan, *, stamp: datetime) -> bytes:
    """Return an iCalendar file with one event per upcoming deadline the person must meet."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    for deadline in plan.next_steps():
        event = IcsEvent()
        # Stable ids: re-importing the file updates the same events instead of duplicating them.
        event.add("uid", f"{deadline.rule.id}-{deadline.due:%Y%m%d%H%M}@asylum-deadlines-bot")
        event.add("dtstamp", stamp)
        event.add("summary", action_title(t, deadline.rule))
        event.add("description", rule_text(t, deadline.rule, "action"))
        if deadline.due.hour == 23 and deadline.due.minute == 59:
            event.add("dtstart", deadline.due.date())
            event.add("dtend", deadline.due.date() + timedelta(days=1))
        else:
            event.add("dtstart", deadline.due)
            event.add("dtend", deadline.due + timedelta(minutes=30))
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", event["summary"])
        alarm.add("trigger", timedelta(days=-2))
        event.add_component(alarm)
        calendar.add_component(event)
    ical: bytes = calendar.to_ical()
    return ical
