"""The FAQ on questions it was never tuned for (issue #18): the floors on the HELD-OUT half
of tests/data/faq_eval_styles.csv, and unit tests of what makes them pass: run-together
words, the chat dictionary, Javanese, domain words never rewritten, typos, the proposal
fields and the middle tier ("did you mean")."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest

import locales
from config import DEFAULT_EVENT_FILE
from domain.faq import index as faq_index
from domain.faq.book import answer_question, load_books
from domain.faq.evaluation import EvalReport, evaluate, read_eval_rows
from domain.faq.facts import event_facts
from domain.faq.text import default_lexicon, mark_offices
from domain.offices import office_names
from handlers.proposals.views import QUESTIONS
from schedules.event import load_event
from tests.harness import future_event

STYLES_CSV = Path(__file__).parent / "data" / "faq_eval_styles.csv"


@pytest.fixture(scope="module")
def heldout() -> EvalReport:
    return evaluate(STYLES_CSV, split="heldout", offices=event_offices())


def test_eval_set_has_halves_styles_and_every_entry() -> None:
    rows = read_eval_rows(STYLES_CSV)
    assert len(rows) >= 300
    assert {r.split for r in rows} == {"tune", "heldout"}
    styles = {"formal", "chat", "typos", "javanese", "english", "short", "long"}
    assert {r.style for r in rows} == styles
    ids = {e.id for e in load_books()["id"].entries}
    assert {r.expected for r in rows if r.expected} == ids
    assert sum(1 for r in rows if not r.expected) >= 50


def test_second_batch_is_split_by_its_rule() -> None:
    # The rows after the SECOND BATCH comment (the second and third batches) were split by
    # a hash of the question, not by hand (the file's comment): a row moved to the other
    # half by hand fails here.
    lines = STYLES_CSV.read_text(encoding="utf-8").splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("# SECOND BATCH"))
    batch = [row for row in csv.reader(lines[start:]) if row and not row[0].startswith("#")]
    assert len(batch) >= 250
    for question, _expected, _style, split in batch:
        even = int(hashlib.sha256(question.encode("utf-8")).hexdigest(), 16) % 2 == 0
        assert split == ("tune" if even else "heldout"), question


def test_heldout_floors(heldout: EvalReport) -> None:
    # Measured on the held-out half with the second, third and fourth batches (492 in
    # scope, 95 out of scope): top-1 89.4 %, rejected 96.8 %, right entry offered when
    # unsure 84.1 % (37/44), top three 484/492, lowest style 79.8 % (English). The floors
    # are just under those figures; the targets for top-1 (90 %), the offered three
    # (97 %) and every style (80 %) are not all met.
    assert heldout.in_scope >= 490 and heldout.out_of_scope >= 90
    assert heldout.top1_accuracy >= 0.885, heldout.format(misses=False)
    assert heldout.rejection_rate >= 0.96, heldout.format(misses=False)
    assert heldout.offered_rate >= 0.83, heldout.format(misses=False)
    assert heldout.top3 / heldout.in_scope >= 0.98, heldout.format(misses=False)
    for style in heldout.styles:
        assert heldout.style_accuracy(style) >= 0.79, (style, heldout.format(misses=False))


def terms(text: str, lang: str = "id") -> list[str]:
    return load_books()[lang]._index.query_terms(text)


def test_run_together_words_are_split() -> None:
    speller = load_books()["id"]._index.speller
    assert speller.split("linkzoom") == ["link", "zoom"]
    assert speller.split("kapantahap") == ["kapan", "tahap"]
    assert speller.split("zoom") is None  # one word stays one word
    assert terms("linkzoom nya mana") == terms("link zoom nya mana")
    assert answer_question("linkzoom nya mana?", "id").entry.id == "tautan-rapat"


def test_chat_dictionary() -> None:
    slang = default_lexicon().slang["id"]
    assert slang["blh"] == "boleh"  # from indoNLP's list
    assert slang["dgn"] == "dengan"
    assert slang["klmpk"] == "kelompok"  # the lexicon's own
    assert terms("blh ikut online?") == terms("boleh ikut online?")


def test_javanese_words_map_to_indonesian() -> None:
    slang = default_lexicon().slang["id"]
    assert slang["kedah"] == "harus" and slang["pundi"] == "mana" and slang["menapa"] == "apa"
    assert terms("kula kedah mbekta menapa?") == terms("saya harus bawa apa?")
    assert answer_question("acarane wonten pundi?", "id").candidates[0].id == "lokasi"


def test_domain_words_are_never_rewritten() -> None:
    slang = default_lexicon().slang["id"]
    for word in ("bimtek", "opd", "zoom", "rpjmd", "sppd", "usulan", "tahap"):
        assert word not in slang, word
    assert terms("bimtek") == ["bimtek"]


def test_real_words_are_not_corrected_but_typos_are() -> None:
    assert terms("disediakan") != terms("disiapkan")  # a real word the FAQ lacks
    assert terms("registrsi") == terms("registrasi")
    assert terms("sertifkat") == terms("sertifikat")
    assert terms("passport", "en") == ["passport"]  # English typos are never "corrected"


def test_proposal_entries_list_exactly_the_form_questions() -> None:
    # The fact lists the event file's questions: the base form plus its optional fields.
    event = future_event()
    assert event.proposals.questions()[: len(QUESTIONS)] == QUESTIONS
    facts = event_facts(event, event.stages[0].sessions[0].start, "id")
    for question in event.proposals.questions():
        assert locales.plain("id", f"proposals.faq_item.{question}") in facts["proposal_fields"]
    for lang, book in load_books().items():
        for entry_id in ("cara-usul", "isi-usulan"):
            entry = book.get(entry_id)
            assert entry is not None and "{proposal_fields}" in entry.answer, (lang, entry_id)


def test_middle_tier_is_between_sure_and_not_sure(monkeypatch: pytest.MonkeyPatch) -> None:
    question = "boleh bawa anak?"  # out of the FAQ, close to "bawaan"
    plain = answer_question(question, "id")
    assert plain.entry is None and plain.candidates
    assert plain.maybe == (plain.score >= faq_index.MAYBE_AT)
    monkeypatch.setattr(faq_index, "MAYBE_AT", plain.score - 0.001)
    maybe = answer_question(question, "id")
    assert maybe.entry is None and maybe.maybe and maybe.candidates == plain.candidates
    monkeypatch.setattr(faq_index, "MAYBE_AT", plain.score + 0.001)
    assert not answer_question(question, "id").maybe
    sure = answer_question("link zoom", "id")
    assert sure.entry is not None and not sure.maybe  # a sure answer is never "maybe"


def event_offices() -> tuple[str, ...]:
    return office_names(load_event(DEFAULT_EVENT_FILE))


def test_office_names_read_as_opd() -> None:
    names = event_offices()
    marked = mark_offices("Saya dari Dinsos, DPM-PTSP dan Dinas Kominfo Kab. Probolinggo", names)
    assert terms(marked).count("opd") == 1 and "dinsos" not in terms(marked)
    assert terms(mark_offices("Diskominfo", names)) == terms("opd")
    # Punctuation stays (long messages are ranked on their last clause too).
    assert mark_offices("Saya dari Bappeda, kapan tahap 2?", names).count(",") == 1
    assert mark_offices("untuk dinas kami", names) == "untuk dinas kami"  # no office named
    # An office name is no word the FAQ does not know: every term is one of the FAQ's.
    index = load_books()["id"]._index
    question = mark_offices("Saya dari Bakesbangpol salah pilih OPD", names)
    assert all(t in index.terms for t in index.query_terms(question))
    assert answer_question("dari Bappeda salah pilih opd", "id", names).candidates[0].id == (
        "salah-opd"
    )


def test_typos_of_faq_words_before_splits_and_stopwords() -> None:
    assert terms("dimnsi") == terms("dimensi")  # one letter off, not "dimn si"
    assert terms("agnda") == terms("agenda")  # not the stopword "anda"
    assert terms("sertifkatnya") == terms("sertifikat")  # a typo with a suffix
    assert terms("outcome", "en") != ["out", "com"]  # English is not split into scraps


def test_offered_questions_merge_the_bm25_and_letter_rankings() -> None:
    index = load_books()["id"]._index
    text = "sertifkat"
    letters = index.letter_ranking(text)
    assert letters and len(set(letters)) == len(letters) <= 3
    sertifikat = next(i for i, e in enumerate(load_books()["id"].entries) if e.id == "sertifikat")
    assert letters[0] == sertifikat
    assert index.offered((), text)[0] == sertifikat  # no BM25 candidate: the letters' own
    other = (sertifikat + 1) % index.size
    offered = index.offered((other,), text)
    assert offered[0] == other and sertifikat in offered and len(set(offered)) == len(offered)
