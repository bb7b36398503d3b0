"""/seleksi (organisers): the rounds, opening one (the flow in steps.py), closing one, the
ranking, picking and confirming the program unggulan; and the voters' ballot buttons.

sel:new, sel:list, sel:view:<round>, sel:close:<round>[:yes], sel:pick:<round>:<proposal>,
sel:confirm:<round>[:yes] are for organisers, checked on the server for every press (close
and confirm ask first; :yes acts);
sel:vote:<round>:<proposal>:<1 vote|0 take back> is for the voters of that round (checked
the same way)."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message, Update

import locales
from domain import selection as rules
from handlers.base.callbacks import Feature, press_of
from handlers.base.context import BotContext, is_organiser, lang_of
from handlers.base.flows import begin
from handlers.base.guards import organisers_only, private_only
from handlers.base.keyboards import button, fitted, labelled
from handlers.base.links import Payload
from handlers.base.replies import answer_callback, edit_or_send, expired, reply
from handlers.selection import views
from handlers.selection.steps import FLOW
from storage import outbox, participants, users
from storage import selection as store
from storage.outbox import OutgoingMessage

SEL = Feature.SELECTION


@private_only(Payload.SELEKSI)
@organisers_only
async def seleksi(update: Update, context: BotContext) -> None:
    text, markup = await _rounds_list(context, lang_of(update))
    await reply(update, text, reply_markup=markup)


async def _rounds_list(context: BotContext, lang: str) -> tuple[str, InlineKeyboardMarkup]:
    """The latest rounds, a button each, and "Buka putaran baru" (also « Kembali's target)."""
    now = context.services.clock.now()
    lines = [locales.t(lang, "selection.title")]
    rows = []
    for r in (await store.all_rounds(context.db))[:20]:  # the latest twenty
        r = await rules.current(context.db, context.event, r.id, now) or r
        dimension = context.event.dimension(r.dimension)
        status = locales.plain(lang, f"selection.status.{r.status}")
        label = f"#{r.id} {dimension.name if dimension else r.dimension} ({status})"
        rows.append([labelled(fitted(label), SEL, "view", r.id)])
    if not rows:
        lines.append(locales.t(lang, "selection.none"))
    rows.append([button(lang, "selection.btn.new", SEL, "new")])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


async def on_press(update: Update, context: BotContext) -> None:
    press = press_of(update)
    user = update.effective_user
    if press is None or user is None:
        return
    if press.action == "vote":
        await _vote(update, context)
        return
    if not await is_organiser(context, user.id):
        await answer_callback(
            update, locales.plain(lang_of(update), "common.not_allowed"), alert=True
        )
        return
    await _organiser_press(update, context)


async def _organiser_press(update: Update, context: BotContext) -> None:
    press = press_of(update)
    assert press is not None
    lang = lang_of(update)
    if press.action == "new" and not press.args:
        await answer_callback(update)
        await begin(update, context, FLOW, "dimension", {})
        return
    if press.action == "list" and not press.args:  # « Kembali from a round
        await answer_callback(update)
        text, markup = await _rounds_list(context, lang)
        await edit_or_send(update, text, reply_markup=markup)
        return
    rid = press.int_arg(0)
    now = context.services.clock.now()
    round_ = await rules.current(context.db, context.event, rid, now) if rid is not None else None
    if round_ is None:
        await expired(update)
        return
    action = press.action
    if action in ("close", "confirm") and len(press.args) == 1:
        await _ask_sure(update, context, round_, action, lang)
        return
    if action == "close" and press.args[1:] == ("yes",):
        if not await store.close(context.db, round_.id):  # closed meanwhile: nothing to do
            await expired(update)
            return
    elif action == "pick" and len(press.args) == 2:
        pid = press.int_arg(1)
        rows = await store.candidates(context.db, round_.id)
        current = {int(c["proposal_id"]): bool(c["chosen"]) for c in rows}
        if pid is None or pid not in current or round_.status != "closed":
            await expired(update)
            return
        await store.set_chosen(context.db, round_.id, pid, not current[pid])
    elif action == "confirm" and press.args[1:] == ("yes",):
        if not await _confirm(context, round_.id):
            await expired(update)
            return
    elif action != "view" or len(press.args) != 1:
        await expired(update)
        return
    await answer_callback(update)
    await _show(update, context, round_.id, lang)


async def _ask_sure(
    update: Update, context: BotContext, round_: store.Round, action: str, lang: str
) -> None:
    """ "Tutup sekarang" and "Tetapkan" ask first (Ya / Batal): the Ya press is checked again
    on its own (the round's status, the organiser), as every press is."""
    wanted = "open" if action == "close" else "closed"
    if round_.status != wanted:
        await expired(update)
        return
    chosen = [c for c in await store.candidates(context.db, round_.id) if c["chosen"]]
    if action == "confirm" and not chosen:
        await answer_callback(update, locales.plain(lang, "selection.confirm_none"), alert=True)
        return
    await answer_callback(update)
    text, markup = views.ask_sure(context.event, lang, round_, action, chosen)
    await edit_or_send(update, text, reply_markup=markup)


async def _show(update: Update, context: BotContext, rid: int, lang: str) -> None:
    round_ = await store.get(context.db, rid)
    assert round_ is not None
    rows = await store.candidates(context.db, rid)
    ranked = await rules.ranking(context.db, rid) if round_.status != "open" else []
    earlier = await store.reviewed_only_earlier(context.db, rid) if ranked else set()
    text, markup = views.organiser_view(context.event, lang, round_, rows, ranked, earlier)
    await edit_or_send(update, text, reply_markup=markup)


async def _confirm(context: BotContext, rid: int) -> bool:
    """The chosen programmes confirmed; each proposer told once (outbox), in one transaction."""
    db = context.db
    round_ = await store.get(db, rid)
    if round_ is None:
        return False
    dimension = context.event.dimension(round_.dimension)
    async with db.transaction():
        if not await store.confirm(db, rid):
            return False
        messages = []
        for c in await store.candidates(db, rid):
            if not c["chosen"] or c["user_id"] is None:
                continue
            lang = await users.language(db, int(c["user_id"])) or "id"
            text = locales.t(
                lang,
                "selection.chosen_notice",
                id=c["proposal_id"],
                name=c["name"] or "",
                dimension=dimension.name if dimension else round_.dimension,
            )
            key = f"chosen:{rid}:{c['proposal_id']}"
            messages.append(
                OutgoingMessage("chosen", int(c["user_id"]), {"text": text}, str(rid), key)
            )
        await outbox.enqueue(db, messages)
    if context.services.sender is not None:
        context.services.sender.wake()
    return True


async def _vote(update: Update, context: BotContext) -> None:
    """sel:vote:<round>:<proposal>:<want>: a vote added (1) or taken back (0), until the
    round closes. A press asking for what is already so (the second press of a button whose
    reply was lost) changes nothing and says so. Ballots sent before `want` was on the
    buttons carry two arguments: their press toggles, as it did then."""
    press = press_of(update)
    user = update.effective_user
    assert press is not None and user is not None
    lang = lang_of(update)
    rid, pid = press.int_arg(0), press.int_arg(1)
    now = context.services.clock.now()
    round_ = await rules.current(context.db, context.event, rid, now) if rid is not None else None
    person = await participants.get(context.db, user.id)
    want = press.int_arg(2) if len(press.args) == 3 else None
    if round_ is None or pid is None or len(press.args) not in (2, 3) or want not in (None, 0, 1):
        await expired(update)
        return
    if not rules.may_vote(round_, person):
        await answer_callback(update, locales.plain(lang, "selection.not_voter"), alert=True)
        return
    if round_.status != "open":
        await answer_callback(update, locales.plain(lang, "selection.closed"), alert=True)
        return
    rows = await store.candidates(context.db, round_.id)
    if pid not in {int(c["proposal_id"]) for c in rows}:
        await expired(update)
        return
    if want is None:
        result = await store.toggle_vote(context.db, round_.id, pid, user.id, round_.max_choices)
    else:
        result = await store.set_vote(
            context.db, round_.id, pid, user.id, bool(want), round_.max_choices
        )
    mine = await store.my_votes(context.db, round_.id, user.id)
    if result == "full":
        text = locales.plain(lang, "selection.full", max=round_.max_choices)
        await answer_callback(update, text, alert=True)
        return
    note = locales.plain(
        lang, f"selection.vote_{result}", id=pid, count=len(mine), max=round_.max_choices
    )
    _text, markup = views.ballot(context.event, lang, round_, rows, mine)
    query = update.callback_query
    message = query.message if query is not None else None
    if query is not None and not (isinstance(message, Message) and message.reply_markup == markup):
        await query.edit_message_reply_markup(reply_markup=markup)
    await answer_callback(update, note, alert=result in ("kept", "absent"))
