"""/materi. Organisers (private chat): a short flow, send a document or photo, pick the
session, optionally announce it to that session's audience (through the outbox). Participants:
the materials of their sessions by stage and session, each sent by its Telegram file_id."""

from __future__ import annotations

import functools

from telegram import InlineKeyboardMarkup, Message, Update

import locales
from domain import meeting_links
from handlers.base.callbacks import Callback, Feature, press_of
from handlers.base.context import BotContext, is_organiser, lang_of
from handlers.base.flows import END, STAY, FlowSpec, Move, Step, Turn, begin
from handlers.base.guards import private_only
from handlers.base.keyboards import button, fitted, labelled
from handlers.base.links import Payload
from handlers.base.replies import answer_callback, edit_or_send, expired, reply
from locales import Html
from storage import materials, outbox, participants
from storage.outbox import OutgoingMessage

NAME = "materials"
GET, LIST = "g", "list"  # mat:g:<material id>, mat:list (not part of the flow)
PICK, ANNOUNCE = "s", "a"  # the flow's buttons: mat:s:<session>, mat:a:<yes|no>
NAME_CHARS = 50


@private_only(Payload.MATERI)
async def materi(update: Update, context: BotContext) -> None:
    user = update.effective_user
    if user is None:
        return
    if await is_organiser(context, user.id):
        await begin(update, context, FLOW, "file", {})
        return
    await show_list(update, context)


async def show_list(update: Update, context: BotContext) -> None:
    """The materials of the sessions meant for the person, by stage and session."""
    user = update.effective_user
    if user is None:
        return
    lang = lang_of(update)
    profile = await participants.get(context.db, user.id)
    staff = await is_organiser(context, user.id)
    if not staff and (profile is None or not profile.is_registered):
        await reply(update, locales.t(lang, "materials.not_registered"))
        return
    by_session: dict[str, list[materials.Material]] = {}
    for item in await materials.all_materials(context.db):
        by_session.setdefault(item.session_id, []).append(item)
    lines: list[Html] = [locales.t(lang, "materials.list_title")]
    rows = []
    for stage in sorted(context.event.stages, key=lambda s: s.number):
        shown = [
            s for s in stage.sessions
            if s.id in by_session and (staff or (profile is not None and s.audience.admits(profile)))
        ]  # fmt: skip
        if not shown:
            continue
        lines.append(Html("\n<b>") + stage.title_in(lang) + Html("</b>"))
        for session in shown:
            items = by_session[session.id]
            lines.append(
                locales.t(
                    lang, "materials.list_session", title=session.title_in(lang), count=len(items)
                )
            )
            for item in items:
                icon = "🖼" if item.kind == "photo" else "📄"
                label = f"{icon} {item.file_name or session.title_in(lang)}"[:NAME_CHARS]
                rows.append([labelled(label, Feature.MATERIALS, GET, item.id)])
    if not rows:
        await reply(update, locales.t(lang, "materials.none"))
        return
    await reply(update, Html("\n").join(lines), reply_markup=InlineKeyboardMarkup(rows))


async def on_get(update: Update, context: BotContext) -> None:
    """mat:g:<id>: the file, by its file_id, to someone its session is meant for."""
    user, chat = update.effective_user, update.effective_chat
    press = press_of(update)
    item_id = press.int_arg() if press is not None else None
    item = await materials.get(context.db, item_id) if item_id is not None else None
    found = context.event.session(item.session_id) if item is not None else None
    if user is None or chat is None or item is None or found is None:
        await expired(update)
        return
    profile = await participants.get(context.db, user.id)
    allowed = await is_organiser(context, user.id) or (
        profile is not None and profile.is_registered and found[1].audience.admits(profile)
    )
    if not allowed:
        await expired(update)
        return
    await answer_callback(update)
    caption = locales.t(
        lang_of(update), "materials.caption", title=found[1].title_in(lang_of(update))
    )
    if item.kind == "photo":
        await chat.send_photo(item.file_id, caption=caption)
    else:
        await chat.send_document(item.file_id, caption=caption)


async def on_list(update: Update, context: BotContext) -> None:
    await answer_callback(update)
    await show_list(update, context)


# --- the organisers' flow --------------------------------------------------------------------


async def _organiser(update: Update, context: BotContext) -> bool:
    user = update.effective_user
    return user is not None and await is_organiser(context, user.id)


async def ask_file(turn: Turn) -> None:
    markup = InlineKeyboardMarkup(
        [[button(turn.lang, "materials.b_list", Feature.MATERIALS, LIST)]]
    )
    await reply(turn.update, locales.t(turn.lang, "materials.ask_file"), reply_markup=markup)


