"""Deep links end to end: every personal command sent in a group answers with a button to the
private chat, and that button (`t.me/<bot>?start=<payload>`) lands the person exactly where
the command itself would have taken them in the private chat.

Each command is checked with two people in the same situation: one sends it in a group and
follows the button (/start <payload> in the private chat), the other ("twin") sends the command
in the private chat; both must get the same messages (text and button labels). Every pair is
independent, so they all run at once."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest

import locales
from localtg import BotMessage, SimUser, parse_html
from storage import staff
from tests.conftest import ADMIN_ID, ORGANISER_ID
from tests.harness import make_settings
from tests.seeding import registered

ADMIN_TWIN = 900101
PRIVATE_ONLY = parse_html(locales.t("id", "common.private_only"))[0]
OPEN_PRIVATE = locales.plain("id", "common.open_private")
# Longer than the gap the limiter keeps between messages to one private chat after a burst
# of three (1/0.9 s), so that a reply of four or more messages is read whole.
QUIET = 1.3


@dataclass(frozen=True)
class Case:
    command: str
    who: str  # "newcomer" (not registered), "participant", "organiser" or "admin"


CASES = [
    Case("/daftar", "newcomer"),
    Case("/daftar", "participant"),
    Case("/profil", "participant"),
    Case("/datasaya", "participant"),
    Case("/hapusdata", "participant"),
    Case("/usul", "participant"),
    Case("/usulanku", "participant"),
    Case("/batal", "participant"),
    Case("/pengingat", "participant"),
    Case("/bahasa", "newcomer"),
    Case("/rekap", "organiser"),
    Case("/umumkan", "organiser"),
    Case("/siaran", "organiser"),
    Case("/ekspor", "admin"),
    Case("/presensi", "organiser"),
    Case("/umpanbalik", "organiser"),
    Case("/materi", "participant"),
    Case("/sertifikat", "participant"),
]


@pytest.fixture
def settings(tg, db_path):
    """Two admins, so that /ekspor has a twin too (organisers are added in the test)."""
    return make_settings(
        tg, db_path, admin_ids=[ADMIN_ID, ADMIN_TWIN], organiser_ids=[ORGANISER_ID]
    )


async def answers(user: SimUser) -> list[BotMessage]:
    """Everything the bot says to `user` in reply: waits for the first message however busy
    the machine is, then until the bot has been quiet (an edit of the first counts once)."""
    first = await user.expect(re.compile(r"[\s\S]"), timeout=15)
    rest = await user.wait_idle(QUIET)
    return [first, *(m for m in rest if m is not first)]


def seen(messages: list[BotMessage], user: SimUser) -> list[tuple]:
    """What a person sees of the bot's messages: kind, text (their own id written as <id>),
    button labels, and the name of any file."""
    return [
        (
            m.kind,
            m.content.replace(str(user.id), "<id>"),
            m.buttons,
            m.document.filename.replace(str(user.id), "<id>")
            if m.document and m.document.filename
            else None,
        )
        for m in messages
    ]


async def test_every_group_button_lands_where_the_command_would(tg, bot, admin, organiser):
    db = bot.db

    async def people(case: Case) -> tuple[SimUser, SimUser]:
        """Two people in the same situation: the one who clicks and the twin."""
        if case.who == "admin":
            return admin, tg.user(first_name="Admin", user_id=ADMIN_TWIN)
        if case.who == "organiser":
            pair = [tg.user(first_name="Panitia") for _ in range(2)]
            for person in pair:
                await staff.add_organiser(db, person.id, ADMIN_ID)
            return pair[0], pair[1]
        pair = [tg.user(first_name="Sari") for _ in range(2)]
        if case.who == "participant":
            for person in pair:
                await registered(db, person.id, full_name="Sari Wulandari", opd_id="dinkes")
        return pair[0], pair[1]

    pairs = [await people(case) for case in CASES]
    groups = [tg.group(f"Bimtek kelompok {n}") for n in range(len(CASES))]

    async def check(case: Case, clicker: SimUser, twin: SimUser, group) -> None:
        # In a group: no personal data, a button to the private chat instead.
        await clicker.send(case.command, group)
        prompt = await clicker.expect(PRIVATE_ONLY, chat=group)
        assert prompt.buttons == [[OPEN_PRIVATE]], case
        link = urlsplit(prompt.inline_keyboard[0][0]["url"])
        assert (link.scheme, link.netloc, link.path) == ("https", "t.me", f"/{tg.bot_username}")
        (payload,) = parse_qs(link.query)["start"]
        # The button opens the private chat with /start <payload>; the twin types the command.
        await clicker.send(f"/start {payload}")
        await twin.send(case.command)
        followed = seen(await answers(clicker), clicker)
        typed = seen(await answers(twin), twin)
        for _ in range(4):  # a slow machine: a file may come after a quiet moment
            if followed == typed:
                break
            followed += seen(await clicker.wait_idle(QUIET), clicker)
            typed += seen(await twin.wait_idle(QUIET), twin)
        assert typed, case  # the command answers in a private chat
        assert followed == typed, (case, payload)

    outcomes = await asyncio.gather(
        *(
            check(case, clicker, twin, group)
            for case, (clicker, twin), group in zip(CASES, pairs, groups, strict=True)
        ),
        return_exceptions=True,
    )
    failures = [
        f"{case.command} ({case.who}): {outcome}"
        for case, outcome in zip(CASES, outcomes, strict=True)
        if outcome is not None
    ]
    assert not failures, "\n\n".join(failures)
