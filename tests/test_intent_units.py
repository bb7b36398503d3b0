"""domain/faq/intent.py: which texts typed at a free-text step read as questions."""

from __future__ import annotations

import pytest

from domain.faq.intent import has_interrogative, is_question, reads_as_question

QUESTIONS = [
    "deadline usulan kapan ya?",  # a question mark
    "Apakah ada sertifikat",  # a question word first, in any case
    "kapan tahap 2",
    "kpn tahap 2",  # a chat abbreviation of one
    "gmn cara daftar",
    "brp lama acaranya",
    "Di mana lokasinya",  # a two-word one
    "dimana tempatnya",
    "Boleh diwakilkan",
    "bolehkah datang terlambat",
    "kok belum ada jadwal",
    "How long is the workshop",
    "is there a certificate",
    "Does it start at 8",
    "link zoom nya mana ya pak",  # FAQ sure, and "mana" asks in place
    "tahap 2 kapan",
]
ANSWERS = [
    "Siti Rahmawati, S.Kom.",
    "Dr. Ir. Siti Aminah, S.Kom., M.T.",
    "Universitas Panca Marga",
    "Dinas Lingkungan Hidup",
    "Antrean layanan yang panjang di kantor.",
    "Aplikasi antrean daring dan kebijakan layanan satu hari.",
    "Warga; indikator: waktu tunggu turun 50%.",
    # The FAQ is sure about these, but they ask nothing (no interrogative).
    "Program governance 2027",
    "Program terakhir yang boleh",
    "Lewati",
    # An interrogative inside a statement the FAQ knows nothing about.
    "warga tidak tahu bagaimana mengurus izin",
    # Words that only begin like question words.
    "Apabila hujan, layanan keliling",
    "Isian formulir daring",
    # A question mark inside a web address.
    "Portal https://layanan.example.id/?kanal=desa untuk desa",
    "",
]


@pytest.mark.parametrize("text", QUESTIONS)
def test_questions_are_recognised(text: str) -> None:
    assert is_question(text, "id"), text


@pytest.mark.parametrize("text", ANSWERS)
def test_answers_are_not_questions(text: str) -> None:
    assert not is_question(text, "id"), text


def test_the_two_signals() -> None:
    assert reads_as_question("kapan?")
    assert reads_as_question("Apa itu quick win")
    assert not reads_as_question("link zoom nya mana ya pak")  # the question word is last
    assert has_interrogative("link zoom nya mana ya pak")
    assert has_interrogative("tempatnya di mana")
    assert not has_interrogative("Program terakhir yang boleh")
    assert is_question("what is the zoom link", "en")
