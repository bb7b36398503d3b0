"""The FAQ books: entries of ``locales/faq.{lang}.yaml`` with their categories, checked on
load, and `answer_question`, which searches both books."""

from __future__ import annotations

import asyncio
import logging
import string
import subprocess
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from domain.faq import cache as stored
from domain.faq.text import LANGS, Analyzer, default_lexicon, mark_offices
from locales import LOCALES_DIR, load_yaml

if TYPE_CHECKING:  # the index's libraries (numpy with rank-bm25, symspellpy) load with it
    from domain.faq.index import Index

log = logging.getLogger(__name__)
PROJECT_ROOT = Path(__file__).resolve().parents[2]

PLACEHOLDERS: frozenset[str] = frozenset(
    {
        "event_name",
        "regency",
        "organiser",
        "venue",
        "online_url",
        "next_session",
        "schedule",
        "hours",
        "registration_time",
        "contacts",
        "proposal_deadline",
        "max_proposals",
        "proposal_fields",
        "dimensions",
        "stage_count",
        "my_group",
        "next_goal",
    }
)
REQUIRED_IDS: tuple[str, ...] = (
    "jadwal",
    "lokasi",
    "daring",
    "tautan-rapat",
    "durasi",
    "registrasi",
    "presensi",
    "sertifikat",
    "materi",
    "transport",
    "bawaan",
    "pakaian",
    "perwakilan",
    "kelompok",
    "dimensi",
    "quick-win",
    "cara-usul",
    "isi-usulan",
    "tenggat-usulan",
    "ubah-usulan",
    "usulan-non-ti",
    "rpjmd",
    "hasil-akhir",
    "kontak",
    "privasi",
    # the topics of issue #13
    "wajib-hadir",
    "rekaman",
    "konsumsi",
    "wifi",
    "terlambat",
    "salah-opd",
    "agenda",
)
CATEGORY_IDS: tuple[str, ...] = (
    "schedule",
    "attendance",
    "proposals",
    "smartcity",
    "admin",
    "privacy",
)


# Facts about the asker (domain/faq/facts.py): never shown in a group.
PERSONAL_FACTS = ("my_group",)


@dataclass(frozen=True)
class FaqEntry:
    """One question with its alternative phrasings and its HTML answer template."""

    id: str
    category: str
    question: str
    alternatives: tuple[str, ...]
    answer: str

    def render(self, facts: Mapping[str, str]) -> str:
        """Fill the answer's placeholders; a missing fact raises KeyError."""
        return self.answer.format_map(facts)

    @property
    def is_personal(self) -> bool:
        """An answer about the asker themselves (their group): in a group chat it only points
        to the private chat."""
        return any(f"{{{name}}}" in self.answer for name in PERSONAL_FACTS)

    @property
    def phrasings(self) -> tuple[str, ...]:
        """The question followed by its alternatives."""
        return (self.question, *self.alternatives)


@dataclass(frozen=True)
class FaqMatch:
    """Result of matching a question: ``entry`` is None when the matcher is not sure; then
    ``maybe`` says the first candidate is strong enough to be shown as "did you mean"."""

    entry: FaqEntry | None
    score: float
    candidates: tuple[FaqEntry, ...]
    maybe: bool = False


