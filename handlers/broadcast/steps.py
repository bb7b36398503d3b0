"""/umumkan: the announcement flow, declared as a table of steps (handlers/base/flows.py).

  audience -> (pick_dim | pick_opd | pick_role | pick_mode | pick_stage) -> compose
  -> preview (Kirim / Ubah / Batal) -> when (now, quick times, or typed) [-> confirm_time]

The state lives in the flows table, so a restart resumes at the same question; the engine
commits each answer with the next step before anything is sent. The flow is menu-bound: a
button acts only from the menu its step last sent. Only organisers may be in it (checked on
every press and message). This module holds the table and the audience steps; compose.py
the message and its preview; timing.py the moment and the creation of the announcement."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from telegram import Update

import locales
from domain.audience import TYPES, count_line, reach
from handlers.base.callbacks import Callback, Feature
from handlers.base.context import BotContext, is_organiser
from handlers.base.flows import END, FlowSpec, Move, OnPress, Step, Turn, begin
from handlers.base.guards import organisers_only, private_only
from handlers.base.links import Payload
from handlers.base.replies import edit_or_send, reply
from handlers.broadcast import compose, timing
from handlers.broadcast.keyboards import audience_menu, pick_menu, show_menu
from schedules.event import DIMENSION_IDS, MODES, ROLES

NAME = "broadcast"
FEATURE = Feature.BROADCAST
_PICK_STEP = {
    "dimensions": "pick_dim",
    "opds": "pick_opd",
    "role": "pick_role",
    "mode": "pick_mode",
    "stage": "pick_stage",
}
_SINGLE_KIND = {"pick_role": "role", "pick_mode": "mode", "pick_stage": "stage"}


@organisers_only
@private_only(Payload.UMUMKAN)
async def umumkan(update: Update, context: BotContext) -> None:
    """Start (or restart) an announcement: choose the audience."""
    await begin(update, context, FLOW, "audience", {})


async def _organiser(update: Update, context: BotContext) -> bool:
    user = update.effective_user
    return user is not None and await is_organiser(context, user.id)


# --- the audience ----------------------------------------------------------------------------


async def ask_audience(turn: Turn) -> None:
    text = locales.t(turn.lang, "broadcast.choose_audience")
    await show_menu(turn, text, audience_menu(turn.lang))


async def choose_type(turn: Turn, press: Callback) -> Move:
    """bc:a:<type>: everyone at once, or the pick step of that type."""
    kind = press.arg()
    if kind == "all":
        return await _audience_chosen(turn, {"type": "all", "values": []})
    turn.state.data = {"picked": []}
    return Move(to=_PICK_STEP[kind])  # the step's actions admit only the known types


def _picked_audience(turn: Turn) -> dict[str, Any]:
    kind = "dimensions" if turn.state.step == "pick_dim" else "opds"
    return {"type": kind, "values": list(turn.data.get("picked", []))}


async def ask_pick(turn: Turn) -> None:
    """The choices of the pick step; with something picked, how many it reaches so far."""
    lang, step, event = turn.lang, turn.state.step, turn.context.event
    picked = turn.data.get("picked", [])
    text: str = locales.t(lang, f"broadcast.ask_{step}")
    if picked:
        found = await reach(turn.db, event, _picked_audience(turn))
        text += "\n\n" + count_line(found, lang)
    await show_menu(turn, text, pick_menu(lang, step, event, picked))


async def toggle(turn: Turn, press: Callback) -> Move:
    """bc:t:<dimension or OPD>: in or out of the choice (the menu is shown again)."""
    value = press.arg()
    event = turn.context.event
    valid = DIMENSION_IDS if turn.state.step == "pick_dim" else tuple(o.id for o in event.opds)
    if value not in valid:
        return await turn.alert("common.expired")
    picked = list(turn.data.get("picked", []))
    picked = [p for p in picked if p != value] if value in picked else [*picked, value]
    turn.data["picked"] = picked
    return Move(to=turn.state.step)


async def picked_done(turn: Turn, _press: Callback) -> Move:
    """bc:ok ("Lanjut"): the toggled dimensions or offices are the audience."""
    audience = _picked_audience(turn)
    if not audience["values"]:
        return await turn.alert("common.expired")
    return await _audience_chosen(turn, audience)


async def single(turn: Turn, press: Callback) -> Move:
    """bc:s:<value>: one role, one mode or one stage is the audience."""
    kind = _SINGLE_KIND[turn.state.step]
    value = press.arg()
    valid = {
        "role": ROLES,
        "mode": MODES,
        "stage": tuple(str(s.number) for s in turn.context.event.stages),
    }[kind]
    if value not in valid:
        return await turn.alert("common.expired")
    return await _audience_chosen(turn, {"type": kind, "values": [value]})


async def _audience_chosen(turn: Turn, audience: dict[str, Any]) -> Move:
    """An audience that reaches nobody is refused; otherwise on to the message. The compose
    question shows the recipients just counted (ask=False), rather than counting again."""
    found = await reach(turn.db, turn.context.event, audience)
    if not found.total:
        return await turn.alert("broadcast.nobody")
    turn.state.data = {"audience": audience}

    async def show() -> None:
        await compose.show_compose(turn, found)

    return Move(to="compose", ask=False, then=show)


async def back(turn: Turn, _press: Callback) -> Move:
    """bc:back: the audience is chosen afresh."""
    turn.state.data = {}
    return Move(to="audience")


# --- leaving -------------------------------------------------------------------------------


async def cancel(turn: Turn, _press: Callback) -> Move:
    """bc:x, on every menu: the flow ends and the menu says so."""

    async def said() -> None:
        await edit_or_send(turn.update, locales.t(turn.lang, "broadcast.cancelled"))

    return Move(to=END, then=said)


async def on_cancel(turn: Turn) -> None:
    """/batal inside the flow (the router has already ended it)."""
    await reply(turn.update, locales.t(turn.lang, "broadcast.cancelled"))


async def wrong_input(turn: Turn, kind: str) -> None:
    """What a step does not take. A command nobody knows is answered as outside the flow; at
    the time steps anything but text is an unreadable time; elsewhere, use the buttons."""
    if kind == "command":
        key = "common.unknown_command"
    elif kind == "media" and turn.state.step in ("when", "confirm_time"):
        key = "broadcast.bad_time"
    else:
        key = "broadcast.use_buttons"
    await reply(turn.update, locales.t(turn.lang, key))


# --- the table -----------------------------------------------------------------------------


def _by_action(presses: Mapping[str, OnPress]) -> OnPress:
    """One press function for a step with several buttons, chosen by the press's action (the
    engine has already checked that the action belongs to the step)."""

    async def press(turn: Turn, callback: Callback) -> Move:
        return await presses[callback.action](turn, callback)

    return press


_PICK_MANY = {"t": toggle, "ok": picked_done, "back": back}
_PICK_ONE = {"s": single, "back": back}
_PREVIEW = {"go": compose.go, "edit": compose.edit}
_WHEN = {"now": timing.send_now, "at": timing.schedule_at}
_CONFIRM = {"yes": timing.schedule_confirmed, "now": timing.send_now}

_pick_many = Step(ask=ask_pick, press=_by_action(_PICK_MANY), actions=frozenset(_PICK_MANY))
_pick_one = Step(ask=ask_pick, press=_by_action(_PICK_ONE), actions=frozenset(_PICK_ONE))

STEPS: dict[str, Step] = {
    "audience": Step(
        ask=ask_audience, press=choose_type, actions=frozenset(f"a:{kind}" for kind in TYPES)
    ),
    "pick_dim": _pick_many,
    "pick_opd": _pick_many,
    "pick_role": _pick_one,
    "pick_mode": _pick_one,
    "pick_stage": _pick_one,
    "compose": Step(
        ask=compose.ask_compose, message=compose.composed, press=back, actions=frozenset({"back"})
    ),
    "preview": Step(
        ask=compose.ask_preview,
        text=timing.typed_at_preview,
        press=_by_action(_PREVIEW),
        actions=frozenset(_PREVIEW),
    ),
    "when": Step(
        ask=timing.ask_when,
        text=timing.typed_time,
        press=_by_action(_WHEN),
        actions=frozenset(_WHEN),
    ),
    "confirm_time": Step(
        ask=timing.ask_confirm_time,
        text=timing.typed_time,
        press=_by_action(_CONFIRM),
        actions=frozenset(_CONFIRM),
    ),
}

FLOW = FlowSpec(
    name=NAME,
    feature=FEATURE,
    steps=STEPS,
    wrong_input=wrong_input,
    on_cancel=on_cancel,
    menu_bound=True,
    allowed=_organiser,
    any_step_actions=frozenset({"x"}),
    any_step_press=cancel,
    settled=timing.settled,
    arity=1,  # bc:t:<OPD id>: an id is never split, whatever it contains
)
