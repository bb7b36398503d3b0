"""Session feedback: after a session, those recorded present get the rating buttons (1-5,
through the outbox, once); a press records or changes the answer until the end of the next
day; "Tambah komentar" opens a one-step flow for a short comment. /umpanbalik (organisers):
each session's average and comments."""

from __future__ import annotations

import functools
from datetime import timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

import locales
from domain import feedback, meeting_links
from handlers.base.callbacks import Feature, encode, press_of
from handlers.base.context import BotContext, Services, lang_of
from handlers.base.flows import END, STAY, FlowSpec, Move, Step, Turn, begin, stored_note
from handlers.base.guards import organisers_only, private_only
from handlers.base.links import Payload
from handlers.base.replies import answer_callback, edit_or_send, reply
from locales import Html
from schedules.event import Event, Session
from schedules.timefmt import format_date
from storage import feedback as store
from storage.outbox import OutgoingMessage

RATE, COMMENT = "r", "c"  # fb:r:<session>:<1-5>, fb:c:<session>
NAME = "feedback_comment"


def rating_markup(lang: str, session_id: str, chosen: int | None = None) -> dict[str, object]:
    """The buttons as the outbox stores them (a dict), also used for the edited message."""
    row = [
        {"text": f"{'✓ ' if n == chosen else ''}{n}", "callback_data": encode(Feature.FEEDBACK, RATE, session_id, n)}
        for n in range(1, 6)
    ]  # fmt: skip
    rows: list[list[dict[str, str]]] = [row]
    if chosen is not None:
        rows.append([{"text": locales.plain(lang, "feedback.b_comment"),
                      "callback_data": encode(Feature.FEEDBACK, COMMENT, session_id)}])  # fmt: skip
    return {"inline_keyboard": rows}


def _markup(data: dict[str, object]) -> InlineKeyboardMarkup:
    rows = data["inline_keyboard"]
    assert isinstance(rows, list)
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b["text"], callback_data=b["callback_data"]) for b in row]
            for row in rows
        ]
    )


async def invite(services: Services) -> int:
    """Enqueue the evaluation of every ended session to those recorded present (idempotent)."""
    if services.sender is None:
        return 0
    now = services.clock.now()
    people = functools.partial(meeting_links.reminder_recipients, services.db)
    messages = []
    for stage, session, person in await feedback.invitees(services.db, services.event, people, now):
        lang = person.language
        text = locales.t(lang, "feedback.ask", title=session.title_in(lang), stage=stage.title_in(lang),
                         until=last_day(services.event, session, lang))  # fmt: skip
        messages.append(OutgoingMessage(
            kind="feedback", chat_id=person.user_id, ref=session.id,
            payload={"text": text, "reply_markup": rating_markup(lang, session.id)},
            dedupe_key=f"feedback:{session.id}:{person.user_id}",
        ))  # fmt: skip
    return await services.sender.enqueue(messages) if messages else 0


def last_day(event: Event, session: Session, lang: str) -> str:
    """The last day a rating may be changed ("Kamis, 3 Desember 2026"): the deadline is the
    midnight after it, which read "sampai Jumat, 00.00" and sounded like a day more."""
    return format_date(feedback.deadline(event, session) - timedelta(seconds=1), event.tz, lang)


def _thanks(event: Event, session: Session, rating: int, lang: str) -> Html:
    return locales.t(lang, "feedback.thanks", title=session.title_in(lang), rating=rating,
                     until=last_day(event, session, lang))  # fmt: skip


