"""The flow engine (handlers/base/flows.py): which presses a step takes (`_press_fits`), and
`commit`, which writes an answer and the next step in one transaction, against a real
storage.db.Database on a temporary file."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from handlers.base import flows as engine
from handlers.base import router
from handlers.base.callbacks import decode
from handlers.base.flows import END, FlowSpec, Move, Step, Turn, _press_fits
from storage import flows
from storage.db import Database
from storage.flows import Flow

USER = 4242


async def _never(*_: Any) -> Any:
    raise AssertionError("not called in these tests")


def spec(*, menu_bound: bool = False) -> FlowSpec:
    return FlowSpec(
        name="demo",
        feature="dm",
        steps={
            "pick": Step(ask=_never, actions=frozenset({"color", "size:big"})),
            "confirm": Step(ask=_never, actions=frozenset({"yes", "no"})),
        },
        wrong_input=_never,
        menu_bound=menu_bound,
        any_step_actions=frozenset({"cancel"}),
    )


def state(step: str = "pick", flow: str = "demo", message_id: int | None = None) -> Flow:
    return Flow(USER, flow, step, {}, message_id)


def fits(data: str, at: Flow | None, message_id: int | None = None, **options: Any) -> bool:
    press = decode(data)
    assert press is not None
    return _press_fits(spec(**options), at, press, message_id)


# --- _press_fits ---------------------------------------------------------------------------


def test_a_press_fits_the_current_step_of_its_flow() -> None:
    assert fits("dm:color", state())
    assert fits("dm:color:red", state())  # arguments do not matter ...
    assert fits("dm:size:big", state())  # ... unless the step lists "action:first-arg"
    assert not fits("dm:size:small", state())
    assert not fits("dm:size", state())
    assert fits("dm:yes", state("confirm"))


def test_a_press_from_another_step_flow_or_feature_does_not_fit() -> None:
    assert not fits("dm:yes", state("pick"))  # a button of another step (an old message)
    assert not fits("dm:color", state("confirm"))
    assert not fits("dm:color", state(flow="other"))  # the user is in another flow
    assert not fits("xx:color", state())  # another feature's button
    assert not fits("dm:color", None)  # in no flow at all
    assert not fits("dm:color", state("gone"))  # a step the flow no longer has
    assert not fits("dm:unknown", state())


def test_buttons_of_every_step_fit_at_any_step() -> None:
    assert fits("dm:cancel", state("pick"))
    assert fits("dm:cancel", state("confirm"))
    assert not fits("dm:cancel", state("gone"))
    assert not fits("dm:cancel", state(flow="other"))


def test_menu_bound_flows_take_presses_only_from_the_last_menu() -> None:
    assert fits("dm:color", state(message_id=10), 10, menu_bound=True)
    assert not fits("dm:color", state(message_id=10), 9, menu_bound=True)  # an older menu
    assert not fits("dm:cancel", state(message_id=10), 9, menu_bound=True)
    assert fits("dm:color", state(message_id=None), 9, menu_bound=True)  # menu not recorded
    assert fits("dm:color", state(message_id=10), 9)  # flows not bound to a menu


# --- commit ----------------------------------------------------------------------------------


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database(tmp_path / "flows.sqlite3").open()
    await database.execute("CREATE TABLE answers (user_id INTEGER, value TEXT)")
    await flows.save(database, state("pick", message_id=10))
    try:
        yield database
    finally:
        await database.close()


def turn(db: Database, current: Flow) -> Turn:
    return Turn(update=None, context=SimpleNamespace(db=db), state=current, spec=spec())


def outside(path: Path) -> tuple[int, str | None]:
    """What another connection sees: the number of answers and the stored step."""
    with closing(sqlite3.connect(path)) as other:
        (answers,) = other.execute("SELECT COUNT(*) FROM answers").fetchone()
        row = other.execute("SELECT step FROM flows WHERE user_id = ?", (USER,)).fetchone()
    return answers, row[0] if row else None


def insert(db: Database, value: str) -> Any:
    return db.execute("INSERT INTO answers (user_id, value) VALUES (?, ?)", (USER, value))


async def test_commit_writes_the_answer_and_the_step_in_one_transaction(db: Database) -> None:
    seen_during_write: list[tuple[int, str | None]] = []

    async def write() -> None:
        await insert(db, "red")
        seen_during_write.append(outside(db.path))

    current = (await flows.get(db, USER)) or state()
    await engine.commit(turn(db, current), Move(to="confirm", write=write))
    assert seen_during_write == [(0, "pick")]  # nothing was visible before the commit
    assert outside(db.path) == (1, "confirm")  # then both at once
    stored = await flows.get(db, USER)
    assert stored is not None and stored.step == "confirm"
    assert stored.message_id is None  # the new step has not sent its menu yet


async def test_a_failing_step_save_rolls_the_answer_back(db: Database, monkeypatch) -> None:
    async def broken_save(*_: Any) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(flows, "save", broken_save)
    with pytest.raises(sqlite3.OperationalError):
        await engine.commit(turn(db, state()), Move(to="confirm", write=lambda: insert(db, "red")))
    assert outside(db.path) == (0, "pick")  # neither the answer nor the step


async def test_a_failing_write_keeps_the_step(db: Database) -> None:
    async def write() -> None:
        await insert(db, "red")
        await insert(db, "blue")
        raise ValueError("the second half of the answer is invalid")

    with pytest.raises(ValueError):
        await engine.commit(turn(db, state()), Move(to="confirm", write=write))
    assert outside(db.path) == (0, "pick")


async def test_end_removes_the_flow_with_the_last_answer(db: Database, monkeypatch) -> None:
    await engine.commit(turn(db, state()), Move(to=END, write=lambda: insert(db, "done")))
    assert outside(db.path) == (1, None)
    assert await flows.get(db, USER) is None
    # And when ending fails, the last answer goes too.
    await flows.save(db, state("confirm"))

    async def broken_clear(*_: Any) -> bool:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(flows, "clear", broken_clear)
    with pytest.raises(sqlite3.OperationalError):
        await engine.commit(turn(db, state("confirm")), Move(to=END, write=lambda: insert(db, "x")))
    assert outside(db.path) == (1, "confirm")


async def test_a_move_that_stays_commits_only_the_write(db: Database) -> None:
    await engine.commit(turn(db, state()), Move(to=None, write=lambda: insert(db, "note")))
    assert outside(db.path) == (1, "pick")
    stored = await flows.get(db, USER)
    assert stored is not None and stored.message_id == 10  # the menu is still the current one


# --- a text that read as a question ----------------------------------------------------------


def waiting(step: str = "pick", menu: int | None = 20, at: str = "pick") -> Flow:
    """At step `at`, a text typed at `step` waits for "Jawaban / Pertanyaan" (menu `menu`)."""
    pending = {"step": step, "text": "kapan?", "message": 7, "menu": menu}
    return Flow(USER, "demo", at, {engine.QUESTION: pending})


def settles(data: str, at: Flow | None, menu_id: int | None = 20) -> bool:
    return router._pending_question(at, decode(data), menu_id) is not None


def test_only_the_latest_question_of_the_current_step_is_settled() -> None:
    assert settles("flow:answer", waiting())
    assert settles("flow:question", waiting())
    assert not settles("flow:answer", waiting(), menu_id=19)  # an older question's menu
    assert settles("flow:answer", waiting(menu=None), menu_id=19)  # menu not recorded
    assert not settles("flow:answer", waiting(at="confirm"))  # asked at another step
    assert not settles("flow:answer", state())  # nothing waits
    assert not settles("flow:answer", None)
    assert not settles("flow:other", waiting())
    assert not settles("dm:answer", waiting())  # a flow's own button, not the engine's


async def test_moving_on_drops_a_waiting_question(db: Database) -> None:
    current = waiting()
    await engine.commit(turn(db, current), Move(to="confirm"))
    stored = await flows.get(db, USER)
    assert stored is not None and engine.QUESTION not in stored.data


def test_the_note_of_a_typed_answer_is_one_short_escaped_line() -> None:
    assert engine.stored_note("id", "Nama", "Siti Rahmawati, S.Kom.") == (
        "Nama tercatat: Siti Rahmawati, S.Kom."
    )
    assert engine.stored_note("id", "Instansi", "Dinas Lingkungan Hidup") == (
        "Instansi tercatat: Dinas Lingkungan Hidup."
    )
    assert engine.stored_note("en", "Name", "Alice") == "Name saved: Alice."
    long = engine.stored_note("id", "Deskripsi", "kata\n" * 40)
    assert "\n" not in long and long.endswith("…")
    assert long == "Deskripsi tercatat: " + ("kata " * 12).strip() + "…"
    assert engine.stored_note("id", "Nama", "<b>x</b> & y") == (
        "Nama tercatat: &lt;b&gt;x&lt;/b&gt; &amp; y."
    )
