"""What /jadwal shows: each stage (brief once past), the next session marked, the venue or
the meeting link by attendance mode, split into messages below Telegram's limit, and the
stage and calendar buttons. Meeting links only for those domain.meeting_links allows; the
others read where the link is sent and get a button there."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

import locales
from domain import meeting_links
from domain.meeting_links import Viewer
from handlers.base.callbacks import Feature
from handlers.base.context import BotContext, is_private
from handlers.base.keyboards import button
from handlers.base.links import Payload, url
from locales import split_messages
from schedules.event import Event, Session, Stage
from schedules.reminders import in_audience, place_text
from schedules.timefmt import format_date, format_range
from storage.participants import Participant

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI", 7: "VII", 8: "VIII", 9: "IX"}


class Action(StrEnum):
    """The actions of the `jdw:` buttons."""

    STAGE = "stage"  # stage:<number>: one stage in full
    CALENDAR = "ics"  # ics: the whole schedule's .ics; ics:<number>: one stage's


async def viewer_for(context: BotContext, update: Update) -> Viewer:
    """Whom the schedule is for: the person in a private chat (their sessions, and the links
    when domain.meeting_links allows); nobody in a group, where nothing personal is shown."""
    user = update.effective_user
    return await meeting_links.viewer(context.db, user.id if user else None, is_private(update))


def sessions_for(stage: Stage, person: Participant | None) -> list[Session]:
    """A registered participant sees the sessions meant for them; anyone else sees all."""
    if person is None or not person.is_registered:
        return list(stage.sessions)
    return [s for s in stage.sessions if in_audience(s, person)]


def mode_of(person: Participant | None) -> str | None:
    """The attendance mode of a registered participant (offline, online), else None."""
    return person.mode if person is not None and person.is_registered else None


def _dates(event: Event, stage: Stage, lang: str) -> str:
    first, last = format_date(stage.start, event.tz, lang), format_date(stage.end, event.tz, lang)
    return first if first == last else f"{first} – {last}"


def render_stage(
    event: Event, stage: Stage, now: datetime, lang: str, viewer: Viewer | None, full: bool
) -> str:
    """One stage: brief when past (unless `full`), else title, goal and each session. In a
    group (a phone's screen, read by many) only the stage of the next session is in full;
    the later ones are a line each, with the stage buttons below for the rest."""
    viewer = viewer or Viewer()
    person = viewer.person
    tz = event.tz
    upcoming = event.next_session(now, person)
    if stage.end <= now and not full:
        return locales.t(
            lang,
            "schedule.stage_past",
            title=stage.title_in(lang),
            dates=_dates(event, stage, lang),
        )
    if not full and not viewer.private and (upcoming is None or upcoming[0] is not stage):
        key = "schedule.stage_later_example" if stage.example_dates else "schedule.stage_later"
        return locales.t(lang, key, title=stage.title_in(lang), dates=_dates(event, stage, lang))
    lines = [locales.t(lang, "schedule.stage_title", title=stage.title_in(lang))]
    if stage.goal:
        lines.append(locales.t(lang, "schedule.stage_goal", goal=stage.goal_in(lang)))
    if stage.example_dates:
        lines.append(locales.t(lang, "schedule.example_dates"))
    for session in sessions_for(stage, person):
        is_next = upcoming is not None and session is upcoming[1]
        marker = ""
        if session.in_progress(now):
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
        place = place_text(
            event, session, mode_of(person), lang, links=viewer.links, note_hidden=viewer.private
        )
        if place:
            lines.append(place)
    return "\n".join(lines)


def hides_links(event: Event, viewer: Viewer | None, stages: list[Stage] | None = None) -> bool:
    """True when this viewer is shown a session with a meeting link they may not see."""
    viewer = viewer or Viewer()
    if viewer.links:
        return False
    shown = stages if stages is not None else event.stages
    return any(s.online_url for st in shown for s in sessions_for(st, viewer.person))


def links_note(lang: str, viewer: Viewer | None) -> str:
    """Where the link is sent: to registered participants, in the private chat."""
    private = viewer is not None and viewer.private
    return locales.t(lang, "schedule.links_private" if private else "schedule.links_group")


def render_schedule(event: Event, now: datetime, lang: str, viewer: Viewer | None) -> list[str]:
    header = locales.t(lang, "schedule.header", event_name=event.event.name)
    stages = sorted(event.stages, key=lambda s: s.number)
    blocks = [header] + [render_stage(event, st, now, lang, viewer, full=False) for st in stages]
    if hides_links(event, viewer):
        blocks.append(links_note(lang, viewer))
    return split_messages(blocks)


def schedule_buttons(
    event: Event,
    lang: str,
    viewer: Viewer,
    bot_username: str | None,
    hidden: bool,
    stage: Stage | None = None,
) -> InlineKeyboardMarkup:
    """A button per stage; in a private chat also "Tambahkan ke kalender" (in one `stage`'s
    view: that stage's file, and the whole schedule's). When links were `hidden`: in a group
    a button to the private chat (which opens /jadwal there), in a private chat one to
    register."""
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
    if viewer.private and stage is not None:
        number = ROMAN.get(stage.number, stage.number)
        this = button(
            lang, "lists.calendar_stage", Feature.SCHEDULE, Action.CALENDAR, stage.number,
            number=number,
        )  # fmt: skip
        rows.append([this])
        rows.append([button(lang, "lists.calendar_all", Feature.SCHEDULE, Action.CALENDAR)])
    elif viewer.private:
        rows.append([button(lang, "schedule.calendar_button", Feature.SCHEDULE, Action.CALENDAR)])
    if hidden:
        label, payload = (
            ("schedule.links_register_button", Payload.DAFTAR)
            if viewer.private
            else ("common.open_private", Payload.JADWAL)
        )
        label_text = locales.plain(lang, label)
        rows.append([InlineKeyboardButton(label_text, url=url(bot_username, payload))])
    return InlineKeyboardMarkup(rows)
