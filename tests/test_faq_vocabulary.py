"""The FAQ's broader vocabulary (issue #18, third round): Javanese krama and ngoko words read
as Indonesian, number words as the FAQ writes them, formal openers that ask nothing, chat
and domain synonyms in both languages, small talk, and the confidence features that come
from words (a question that names the event, a word half the FAQ has)."""

from __future__ import annotations

import pytest

from domain.faq.book import answer_question, load_books
from domain.faq.text import SMALL_TALK, Analyzer, default_lexicon


def terms(text: str, lang: str = "id") -> list[str]:
    return load_books()[lang]._index.query_terms(text)


@pytest.mark.parametrize(
    ("krama", "ngoko", "indonesian"),
    [
        ("badhe", "arep", "akan"),
        ("saged", "iso", "bisa"),
        ("wonten", "ono", "ada"),
        ("sampun", "wis", "sudah"),
        ("dereng", "durung", "belum"),
        ("kedah", "kudu", "harus"),
        ("pinten", "piro", "berapa"),
        ("sinten", "sopo", "siapa"),
        ("pundi", "endi", "mana"),
        ("mangke", "engko", "nanti"),
        ("nyuwun", "njaluk", "minta"),
        ("ngagem", "nganggo", "pakai"),
        ("rawuh", "teko", "datang"),
    ],
)
def test_javanese_krama_and_ngoko_read_as_indonesian(
    krama: str, ngoko: str, indonesian: str
) -> None:
    analyzer = Analyzer(default_lexicon(), "id")
    assert analyzer.expand(krama) == analyzer.expand(ngoko) == analyzer.expand(indonesian)


def test_javanese_sentences_have_the_indonesian_terms() -> None:
    assert terms("dhateng pundi kula kedah rawuh?") == terms("ke mana saya harus datang?")
    assert terms("klambine nganggo opo?") == terms("pakaian pakai apa?")
    assert answer_question("kula badhe nyuwun materi", "id").entry.id == "materi"
    assert answer_question("aku iso nganggo kaos ora?", "id").entry.id == "pakaian"


def test_numbers_are_written_as_the_faq_writes_them() -> None:
    assert terms("kapan tahap dua?") == terms("kapan tahap 2?")
    assert terms("tahap tigo opo?") == terms("tahap 3 apa?")
    assert terms("when is stage two?", "en") == terms("when is stage 2?", "en")


def test_slang_entries_meet_the_javanese_list() -> None:
    # "tlat" is chat for "telat", which the Javanese list reads as "terlambat".
    assert terms("tlat") == terms("terlambat")
    assert terms("gpp") == terms("tidak apa")


def test_formal_openers_ask_nothing_and_long_names_are_the_short_ones() -> None:
    assert terms("Mohon izin bertanya, kapan tahap 2?") == terms("kapan tahap 2?")
    assert terms("Dengan hormat, kapan tahap 2?") == terms("kapan tahap 2?")
    assert terms("bimbingan teknis") == terms("bimtek") == ["bimtek"]
    assert terms("rencana pembangunan jangka menengah daerah") == terms("rpjmd")
    assert terms("medium term development plan", "en") == terms("rpjmd", "en")


@pytest.mark.parametrize(
    ("word", "same_as", "lang"),
    [
        ("sertipikat", "sertifikat", "id"),
        ("kostum", "pakaian", "id"),
        ("diperkenankan", "boleh", "id"),
        ("aula", "lokasi", "id"),
        ("katering", "konsumsi", "id"),
        ("honorarium", "transport", "id"),
        ("ralat", "ubah", "id"),
        ("delegasi", "wakil", "id"),
        ("participation", "attend", "en"),
        ("outfit", "attire", "en"),
        ("timeline", "schedule", "en"),
        ("replay", "recording", "en"),
    ],
)
def test_domain_synonyms(word: str, same_as: str, lang: str) -> None:
    assert terms(word, lang) == terms(same_as, lang)


def test_small_talk_is_not_a_question_about_lunch() -> None:
    analyzer = Analyzer(default_lexicon(), "id")
    assert analyzer.words("Sampun dhahar dereng, Pak?") == [SMALL_TALK]
    for greeting in ("sudah makan belum pak?", "wis mangan durung?", "how are you?"):
        match = answer_question(greeting, "id")
        assert match.entry is None and not match.candidates, greeting
    assert answer_question("ada makan siang?", "id").entry.id == "konsumsi"


def test_new_lists_never_rewrite_the_events_words() -> None:
    # Neither the Javanese list nor the imported chat dictionary rewrites a word of the
    # event (only the lexicon's own slang may: "meeting" -> "rapat").
    lexicon = default_lexicon()
    own = lexicon.own_slang["id"]
    for word in lexicon.protected | {"bimtek", "usulan", "peserta", "acara", "sertifikat"}:
        assert word not in lexicon.javanese, word
        assert word not in lexicon.slang["id"] or word in own, word
    assert terms("bimtek") == ["bimtek"]


def test_a_question_names_the_event_or_not() -> None:
    analyzer = Analyzer(default_lexicon(), "id")
    assert analyzer.names_event("acaranya mulai jam berapa?")
    assert analyzer.names_event("Is the workshop mandatory?")  # a stopword still names it
    assert not analyzer.names_event("cara daftar nikah di KUA")


def test_a_word_half_the_faq_has_is_vague() -> None:
    index = load_books()["id"]._index
    order, _, _ = index.decision("usulan")
    assert index.rivals(index.query_terms("usulan"), order[0]) >= 4
    order, _, _ = index.decision("tenggat usulan")
    assert index.rivals(index.query_terms("tenggat usulan"), order[0]) == 0


def test_a_tag_question_does_not_stand_for_the_message() -> None:
    # The last clause ("is that a problem?") is one word the "kontak" entry has; the
    # message is about arriving late.
    message = "Our car broke down on the way and we will arrive late, is that a problem?"
    match = answer_question(message, "en")
    assert match.candidates and match.candidates[0].id == "terlambat"
