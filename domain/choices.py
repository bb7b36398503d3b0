"""Typed text matched to the buttons on screen: "luring" is "Luring (tatap muka)", "setuju" is
"Setuju", "smart living" is "✓ Smart Living".

Labels and text are folded (case, accents, emoji and punctuation, spaces). A label equal to
the text wins outright. Otherwise each label is scored by how much of what was typed it holds
(every typed word against the label's words, with rapidfuzz for typos in words of four letters
or more) and by the whole text against the whole label without spaces ("smartliving"); words
that say nothing about which ("saya", "aja", "pak") are left out. What was typed must be in
the label, not the other way round: "gak setuju" is not "Setuju". A close
match clearly ahead of every other label is `sure`; a fairly close one, or several equally
close, are `guess`es the bot asks about ("Maksud Bapak/Ibu: Luring (tatap muka)?")."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from rapidfuzz import fuzz

FULL_MATCH = 100.0  # every typed word is in the label (or the label is what was typed)
SURE_SCORE = 90.0  # the same bar as typed offices (domain/offices.py)
GUESS_SCORE = 80.0  # below this a label is not suggested at all
SURE_MARGIN = 10.0  # a sure label leads every other by this much
MIN_FUZZY_WORD = 4  # shorter words must be typed exactly: a typo there names another word
MAX_GUESSES = 4  # how many labels a question offers at most

_NON_WORD = re.compile(r"[^0-9a-z]+")
# Words around a choice that say nothing about which ("saya setuju", "luring aja pak",
# "online please"): left out of the score unless the label has them. Never a negation.
FILLER = frozenset(
    [
        "saya",
        "aku",
        "sy",
        "aja",
        "saja",
        "pak",
        "bu",
        "bapak",
        "ibu",
        "kak",
        "mas",
        "mbak",
        "deh",
        "dong",
        "sih",
        "ya",
        "yg",
        "yang",
        "mau",
        "pilih",
        "pilihan",
        "ini",
        "itu",
        "please",
        "pls",
        "i",
        "choose",
        "want",
        "the",
    ]
)

Certainty = Literal["sure", "guess", "none"]


@dataclass(frozen=True)
class ChoiceMatch:
    """`indexes` are positions in the labels given, best first: one for `sure`, one or more
    for `guess`, none for `none`."""

    certainty: Certainty
    indexes: tuple[int, ...] = field(default=())
    score: float = 0.0


def fold(text: str) -> str:
    """Lower case, no accents, emoji or punctuation, single spaces."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(_NON_WORD.sub(" ", plain).split())


def _word_score(word: str, label_words: Sequence[str]) -> float:
    if word in label_words:
        return 100.0
    if len(word) < MIN_FUZZY_WORD:
        return 0.0
    return max((fuzz.ratio(word, other) for other in label_words), default=0.0)


def score(typed: str, label: str) -> float:
    """0-100: how surely the folded `typed` names the folded `label`."""
    if not typed or not label:
        return 0.0
    if typed == label or typed.replace(" ", "") == label.replace(" ", ""):
        return 100.0
    label_words = label.split()
    words = [w for w in typed.split() if w not in FILLER or w in label_words] or typed.split()
    covered = sum(len(w) * _word_score(w, label_words) for w in words) / sum(map(len, words))
    whole = fuzz.ratio(typed.replace(" ", ""), label.replace(" ", ""))
    return max(covered, whole if len(typed) >= MIN_FUZZY_WORD else 0.0)


def match_choice(text: str, labels: Sequence[str]) -> ChoiceMatch:
    """Which of `labels` the typed `text` names, and how surely."""
    typed = fold(text)
    if not typed:
        return ChoiceMatch("none")
    folded = [fold(label) for label in labels]
    # "setuju pak" is "Setuju" exactly, not also a part of "Tidak setuju".
    content = " ".join(w for w in typed.split() if w not in FILLER) or typed
    exact = [i for i, label in enumerate(folded) if label and label in (typed, content)]
    if len(exact) == 1:
        return ChoiceMatch("sure", (exact[0],), 100.0)
    scores = sorted(
        ((score(typed, label), i) for i, label in enumerate(folded)),
        key=lambda item: item[0],
        reverse=True,
    )
    if not scores or scores[0][0] < GUESS_SCORE:
        return ChoiceMatch("none", (), scores[0][0] if scores else 0.0)
    top = scores[0][0]
    runner_up = scores[1][0] if len(scores) > 1 else 0.0
    if top >= SURE_SCORE and top - runner_up >= SURE_MARGIN:
        return ChoiceMatch("sure", (scores[0][1],), top)
    close = [i for s, i in scores if s >= GUESS_SCORE and top - s < SURE_MARGIN]
    return ChoiceMatch("guess", tuple(close[:MAX_GUESSES]), top)