async def on_file(turn: Turn, message: Message) -> Move:
    """A document or a photo (the largest size): its file_id waits in the flow's data."""
    if message.document is not None:
        turn.state.data.update(kind="document", file_id=message.document.file_id,
                               file_name=message.document.file_name or "")  # fmt: skip
    elif message.photo:
        turn.state.data.update(kind="photo", file_id=message.photo[-1].file_id,
                               file_name=(message.caption or "")[:NAME_CHARS])  # fmt: skip
    else:
        await reply(turn.update, locales.t(turn.lang, "materials.file_only"))
        return STAY
    return Move(to="session")


async def ask_session(turn: Turn) -> None:
    event, now = turn.context.event, turn.context.services.clock.now()
    stage = event.current_stage(now)
    pairs = [p for p in event.sessions() if p[0].number == stage.number] or event.sessions()
    rows = [
        [labelled(fitted(f"{st.title_in(turn.lang).split(':')[0]} · {s.title_in(turn.lang)}"),
                  Feature.MATERIALS, PICK, s.id)]
        for st, s in pairs
    ]  # fmt: skip
    await reply(turn.update, locales.t(turn.lang, "materials.ask_session"),
                reply_markup=InlineKeyboardMarkup(rows))  # fmt: skip


async def on_session(turn: Turn, press: Callback) -> Move:
    found = turn.context.event.session(press.arg())
    data = turn.state.data
    if found is None or "file_id" not in data:
        return await turn.alert("common.expired")

    async def write() -> None:
        data["material"] = await materials.add(
            turn.db, found[1].id, str(data["kind"]), str(data["file_id"]),
            str(data.get("file_name") or ""), turn.user_id,
        )  # fmt: skip

    data["session"] = found[1].id
    # Said back with the file's name: the organiser sees which file went to which session.
    name = str(data.get("file_name") or "")
    key = "materials.saved_named" if name else "materials.saved"
    note = locales.t(turn.lang, key, title=found[1].title_in(turn.lang), name=name)
    return Move(to="announce", write=write, note=note)


async def ask_announce(turn: Turn) -> None:
    markup = InlineKeyboardMarkup([[
        button(turn.lang, "materials.b_announce", Feature.MATERIALS, ANNOUNCE, "yes"),
        button(turn.lang, "materials.b_no_announce", Feature.MATERIALS, ANNOUNCE, "no"),
    ]])  # fmt: skip
    await reply(turn.update, locales.t(turn.lang, "materials.ask_announce"), reply_markup=markup)


async def on_announce(turn: Turn, press: Callback) -> Move:
    data = turn.state.data
    found = turn.context.event.session(str(data.get("session")))
    material_id = data.get("material")
    if found is None or not isinstance(material_id, int):
        return await turn.alert("common.expired")
    if press.arg() != "yes":
        return Move(to=END, then=functools.partial(edit_or_send, turn.update,
                    locales.t(turn.lang, "materials.kept_quiet")))  # fmt: skip
    people = [
        p for p in await meeting_links.reminder_recipients(turn.db) if found[1].audience.admits(p)
    ]
    messages = [
        OutgoingMessage(
            kind="material", chat_id=p.user_id, ref=f"material:{material_id}",
            payload={str(data["kind"]): str(data["file_id"]),
                     "caption": locales.t(p.language, "materials.announce", title=found[1].title_in(p.language))},
            dedupe_key=f"material:{material_id}:{p.user_id}",
        )
        for p in people
    ]  # fmt: skip
    sender = turn.context.services.sender
    assert sender is not None

    async def announced() -> None:
        sender.wake()
        await edit_or_send(
            turn.update, locales.t(turn.lang, "materials.announced", count=len(messages))
        )

    # The copies are queued with the end of the flow, in one transaction.
    return Move(to=END, write=functools.partial(outbox.enqueue, turn.db, messages), then=announced)


async def wrong_input(turn: Turn, kind: str) -> None:
    key = "materials.file_only" if turn.state.step == "file" else "materials.use_buttons"
    await reply(turn.update, locales.t(turn.lang, key))


STEPS: dict[str, Step] = {
    "file": Step(ask=ask_file, message=on_file),
    "session": Step(ask=ask_session, press=on_session, actions=frozenset({PICK})),
    "announce": Step(ask=ask_announce, press=on_announce, actions=frozenset({ANNOUNCE})),
}

FLOW = FlowSpec(
    name=NAME,
    feature=Feature.MATERIALS,
    steps=STEPS,
    wrong_input=wrong_input,
    allowed=_organiser,
    arity=1,
)
