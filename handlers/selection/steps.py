"""Opening a selection round (/seleksi, organisers) as a declared flow ("selection"): the
dimension, the candidates (recommended "layak" by a reviewer, or all submitted), how many each
voter may choose, the closing time, whether the Dewan Smart City votes too. Each answer is
kept in the flow's data, committed with the next step; the last one creates the round and
queues every ballot (outbox) in one transaction."""

from __future__ import annotations

from datetime import datetime, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

import locales
from domain.selection import may_vote
from handlers.base.callbacks import Callback, Feature
from handlers.base.context import BotContext, is_organiser
from handlers.base.flows import (
    END,
    Ask,
    FlowSpec,
    Move,
    OnPress,
    Step,
    Turn,
    ask_current,
    remember_menu,
)
from handlers.base.keyboards import button, labelled
from handlers.base.replies import reply
from handlers.selection import views
from schedules.timefmt import format_datetime
from storage import outbox, participants, users
from storage import selection as store
from storage.outbox import OutgoingMessage

NAME = "selection"
CHOICE = "v"
MAX_CHOICES = (1, 2, 3, 5)
CLOSING_HOURS = (1, 24, 72, 168)
RULES = ("layak", "all")


async def _menu(turn: Turn, key: str, rows: list[list[InlineKeyboardButton]]) -> None:
    chat = turn.update.effective_chat
    if chat is None:
        return
    sent = await chat.send_message(
        locales.t(turn.lang, key), reply_markup=InlineKeyboardMarkup(rows)
    )
    await remember_menu(turn, sent)


def _buttons(
    turn: Turn, step: str, values: tuple[object, ...], key: str
) -> list[list[InlineKeyboardButton]]:
    return [[button(turn.lang, f"{key}.{v}", Feature.SELECTION, CHOICE, step, v)] for v in values]


async def _ask_dimension(turn: Turn) -> None:
    rows = [
        [labelled(d.name, Feature.SELECTION, CHOICE, "dimension", d.id)]
        for d in turn.context.event.dimensions
    ]
    await _menu(turn, "selection.ask_dimension", rows)


async def _ask_rule(turn: Turn) -> None:
    await _menu(turn, "selection.ask_rule", _buttons(turn, "rule", RULES, "selection.rule"))


async def _ask_max(turn: Turn) -> None:
    rows = [[labelled(str(n), Feature.SELECTION, CHOICE, "max", n) for n in MAX_CHOICES]]
    await _menu(turn, "selection.ask_max", rows)


async def _ask_closes(turn: Turn) -> None:
    await _menu(
        turn, "selection.ask_closes", _buttons(turn, "closes", CLOSING_HOURS, "selection.hours")
    )


async def _ask_dewan(turn: Turn) -> None:
    await _menu(
        turn, "selection.ask_dewan", _buttons(turn, "dewan", ("yes", "no"), "selection.dewan")
    )


def _taking(step: str, to: str, valid: tuple[object, ...]) -> OnPress:
    async def take(turn: Turn, press: Callback) -> Move:
        value = press.arg(1)
        if len(press.args) != 2 or value not in {str(v) for v in valid}:
            return await turn.alert("common.expired")
        turn.data[step] = value  # saved with the step
        return Move(to=to)

    return take


async def _take_dimension(turn: Turn, press: Callback) -> Move:
    value = press.arg(1)
    if len(press.args) != 2 or turn.context.event.dimension(value) is None:
        return await turn.alert("common.expired")
    turn.data["dimension"] = value
    return Move(to="rule")


async def _take_dewan(turn: Turn, press: Callback) -> Move:
    value = press.arg(1)
    if len(press.args) != 2 or value not in ("yes", "no"):
        return await turn.alert("common.expired")
    data = turn.data
    dimension, rule = str(data["dimension"]), str(data["rule"])
    candidates = await store.candidate_ids(turn.db, dimension, rule)
    if not candidates:
        return Move(to=END, note=locales.t(turn.lang, "selection.no_candidates"))
    now = turn.context.services.clock.now()
    closes = (now + timedelta(hours=int(data["closes"]))).isoformat(timespec="seconds")
    include_dewan = value == "yes"
    event = turn.context.event
    created: dict[str, int] = {}

    async def write() -> None:
        rid = await store.create(
            turn.db,
            dimension,
            rule,
            int(data["max"]),
            include_dewan,
            closes,
            turn.user_id,
            candidates,
        )
        created["id"] = rid
        round_ = await store.get(turn.db, rid)
        assert round_ is not None
        rows = await store.candidates(turn.db, rid)
        messages = []
        for person in await participants.registered(turn.db):
            if not may_vote(round_, person):
                continue
            lang = await users.language(turn.db, person.user_id) or "id"
            text, markup = views.ballot(event, lang, round_, rows, set())
            payload = {"text": text, "reply_markup": markup.to_dict()}
            key = f"ballot:{rid}:{person.user_id}"
            messages.append(OutgoingMessage("ballot", person.user_id, payload, str(rid), key))
        created["voters"] = len(messages)
        await outbox.enqueue(turn.db, messages)

    async def then() -> None:
        sender = turn.context.services.sender
        if sender is not None:
            sender.wake()
        await reply(
            turn.update,
            locales.t(
                turn.lang,
                "selection.opened",
                id=created.get("id", 0),
                dimension=event.dimension(dimension).name,  # type: ignore[union-attr]
                closes=format_datetime(datetime.fromisoformat(closes), event.tz, turn.lang),
                max=int(data["max"]),
                count=len(candidates),
                voters=created.get("voters", 0),
            ),
        )

    return Move(to=END, write=write, then=then)


async def _allowed(update: Update, context: BotContext) -> bool:
    user = update.effective_user
    return user is not None and await is_organiser(context, user.id)


async def _wrong_input(turn: Turn, kind: str) -> None:
    if kind == "command":
        await reply(turn.update, locales.t(turn.lang, "common.unknown_command"))
        return
    await reply(turn.update, locales.t(turn.lang, "proposals.use_buttons"))
    await ask_current(turn)


def _step(ask: Ask, take: OnPress, step: str) -> Step:
    return Step(ask=ask, press=take, actions=frozenset({f"{CHOICE}:{step}"}))


STEPS: dict[str, Step] = {
    "dimension": _step(_ask_dimension, _take_dimension, "dimension"),
    "rule": _step(_ask_rule, _taking("rule", "max", RULES), "rule"),
    "max": _step(_ask_max, _taking("max", "closes", MAX_CHOICES), "max"),
    "closes": _step(_ask_closes, _taking("closes", "dewan", CLOSING_HOURS), "closes"),
    "dewan": _step(_ask_dewan, _take_dewan, "dewan"),
}

FLOW = FlowSpec(
    name=NAME,
    feature=Feature.SELECTION,
    steps=STEPS,
    wrong_input=_wrong_input,
    menu_bound=True,
    allowed=_allowed,
    arity=2,
)
