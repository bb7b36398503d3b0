"""The registration as a declared flow (handlers/base/flows.py): consent, then one question per
profile field, the summary, and "which field" when the summary is changed.

Every answer is a `Move`: the write to the `participants` row and the next step are committed
together before the next question is sent, so a restart, even a SIGKILL, asks the same question
again with the earlier answers kept. A press acts only at the step it belongs to (the engine's
one stale-press check), so old menus are harmless and nothing in the data names another user.

The same steps change one field of a profile: from the summary's "Ubah" (flag ONE_FIELD, back
to the summary) or from /profil (flag FROM_PROFILE, back to the profile, flow ended)."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

from telegram import Contact, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update

import locales
from domain import people
from domain.offices import match_office
from domain.privacy import give_consent
from handlers.base.callbacks import Callback, Feature
from handlers.base.context import BotContext, choose_language, lang_of
from handlers.base.flows import (
    END,
    STAY,
    FlowSpec,
    Move,
    Step,
    Turn,
    remember_buttons,
    stored_note,
)
from handlers.base.menus import set_own_menu
from handlers.base.replies import edit_or_send, reply, unreadable_file
from handlers.registration import views
from schedules.event import ALL_DIMENSIONS, MODES, ROLES
from storage import participants
from storage.participants import Participant

Then = Callable[[], Awaitable[None]]  # what a move says once committed (Move.then)

# Flags in the flow's data (stored: keep the names). Changing one field of the summary...
ONE_FIELD = "editing"
# ... or of a registered profile, from /profil.
FROM_PROFILE = "profile"
# A typed office the bot is not sure of, asked about at "opd_guess": {"text", "opd"}.
OFFICE_GUESS = "office_guess"
# A new office of a registered profile, held until the dimension group is chosen for it
# ({"opd_id", "opd_other", "dimension": the one before}): the two change together, and
# the old group stays only when it is pressed again.
NEW_OFFICE = "new_office"
# "Langkah n/6" is shown while registering, not when one field of the profile is changed.
STEP_NUMBER = {name: n for n, name in enumerate(people.FIELDS, start=1)}
REPROMPTS = {
    "command": "registration.reprompt_command",
    "text": "registration.reprompt_button",
    "media": "registration.reprompt_media",
}


def changing_one_field(turn: Turn) -> bool:
    return bool(turn.data.get(ONE_FIELD) or turn.data.get(FROM_PROFILE))


# --- asking --------------------------------------------------------------------------------


async def show(
    turn: Turn, *, prefix: str | None = None, page: int = 0, fresh: bool = False
) -> None:
    """Ask the current step, `prefix` on top. After a press the pressed menu becomes the
    question (unless `fresh`: the pressed menu has become a note); a reply keyboard cannot
    replace an inline one, so such questions are sent anew."""
    step, lang = turn.state.step, turn.lang
    profile = await participants.get(turn.db, turn.user_id)
    pending = turn.data.get(NEW_OFFICE)
    if step == "opd_guess":
        office = turn.context.event.opd(str(turn.data.get(OFFICE_GUESS, {}).get("opd")))
        text, keyboard = views.opd_guess(lang, office.name if office else "")
    elif step == "dimension" and isinstance(pending, dict) and profile is not None:
        text, keyboard = views.dimension_after_office(turn.context, lang, profile, pending)
    else:
        text, keyboard = views.QUESTIONS[step](turn.context, lang, profile, page)
    if step in STEP_NUMBER and not changing_one_field(turn):
        number = locales.t(lang, "registration.step_prefix", n=STEP_NUMBER[step])
        text = locales.Html(f"{number} {text}")
    if prefix:
        text = locales.Html(f"{prefix}\n\n{text}")
    if fresh or isinstance(keyboard, ReplyKeyboardMarkup):
        await reply(turn.update, text, reply_markup=keyboard)
    else:
        await edit_or_send(turn.update, text, reply_markup=keyboard)
    await remember_buttons(turn, keyboard)  # a label typed instead of pressed is the press


async def ask(turn: Turn) -> None:
    await show(turn)


def asking_with(turn: Turn, key: str) -> Then:
    """Ask the (new) current step with the line `key` on top."""
    return functools.partial(show, turn, prefix=locales.t(turn.lang, key))


def editing_to(turn: Turn, key: str, **values: object) -> Then:
    """Turn the pressed menu into the line `key` (the flow has ended)."""
    return functools.partial(edit_or_send, turn.update, locales.t(turn.lang, key, **values))


async def show_updated_profile(turn: Turn) -> None:
    profile = await participants.get(turn.db, turn.user_id)
    assert profile is not None
    text, keyboard = views.profile_view(turn.context, turn.lang, profile, updated=True)
    await edit_or_send(turn.update, text, reply_markup=keyboard)


def _both(first: Then | None, second: Then) -> Then:
    if first is None:
        return second

    async def both() -> None:
        await first()
        await second()

    return both


# --- where an answer leads -----------------------------------------------------------------


def onward(turn: Turn, step: str, answered: Participant) -> str:
    """The step after `step`, given the profile as it will be once the answer is written: the
    next missing answer, the phone once after the mode, the summary, or END when the change
    came from /profil (the profile is shown again)."""
    upcoming = people.missing_field(answered) or "summary"
    if upcoming == "summary":
        if turn.data.get(FROM_PROFILE):
            return END
        if step == "mode" and not turn.data.get(ONE_FIELD):
            upcoming = "phone"  # the optional phone is asked once, after the mode
        turn.data.pop(ONE_FIELD, None)
    return upcoming


async def answer(
    turn: Turn,
    step: str,
    *,
    then: Then | None = None,
    note: locales.Html | None = None,
    **fields: str | None,
) -> Move:
    """Store `fields` as the answer to `step` and go on; `then` speaks once it is written,
    then `note` (what a typed answer stored)."""
    profile = await participants.get(turn.db, turn.user_id)
    assert profile is not None  # consent opened the draft
    answered = Participant(**(profile.as_dict() | fields))  # as it will be once written
    if changing_one_field(turn) and step in ("opd", "opd_other") and profile.role is not None:
        # Another office may mean another group: it is asked, and both are written together.
        turn.data[NEW_OFFICE] = {
            "opd_id": fields.get("opd_id"),
            "opd_other": fields.get("opd_other"),
            "dimension": profile.dimension,
        }
        # No "Instansi tercatat": nothing is written yet; the group question names the office.
        return Move(to="dimension", then=then)
    to = onward(turn, step, answered)
    if to == END:
        then = _both(then, functools.partial(show_updated_profile, turn))
    write = functools.partial(participants.update, turn.db, turn.user_id, **fields)
    return Move(to=to, write=write, then=then, note=note)


def typed_note(turn: Turn, field: str, value: str) -> locales.Html:
    """ "Nama tercatat: Siti Rahmawati, S.Kom.": what a typed answer stored."""
    label = locales.plain(turn.lang, f"registration.field_{field}")
    return stored_note(turn.lang, label, value)


# --- the inputs of each step ---------------------------------------------------------------


async def on_language(turn: Turn, press: Callback) -> Move:
    """The language offered before the notice: stored (it wins from now on), then consent,
    asked in the chosen language."""
    choice = press.arg()
    if choice not in locales.LANGUAGES:
        return await turn.alert("common.expired")
    write = functools.partial(choose_language, turn.db, turn.user_id, choice)
    return Move(
        to="consent",
        write=write,
        then=functools.partial(set_own_menu, turn.context.app, turn.user_id),
    )


async def on_consent(turn: Turn, press: Callback) -> Move:
    choice = press.arg()
    if choice == "no":
        return Move(to=END, then=editing_to(turn, "registration.declined"))
    if choice != "yes":
        return await turn.alert("common.expired")
    # The draft keeps an earlier profile (a registration cancelled after consent).
    profile = await participants.get(turn.db, turn.user_id)
    first = people.missing_field(profile) or "summary"
    write = functools.partial(give_consent, turn.db, turn.user_id, turn.lang)
    return Move(
        to=first, write=write, then=asking_with(turn, "registration.consent_recorded"), ask=False
    )


async def refuse_text(turn: Turn, text: str, field: str, fallback: str) -> Move:
    """Say what is wrong with this typed name or office (its length and the limit, the
    digits or emoji in it), or `fallback` when nothing specific is."""
    problem = people.text_problem(text, digits_allowed=field == "org")
    if problem is None:
        await reply(turn.update, locales.t(turn.lang, fallback))
        return STAY
    key, values = problem
    label = locales.plain(turn.lang, f"forgiving.field_{field}")
    await reply(turn.update, locales.t(turn.lang, f"forgiving.{key}", field=label, **values))
    return STAY


async def on_name(turn: Turn, text: str) -> Move:
    name = people.clean_name(text)
    if name is None:
        return await refuse_text(turn, text, "name", "registration.bad_name")
    return await answer(turn, "full_name", full_name=name, note=typed_note(turn, "full_name", name))


async def on_opd(turn: Turn, press: Callback) -> Move:
    if press.action == "opdpage":
        page = press.int_arg()
        if page is None:
            return await turn.alert("common.expired")
        return Move(then=functools.partial(show, turn, page=page))
    value = press.arg()
    if value == "_other":
        return Move(to="opd_other")
    if turn.context.event.opd(value) is None:
        return await turn.alert("common.expired")
    return await answer(turn, "opd", opd_id=value, opd_other=None)


async def on_opd_other(turn: Turn, text: str) -> Move:
    """A typed office: one of the event's OPD when it surely names one ("DLH"), a question
    when it may ("Maksud Bapak/Ibu: Dinas Lingkungan Hidup?"), else free text."""
    org = people.clean_org(text)
    if org is None:
        return await refuse_text(turn, text, "org", "registration.bad_opd_other")
    found = match_office(turn.context.event, org)
    if found.opd is not None and found.certainty == "sure":
        return await _office(turn, found.opd.id)
    if found.opd is not None and found.certainty == "guess":
        turn.data[OFFICE_GUESS] = {"text": org, "opd": found.opd.id}  # saved with the step
        return Move(to="opd_guess")
    return await _typed_office(turn, org)


async def on_opd_typed(turn: Turn, text: str) -> Move:
    """An office typed at the list ("dinkes", "dinas lingkungan hdup"): the OPD it surely
    names, a question when it may name one, else the list again with a pointer to Lainnya
    (nothing typed here is stored as free text without that press)."""
    found = match_office(turn.context.event, text)
    if found.opd is not None and found.certainty == "sure":
        return await _office(turn, found.opd.id)
    org = people.clean_org(text)
    if found.opd is not None and found.certainty == "guess" and org is not None:
        turn.data[OFFICE_GUESS] = {"text": org, "opd": found.opd.id}  # saved with the step
        return Move(to="opd_guess")
    shown = " ".join(text.split())[:60]
    await show(turn, prefix=locales.t(turn.lang, "forgiving.opd_unknown", text=shown), fresh=True)
    return STAY


async def _office(turn: Turn, opd_id: str, then: Then | None = None) -> Move:
    """The office is the OPD `opd_id` (counted for it, as if pressed)."""
    office = turn.context.event.opd(opd_id)
    note = typed_note(turn, "opd", office.name if office else opd_id)
    return await answer(turn, "opd", then=then, note=note, opd_id=opd_id, opd_other=None)


async def _typed_office(turn: Turn, org: str, then: Then | None = None) -> Move:
    note = typed_note(turn, "opd", org)
    return await answer(turn, "opd_other", then=then, note=note, opd_id=None, opd_other=org)


async def on_opd_guess(turn: Turn, press: Callback) -> Move:
    """Ya: the guessed OPD; Bukan: the typed text, as free text. The question becomes the
    note, and the next question comes under it."""
    guess = turn.data.pop(OFFICE_GUESS, None)
    choice = press.arg()
    if not isinstance(guess, dict) or choice not in ("yes", "no"):
        return await turn.alert("common.expired")
    if choice == "yes" and turn.context.event.opd(str(guess.get("opd"))) is not None:
        move = await _office(turn, str(guess["opd"]))
    else:
        move = await _typed_office(turn, str(guess.get("text", "")))
    # The pressed question turns into the note; the next one is sent under it.
    note = move.note or locales.Html("")
    settle = functools.partial(edit_or_send, turn.update, note)
    then = settle if move.then is None else _both(settle, move.then)
    if move.to not in (None, END):
        then = _both(then, functools.partial(show, turn, fresh=True))
    return Move(to=move.to, write=move.write, then=then, ask=False)


async def on_role(turn: Turn, press: Callback) -> Move:
    if press.arg() not in ROLES:
        return await turn.alert("common.expired")
    return await answer(turn, "role", role=press.arg())


async def on_dimension(turn: Turn, press: Callback) -> Move:
    value = press.arg()
    profile = await participants.get(turn.db, turn.user_id)
    known = value == ALL_DIMENSIONS or turn.context.event.dimension(value) is not None
    if not known or not people.may_choose(profile.role if profile else None, value):
        return await turn.alert("registration.tim_needs_dimension")
    pending = turn.data.pop(NEW_OFFICE, None)
    if isinstance(pending, dict):  # the new office, written with its group
        office = {"opd_id": pending.get("opd_id"), "opd_other": pending.get("opd_other")}
        return await answer(turn, "dimension", dimension=value, **office)
    return await answer(turn, "dimension", dimension=value)


async def on_mode(turn: Turn, press: Callback) -> Move:
    if press.arg() not in MODES:
        return await turn.alert("common.expired")
    return await answer(turn, "mode", mode=press.arg())


def _phone_note(turn: Turn, key: str) -> Then:
    """The phone's answer, said with the share/skip keyboard taken away."""
    text = locales.t(turn.lang, key)
    return functools.partial(reply, turn.update, text, reply_markup=ReplyKeyboardRemove())


