"""Fixtures: the fake Telegram server, settings on a temporary database, the running bot."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from localtg import FakeTelegram
from tests.harness import TOKEN, RunningBot, make_settings

ADMIN_ID = 900001
ORGANISER_ID = 900002


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram(token=TOKEN, bot_username="bimtek_test_bot")
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "bimtek.sqlite3"


@pytest.fixture
def settings(tg: FakeTelegram, db_path: Path):
    return make_settings(tg, db_path, admin_ids=[ADMIN_ID], organiser_ids=[ORGANISER_ID])


@pytest.fixture
async def bot(settings) -> AsyncIterator[RunningBot]:
    running = RunningBot(settings)
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture
def admin(tg: FakeTelegram):
    return tg.user(first_name="Admin", language_code="id", user_id=ADMIN_ID)


@pytest.fixture
def organiser(tg: FakeTelegram):
    return tg.user(first_name="Panitia", language_code="id", user_id=ORGANISER_ID)
