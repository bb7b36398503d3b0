"""Tests of the FAQ content (locales/faq.*.yaml) and its matcher (domain/faq/)."""

from __future__ import annotations

import csv
import html
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from domain.faq.book import (
    CATEGORY_IDS,
    PLACEHOLDERS,
    REQUIRED_IDS,
    FaqBook,
    FaqEntry,
    FaqMatch,
    _validate,
    answer_question,
    load_books,
    placeholders_in,
)
from domain.faq.evaluation import evaluate, read_eval_csv
from domain.faq.text import Analyzer, Lexicon, normalise

EVAL_CSV = Path(__file__).parent / "data" / "faq_eval.csv"

FACTS = {
    "event_name": "Bimtek Masterplan Smart City Kabupaten Probolinggo",
    "regency": "Kabupaten Probolinggo",
    "organiser": "Diskominfo Kabupaten Probolinggo",
    "venue": "Ruang Pertemuan Tengger, Kantor Bupati Probolinggo (Kraksaan)",
    "online_url": "https://zoom.us/j/123456789?pwd=abc&amp;x=1",
    "next_session": "Tahap II: Senin–Selasa, 4–5 Oktober 2021",
    "schedule": "Tahap I: 6–7 September 2021\nTahap II: 4–5 Oktober 2021",
    "hours": "08.00–16.00 WIB",
    "registration_time": "07.30 WIB",
    "contacts": "Budi (Diskominfo) 0812-0000-0000",
    "proposal_deadline": "30 September 2021",
    "max_proposals": "5",
    "proposal_fields": "• nama program;\n• lokasi.",
    "dimensions": "• Smart Governance\n• Smart Branding &amp; lainnya",
    "stage_count": "4",
    "my_group": "Bapak/Ibu tergabung di kelompok <b>Smart Governance</b>.",
    "next_goal": "Memetakan program RPJMD &amp; Renstra",
}


class TelegramHtmlChecker(HTMLParser):
    """Collects violations of Telegram's HTML subset as used by the bot (b, i, a href)."""

    ALLOWED = {"b": set(), "i": set(), "a": {"href"}}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.ALLOWED:
            self.errors.append(f"tag <{tag}>")
        elif {name for name, _ in attrs} != self.ALLOWED[tag]:
            self.errors.append(f"attributes {attrs} on <{tag}>")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(f"unbalanced </{tag}>")

    def handle_entityref(self, name: str) -> None:
        if name not in {"amp", "lt", "gt", "quot"}:
            self.errors.append(f"entity &{name};")

    def handle_data(self, data: str) -> None:
        if "<" in data or ">" in data:
            self.errors.append(f"raw angle bracket in {data!r}")


def html_errors(text: str) -> list[str]:
    """Problems that would make Telegram reject ``text`` as HTML."""
    checker = TelegramHtmlChecker()
    checker.feed(text)
    checker.close()
    errors = checker.errors + [f"unclosed <{tag}>" for tag in checker.stack]
    stripped = text
    for entity in ("&amp;", "&lt;", "&gt;", "&quot;"):
        stripped = stripped.replace(entity, "")
    if "&" in stripped:
        errors.append("unescaped &")
    return errors


@pytest.fixture(scope="module")
def books() -> dict[str, FaqBook]:
    return load_books()


def all_entries(books: dict[str, FaqBook]) -> list[tuple[str, FaqEntry]]:
    return [(lang, e) for lang, book in books.items() for e in book.entries]


# ---------------------------------------------------------------- content


def test_both_books_have_the_same_and_the_required_ids(books: dict[str, FaqBook]) -> None:
    ids = {lang: [e.id for e in book.entries] for lang, book in books.items()}
    assert set(ids["id"]) == set(ids["en"])
    assert set(REQUIRED_IDS) <= set(ids["id"])
    for lang_ids in ids.values():
        assert len(lang_ids) == len(set(lang_ids))


def test_categories_are_known_and_used(books: dict[str, FaqBook]) -> None:
    for book in books.values():
        assert [c for c, _ in book.categories] == list(CATEGORY_IDS)
        assert all(title for _, title in book.categories)
        for category_id in CATEGORY_IDS:
            assert book.in_category(category_id), category_id
    id_titles = dict(books["id"].categories)
    assert id_titles["schedule"] == "Jadwal & tempat"
    assert dict(books["en"].categories)["privacy"] == "Personal data"
    for entry_id in REQUIRED_IDS:
        assert books["id"].get(entry_id).category == books["en"].get(entry_id).category