async def on_contact(turn: Turn, contact: Contact) -> Move:
    if contact.user_id != turn.user_id:  # someone else's card: not theirs to give
        await reply(turn.update, locales.t(turn.lang, "registration.phone_not_yours"))
        return STAY
    then = _phone_note(turn, "registration.phone_saved")
    return await answer(turn, "phone", then=then, phone=contact.phone_number)


async def on_phone_text(turn: Turn, text: str) -> Move:
    """The keyboard's "Lewati", or a number typed by hand ("0812-3456-7890", "+62 812..."),
    stored as E.164 when it is a valid Indonesian number."""
    if text.strip().casefold() == locales.plain(turn.lang, "registration.skip").casefold():
        then = _phone_note(turn, "registration.phone_skipped")
        return await answer(turn, "phone", then=then, phone=None)
    if not people.looks_like_phone(text):
        await reply(turn.update, locales.t(turn.lang, "registration.phone_use_button"))
        return STAY
    number = people.indonesian_phone(text)
    if number is None:
        shown = " ".join(text.split())[:40]
        await reply(turn.update, locales.t(turn.lang, "forgiving.phone_invalid", text=shown))
        return STAY
    note = typed_note(turn, "phone", number)  # "Telepon tercatat: +6281234567890."
    then = functools.partial(reply, turn.update, note, reply_markup=ReplyKeyboardRemove())
    return await answer(turn, "phone", then=then, phone=number)


