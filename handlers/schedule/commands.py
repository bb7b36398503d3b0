"""/jadwal (private and groups), deep link start=jadwal, stage buttons, the .ics calendar
file, /pengingat (mute/unmute reminders) and event reloads (/muatulang and the CLI)."""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime

from icalendar import Alarm, Calendar
from icalendar import Event as IcsEvent
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update

import locales
from handlers.base.context import BotContext, is_private, lang_of
from handlers.base.guards import admins_only
from handlers.base.replies import answer_callback, edit_or_send, reply
from handlers.schedule import reload
from schedules.event import Event, Session, Stage
from schedules.reminders import in_audience, place_text
from schedules.timefmt import format_date, format_range
from storage import participants
from storage.participants import Participant

log = logging.getLogger(__name__)

MAX_MESSAGE = 3800  # below Telegram's 4096, leaving room for markup
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI", 7: "VII", 8: "VIII", 9: "IX"}


# --- rendering -------------------------------------------------------------------------------


def sessions_for(stage: Stage, person: Participant | None) -> list[Session]:
    """A registered participant sees the sessions meant for them; anyone else sees all."""
    if person is None or not person.is_registered:
        return list(stage.sessions)
    return [s for s in stage.sessions if in_audience(s, person)]


def _mode(person: Participant | None) -> str | None:
    return person.mode if person is not None and person.is_registered else None


def render_stage(
    event: Event, stage: Stage, now: datetime, lang: str, person: Participant | None, full: bool
) -> str:
    """One stage: brief when past (unless `full`), else title, goal and each session."""
    tz = event.tz
    if stage.end <= now and not full:
        dates = f"{format_date(stage.start, tz, lang)} – {format_date(stage.end, tz, lang)}"
        return locales.t(lang, "schedule.stage_past", title=stage.title_in(lang), dates=dates)
    lines = [locales.t(lang, "schedule.stage_title", title=stage.title_in(lang))]
    if stage.goal:
        lines.append(locales.t(lang, "schedule.stage_goal", goal=stage.goal_in(lang)))
    if stage.example_dates:
        lines.append(locales.t(lang, "schedule.example_dates"))
    upcoming = event.next_session(now, person)
    for session in sessions_for(stage, person):
        is_next = upcoming is not None and session is upcoming[1]
        marker = locales.t(lang, "schedule.next_marker") if is_next else ""
        lines.append(
            locales.t(
                lang,
                "schedule.session",
                marker=locales.Html(marker),
                title=session.title_in(lang),
                when=format_range(session.start, session.end, tz, lang),
            )
        )
        place = place_text(event, session, _mode(person), lang)
        if place:
            lines.append(place)
    return "\n".join(lines)


def split_messages(blocks: list[str], limit: int = MAX_MESSAGE) -> list[str]:
    """Join blocks with blank lines into as few messages as possible, each under `limit`.
    Blocks are HTML fragments that are never cut, so tags stay balanced."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        if len(block) > limit:  # one huge block: cut at line ends (lines are self-contained)
            for line in block.split("\n"):
                current = _append(messages, current, line[:limit], limit, "\n")
            continue
        current = _append(messages, current, block, limit, "\n\n")
    if current:
        messages.append(current)
    return messages


def _append(messages: list[str], current: str, block: str, limit: int, sep: str) -> str:
    candidate = f"{current}{sep}{block}" if current else block
    if len(candidate) <= limit:
        return candidate
    messages.append(current)
    return block


def render_schedule(
    event: Event, now: datetime, lang: str, person: Participant | None
) -> list[str]:
    header = locales.t(lang, "schedule.header", event_name=event.event.name)
    stages = sorted(event.stages, key=lambda s: s.number)
    blocks = [header] + [render_stage(event, st, now, lang, person, full=False) for st in stages]
    return split_messages(blocks)


def schedule_buttons(event: Event, lang: str, private: bool) -> InlineKeyboardMarkup:
    row = [
        InlineKeyboardButton(
            locales.plain(lang, "schedule.stage_button", number=ROMAN.get(s.number, s.number)),
            callback_data=f"jdw:stage:{s.number}",
        )
        for s in sorted(event.stages, key=lambda s: s.number)
    ]
    rows = [row]
    if private:
        rows.append(
            [
                InlineKeyboardButton(
                    locales.plain(lang, "schedule.calendar_button"), callback_data="jdw:ics"
                )
            ]
        )
    return InlineKeyboardMarkup(rows)


# --- calendar file ---------------------------------------------------------------------------


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
    mode = _mode(person)
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


# --- handlers --------------------------------------------------------------------------------


async def _person(context: BotContext, update: Update) -> Participant | None:
    user = update.effective_user
    if user is None or not is_private(update):
        return None  # groups: nothing personal
    return await participants.get(context.db, user.id)


async def jadwal(update: Update, context: BotContext) -> None:
    """/jadwal and /start jadwal: every stage, the next session marked."""
    lang = lang_of(update)
    private = is_private(update)
    person = await _person(context, update)
    messages = render_schedule(context.event, context.services.clock.now(), lang, person)
    for index, text in enumerate(messages):
        last = index == len(messages) - 1
        markup = schedule_buttons(context.event, lang, private) if last else None
        await reply(update, text, reply_markup=markup, disable_web_page_preview=True)


async def on_button(update: Update, context: BotContext) -> None:
    """jdw:stage:<n> opens one stage; jdw:ics sends the calendar file."""
    query = update.callback_query
    lang = lang_of(update)
    data = query.data if query and query.data else ""
    parts = data.split(":")
    if parts[1:2] == ["ics"]:
        await answer_callback(update)
        await send_calendar(update, context)
        return
    stage = context.event.stage(int(parts[2])) if len(parts) == 3 and parts[2].isdigit() else None
    if stage is None:
        await answer_callback(update, locales.plain(lang, "common.expired"), alert=True)
        return
    await answer_callback(update)
    person = await _person(context, update)
    now = context.services.clock.now()
    text = render_stage(context.event, stage, now, lang, person, full=True)
    markup = schedule_buttons(context.event, lang, is_private(update))
    await edit_or_send(
        update, split_messages([text])[0], reply_markup=markup, disable_web_page_preview=True
    )


async def send_calendar(update: Update, context: BotContext) -> None:
    lang = lang_of(update)
    if not is_private(update):
        return
    person = await _person(context, update)
    data = build_ics(context.event, person, lang)
    chat = update.effective_chat
    assert chat is not None
    await chat.send_document(
        InputFile(data, filename="jadwal-bimtek.ics"),
        caption=locales.t(lang, "schedule.calendar_caption"),
    )


async def pengingat(update: Update, context: BotContext) -> None:
    """/pengingat: turn one's own reminders off or on."""
    lang = lang_of(update)
    user = update.effective_user
    person = await participants.get(context.db, user.id) if user else None
    if user is None or person is None or not person.is_registered:
        await reply(update, locales.t(lang, "schedule.mute_not_registered"))
        return
    muted = not person.reminders_muted
    await participants.set_reminders_muted(context.db, user.id, muted)
    await reply(update, locales.t(lang, "schedule.muted" if muted else "schedule.unmuted"))


@admins_only
async def muatulang(update: Update, context: BotContext) -> None:
    """/muatulang: validate and reload the event file; a bad file changes nothing."""
    lang = lang_of(update)
    result = await reload.apply_reload(context.services)
    if result.error:
        await reply(update, locales.t(lang, "schedule.reload_failed", error=result.error))
        return
    await reply(update, locales.t(lang, "schedule.reload_ok", changed=result.changed))


# --- reloading -------------------------------------------------------------------------------