def test_entries_have_many_phrasings(books: dict[str, FaqBook]) -> None:
    for lang, entry in all_entries(books):
        assert len(entry.alternatives) >= 5, (lang, entry.id)


def test_every_answer_renders_with_known_placeholders(books: dict[str, FaqBook]) -> None:
    for lang, entry in all_entries(books):
        used = placeholders_in(entry.answer)
        assert used <= PLACEHOLDERS, (lang, entry.id, used - PLACEHOLDERS)
        rendered = entry.render(FACTS)
        assert "{" not in rendered and "}" not in rendered, (lang, entry.id)


def test_indonesian_answers_ask_politely(books: dict[str, FaqBook]) -> None:
    """The formal voice: "Silakan kirim melalui /usul.", "mohon hubungi panitia", never a
    bare imperative at the start of a sentence, nor the colloquial "lewat"."""
    bare = re.compile(
        r"(?:^|[.:;]\s|\n)\s*(?:•\s*)?(Kirim|Buka|Gunakan|Ketik|Hubungi|Lihat|Tekan)\b"
    )
    for entry in books["id"].entries:
        assert not re.search(r"\blewat\b", entry.answer), entry.id
        assert not bare.search(entry.answer), (entry.id, bare.search(entry.answer))
        assert not re.search(r"(?<!mohon |lakan )\bhubungi panitia", entry.answer), entry.id


def test_my_group_only_in_kelompok(books: dict[str, FaqBook]) -> None:
    for lang, entry in all_entries(books):
        assert ("my_group" in placeholders_in(entry.answer)) == (entry.id == "kelompok"), lang


def test_render_missing_fact_raises(books: dict[str, FaqBook]) -> None:
    entry = books["id"].get("jadwal")
    with pytest.raises(KeyError):
        entry.render({"schedule": "x"})


def test_every_answer_is_telegram_html(books: dict[str, FaqBook]) -> None:
    for lang, entry in all_entries(books):
        assert html_errors(entry.answer) == [], (lang, entry.id)
        assert html_errors(entry.render(FACTS)) == [], (lang, entry.id)
        assert len(entry.render(FACTS)) < 4096


def test_html_checker_catches_bad_markup() -> None:
    assert html_errors("<b>ok</b> &amp; <i>fine</i> <a href='x'>l</a>") == []
    assert html_errors("<u>no</u>")
    assert html_errors("<b>open")
    assert html_errors("Q&A")
    assert html_errors("1 < 2")
    assert html.escape("Q&A") == "Q&amp;A"


def test_indonesian_answers_are_polite(books: dict[str, FaqBook]) -> None:
    text = " ".join(e.answer for e in books["id"].entries)
    assert "Bapak/Ibu" in text
    assert not {"kamu", "lu", "gue", "gw", "elo"} & set(normalise(text).split())


def test_validation_rejects_bad_books(books: dict[str, FaqBook]) -> None:
    categories = books["id"].categories
    entries = list(books["id"].entries)
    with pytest.raises(ValueError, match="duplicate"):
        _validate("x.yaml", categories, [*entries, entries[0]])
    with pytest.raises(ValueError, match="missing"):
        _validate("x.yaml", categories, [e for e in entries if e.id != "privasi"])
    with pytest.raises(ValueError, match="categor"):
        _validate("x.yaml", [*categories, ("weather", "Cuaca")], entries)
    odd = FaqEntry("extra", "admin", "q?", (), "Halo {nama}")
    with pytest.raises(ValueError, match="placeholders"):
        _validate("x.yaml", categories, [*entries, odd])
    with pytest.raises(ValueError):
        FaqBook.load("fr")


# ---------------------------------------------------------------- analysis


def test_normalise_keeps_digits_and_drops_hyphens() -> None:
    assert normalise("Kpn Tahap-2, ya?!") == "kpn tahap 2 ya"
    assert normalise("e-Sertifikat") == "e sertifikat"
    assert normalise("masing2") == "masing"