@dataclass
class FaqBook:
    """All FAQ entries of one language, with their categories and a matcher."""

    lang: str
    categories: list[tuple[str, str]]
    entries: list[FaqEntry]
    _by_id: dict[str, FaqEntry] = field(init=False, repr=False)
    _index: Index = field(init=False, repr=False)

    def __post_init__(self) -> None:
        from domain.faq.index import Index

        self._by_id = {e.id: e for e in self.entries}
        analyzer = Analyzer(default_lexicon(), self.lang)
        self._index = Index([e.phrasings for e in self.entries], analyzer)

    @classmethod
    def load(cls, lang: str) -> FaqBook:
        """Load and validate ``locales/faq.{lang}.yaml``."""
        if lang not in LANGS:
            raise ValueError(f"unknown FAQ language {lang!r}")
        path = LOCALES_DIR / f"faq.{lang}.yaml"
        raw: dict[str, Any] = load_yaml(path)
        categories = [(str(c["id"]), str(c["title"])) for c in raw["categories"]]
        entries = [_entry_from_yaml(item) for item in raw["entries"]]
        _validate(path.name, categories, entries)
        return cls(lang=lang, categories=categories, entries=entries)

    def get(self, entry_id: str) -> FaqEntry | None:
        """Entry by id, or None."""
        return self._by_id.get(entry_id)

    def in_category(self, category_id: str) -> list[FaqEntry]:
        """Entries of one category, in file order."""
        return [e for e in self.entries if e.category == category_id]

    def match(self, text: str) -> FaqMatch:
        """Best entry for a question, or entry None when not sure."""
        ranking = self._index.rank(text)
        candidates = tuple(self.entries[i] for i in ranking.best)
        return FaqMatch(
            entry=candidates[0] if ranking.sure else None,
            score=ranking.score,
            candidates=candidates,
            maybe=ranking.maybe and not ranking.sure,
        )


def _entry_from_yaml(item: Mapping[str, Any]) -> FaqEntry:
    """Build an entry from its YAML mapping."""
    return FaqEntry(
        id=str(item["id"]),
        category=str(item["category"]),
        question=str(item["question"]).strip(),
        alternatives=tuple(str(a).strip() for a in item.get("alternatives") or ()),
        answer=str(item["answer"]).strip(),
    )


def placeholders_in(template: str) -> set[str]:
    """Names of the ``{placeholders}`` in a str.format template."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def _validate(name: str, categories: list[tuple[str, str]], entries: list[FaqEntry]) -> None:
    """Raise ValueError on duplicate or missing ids, unknown categories or placeholders."""
    cat_ids = [c for c, _ in categories]
    unknown_cats = set(cat_ids) - set(CATEGORY_IDS)
    if unknown_cats or len(set(cat_ids)) != len(cat_ids):
        raise ValueError(f"{name}: bad categories {sorted(unknown_cats) or cat_ids}")
    ids = [e.id for e in entries]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise ValueError(f"{name}: duplicate ids {sorted(dupes)}")
    missing = set(REQUIRED_IDS) - set(ids)
    if missing:
        raise ValueError(f"{name}: missing required ids {sorted(missing)}")
    for entry in entries:
        if entry.category not in cat_ids:
            raise ValueError(f"{name}: {entry.id} has unknown category {entry.category!r}")
        if not entry.question or not entry.answer:
            raise ValueError(f"{name}: {entry.id} needs a question and an answer")
        extra = placeholders_in(entry.answer) - PLACEHOLDERS
        if extra:
            raise ValueError(f"{name}: {entry.id} uses unknown placeholders {sorted(extra)}")


def build_books() -> dict[str, FaqBook]:
    """Both FAQ books, read and indexed."""
    return {lang: FaqBook.load(lang) for lang in LANGS}


_books: dict[str, FaqBook] | None = None
_loading = threading.Lock()


def load_books() -> dict[str, FaqBook]:
    """Both FAQ books, loaded once (from the cache of domain/faq/cache.py when the bot gave
    it a folder). The bot loads them in a worker thread after start-up: a question that
    comes meanwhile waits here until they are ready."""
    global _books
    if _books is None:
        with _loading:
            if _books is None:
                _books = stored.load_or_build(build_books, elsewhere=build_in_child)
    return _books


BUILD_TIMEOUT = 120.0  # seconds; the build takes about 1 s, the child's start-up 0.5 s


_child: subprocess.Popen[bytes] | None = None  # the build_in_child process while it runs
_killed: set[int] = set()  # pids of the children stop_building ended


def build_in_child(path: Path) -> bool:
    """Build the books in a child process that writes the cache file `path` (the bot's
    data folder): built in a thread of the bot, they held the GIL for a second, and every
    reply's database call and request waited for it (5 ms at each turn; /jadwal several
    times slower for that second). True when the child wrote the file."""
    global _child
    try:
        _child = child = subprocess.Popen(
            [sys.executable, "-m", "domain.faq.book", str(path.parent)],
            cwd=PROJECT_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        _, err = child.communicate(timeout=BUILD_TIMEOUT)
        code = child.returncode
    except (OSError, subprocess.SubprocessError) as exc:
        stop_building()
        log.warning("FAQ index not built in a child process (%s): building it here", exc)
        return False
    finally:
        _child = None
    if child.pid in _killed:
        log.info("FAQ index build in a child process ended: the bot stops")
        return False
    if code != 0 or not path.is_file():
        tail = err.decode(errors="replace").strip().splitlines()[-1:] or [f"exit code {code}"]
        log.warning("FAQ index not built in a child process (%s): building it here", tail[0])
        return False
    return True


def stop_building() -> None:
    """End a build_in_child process (the bot stops): it would go on using a core for a
    second after the bot has gone. The next start builds the file again."""
    child = _child
    if child is not None and child.poll() is None:
        _killed.add(child.pid)
        child.kill()


def _write_cache(folder: Path) -> None:
    """The child's work: build the books and write them to `folder`'s cache file."""
    stored.use(folder)
    stored.load_or_build(build_books)


async def ready() -> None:
    """Wait until the books are loaded without holding up the event loop (load_books itself
    blocks until they are): the FAQ's handlers await this before they answer."""
    if _books is None:
        await asyncio.to_thread(load_books)


