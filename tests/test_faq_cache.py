"""The FAQ index cached in the data folder (domain/faq/cache.py) and loaded after start-up:
the cached books answer exactly as the built ones, a change of the FAQ files gives another
file, a damaged or unwritable cache only costs a build, and a question that comes before the
index is ready waits for it."""

from __future__ import annotations

import asyncio
import logging
import pickle
import shutil
import threading
import time
from pathlib import Path

from domain.faq import book as faq_book
from domain.faq import cache
from domain.faq.book import load_books
from tests.harness import BotProcess, RunningBot

QUESTIONS = [
    "kapan jadwalnya?",
    "linkzoom nya mana",
    "sertifkat kapan keluar",  # a typo
    "boleh bawa anak?",  # not in the FAQ
    "where is the workshop held?",
    "how do I submit a proposal",
    "ngusulin program gimana caranya",
]


def cache_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("faq-index-*"))


def built_books() -> dict[str, faq_book.FaqBook]:
    return load_books()  # built once per test process


def answers(books: dict[str, faq_book.FaqBook]) -> list[tuple[str | None, float, list[str]]]:
    """Every phrasing of every entry and the questions above, matched in both books."""
    texts = QUESTIONS + [p for b in books.values() for e in b.entries for p in e.phrasings]
    out = []
    for book in books.values():
        for text in texts:
            match = book.match(text)
            entry = match.entry.id if match.entry else None
            out.append((entry, match.score, [c.id for c in match.candidates]))
    return out


def test_cached_books_answer_as_the_built_ones(tmp_path, monkeypatch) -> None:
    built = built_books()
    monkeypatch.setattr(cache, "_folder", tmp_path)
    assert cache.load_or_build(lambda: built) is built  # no file yet: built and written
    [written] = tmp_path.glob("faq-index-*.pickle")
    assert written.name == f"faq-index-{cache.digest()}.pickle"

    def no_build() -> dict[str, faq_book.FaqBook]:
        raise AssertionError("the cache file should have been read")

    loaded = cache.load_or_build(no_build)
    assert loaded is not built
    # The index's own cache comes back empty, around the loaded index's method.
    index = loaded["id"]._index
    assert index.resolve.cache_info().currsize == 0
    assert index.resolve.__wrapped__.__self__ is index
    assert answers(loaded) == answers(built)


