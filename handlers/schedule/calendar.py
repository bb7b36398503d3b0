""" "Tambahkan ke kalender": an iCalendar file of the sessions meant for the participant, with
the event's VTIMEZONE, the venue or the link, one VALARM per reminder offset, and UIDs that
stay the same across reloads so that re-importing updates the events. The meeting link is in
the file only for someone domain.meeting_links allows; for anyone else LOCATION, DESCRIPTION
and URL never carry it."""

from __future__ import annotations

import hashlib

from telegram import InputFile, Update

import locales
from handlers.base.context import BotContext, is_private, lang_of
from handlers.schedule.views import mode_of, sessions_for, viewer_for
from schedules.event import Event, Session, Stage
from storage.participants import Participant


def session_uid(event: Event, session: Session) -> str:
    """Stable across reloads and re-imports: derived from the event name and session id."""
    digest = hashlib.sha1(event.event.name.encode()).hexdigest()[:10]
    return f"{session.id}-{digest}@bimtek-smartcity"


def build_ics(
    event: Event,
    person: Participant | None,
    lang: str,
    *,
    links: bool = False,
    stage: Stage | None = None,
) -> bytes:
    """An iCalendar file of the sessions meant for this person (of one `stage`, or of them
    all), with the event's VTIMEZONE, venue or link (only with `links`), and one VALARM per
    reminder offset."""
    from icalendar import Alarm, Calendar  # imported on the first file, not at start-up
    from icalendar import Event as IcsEvent

    cal = Calendar()
    cal.add("prodid", "-//Bimtek Smart City bot//id")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", event.event.name)
    tz = event.tz
    mode = mode_of(person)
    stages = [stage] if stage is not None else sorted(event.stages, key=lambda s: s.number)
    for stage in stages:
        for session in sessions_for(stage, person):
            item = IcsEvent()
            item.add("uid", session_uid(event, session))
            item.add("summary", f"{stage.title_in(lang)} – {session.title_in(lang)}")
            item.add("dtstart", session.start.astimezone(tz))
            item.add("dtend", session.end.astimezone(tz))
            item.add("dtstamp", session.start.astimezone(tz))
            description = stage.goal_in(lang)
            # As in /jadwal (schedules.reminders.place_text): the venue for offline people,
            # the link for online ones, whichever there is when only one is.
            venue = bool(session.location) and (mode != "online" or not session.online_url)
            online = bool(session.online_url) and (mode != "offline" or not session.location)
            if venue:
                item.add("location", session.location)
            if online and links:
                item.add("url", session.online_url)
                if not venue:
                    item.add("location", session.online_url)
            elif online:
                if not venue:
                    item.add("location", locales.plain(lang, "schedule.online_place"))
                note = locales.plain(lang, "schedule.links_calendar")
                description = f"{description}\n\n{note}" if description else note
            item.add("description", description)
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


async def send_calendar(update: Update, context: BotContext, stage: Stage | None = None) -> None:
    """The .ics as a document (of one stage, or of the whole schedule); only in a private
    chat."""
    lang = lang_of(update)
    if not is_private(update):
        return
    viewer = await viewer_for(context, update)
    data = build_ics(context.event, viewer.person, lang, links=viewer.links, stage=stage)
    chat = update.effective_chat
    assert chat is not None
    if stage is not None:
        name = locales.plain(lang, "lists.calendar_stage_file", number=stage.number) + ".ics"
    else:
        name = locales.plain(lang, "lists.calendar_file") + ".ics"
    await chat.send_document(
        InputFile(data, filename=name),
        caption=locales.t(lang, "schedule.calendar_caption"),
    )
