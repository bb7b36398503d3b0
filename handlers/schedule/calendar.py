""" "Tambahkan ke kalender": an iCalendar file of the sessions meant for the participant, with
the event's VTIMEZONE, the venue or the link, one VALARM per reminder offset, and UIDs that
stay the same across reloads so that re-importing updates the events."""

from __future__ import annotations

import hashlib

from icalendar import Alarm, Calendar
from icalendar import Event as IcsEvent
from telegram import InputFile, Update

import locales
from handlers.base.context import BotContext, is_private, lang_of
from handlers.schedule.views import mode_of, person_for, sessions_for
from schedules.event import Event, Session
from storage.participants import Participant


def session_uid(event: Event, session: Session) -> str:
    """Stable across reloads and re-imports: derived from the event name and session id."""
    digest = hashlib.sha1(event.event.name.encode()).hexdigest()[:10]
    return f"{session.id}-{digest}@bimtek-smartcity"


def build_ics(event: Event, person: Participant | None, lang: str) -> bytes:
    """An iCalendar file of the sessions meant for this person, with the event's VTIMEZONE,
    venue or link, and one VALARM per reminder offset."""
    cal = Calendar()
    cal.add("prodid", "-//Bimtek Smart City bot//id")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", event.event.name)
    tz = event.tz
    mode = mode_of(person)
    for stage in sorted(event.stages, key=lambda s: s.number):
        for session in sessions_for(stage, person):
            item = IcsEvent()
            item.add("uid", session_uid(event, session))
            item.add("summary", f"{stage.title_in(lang)} – {session.title_in(lang)}")
            item.add("dtstart", session.start.astimezone(tz))
            item.add("dtend", session.end.astimezone(tz))
            item.add("dtstamp", session.start.astimezone(tz))
            if session.location and mode != "online":
                item.add("location", session.location)
            if session.online_url and mode != "offline":
                item.add("url", session.online_url)
                if mode == "online" or not session.location:
                    item.add("location", session.online_url)
            item.add("description", stage.goal_in(lang))
            for offset, delta in event.reminders.deltas():
                alarm = Alarm()
                alarm.add("action", "DISPLAY")
                alarm.add(
                    "description",
                    locales.plain(lang, "schedule.alarm", title=session.title_in(lang)),
                )
                alarm.add("trigger", -delta)
                alarm.add("x-bimtek-offset", offset)
                item.add_component(alarm)
            cal.add_component(item)
    cal.add_missing_timezones()
    return cal.to_ical()


async def send_calendar(update: Update, context: BotContext) -> None:
    """The .ics as a document; only in a private chat."""
    lang = lang_of(update)
    if not is_private(update):
        return
    person = await person_for(context, update)
    data = build_ics(context.event, person, lang)
    chat = update.effective_chat
    assert chat is not None
    await chat.send_document(
        InputFile(data, filename="jadwal-bimtek.ics"),
        caption=locales.t(lang, "schedule.calendar_caption"),
    )