def test_question_words_are_kept_and_unknown_words_not_rewritten() -> None:
    analyzer = Analyzer(Lexicon.load(), "id")
    words = analyzer.words("kapan di mana mana bagaimana berapa siapa apakah apa boleh bisa")
    assert words == [
        "kapan",
        "dimana",
        "mana",
        "bagaimana",
        "berapa",
        "siapa",
        "apakah",
        "apa",
        "boleh",
        "bisa",
    ]
    assert analyzer.words("bimtek") == ["bimtek"]
    assert analyzer.term("bimtek") == "bimtek"
    assert analyzer.words("imlek rawon") == ["imlek", "rawon"]
    assert analyzer.words("kpn gmn brp tgl dmn ga udh blm") == [
        "kapan",
        "bagaimana",
        "berapa",
        "tanggal",
        "dimana",
        "tidak",
    ]


def test_bimtek_survives_the_whole_pipeline(books: dict[str, FaqBook]) -> None:
    index = books["id"]._index
    assert index.query_terms("bimteknya kapan") == ["bimtek", "kapan"]


def test_typos_are_corrected_against_the_faq_vocabulary(books: dict[str, FaqBook]) -> None:
    index = books["id"]._index
    assert index.query_terms("sertifkat") == index.query_terms("sertifikat")
    assert index.query_terms("transpot") == index.query_terms("transport")
    assert index.query_terms("klompok") == index.query_terms("kelompok")


# ---------------------------------------------------------------- matching


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("link zoomnya mana pak?", "tautan-rapat"),
        ("kpn tahap 2?", "jadwal"),
        ("sertif dpt ga?", "sertifikat"),
        ("absennya dmn ya", "presensi"),
        ("tgl brp deadline usulan?", "tenggat-usulan"),
        ("usulan harus aplikasi ga?", "usulan-non-ti"),
        ("piye carane ngusulke program?", "cara-usul"),
        ("What should I bring?", "bawaan"),
    ],
)
def test_examples(question: str, expected: str) -> None:
    match = answer_question(question, "id")
    assert match.entry is not None and match.entry.id == expected
    assert match.candidates[0].id == expected


@pytest.mark.parametrize("question", ["halo", "harga tiket masuk bromo brp?", "", "???"])
def test_out_of_scope_is_not_sure(question: str) -> None:
    match = answer_question(question, "id")
    assert match.entry is None
    assert len(match.candidates) <= 3


def test_vague_question_is_not_sure_but_has_candidates() -> None:
    match = answer_question("usulan", "id")
    assert match.entry is None
    assert len(match.candidates) == 3
    assert all(c.category == "proposals" for c in match.candidates)


def test_cross_language_answers_come_from_the_users_book(books: dict[str, FaqBook]) -> None:
    english = answer_question("Where is the venue?", "id")
    assert english.entry is books["id"].get("lokasi")
    indonesian = answer_question("link zoomnya mana pak?", "en")
    assert indonesian.entry is books["en"].get("tautan-rapat")
    assert all(c is books["en"].get(c.id) for c in indonesian.candidates)


def test_book_match_api(books: dict[str, FaqBook]) -> None:
    match = books["id"].match("dresscode nya apa?")
    assert isinstance(match, FaqMatch)
    assert match.entry is not None and match.entry.id == "pakaian"
    assert 0.0 <= match.score <= 1.0
    assert books["id"].get("nope") is None


# ---------------------------------------------------------------- evaluation set


STYLES_COUNTS = Counter(e for _, e in read_eval_csv(EVAL_CSV.with_name("faq_eval_styles.csv")))


def test_eval_csv_covers_every_topic() -> None:
    with EVAL_CSV.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        assert next(reader) == ["question", "expected_id"]
        rows = list(reader)
    counts = Counter(expected for _, expected in rows)
    in_scope = sum(n for expected, n in counts.items() if expected)
    assert in_scope >= 170
    assert counts[""] >= 35
    for entry_id in REQUIRED_IDS:
        assert counts[entry_id] + STYLES_COUNTS[entry_id] >= 4, entry_id
    known = {e.id for e in load_books()["id"].entries}
    assert set(counts) - {""} <= known


def test_eval_accuracy_and_rejection_floors() -> None:
    report = evaluate(EVAL_CSV)
    assert report.top1_accuracy >= 0.90, report.format()
    assert report.rejection_rate >= 0.95, report.format()
    assert report.in_scope + report.out_of_scope == report.total
    assert "top-1 accuracy" in report.format()
