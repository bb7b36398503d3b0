"""What the registration shows: each step's question and keyboard, the profile with its edit
buttons. Nothing here writes or sends; handlers/registration/steps.py does.

Every button is `reg:<step>:<value>` (or `prof:edit:<field>` on the profile), built with
handlers/base/keyboards.py. The profile lines and the privacy notice are domain texts
(domain/people.py, domain/privacy.py) shared with /datasaya and /privasi."""

from __future__ import annotations

from collections.abc import Callable

from telegram import InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

import locales
from domain.people import FIELDS, ONE_DIMENSION_ROLE, dimension_label, profile_text
from domain.privacy import notice_text
from handlers.base.callbacks import Feature, encode
from handlers.base.context import BotContext
from handlers.base.keyboards import button, labelled, language_buttons, rows_of
from schedules.event import ALL_DIMENSIONS, MODES, ROLES
from storage.participants import Participant

__all__ = ["QUESTIONS", "field_keyboard", "notice_text", "profile_text", "profile_view"]

OPD_PAGE_SIZE = 8
REG = Feature.REGISTRATION

Keyboard = InlineKeyboardMarkup | ReplyKeyboardMarkup | None
Question = tuple[locales.Html, Keyboard]
# How a step is asked: (context, language, the profile so far, the OPD page) -> question.
Asker = Callable[[BotContext, str, Participant | None, int], Question]


def language(context: BotContext, lang: str, profile: Participant | None, page: int) -> Question:
    """Offered once, before the privacy notice, to someone whose Telegram is not Indonesian."""
    return locales.t(lang, "language.offer"), language_buttons(REG, "language")


def consent(context: BotContext, lang: str, profile: Participant | None, page: int) -> Question:
    notice = notice_text(context.event, lang)
    text = locales.Html(f"{notice}\n\n{locales.t(lang, 'registration.consent_question')}")
    buttons = [
        button(lang, "registration.agree", REG, "consent", "yes"),
        button(lang, "registration.disagree", REG, "consent", "no"),
    ]
    return text, InlineKeyboardMarkup([buttons])


def full_name(context: BotContext, lang: str, profile: Participant | None, page: int) -> Question:
    return locales.t(lang, "registration.ask_name"), None