async def on_rate(update: Update, context: BotContext) -> None:
    """fb:r:<session>:<n>: only someone recorded present, within the time, 1 to 5."""
    user, press = update.effective_user, press_of(update, 2)
    lang = lang_of(update)
    rating = press.int_arg(1) if press is not None else None
    now = context.services.clock.now()
    session = (
        await feedback.may_answer(context.db, context.event, press.arg(0), user.id, now)
        if press is not None and user is not None else None
    )  # fmt: skip
    if user is None or session is None or rating is None or not 1 <= rating <= 5:
        await answer_callback(update, locales.plain(lang, "feedback.not_open"), alert=True)
        return
    await store.rate(context.db, session.id, user.id, rating)
    await answer_callback(update, locales.plain(lang, "feedback.saved_alert", rating=rating))
    await edit_or_send(update, _thanks(context.event, session, rating, lang),
                       reply_markup=_markup(rating_markup(lang, session.id, rating)))  # fmt: skip


async def on_comment_press(update: Update, context: BotContext) -> None:
    """fb:c:<session>: the comment flow, for someone who has rated the session."""
    user, press = update.effective_user, press_of(update, 1)
    now = context.services.clock.now()
    session = (
        await feedback.may_answer(context.db, context.event, press.arg(), user.id, now)
        if press is not None and user is not None else None
    )  # fmt: skip
    if user is None or session is None or await store.get(context.db, session.id, user.id) is None:
        await answer_callback(
            update, locales.plain(lang_of(update), "feedback.not_open"), alert=True
        )
        return
    await answer_callback(update)
    await begin(update, context, FLOW, "comment", {"session": session.id})


async def ask_comment(turn: Turn) -> None:
    found = turn.context.event.session(str(turn.state.data.get("session")))
    title = found[1].title_in(turn.lang) if found else ""
    await reply(
        turn.update,
        locales.t(turn.lang, "feedback.ask_comment", title=title, limit=feedback.COMMENT_LIMIT),
    )


async def on_comment(turn: Turn, text: str) -> Move:
    session_id = str(turn.state.data.get("session"))
    if len(text) > feedback.COMMENT_LIMIT:
        await reply(
            turn.update,
            locales.t(
                turn.lang, "feedback.too_long", length=len(text), limit=feedback.COMMENT_LIMIT
            ),
        )
        return STAY
    now = turn.context.services.clock.now()
    if (
        await feedback.may_answer(turn.db, turn.context.event, session_id, turn.user_id, now)
        is None
    ):
        await reply(turn.update, locales.t(turn.lang, "feedback.not_open"))
        return Move(to=END)
    label = locales.plain(turn.lang, "feedback.comment_label")
    return Move(to=END, write=functools.partial(store.comment, turn.db, session_id, turn.user_id, text.strip()),
                note=stored_note(turn.lang, label, text))  # fmt: skip


async def wrong_input(turn: Turn, kind: str) -> None:
    await reply(turn.update, locales.t(turn.lang, "feedback.text_only"))


async def on_cancel(turn: Turn) -> None:
    await reply(turn.update, locales.t(turn.lang, "feedback.comment_cancelled"))


FLOW = FlowSpec(
    name=NAME,
    feature=Feature.FEEDBACK,
    steps={"comment": Step(ask=ask_comment, text=on_comment, check_questions=False)},
    wrong_input=wrong_input,
    on_cancel=on_cancel,
)


@private_only(Payload.UMPANBALIK)
@organisers_only
async def umpanbalik(update: Update, context: BotContext) -> None:
    """Each session's average and comments (no names: feedback is read as a whole)."""
    lang = lang_of(update)
    found = await feedback.summaries(context.db, context.event)
    if not found:
        await reply(update, locales.t(lang, "feedback.summary_none"))
        return
    blocks: list[str] = [locales.t(lang, "feedback.summary_title")]
    for item in found:
        average = f"{item.average:.1f}".replace(".", "," if lang == "id" else ".")
        # One block per session (its line and its comments), a blank line between sessions.
        lines = [locales.t(lang, "feedback.summary_line", title=item.session.title_in(lang),
                           average=average, count=item.count)]  # fmt: skip
        lines.extend(locales.t(lang, "feedback.summary_comment", comment=c) for c in item.comments)
        blocks.append(Html("\n").join(lines))
    for text in locales.split_messages(blocks):
        await reply(update, Html(text))  # joined from t() results: safe
