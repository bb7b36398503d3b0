"""Does a text typed at a free-text step read as a question rather than an answer?

The flow engine (handlers/base/flows.py) asks "Jawaban / Pertanyaan?" before it stores such a
text, so that "link zoom nya mana ya pak" is never silently kept as someone's name.

A text reads as a question when
- it has a question mark (outside a web address: "https://x.id/?a=1" asks nothing), or
- it starts with a question word ("apakah ...", "kapan ...", "di mana ...", "how ..."), or
- the FAQ is sure what it asks about AND it has an interrogative anywhere: chat Indonesian
  keeps the question word in place ("link zoom nya mana ya pak", "tahap 2 kapan").

The FAQ's certainty alone is not enough: "Program governance 2027" (a programme name) makes
the FAQ sure of its "dimensi" entry and "Lewati" (the phone step's skip button) of
"cara-usul", yet neither asks anything."""

from __future__ import annotations

import re

from domain.faq.book import answer_question
from domain.faq.text import default_lexicon, normalise

# Interrogatives that ask wherever they stand ("link zoom nya mana ya pak").
INTERROGATIVES: frozenset[str] = frozenset(
    [
        "apa",
        "apakah",
        "kapan",
        "bagaimana",
        "gimana",
        "gmn",
        "dimana",
        "mana",
        "berapa",
        "brp",
        "siapa",
        "kenapa",
        "mengapa",
    ]
    + ["what", "when", "where", "how", "who", "why"]
)
# A question word at the start of the text (after chat abbreviations are expanded): the
# interrogatives, and words that ask only there; "boleh", "can" or "is" in the middle of a
# sentence ask nothing ("Program terakhir yang boleh").
QUESTION_WORDS: frozenset[str] = INTERROGATIVES | frozenset(
    ["bisakah", "bolehkah", "boleh", "kok", "can", "is", "are", "do", "does"]
)
# Two-word question openings, written as the lexicon writes them ("di mana" -> "dimana").
QUESTION_PHRASES: tuple[str, ...] = ("di mana",)

_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)


def _words(text: str) -> list[str]:
    """Normalised words with chat abbreviations expanded ("kpn" -> "kapan")."""
    slang = default_lexicon().slang["id"]
    words: list[str] = []
    for token in normalise(text).split():
        words.extend(slang.get(token, token).split())
    return words


def reads_as_question(text: str) -> bool:
    """A question mark (outside a web address) or a question word at the start."""
    if "?" in _URL.sub(" ", text):
        return True
    plain = " ".join(normalise(text).split())
    if any(plain == p or plain.startswith(p + " ") for p in QUESTION_PHRASES):
        return True
    words = _words(text)
    return bool(words) and words[0] in QUESTION_WORDS


def has_interrogative(text: str) -> bool:
    """An interrogative word anywhere ("... mana ya pak")."""
    plain = " ".join(normalise(text).split())
    if any(f" {p} " in f" {plain} " for p in QUESTION_PHRASES):
        return True
    return any(word in INTERROGATIVES for word in _words(text))


def is_question(text: str, lang: str) -> bool:
    """Whether `text`, typed where an answer is expected, reads as a question."""
    if reads_as_question(text):
        return True
    return has_interrogative(text) and answer_question(text, lang).entry is not None


MAX_NOISE_CHARS = 1  # "p", "?", "👍": at most this many letters or digits


def is_noise(text: str) -> bool:
    """A message too small to be a question ("p", "?", "..", a single emoji): it gets a short
    pointer to what the bot can do, never "Tanya panitia" (nothing there to pass on)."""
    return sum(char.isalnum() for char in text) <= MAX_NOISE_CHARS