async def on_summary(turn: Turn, press: Callback) -> Move:
    if press.arg() == "change":
        return Move(to="pick_field")
    profile = await participants.get(turn.db, turn.user_id)
    if press.arg() != "save" or profile is None or people.missing_field(profile) is not None:
        return await turn.alert("common.expired")
    return Move(
        to=END,
        write=functools.partial(participants.mark_registered, turn.db, turn.user_id),
        then=_both(
            editing_to(turn, "registration.saved", name=profile.full_name),
            functools.partial(_after_registration, turn),
        ),
    )


async def settled(update: Update, context: BotContext, press: Callback) -> str | None:
    """A second press of Simpan (its reply lost in a crash): already registered, nothing
    changes, and the person is told so."""
    user = update.effective_user
    if (press.action, press.arg()) != ("summary", "save") or user is None:
        return None
    profile = await participants.get(context.db, user.id)
    if profile is None or not profile.is_registered:
        return None
    return locales.plain(lang_of(update), "registration.already_saved")


async def _after_registration(turn: Turn) -> None:
    """The other features' follow-ups (Services.on_registered), e.g. a waiting scan."""
    for hook in turn.context.services.on_registered:
        await hook(turn.update, turn.context)


async def on_pick_field(turn: Turn, press: Callback) -> Move:
    field = press.arg()
    if field == views.BACK:
        return Move(to="summary")
    if field not in people.FIELDS:
        return await turn.alert("common.expired")
    turn.data[ONE_FIELD] = True
    return Move(to=field)