def book_for(lang: str) -> FaqBook:
    """The book of a language; an unknown language gets the Indonesian one."""
    books = load_books()
    return books.get(lang) or books["id"]


# The user's own book this sure answers alone: the other book is not searched (half the
# matching time of most questions; on the 1,621 evaluation questions asked in either
# language, no answer this sure was ever overruled by the other book).
OWN_BOOK_DECIDES_AT = 0.95


def answer_question(text: str, lang: str, offices: tuple[str, ...] = ()) -> FaqMatch:
    """Match in both books (a question may come in either language); answer from ``lang``.
    ``offices`` are the event's office names (domain/offices.py office_names): each one in
    the question reads as "OPD".

    An unknown ``lang`` falls back to Indonesian.
    """
    text = mark_offices(text, offices)
    own = book_for(lang)
    first = own.match(text)
    if first.entry is not None and first.score >= OWN_BOOK_DECIDES_AT:
        return _in_book(first, own)
    matches = [(first, 1)] + [
        (book.match(text), 0) for book in load_books().values() if book is not own
    ]
    accepted = [m for m in matches if m[0].entry is not None]
    pool = accepted or matches
    best, _ = max(pool, key=lambda m: (m[0].score, m[1]))
    if not accepted:
        # Not sure: the closest questions of both books (the best one's first), so that a
        # question the other book's words mislead still gets the right one offered.
        best = replace(best, candidates=_merged(best, [m for m, _ in matches]))
    return _in_book(best, own)


def _merged(best: FaqMatch, matches: list[FaqMatch]) -> tuple[FaqEntry, ...]:
    """The candidates of several books merged by reciprocal rank weighted by each book's
    confidence (one per entry id), the best match's first candidate first."""
    from domain.faq.index import FUSION_K, OFFERED  # loaded with the books by then

    fused: dict[str, float] = {}
    entries: dict[str, FaqEntry] = {}
    for match in matches:
        for n, entry in enumerate(match.candidates):
            fused[entry.id] = fused.get(entry.id, 0.0) + match.score / (FUSION_K + n + 1)
            entries.setdefault(entry.id, entry)
    head = [c.id for c in best.candidates[:1]]
    rest = sorted((i for i in fused if i not in head), key=lambda i: -fused[i])
    return tuple(entries[i] for i in [*head, *rest][:OFFERED])


def _in_book(match: FaqMatch, book: FaqBook) -> FaqMatch:
    """The same match with its entries taken from ``book``."""

    def local(entry: FaqEntry) -> FaqEntry:
        return book.get(entry.id) or entry

    return FaqMatch(
        entry=local(match.entry) if match.entry else None,
        score=match.score,
        candidates=tuple(local(e) for e in match.candidates),
        maybe=match.maybe,
    )


if __name__ == "__main__":  # the child process of build_in_child
    # Through the module's own name: the pickled classes must be domain.faq.book's, not
    # those of this copy run as __main__.
    from domain.faq import book

    book._write_cache(Path(sys.argv[1]))
