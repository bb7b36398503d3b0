"""What /jadwal shows: each stage (brief once past), the next session marked, the venue or
the meeting link by attendance mode, split into messages below Telegram's limit, and the
stage and calendar buttons."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from telegram import InlineKeyboardMarkup, Update

import locales
from handlers.base.callbacks import Feature
from handlers.base.context import BotContext, is_private
from handlers.base.keyboards import button
from locales import split_messages
from schedules.event import Event, Session, Stage
from schedules.reminders import in_audience, place_text
from schedules.timefmt import format_date, format_range
from storage import participants
from storage.participants import Participant

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI", 7: "VII", 8: "VIII", 9: "IX"}


class Action(StrEnum):
    """The actions of the `jdw:` buttons."""

    STAGE = "stage"  # stage:<number>: one stage in full
    CALENDAR = "ics"  # the .ics file


async def person_for(context: BotContext, update: Update) -> Participant | None:
    """Whom the schedule is for: the participant in a private chat; nobody in a group,
    where nothing personal is shown."""
    user = update.effective_user
    if user is None or not is_private(update):
        return None
    return await participants.get(context.db, user.id)


def sessions_for(stage: Stage, person: Participant | None) -> list[Session]:
    """A registered participant sees the sessions meant for them; anyone else sees all."""
    if person is None or not person.is_registered:
        return list(stage.sessions)
    return [s for s in stage.sessions if in_audience(s, person)]


def mode_of(person: Participant | None) -> str | None:
    """The attendance mode of a registered participant (offline, online), else None."""
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
        marker = ""
        if session.start <= now < session.end:
            marker = locales.t(lang, "schedule.now_marker")
        elif is_next:
            marker = locales.t(lang, "schedule.next_marker")
        lines.append(
            locales.t(
                lang,
                "schedule.session",
                marker=locales.Html(marker),
                title=session.title_in(lang),
                when=format_range(session.start, session.end, tz, lang),
            )
        )
        place = place_text(event, session, mode_of(person), lang)
        if place:
            lines.append(place)
    return "\n".join(lines)


def render_schedule(
    event: Event, now: datetime, lang: str, person: Participant | None
) -> list[str]:
    header = locales.t(lang, "schedule.header", event_name=event.event.name)
    stages = sorted(event.stages, key=lambda s: s.number)
    blocks = [header] + [render_stage(event, st, now, lang, person, full=False) for st in stages]
    return split_messages(blocks)


def schedule_buttons(event: Event, lang: str, private: bool) -> InlineKeyboardMarkup:
    """A button per stage; in a private chat also "Tambahkan ke kalender"."""
    row = [
        button(
            lang,
            "schedule.stage_button",
            Feature.SCHEDULE,
            Action.STAGE,
            s.number,
            number=ROMAN.get(s.number, s.number),
        )
        for s in sorted(event.stages, key=lambda s: s.number)
    ]
    rows = [row]
    if private:
        rows.append([button(lang, "schedule.calendar_button", Feature.SCHEDULE, Action.CALENDAR)])
    return InlineKeyboardMarkup(rows)