# --- wrong input and /batal ------------------------------------------------------------------


async def wrong_input(turn: Turn, kind: str) -> None:
    """Re-ask the question under a line that says what was wrong."""
    lang, file_line = turn.lang, unreadable_file(turn.update) if kind == "media" else None
    if turn.state.step == "phone" and kind != "command":
        text = locales.t(lang, "registration.phone_use_button")
        await reply(turn.update, locales.Html(f"{file_line}\n{text}") if file_line else text)
        return
    if turn.state.step == "consent" and kind != "command":
        # The notice was just shown in full: a short reminder with its two buttons.
        _, keyboard = views.consent(turn.context, lang, None, 0)
        text = locales.t(lang, "forgiving.consent_reminder")
        await reply(
            turn.update,
            locales.Html(f"{file_line}\n{text}") if file_line else text,
            reply_markup=keyboard,
        )
        await remember_buttons(turn, keyboard)
        return
    key = REPROMPTS.get(kind, "registration.reprompt_media")
    await show(turn, prefix=file_line or locales.t(lang, key))


async def on_cancel(turn: Turn) -> None:
    """/batal: the flow row is already gone; say what was kept."""
    lang = turn.lang
    remove = ReplyKeyboardRemove() if turn.state.step == "phone" else None
    if turn.data.get(FROM_PROFILE):
        await reply(
            turn.update, locales.t(lang, "registration.edit_cancelled"), reply_markup=remove
        )
        return
    profile = await participants.get(turn.db, turn.user_id)
    if profile is None or turn.state.step == "consent":
        text = locales.t(lang, "registration.cancelled_nothing")
    elif kept := people.answered_fields(profile):
        fields = ", ".join(locales.plain(lang, f"registration.field_{name}") for name in kept)
        text = locales.t(lang, "registration.cancelled_kept", fields=fields)
    else:
        text = locales.t(lang, "registration.cancelled_kept_none")
    await reply(turn.update, text, reply_markup=remove)


