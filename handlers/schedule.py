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
from handlers.common import admins_only, answer_callback, edit_or_send, reply
from handlers.context import BotContext, Services, is_private, lang_of
from schedules.event import Event, EventFileError, Session, Stage, load_event
from schedules.reminders import ReminderService, in_audience, place_text
from schedules.timefmt import format_date, format_range
from storage import participants
from storage import reminders as reminder_store
from storage.outbox import OutgoingMessage
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
    upcoming = next_session_for(event, now, person)
    for session in sessions_for(stage, person):
        marker = locales.t(lang, "schedule.next_marker") if session is upcoming else ""
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


def next_session_for(event: Event, now: datetime, person: Participant | None) -> Session | None:
    """The first session (meant for this person) that has not ended yet."""
    for stage, session in event.sessions():
        if session.end > now and session in sessions_for(stage, person):
            return session
    return None


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
    result = await reload_event(context.services)
    if result.error:
        await reply(update, locales.t(lang, "schedule.reload_failed", error=result.error))
        return
    await reply(update, locales.t(lang, "schedule.reload_ok", changed=result.changed))


# --- reloading -------------------------------------------------------------------------------


class ReloadResult:
    def __init__(self, error: str | None = None, changed: int = 0) -> None:
        self.error = error
        self.changed = changed


def _signature(session: Session) -> tuple[str, str, str, str]:
    return (
        session.start.isoformat(),
        session.end.isoformat(),
        session.location,
        session.online_url or "",
    )


def changed_sessions(old: Event, new: Event, now: datetime) -> list[tuple[Session, Session]]:
    """Upcoming sessions whose time or place changed: (old, new)."""
    pairs = []
    for _, session in new.sessions():
        before = old.session(session.id)
        if before is None or session.end <= now:
            continue
        if _signature(before[1]) != _signature(session):
            pairs.append((before[1], session))
    return pairs


def change_messages(
    old: Event, new: Event, people: list[Participant], now: datetime
) -> list[OutgoingMessage]:
    """One "Perubahan jadwal" message per affected participant and change (deduped by key)."""
    messages = []
    for before, after in changed_sessions(old, new, now):
        digest = hashlib.sha1(repr(_signature(after)).encode()).hexdigest()[:12]
        for person in people:
            if not (in_audience(after, person) or in_audience(before, person)):
                continue
            lang = person.language
            text = locales.t(
                lang,
                "schedule.change",
                title=after.title_in(lang),
                old_when=format_range(before.start, before.end, old.tz, lang),
                new_when=format_range(after.start, after.end, new.tz, lang),
                old_place=place_text(old, before, person.mode, lang),
                new_place=place_text(new, after, person.mode, lang),
            )
            messages.append(
                OutgoingMessage(
                    kind="schedule_change",
                    chat_id=person.user_id,
                    payload={"text": text},
                    ref=after.id,
                    dedupe_key=f"schedchange:{after.id}:{digest}:{person.user_id}",
                )
            )
    return messages


async def reload_event(services: Services) -> ReloadResult:
    """Validate the event file, announce changes, replace services.event, re-plan reminders."""
    try:
        new = load_event(services.settings.event_file)
    except EventFileError as exc:
        log.warning("Event reload refused: %s", exc)
        return ReloadResult(error=str(exc))
    old = services.event
    now = services.clock.now()
    people = await participants.registered(services.db)
    messages = change_messages(old, new, people, now)
    services.event = new
    reminders: ReminderService | None = services.extras.get("reminders")
    if reminders is not None:
        reminders.replan(new)
    if messages and services.sender is not None:
        await services.sender.enqueue(messages)
    log.info("Event reloaded: %d change message(s)", len(messages))
    return ReloadResult(changed=len(changed_sessions(old, new, now)))


async def poll_reload_requests(services: Services) -> None:
    """Serve `python bot.py event reload`: the CLI writes a row, the bot answers it here."""
    for request_id in await reminder_store.pending_reloads(services.db):
        result = await reload_event(services)
        await reminder_store.finish_reload(services.db, request_id, result.error or "ok")
