"""/jadwal (private and groups; deep link start=jadwal), the stage and calendar buttons,
/pengingat (mute or unmute one's reminders) and /muatulang (reload the event file)."""

from __future__ import annotations

from telegram import Update

import locales
from domain.event_reload import explain
from handlers.base.callbacks import press_of
from handlers.base.context import BotContext, lang_of
from handlers.base.guards import admins_only, private_only
from handlers.base.links import Payload
from handlers.base.replies import answer_callback, edit_or_send, expired, reply
from handlers.schedule import reload
from handlers.schedule.calendar import send_calendar
from handlers.schedule.views import (
    Action,
    hides_links,
    links_note,
    render_schedule,
    render_stage,
    schedule_buttons,
    split_messages,
    viewer_for,
)
from locales import Html
from schedules.timefmt import format_range
from storage import participants


async def jadwal(update: Update, context: BotContext) -> None:
    """/jadwal and /start jadwal: every stage, the next session marked."""
    lang = lang_of(update)
    viewer = await viewer_for(context, update)
    event = context.event
    messages = render_schedule(event, context.services.clock.now(), lang, viewer)
    hidden = hides_links(event, viewer)
    for index, text in enumerate(messages):
        last = index == len(messages) - 1
        markup = (
            schedule_buttons(event, lang, viewer, context.bot.username, hidden) if last else None
        )
        await reply(update, text, reply_markup=markup, disable_web_page_preview=True)


async def on_button(update: Update, context: BotContext) -> None:
    """jdw:stage:<n> opens one stage; jdw:ics sends the calendar file."""
    lang = lang_of(update)
    press = press_of(update, 1)
    if press is not None and press.action == Action.CALENDAR:
        # ics:<number> from a stage's view: that stage's sessions; bare ics: every stage.
        one = context.event.stage(number) if (number := press.int_arg()) is not None else None
        if press.arg() and one is None:
            await expired(update)
            return
        await answer_callback(update)
        await send_calendar(update, context, one)
        return
    number = press.int_arg() if press is not None and press.action == Action.STAGE else None
    stage = context.event.stage(number) if number is not None else None
    if stage is None:
        await expired(update)
        return
    await answer_callback(update)
    viewer = await viewer_for(context, update)
    now = context.services.clock.now()
    blocks = [render_stage(context.event, stage, now, lang, viewer, full=True)]
    hidden = hides_links(context.event, viewer, [stage])
    if hidden:
        blocks.append(links_note(lang, viewer))
    markup = schedule_buttons(context.event, lang, viewer, context.bot.username, hidden, stage)
    await edit_or_send(
        update, split_messages(blocks)[0], reply_markup=markup, disable_web_page_preview=True
    )


@private_only(Payload.PENGINGAT)
async def pengingat(update: Update, context: BotContext) -> None:
    """/pengingat: turn one's own reminders off or on (in a group: the private chat's button)."""
    lang = lang_of(update)
    user = update.effective_user
    person = await participants.get(context.db, user.id) if user else None
    if user is None or person is None or not person.is_registered:
        await reply(update, locales.t(lang, "schedule.mute_not_registered"))
        return
    muted = not person.reminders_muted
    await participants.set_reminders_muted(context.db, user.id, muted)
    # Turned on: say when they come, so the person knows what they turned on.
    when = offsets_text(context.event.reminders.offsets, lang)
    await reply(
        update, locales.t(lang, "schedule.muted" if muted else "schedule.unmuted", when=when)
    )


def offsets_text(offsets: list[str], lang: str) -> str:
    """ "1d", "1h" -> "1 hari dan 1 jam" ("1 day and 1 hour")."""
    parts = []
    for offset in offsets:
        n = int(offset[:-1])
        one = "_one" if n == 1 else ""  # English: "1 day", "2 days"
        parts.append(locales.plain(lang, f"schedule.offset_{offset[-1]}{one}", n=n))
    if len(parts) < 2:
        return "".join(parts)
    return locales.plain(lang, "schedule.offsets_and", first=", ".join(parts[:-1]), last=parts[-1])


@admins_only
async def muatulang(update: Update, context: BotContext) -> None:
    """/muatulang: validate and reload the event file; a bad file changes nothing."""
    lang = lang_of(update)
    result = await reload.apply_reload(context.services)
    if result.error is not None:
        await reply(update, explain(result.error, lang))
        return
    event = context.event
    lines = [locales.t(lang, "schedule.reload_ok", changed=len(result.changed))]
    for before, after in result.changed:
        lines.append(
            locales.t(
                lang,
                "schedule.reload_changed",
                title=after.title_in(lang),
                old_when=format_range(before.start, before.end, event.tz, lang),
                new_when=format_range(after.start, after.end, event.tz, lang),
            )
        )
    await reply(update, Html("\n").join(lines))