STEPS: dict[str, Step] = {
    "language": Step(ask=ask, press=on_language, actions=frozenset({"language"})),
    "consent": Step(ask=ask, press=on_consent, actions=frozenset({"consent"})),
    "full_name": Step(ask=ask, text=on_name),
    "opd": Step(ask=ask, text=on_opd_typed, press=on_opd, actions=frozenset({"opd", "opdpage"})),
    "opd_other": Step(ask=ask, text=on_opd_other),
    "opd_guess": Step(ask=ask, press=on_opd_guess, actions=frozenset({"opd_guess"})),
    "role": Step(ask=ask, press=on_role, actions=frozenset({"role"})),
    "dimension": Step(ask=ask, press=on_dimension, actions=frozenset({"dimension"})),
    "mode": Step(ask=ask, press=on_mode, actions=frozenset({"mode"})),
    "phone": Step(ask=ask, contact=on_contact, text=on_phone_text),
    "summary": Step(ask=ask, press=on_summary, actions=frozenset({"summary"})),
    "pick_field": Step(ask=ask, press=on_pick_field, actions=frozenset({"pick_field"})),
}

FLOW = FlowSpec(
    name="registration",
    feature=Feature.REGISTRATION,
    steps=STEPS,
    wrong_input=wrong_input,
    on_cancel=on_cancel,
    settled=settled,
    arity=1,  # reg:<step>:<value>, the value kept whole
)
