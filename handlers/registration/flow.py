"""Participant registration with consent (UU 27/2022), the profile, and the data rights:
/daftar, /profil, /datasaya, /hapusdata, /privasi.

The registration is a durable flow (storage/flows.py): every answer is written to the
`participants` row and the next step to the `flows` row BEFORE the next question is sent, so a
restart, even a SIGKILL, asks the same question again with the earlier answers kept.
Callback data is `reg:<step>:<value>`; a press is acted on only when <step> is the presser's
current step, so old menus are harmless and nothing in the data names another user."""

from __future__ import annotations

import io
import json
import re
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from datetime import datetime

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)

import locales
from handlers.base.context import BotContext, is_organiser, is_private, lang_of
from handlers.base.guards import private_only
from handlers.base.links import Payload
from handlers.base.replies import answer_callback, edit_or_send, reply
from schedules.timefmt import format_datetime
from storage import audit, consents, faq_log, flows, outbox, participants, users
from storage import proposals as proposal_store
from storage.db import Database
from storage.flows import Flow
from storage.participants import Participant

FLOW = "registration"
NOTICE_VERSION = "2026-1"  # bump whenever the notice text changes: consent is per version
OPD_PAGE_SIZE = 8
ROLES = ("tim_pelaksana", "dewan", "narasumber", "lainnya")
MODES = ("offline", "online")
# The order of the questions after consent; "opd_other" is a sub-step of "opd".
STEPS = ("full_name", "opd", "role", "dimension", "mode", "phone")
TEXT_STEPS = ("full_name", "opd_other")
# "Langkah n/6" is shown while registering, not when one field of the profile is changed.
STEP_NUMBER = {step: n for n, step in enumerate(STEPS, start=1)}

# What /hapusdata does beyond the profile, each called with (db, user_id) inside the same
# transaction: proposals are kept for the masterplan but anonymised, drafts and logged FAQ
# questions are dropped, and nothing still queued is sent to the person any more.
ON_DELETE: list[Callable[[Database, int], Awaitable[object]]] = [
    proposal_store.anonymise_for_user,
    faq_log.forget_user,
    outbox.cancel_for_chat,  # a private chat's id is the user's id
]


async def _proposals_data(db: Database, user_id: int) -> dict[str, object]:
    return {"proposals": [asdict(p) for p in await proposal_store.of_user(db, user_id)]}


async def _faq_data(db: Database, user_id: int) -> dict[str, object]:
    return {"questions_to_organisers": await faq_log.of_user(db, user_id)}


# The other features' data in /datasaya: each returns {section name: JSON-able data}.
ON_EXPORT: list[Callable[[Database, int], Awaitable[dict[str, object]]]] = [
    _proposals_data,
    _faq_data,
]

_NAME_PUNCT = " .,'-’"
_SPACES = re.compile(r"\s+")


# --- validation ----------------------------------------------------------------------------


def _clean(text: str | None, allowed: Callable[[str, str], bool]) -> str | None:
    """Spaces tidied, 2 to 100 characters, at least two letters, every other character
    `allowed(char, unicode category)`; None when not acceptable."""
    if text is None:
        return None
    name = _SPACES.sub(" ", text).strip()
    if not 2 <= len(name) <= 100 or name.startswith("/"):
        return None
    letters = 0
    for char in name:
        category = unicodedata.category(char)
        if category.startswith("L"):
            letters += 1
        elif not allowed(char, category):
            return None
    return name if letters >= 2 else None


def clean_name(text: str | None) -> str | None:
    """A person's name, tidied, or None when it is not acceptable.

    Letters of any script (with their combining marks), spaces and . , ' - are allowed, which
    covers academic titles such as "Dr. Ir. Siti, S.Kom., M.T."; at least two letters."""
    return _clean(text, lambda char, category: category.startswith("M") or char in _NAME_PUNCT)


def clean_org(text: str | None) -> str | None:
    """A free-text organisation: like a name, but digits and ( ) & / are allowed too."""
    return _clean(
        text,
        lambda char, category: category.startswith(("M", "N")) or char in _NAME_PUNCT + "()&/",
    )