def opd(context: BotContext, lang: str, profile: Participant | None, page: int) -> Question:
    """One page of the event's OPD, page navigation, and "Lainnya"."""
    opds = context.event.opds
    pages = max(1, -(-len(opds) // OPD_PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    chunk = opds[page * OPD_PAGE_SIZE : (page + 1) * OPD_PAGE_SIZE]
    # Short names on buttons (never a long name cut mid-word); the full name in texts.
    rows = [[labelled(o.short_name, REG, "opd", o.id)] for o in chunk]
    nav = []
    if page > 0:
        nav.append(button(lang, "registration.prev_page", REG, "opdpage", page - 1))
    if page < pages - 1:
        nav.append(button(lang, "registration.next_page", REG, "opdpage", page + 1))
    if nav:
        rows.append(nav)
    rows.append([button(lang, "registration.opd_other_button", REG, "opd", "_other")])
    text = locales.t(lang, "registration.ask_opd", page=page + 1, pages=pages)
    return text, InlineKeyboardMarkup(rows)


def opd_other(context: BotContext, lang: str, profile: Participant | None, page: int) -> Question:
    return locales.t(lang, "registration.ask_opd_other"), None


def opd_guess(lang: str, office: str) -> Question:
    """A typed office that may be this OPD: Ya (the OPD) or Bukan (the text as typed). Not in
    QUESTIONS: what it asks about lives in the flow's data (handlers/registration/steps.py)."""
    buttons = [
        button(lang, "common.office_guess_yes", REG, "opd_guess", "yes"),
        button(lang, "common.office_guess_no", REG, "opd_guess", "no"),
    ]
    return locales.t(lang, "common.office_guess", office=office), InlineKeyboardMarkup([buttons])


def role(context: BotContext, lang: str, profile: Participant | None, page: int) -> Question:
    rows = [[button(lang, f"registration.role_{r}", REG, "role", r)] for r in ROLES]
    return locales.t(lang, "registration.ask_role"), InlineKeyboardMarkup(rows)


def dimension(context: BotContext, lang: str, profile: Participant | None, page: int) -> Question:
    """The dimensions, the office's own first (marked ✓); "all" unless Tim Pelaksana."""
    office = context.event.opd(profile.opd_id) if profile else None
    default = office.dimension if office else None
    dims = sorted(context.event.dimensions, key=lambda d: d.id != default)  # default first
    rows = [
        [labelled(("✓ " if d.id == default else "") + d.name, REG, "dimension", d.id)] for d in dims
    ]
    if profile is None or profile.role != ONE_DIMENSION_ROLE:
        rows.append([button(lang, "registration.all_dimensions", REG, "dimension", ALL_DIMENSIONS)])
    if default is not None:
        name = dimension_label(context.event, lang, default)
        text = locales.t(lang, "registration.ask_dimension_default", dimension=name)
    else:
        text = locales.t(lang, "registration.ask_dimension")
    return text, InlineKeyboardMarkup(rows)


def dimension_after_office(
    context: BotContext, lang: str, profile: Participant, pending: dict[str, object]
) -> Question:
    """The group question after a change of office: the new office's group ticked, the
    group before marked "(sebelumnya)", which stays only when it is pressed."""
    new_office = Participant(**(profile.as_dict() | {"opd_id": pending.get("opd_id")}))
    _, keyboard = dimension(context, lang, new_office, 0)
    old = str(pending.get("dimension") or "")
    assert isinstance(keyboard, InlineKeyboardMarkup)
    previous = encode(REG, "dimension", old) if old else None
    rows = [
        [
            labelled(
                locales.plain(lang, "forgiving.dimension_previous", name=b.text),
                REG,
                "dimension",
                old,
            )
            if b.callback_data == previous
            else b
            for b in row
        ]
        for row in keyboard.inline_keyboard
    ]
    text = locales.t(
        lang,
        "forgiving.dimension_after_office",
        office=context.event.office_name(new_office.opd_id, pending.get("opd_other")),  # type: ignore[arg-type]
        old=dimension_label(context.event, lang, old)
        if old
        else locales.plain(lang, "registration.not_set"),
    )
    return text, InlineKeyboardMarkup(rows)


def mode(context: BotContext, lang: str, profile: Participant | None, page: int) -> Question:
    buttons = [button(lang, f"registration.mode_{m}", REG, "mode", m) for m in MODES]
    return locales.t(lang, "registration.ask_mode"), InlineKeyboardMarkup([buttons])


def phone(context: BotContext, lang: str, profile: Participant | None, page: int) -> Question:
    """A reply keyboard: Telegram's share-contact button (the only way a number is taken)."""
    share = KeyboardButton(locales.plain(lang, "registration.share_phone"), request_contact=True)
    skip = KeyboardButton(locales.plain(lang, "registration.skip"))
    keyboard = ReplyKeyboardMarkup([[share], [skip]], resize_keyboard=True, one_time_keyboard=True)
    return locales.t(lang, "registration.ask_phone"), keyboard


def summary(context: BotContext, lang: str, profile: Participant | None, page: int) -> Question:
    assert profile is not None
    lines = profile_text(context.event, lang, profile)
    buttons = [
        button(lang, "registration.save", REG, "summary", "save"),
        button(lang, "registration.change", REG, "summary", "change"),
    ]
    text = locales.t(lang, "registration.summary", profile=lines)
    return text, InlineKeyboardMarkup([buttons])


BACK = "_back"  # the Ubah menu's way back to the summary (no field is called that)


def pick_field(context: BotContext, lang: str, profile: Participant | None, page: int) -> Question:
    keyboard = field_keyboard(lang, REG, "pick_field")
    back = [button(lang, "common.back", REG, "pick_field", BACK)]  # Ubah pressed by mistake
    return locales.t(lang, "registration.which_field"), InlineKeyboardMarkup(
        [*keyboard.inline_keyboard, back]
    )


QUESTIONS: dict[str, Asker] = {
    "language": language,
    "consent": consent,
    "full_name": full_name,
    "opd": opd,
    "opd_other": opd_other,
    "role": role,
    "dimension": dimension,
    "mode": mode,
    "phone": phone,
    "summary": summary,
    "pick_field": pick_field,
}


def field_keyboard(lang: str, feature: str, action: str) -> InlineKeyboardMarkup:
    """A button per profile field (`feature:action:<field>`), two per row."""
    buttons = [button(lang, f"registration.field_{f}", feature, action, f) for f in FIELDS]
    return rows_of(buttons, 2)


def profile_view(
    context: BotContext, lang: str, profile: Participant, *, updated: bool = False
) -> tuple[locales.Html, InlineKeyboardMarkup]:
    """/profil: the profile and a button per field (`prof:edit:<field>`)."""
    parts = [locales.t(lang, "registration.profile_updated"), locales.Html("")] if updated else []
    parts += [
        locales.t(lang, "registration.profile_title"),
        profile_text(context.event, lang, profile),
        locales.Html(""),
        locales.t(lang, "registration.profile_hint"),
    ]
    return locales.Html("\n".join(parts)), field_keyboard(lang, Feature.PROFILE, "edit")
