"""When the announcement goes out, and its creation.

At the `when` step the organiser sends now, presses a ready-made time, or types one ("besok
07.30", "kirim pada Senin 08.00"; typed at the preview it skips the Kirim button), which is
confirmed at `confirm_time`. Then the announcement becomes a `broadcasts` row with its audit
entry, in the same transaction that ends the flow and before the organiser is answered;
BroadcastService (service.py) sends it now or when its time comes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from telegram import Message, Update

import locales
from domain.audience import describe, reach
from handlers.base.callbacks import Callback
from handlers.base.context import BotContext, lang_of
from handlers.base.flows import END, STAY, Move, Turn
from handlers.base.replies import edit_or_send, reply
from handlers.broadcast.keyboards import confirm_time_menu, show_menu, when_menu
from schedules.timefmt import format_datetime
from schedules.whenparse import parse_when
from storage import audit, broadcasts

MAX_AHEAD = timedelta(days=366)
MIN_AHEAD = timedelta(seconds=30)  # sooner than this is "send now", not a schedule
_SEND_WORDS = re.compile(r"^\s*(kirim|jadwalkan|send)\b", re.I)


def time_problem(moment: datetime, now: datetime) -> str | None:
    """The locale key of what is wrong with a chosen moment, or None."""
    if moment <= now + MIN_AHEAD:
        return "broadcast.time_past"
    if moment > now + MAX_AHEAD:
        return "broadcast.time_too_far"
    return None


async def ask_when(turn: Turn) -> None:
    menu = when_menu(turn.lang, turn.context.services.clock.now(), turn.context.event)
    await show_menu(turn, locales.t(turn.lang, "broadcast.ask_when"), menu)


async def ask_confirm_time(turn: Turn) -> None:
    moment = datetime.fromisoformat(turn.data["send_at"])
    when = format_datetime(moment, turn.context.event.tz, turn.lang)
    text = locales.t(turn.lang, "broadcast.confirm_time", when=when)
    await show_menu(turn, text, confirm_time_menu(turn.lang))


async def typed_time(turn: Turn, text: str) -> Move:
    """A typed moment, at `when` or `confirm_time` (a new one replaces the one to confirm)."""
    now = turn.context.services.clock.now()
    moment = parse_when(text, now, turn.context.event.tz)
    if moment is None:
        await reply(turn.update, locales.t(turn.lang, "broadcast.bad_time"))
        return STAY
    problem = time_problem(moment, now)
    if problem:
        await reply(turn.update, locales.t(turn.lang, problem))
        return STAY
    turn.data["send_at"] = moment.isoformat()
    return Move(to="confirm_time")


async def typed_at_preview(turn: Turn, text: str) -> Move:
    """At the preview, "kirim pada ..." schedules straight away; other text gets a pointer to
    the buttons (the announcement itself is changed with "Ubah")."""
    if _SEND_WORDS.match(text):
        return await typed_time(turn, text)
    await reply(turn.update, locales.t(turn.lang, "broadcast.use_buttons"))
    return STAY


async def send_now(turn: Turn, _press: Callback) -> Move:
    return await _create(turn, None)


async def schedule_at(turn: Turn, press: Callback) -> Move:
    """A ready-made time (bc:at:<unix time>); forged or old data is refused, never raised."""
    stamp = press.int_arg()
    if stamp is None:
        return await turn.alert("common.expired")
    try:
        moment = datetime.fromtimestamp(stamp, tz=turn.context.event.tz)
    except (ValueError, OverflowError, OSError):
        return await turn.alert("common.expired")
    problem = time_problem(moment, turn.context.services.clock.now())
    if problem:
        return await turn.alert(problem)
    return await _create(turn, moment)


async def schedule_confirmed(turn: Turn, _press: Callback) -> Move:
    """The "Ya, jadwalkan" button: the typed moment, checked again (time has passed since it was typed)."""
    moment = datetime.fromisoformat(turn.data["send_at"])
    problem = time_problem(moment, turn.context.services.clock.now())
    if problem:
        return await turn.alert(problem)
    return await _create(turn, moment)


async def _create(turn: Turn, moment: datetime | None) -> Move:
    """The move that ends the flow with the announcement: the engine commits the broadcasts
    row, its audit entry and the end of the flow in one transaction, then the organiser is
    told (with the new id) and sending starts now or at its time."""
    now = turn.context.services.clock.now()
    audience = turn.data["audience"]
    count = (await reach(turn.db, turn.context.event, audience)).total
    new = _NewAnnouncement(turn, moment, now, count)
    return Move(to=END, write=new.write, then=new.answer)


@dataclass
class _NewAnnouncement:
    """One announcement on its way from the flow's data to a row: `write` runs inside the
    engine's transaction, `answer` after it (it needs the id the write made)."""

    turn: Turn
    moment: datetime | None  # None: send now
    now: datetime
    count: int
    id: int | None = None

    @property
    def send_at(self) -> datetime:
        return self.moment or self.now

    async def write(self) -> None:
        turn, data = self.turn, self.turn.data
        chat = turn.update.effective_chat
        assert chat is not None
        audience, summary = data["audience"], data.get("summary", "")
        self.id = await broadcasts.create(
            turn.db,
            created_by=turn.user_id,
            audience=audience,
            payload=data["payload"],
            summary=summary,
            send_at=self.send_at,
            report_chat_id=chat.id,
            report_lang=turn.lang,
            menu_message_id=turn.message.message_id if turn.message else None,
        )
        await audit.record(
            turn.db,
            turn.user_id,
            "broadcast.schedule" if self.moment else "broadcast.send",
            broadcast_id=self.id,
            audience=audience,
            # The audit log is read in Indonesian, whatever the organiser's language.
            audience_text=describe(audience, "id", turn.context.event),
            summary=summary,
            send_at=self.send_at.isoformat(),
            recipients=self.count,
        )

    async def answer(self) -> None:
        turn, lang, event = self.turn, self.turn.lang, self.turn.context.event
        service = turn.context.services.broadcasts
        assert service is not None and self.id is not None
        values = {
            "id": self.id,
            "audience": describe(turn.data["audience"], lang, event),
            "n": locales.number(self.count, lang),
        }
        if self.moment is None:
            # The question "now or later?" gives way to what is happening; progress follows.
            await edit_or_send(turn.update, locales.t(lang, "broadcast.sending_now", **values))
            await service.launch_due()
            return
        when = format_datetime(self.moment, event.tz, lang)
        await edit_or_send(turn.update, locales.t(lang, "broadcast.scheduled", when=when, **values))
        service.wake()


async def settled(update: Update, context: BotContext, press: Callback) -> str | None:
    """A second press of "Kirim sekarang" / a time / "Ya, jadwalkan" after the announcement
    was made from this menu (its reply lost): say so, and make nothing twice."""
    query, user = update.callback_query, update.effective_user
    if press.action not in _FINAL_ACTIONS or query is None or user is None:
        return None
    if not isinstance(query.message, Message):
        return None
    made = await broadcasts.created_from_menu(context.db, user.id, query.message.message_id)
    if made is None:
        return None
    return locales.plain(lang_of(update), "broadcast.already_made", id=made)


_FINAL_ACTIONS = ("now", "at", "yes")