def test_a_change_of_the_faq_files_gives_another_file_and_the_old_one_goes(
    tmp_path, monkeypatch
) -> None:
    locales = tmp_path / "locales"
    locales.mkdir()
    for path in cache.LOCALES_DIR.glob("faq*.yaml"):
        shutil.copy(path, locales / path.name)
    monkeypatch.setattr(cache, "LOCALES_DIR", locales)
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setattr(cache, "_folder", data)
    before = cache.digest()
    cache.load_or_build(lambda: {"version": 1})
    assert cache.load_or_build(lambda: {"version": 2}) == {"version": 1}  # same files: read
    faq = locales / "faq.id.yaml"
    faq.write_text(faq.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert cache.digest() != before
    assert cache.load_or_build(lambda: {"version": 2}) == {"version": 2}  # rebuilt
    assert cache_files(data) == [f"faq-index-{cache.digest()}.pickle"]


def test_the_code_and_the_libraries_are_in_the_digest(monkeypatch) -> None:
    before = cache.digest()
    monkeypatch.setattr(cache, "LIBRARIES", (*cache.LIBRARIES, "python-telegram-bot"))
    assert cache.digest() != before
    code = sorted(p.name for p in cache.CODE_DIR.glob("*.py"))
    assert {"index.py", "text.py", "book.py", "spelling.py"} <= set(code)


def test_a_child_process_builds_the_file_and_the_bot_reads_it(tmp_path, monkeypatch) -> None:
    """The bot's first start builds the index in a child process (a second of pure-Python
    CPU in one of its threads made every reply wait for the GIL); the books read back
    answer as the built ones."""
    built = built_books()
    monkeypatch.setattr(cache, "_folder", tmp_path)

    def no_build() -> dict[str, faq_book.FaqBook]:
        raise AssertionError("the child process should have built the file")

    loaded = cache.load_or_build(no_build, elsewhere=faq_book.build_in_child)
    assert cache_files(tmp_path) == [f"faq-index-{cache.digest()}.pickle"]
    assert type(loaded["id"]) is faq_book.FaqBook  # not the child's __main__ copy
    assert answers(loaded) == answers(built)


def test_a_failing_child_process_only_costs_the_build_here(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(cache, "_folder", tmp_path)
    monkeypatch.setattr(faq_book.sys, "executable", "/bin/false")
    with caplog.at_level(logging.WARNING, logger="domain.faq.book"):
        assert cache.load_or_build(lambda: ["built"], elsewhere=faq_book.build_in_child) == [
            "built"
        ]
    assert "not built in a child process" in caplog.text
    assert pickle.loads(cache.path_in(tmp_path).read_bytes()) == ["built"]


def test_a_stopping_bot_ends_the_child_process(tmp_path, monkeypatch, caplog) -> None:
    """A bot stopped during its first start's build leaves no process using a core."""
    slow = tmp_path / "slow-python"
    slow.write_text("#!/bin/sh\nexec sleep 30\n")
    slow.chmod(0o755)
    monkeypatch.setattr(faq_book.sys, "executable", str(slow))
    result: list[bool] = []
    began = time.monotonic()
    building = threading.Thread(
        target=lambda: result.append(faq_book.build_in_child(cache.path_in(tmp_path)))
    )
    with caplog.at_level(logging.INFO, logger="domain.faq.book"):
        building.start()
        while faq_book._child is None and time.monotonic() - began < 10:
            time.sleep(0.01)
        faq_book.stop_building()
        building.join(10)
    assert result == [False] and time.monotonic() - began < 10
    assert "the bot stops" in caplog.text and "building it here" not in caplog.text


def test_a_damaged_file_is_built_again_and_replaced(tmp_path, monkeypatch, caplog) -> None:
    monkeypatch.setattr(cache, "_folder", tmp_path)
    path = cache.path_in(tmp_path)
    path.write_bytes(b"not a pickle")
    with caplog.at_level(logging.WARNING, logger="domain.faq.cache"):
        assert cache.load_or_build(lambda: ["built"]) == ["built"]
    assert "unreadable" in caplog.text
    assert pickle.loads(path.read_bytes()) == ["built"]


def test_an_unwritable_folder_or_object_only_costs_the_build(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(cache, "_folder", tmp_path / "missing")
    with caplog.at_level(logging.WARNING, logger="domain.faq.cache"):
        assert cache.load_or_build(lambda: {"a": 1}) == {"a": 1}
        monkeypatch.setattr(cache, "_folder", tmp_path)
        lock = threading.Lock()  # pickle cannot take it
        assert cache.load_or_build(lambda: lock) is lock
    assert caplog.text.count("not written") == 2
    assert not list(tmp_path.glob("*.pickle")) and not list(tmp_path.glob(".*part"))


async def test_a_question_before_the_index_is_ready_waits_for_it(tg, settings, monkeypatch) -> None:
    """A FAQ question asked while the FAQ is still loading is answered once it is ready,
    not refused; another user's /jadwal meanwhile is answered at once."""
    books = built_books()
    ready_at: list[float] = []

    def slow_load(build, elsewhere=None):
        time.sleep(4.0)  # a cold build on a slow machine
        ready_at.append(time.monotonic())
        return books

    monkeypatch.setattr(faq_book, "_books", None)
    monkeypatch.setattr(cache, "load_or_build", slow_load)
    alice = tg.user(first_name="Alice", language_code="en")
    budi = tg.user(first_name="Budi", language_code="id")
    bot = await RunningBot(settings).start()
    try:
        await alice.send("where is the workshop held?")
        await asyncio.sleep(0.2)  # her question is taken first
        await budi.send("/jadwal")
        schedule = await budi.expect("Tahap", timeout=20)
        venue = await alice.expect("Ruang Pertemuan Tengger", timeout=20)
        assert "The workshop is held at" in venue.text
        assert ready_at and schedule.sent_at < ready_at[0] <= venue.sent_at
    finally:
        await bot.stop()
    assert faq_book._books is books


async def test_the_bot_writes_the_cache_and_a_restart_reads_it(tg, settings) -> None:
    """The real process: the first start builds the index after it started answering and
    keeps it next to the database; the next start reads it and answers the same."""
    siti = tg.user(first_name="Siti", language_code="id")
    data: Path = settings.database_path.parent
    for run in ("built in a child process and written to", "read from"):
        bot = BotProcess(settings).start()
        try:
            await siti.send("/jadwal")
            await siti.expect("Tahap", timeout=30)
            await siti.send("di mana tempat bimteknya?")
            await siti.expect("Ruang Pertemuan Tengger", timeout=30)
            for _ in range(100):
                if "FAQ loaded" in bot.log():
                    break
                await asyncio.sleep(0.1)
        finally:
            await bot.stop()
        assert f"FAQ index {run} {data}" in bot.log()
        assert cache_files(data) == [f"faq-index-{cache.digest()}.pickle"]
        bot.log_path.unlink()