# --- rendering -----------------------------------------------------------------------------


def _button(lang: str, key: str, data: str, **values: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(locales.plain(lang, key, **values), callback_data=data)


def dimension_label(context: BotContext, lang: str, dimension: str | None) -> str:
    if dimension == "all":
        return locales.plain(lang, "registration.all_dimensions")
    found = context.event.dimension(dimension)
    return found.name if found else ""


def profile_text(context: BotContext, lang: str, profile: Participant) -> locales.Html:
    """The profile as escaped HTML lines (used by the summary, /profil and /datasaya)."""
    unset = locales.plain(lang, "registration.not_set")
    role = locales.plain(lang, f"registration.role_{profile.role}") if profile.role else ""
    mode = locales.plain(lang, f"registration.mode_{profile.mode}") if profile.mode else ""
    phone = profile.phone or locales.plain(lang, "registration.no_phone")
    return locales.t(
        lang,
        "registration.profile_lines",
        name=profile.full_name or unset,
        opd=context.event.office_name(profile.opd_id, profile.opd_other) or unset,
        role=role or unset,
        dimension=dimension_label(context, lang, profile.dimension) or unset,
        mode=mode or unset,
        phone=phone,
    )


def notice_text(context: BotContext, lang: str) -> locales.Html:
    info = context.event.event
    contacts = "; ".join(
        ", ".join(part for part in (c.name, c.phone, c.telegram) if part) for c in info.contacts
    )
    return locales.t(
        lang,
        "registration.notice",
        version=NOTICE_VERSION,
        event_name=info.name,
        organiser=info.organiser,
        contacts=contacts or info.organiser,
    )


def opd_keyboard(context: BotContext, lang: str, page: int) -> tuple[InlineKeyboardMarkup, int]:
    """One page of the event's OPD, page navigation, and "Lainnya"."""
    opds = context.event.opds
    pages = max(1, -(-len(opds) // OPD_PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    chunk = opds[page * OPD_PAGE_SIZE : (page + 1) * OPD_PAGE_SIZE]
    rows = [[InlineKeyboardButton(o.name, callback_data=f"reg:opd:{o.id}")] for o in chunk]
    nav = []
    if page > 0:
        nav.append(_button(lang, "registration.prev_page", f"reg:opdpage:{page - 1}"))
    if page < pages - 1:
        nav.append(_button(lang, "registration.next_page", f"reg:opdpage:{page + 1}"))
    if nav:
        rows.append(nav)
    rows.append([_button(lang, "registration.opd_other_button", "reg:opd:_other")])
    return InlineKeyboardMarkup(rows), pages


def question(
    context: BotContext, lang: str, step: str, profile: Participant | None, page: int = 0
) -> tuple[locales.Html, InlineKeyboardMarkup | ReplyKeyboardMarkup | None]:
    """The text and keyboard that ask `step`."""
    if step == "consent":
        text = locales.Html(
            f"{notice_text(context, lang)}\n\n{locales.t(lang, 'registration.consent_question')}"
        )
        buttons = [
            _button(lang, "registration.agree", "reg:consent:yes"),
            _button(lang, "registration.disagree", "reg:consent:no"),
        ]
        return text, InlineKeyboardMarkup([buttons])
    if step == "full_name":
        return locales.t(lang, "registration.ask_name"), None
    if step == "opd":
        keyboard, pages = opd_keyboard(context, lang, page)
        page = min(max(page, 0), pages - 1)
        return locales.t(lang, "registration.ask_opd", page=page + 1, pages=pages), keyboard
    if step == "opd_other":
        return locales.t(lang, "registration.ask_opd_other"), None
    if step == "role":
        rows = [[_button(lang, f"registration.role_{r}", f"reg:role:{r}")] for r in ROLES]
        return locales.t(lang, "registration.ask_role"), InlineKeyboardMarkup(rows)
    if step == "dimension":
        return _dimension_question(context, lang, profile)
    if step == "mode":
        buttons = [_button(lang, f"registration.mode_{m}", f"reg:mode:{m}") for m in MODES]
        return locales.t(lang, "registration.ask_mode"), InlineKeyboardMarkup([buttons])
    if step == "phone":
        keyboard = ReplyKeyboardMarkup(
            [
                [
                    KeyboardButton(
                        locales.plain(lang, "registration.share_phone"), request_contact=True
                    )
                ],
                [KeyboardButton(locales.plain(lang, "registration.skip"))],
            ],
            resize_keyboard=True,
            one_time_keyboard=True,
        )
        return locales.t(lang, "registration.ask_phone"), keyboard
    if step == "summary":
        assert profile is not None
        text = locales.t(lang, "registration.summary", profile=profile_text(context, lang, profile))
        buttons = [
            _button(lang, "registration.save", "reg:summary:save"),
            _button(lang, "registration.change", "reg:summary:change"),
        ]
        return text, InlineKeyboardMarkup([buttons])
    if step == "pick_field":
        return locales.t(lang, "registration.which_field"), field_keyboard(lang, "reg:pick_field")
    raise ValueError(f"unknown step {step}")


def _dimension_question(
    context: BotContext, lang: str, profile: Participant | None
) -> tuple[locales.Html, InlineKeyboardMarkup]:
    opd = context.event.opd(profile.opd_id) if profile else None
    default = opd.dimension if opd else None
    dims = sorted(context.event.dimensions, key=lambda d: d.id != default)  # default first
    rows = [
        [
            InlineKeyboardButton(
                ("✓ " if d.id == default else "") + d.name, callback_data=f"reg:dimension:{d.id}"
            )
        ]
        for d in dims
    ]
    if profile is None or profile.role != "tim_pelaksana":
        rows.append([_button(lang, "registration.all_dimensions", "reg:dimension:all")])
    if default is not None:
        name = dimension_label(context, lang, default)
        text = locales.t(lang, "registration.ask_dimension_default", dimension=name)
    else:
        text = locales.t(lang, "registration.ask_dimension")
    return text, InlineKeyboardMarkup(rows)


FIELDS = ("full_name", "opd", "role", "dimension", "mode", "phone")


def field_keyboard(lang: str, prefix: str) -> InlineKeyboardMarkup:
    """A button per profile field, two per row."""
    buttons = [_button(lang, f"registration.field_{f}", f"{prefix}:{f}") for f in FIELDS]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


# --- flow mechanics ------------------------------------------------------------------------


def next_step(profile: Participant) -> str:
    """The first unanswered question, or the summary."""
    if not profile.full_name:
        return "full_name"
    if not profile.opd_id and not profile.opd_other:
        return "opd"
    if not profile.role:
        return "role"
    if not profile.dimension or (profile.role == "tim_pelaksana" and profile.dimension == "all"):
        return "dimension"
    if not profile.mode:
        return "mode"
    return "summary"


async def ask(
    update: Update,
    context: BotContext,
    state: Flow,
    step: str,
    *,
    edit: bool = False,
    page: int = 0,
    prefix: locales.Html | None = None,
) -> None:
    """Save `step` as the user's current step (committed), then ask it."""
    lang = lang_of(update)
    state.step = step
    await flows.save(context.db, state)
    profile = await participants.get(context.db, state.user_id)
    text, keyboard = question(context, lang, step, profile, page)
    changing_one_field = state.data.get("profile") or state.data.get("editing")
    if step in STEP_NUMBER and not changing_one_field:
        number = locales.t(lang, "registration.step_prefix", n=STEP_NUMBER[step])
        text = locales.Html(f"{number} {text}")
    if prefix:
        text = locales.Html(f"{prefix}\n\n{text}")
    # A reply keyboard cannot replace an inline one in an edit: such questions are sent anew.
    if edit and not isinstance(keyboard, ReplyKeyboardMarkup):
        await edit_or_send(update, text, reply_markup=keyboard)
    else:
        await reply(update, text, reply_markup=keyboard)


async def after_answer(
    update: Update, context: BotContext, state: Flow, *, edit: bool = False
) -> None:
    """Where to go once a field is saved: the next question, or back to summary / profile."""
    profile = await participants.get(context.db, state.user_id)
    assert profile is not None
    upcoming = next_step(profile)
    if state.data.get("profile") and upcoming == "summary":
        await flows.clear(context.db, state.user_id, FLOW)
        await show_profile(update, context, profile, edit=edit, updated=True)
        return
    if upcoming == "summary" and not state.data.get("editing") and state.step == "mode":
        upcoming = "phone"  # the optional phone is asked once, after the mode
    if state.data.get("editing") and upcoming == "summary":
        state.data.pop("editing", None)
    await ask(update, context, state, upcoming, edit=edit)


async def begin(update: Update, context: BotContext) -> None:
    """Start or resume the registration of the user behind `update` (private chat)."""
    user = update.effective_user
    if user is None:
        return
    lang = lang_of(update)
    state = await flows.get(context.db, user.id)
    if state is not None and state.flow == FLOW and not state.data.get("profile"):
        await ask(update, context, state, state.step, prefix=locales.t(lang, "registration.resume"))
        return
    profile = await participants.get(context.db, user.id)
    if profile is not None and profile.is_registered:
        await reply(update, locales.t(lang, "registration.already_registered"))
        return
    state = Flow(user.id, FLOW, "consent")
    if (
        profile is not None
        and profile.status == "draft"
        and await consents.active(context.db, user.id)
    ):
        await ask(update, context, state, next_step(profile))
        return
    await ask(update, context, state, "consent")


@private_only(Payload.DAFTAR)
async def daftar(update: Update, context: BotContext) -> None:
    """/daftar and the deep link /start daftar."""
    await begin(update, context)


async def offer(update: Update, context: BotContext) -> None:
    """After the welcome of a bare /start in a private chat: registration for an unregistered
    user. Organisers and admins are not asked to register (they still can, with /daftar)."""
    user = update.effective_user
    if user is None or not is_private(update) or await is_organiser(context, user.id):
        return
    profile = await participants.get(context.db, user.id)
    state = await flows.get(context.db, user.id)
    if (profile is None or not profile.is_registered) and (state is None or state.flow == FLOW):
        await begin(update, context)


# --- answers -------------------------------------------------------------------------------


async def on_message(update: Update, context: BotContext, state: Flow) -> None:
    """A free message while the user is registering or editing their profile."""
    message = update.effective_message
    if message is None:
        return
    lang = lang_of(update)
    step = state.step
    if step == "phone":
        await _on_phone(update, context, state)
        return
    if message.text is None:
        await ask(
            update, context, state, step, prefix=locales.t(lang, "registration.reprompt_media")
        )
        return
    if step not in TEXT_STEPS:
        await ask(
            update, context, state, step, prefix=locales.t(lang, "registration.reprompt_button")
        )
        return
    if step == "full_name":
        name = clean_name(message.text)
        if name is None:
            await reply(update, locales.t(lang, "registration.bad_name"))
            return
        await participants.update(context.db, state.user_id, full_name=name)
    else:
        org = clean_org(message.text)
        if org is None:
            await reply(update, locales.t(lang, "registration.bad_opd_other"))
            return
        await participants.update(context.db, state.user_id, opd_id=None, opd_other=org)
    await after_answer(update, context, state)


async def _on_phone(update: Update, context: BotContext, state: Flow) -> None:
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    lang = lang_of(update)
    contact = message.contact
    if contact is not None:
        if contact.user_id != user.id:  # someone else's card: not theirs to give
            await reply(update, locales.t(lang, "registration.phone_not_yours"))
            return
        await participants.update(context.db, state.user_id, phone=contact.phone_number)
        done = "registration.phone_saved"
    elif message.text and message.text.strip() == locales.plain(lang, "registration.skip"):
        await participants.update(context.db, state.user_id, phone=None)
        done = "registration.phone_skipped"
    else:
        await reply(update, locales.t(lang, "registration.phone_use_button"))
        return
    state.data.pop("editing", None)
    await reply(update, locales.t(lang, done), reply_markup=ReplyKeyboardRemove())
    await after_answer(update, context, state)


async def on_command(update: Update, context: BotContext, state: Flow) -> None:
    """An unknown command inside the registration re-asks the question."""
    prefix = locales.t(lang_of(update), "registration.reprompt_command")
    await ask(update, context, state, state.step, prefix=prefix)


async def on_callback(update: Update, context: BotContext) -> None:
    """Every `reg:` button. Acted on only when it belongs to the presser's current step."""
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None or query.data is None:
        return
    lang = lang_of(update)
    _, step, value = (query.data.split(":", 2) + ["", ""])[:3]
    state = await flows.get(context.db, user.id)
    current = state.step if state is not None and state.flow == FLOW else None
    if step == "opdpage" and current == "opd":
        current = "opdpage"
    if step != current or state is None:
        await answer_callback(update, locales.plain(lang, "common.expired"), alert=True)
        return
    handled = await _apply(update, context, state, step, value)
    if not handled:
        await answer_callback(update, locales.plain(lang, "common.expired"), alert=True)
        return
    await answer_callback(update)


async def _apply(update: Update, context: BotContext, state: Flow, step: str, value: str) -> bool:
    """Save one button answer and move on. False when the value is not valid here."""
    db, uid = context.db, state.user_id
    lang = lang_of(update)
    if step == "consent":
        if value == "no":
            await flows.clear(db, uid, FLOW)
            await edit_or_send(update, locales.t(lang, "registration.declined"))
            return True
        if value != "yes":
            return False
        async with db.transaction():
            await consents.give(db, uid, NOTICE_VERSION)
            await users.touch(db, uid, lang)  # participants.user_id references users
            await participants.start_draft(db, uid)
        profile = await participants.get(db, uid)
        assert profile is not None
        prefix = locales.t(lang, "registration.consent_recorded")
        await ask(update, context, state, next_step(profile), edit=True, prefix=prefix)
        return True
    if step == "opdpage":
        if not value.isdigit():
            return False
        await ask(update, context, state, "opd", edit=True, page=int(value))
        return True
    if step == "opd":
        if value == "_other":
            await ask(update, context, state, "opd_other", edit=True)
            return True
        if context.event.opd(value) is None:
            return False
        await participants.update(db, uid, opd_id=value, opd_other=None)
    elif step == "role":
        if value not in ROLES:
            return False
        await participants.update(db, uid, role=value)
    elif step == "dimension":
        profile = await participants.get(db, uid)
        valid = value == "all" or context.event.dimension(value) is not None
        if not valid or (value == "all" and profile and profile.role == "tim_pelaksana"):
            await answer_callback(
                update, locales.plain(lang, "registration.tim_needs_dimension"), alert=True
            )
            return True
        await participants.update(db, uid, dimension=value)
    elif step == "mode":
        if value not in MODES:
            return False
        await participants.update(db, uid, mode=value)
    elif step == "summary":
        return await _summary(update, context, state, value)
    elif step == "pick_field":
        if value not in FIELDS:
            return False
        state.data["editing"] = True
        await ask(update, context, state, value, edit=True)
        return True
    else:
        return False
    await _after_button(update, context, state, step)
    return True


async def _after_button(update: Update, context: BotContext, state: Flow, step: str) -> None:
    """After a button answer: while editing a single field, a new office or role may call for
    the dimension again (its default, or Tim Pelaksana without "all")."""
    profile = await participants.get(context.db, state.user_id)
    assert profile is not None
    editing = state.data.get("editing") or state.data.get("profile")
    if editing and step == "opd" and profile.role is not None:
        await ask(update, context, state, "dimension", edit=True)
        return
    await after_answer(update, context, state, edit=True)


async def _summary(update: Update, context: BotContext, state: Flow, value: str) -> bool:
    db, uid = context.db, state.user_id
    lang = lang_of(update)
    if value == "change":
        await ask(update, context, state, "pick_field", edit=True)
        return True
    if value != "save":
        return False
    profile = await participants.get(db, uid)
    if profile is None or next_step(profile) != "summary":
        return False
    async with db.transaction():
        await participants.mark_registered(db, uid)
        await flows.clear(db, uid, FLOW)
    await edit_or_send(update, locales.t(lang, "registration.saved", name=profile.full_name))
    return True


async def on_cancel(update: Update, context: BotContext, state: Flow) -> None:
    """/batal: the flow row is already gone; say what was kept."""
    lang = lang_of(update)
    remove = ReplyKeyboardRemove() if state.step == "phone" else None
    if state.data.get("profile"):
        await reply(update, locales.t(lang, "registration.edit_cancelled"), reply_markup=remove)
        return
    profile = await participants.get(context.db, state.user_id)
    if profile is None or state.step == "consent":
        await reply(update, locales.t(lang, "registration.cancelled_nothing"), reply_markup=remove)
        return
    kept = []
    for name, present in (
        ("full_name", profile.full_name),
        ("opd", profile.opd_id or profile.opd_other),
        ("role", profile.role),
        ("dimension", profile.dimension),
        ("mode", profile.mode),
        ("phone", profile.phone),
    ):
        if present:
            kept.append(locales.plain(lang, f"registration.field_{name}"))
    if kept:
        text = locales.t(lang, "registration.cancelled_kept", fields=", ".join(kept))
    else:
        text = locales.t(lang, "registration.cancelled_kept_none")
    await reply(update, text, reply_markup=remove)


# --- /profil -------------------------------------------------------------------------------


async def show_profile(
    update: Update,
    context: BotContext,
    profile: Participant,
    *,
    edit: bool = False,
    updated: bool = False,
) -> None:
    lang = lang_of(update)
    parts = [locales.t(lang, "registration.profile_updated")] if updated else []
    parts += [
        locales.t(lang, "registration.profile_title"),
        profile_text(context, lang, profile),
        "",
        locales.t(lang, "registration.profile_hint"),
    ]
    keyboard = field_keyboard(lang, "prof:edit")
    if edit:
        await edit_or_send(update, "\n".join(parts), reply_markup=keyboard)
    else:
        await reply(update, "\n".join(parts), reply_markup=keyboard)


@private_only(Payload.PROFIL)
async def profil(update: Update, context: BotContext) -> None:
    """/profil: the profile with a button per field."""
    user = update.effective_user
    assert user is not None
    profile = await participants.get(context.db, user.id)
    if profile is None or not profile.is_registered:
        await reply(update, locales.t(lang_of(update), "registration.not_registered"))
        return
    await show_profile(update, context, profile)


async def on_profile_callback(update: Update, context: BotContext) -> None:
    """`prof:edit:<field>`: change one field of the presser's own registered profile."""
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None or query.data is None:
        return
    lang = lang_of(update)
    field = query.data.split(":", 2)[-1]
    profile = await participants.get(context.db, user.id)
    if field not in FIELDS or profile is None or not profile.is_registered:
        await answer_callback(update, locales.plain(lang, "common.expired"), alert=True)
        return
    await answer_callback(update)
    state = Flow(user.id, FLOW, field, {"profile": True})
    await ask(update, context, state, field, edit=True)


# --- /privasi, /datasaya, /hapusdata --------------------------------------------------------


async def privasi(update: Update, context: BotContext) -> None:
    """/privasi: the notice again (nothing personal: fine in groups too)."""
    await reply(update, notice_text(context, lang_of(update)))


async def collect_data(context: BotContext, user_id: int) -> dict[str, object]:
    """Everything stored about the user, JSON-able."""
    profile = await participants.get(context.db, user_id)
    state = await flows.get(context.db, user_id)
    data: dict[str, object] = {
        "telegram_user_id": user_id,
        "language": await users.language(context.db, user_id),
        "participant": profile.as_dict() if profile else None,
        "consents": await consents.history(context.db, user_id),
        "conversation_in_progress": (
            {"flow": state.flow, "step": state.step, "data": state.data} if state else None
        ),
    }
    for exporter in ON_EXPORT:
        data.update(await exporter(context.db, user_id))
    return data


@private_only(Payload.DATASAYA)
async def datasaya(update: Update, context: BotContext) -> None:
    """/datasaya: a readable summary and the complete JSON file."""
    user = update.effective_user
    assert user is not None
    lang = lang_of(update)
    data = await collect_data(context, user.id)
    profile = await participants.get(context.db, user.id)
    history = await consents.history(context.db, user.id)
    parts = [locales.t(lang, "registration.data_title")]
    if profile is None and not history:
        parts.append(locales.t(lang, "registration.data_none"))
    if profile is not None:
        status = locales.plain(lang, f"registration.status_{profile.status}")
        parts += [locales.t(lang, "registration.data_profile", status=status)]
        if profile.status != "deleted":
            parts.append(profile_text(context, lang, profile))
    if history:
        lines = [
            locales.plain(
                lang,
                "registration.data_consent_line",
                version=c["notice_version"],
                given=_moment(context, c["given_at"], lang),
                withdrawn=(
                    locales.plain(
                        lang,
                        "registration.data_withdrawn",
                        withdrawn=_moment(context, c["withdrawn_at"], lang),
                    )
                    if c["withdrawn_at"]
                    else ""
                ),
            )
            for c in history
        ]
        parts.append(locales.t(lang, "registration.data_consents", consents="; ".join(lines)))
    await reply(update, "\n".join(parts))
    payload = json.dumps(data, ensure_ascii=False, indent=2, default=str).encode("utf-8")
    chat = update.effective_chat
    assert chat is not None
    await chat.send_document(
        io.BytesIO(payload),
        filename=f"datasaya-{user.id}.json",
        caption=locales.t(lang, "registration.data_file_caption"),
    )
    await audit.record(context.db, user.id, "data_access_self")


def _moment(context: BotContext, stored: str, lang: str) -> str:
    """A stored ISO time as people read it, in the event's zone (the JSON file keeps ISO)."""
    try:
        return format_datetime(datetime.fromisoformat(stored), context.event.tz, lang)
    except (TypeError, ValueError):
        return str(stored)


@private_only(Payload.HAPUSDATA)
async def hapusdata(update: Update, context: BotContext) -> None:
    """/hapusdata: ask for confirmation first."""
    user = update.effective_user
    assert user is not None
    lang = lang_of(update)
    profile = await participants.get(context.db, user.id)
    if (profile is None or profile.status == "deleted") and not await consents.active(
        context.db, user.id
    ):
        await reply(update, locales.t(lang, "registration.nothing_to_delete"))
        return
    keyboard = InlineKeyboardMarkup(
        [
            [_button(lang, "registration.delete_yes", "del:yes")],
            [_button(lang, "registration.delete_no", "del:no")],
        ]
    )
    await reply(update, locales.t(lang, "registration.delete_confirm"), reply_markup=keyboard)


async def delete_user_data(db: Database, user_id: int) -> bool:
    """Erase the personal data, withdraw consent, end any flow and run the ON_DELETE hooks,
    all in one transaction. Keeps only the consent proof. True when anything was removed."""
    async with db.transaction():
        erased = await participants.erase(db, user_id)
        withdrawn = await consents.withdraw(db, user_id)
        await flows.clear(db, user_id)
        for hook in ON_DELETE:
            await hook(db, user_id)
        if erased or withdrawn:
            await audit.record(db, user_id, "data_deleted_self", consents_withdrawn=withdrawn)
    return bool(erased or withdrawn)


async def on_delete_callback(update: Update, context: BotContext) -> None:
    """`del:yes` / `del:no`: always about the presser's own data."""
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None:
        return
    lang = lang_of(update)
    await answer_callback(update)
    if query.data != "del:yes":
        await edit_or_send(update, locales.t(lang, "registration.delete_kept"))
        return
    removed = await delete_user_data(context.db, user.id)
    key = "registration.deleted" if removed else "registration.nothing_to_delete"
    await edit_or_send(update, locales.t(lang, key), reply_markup=None)
