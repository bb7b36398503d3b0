"""Words run together and typos, with SymSpell (symspellpy).

`Speller.split` segments a word that is no word ("linkzoom" -> "link zoom") against the
words the FAQ and its lexicon know. `Speller.correct` looks a typo up in a vocabulary much
larger than the FAQ's own: the FAQ's words and PySastrawi's ~30,000 Indonesian roots. A typo
closest to a real word the FAQ does not know is that word, not a FAQ word; a real word is
never "corrected" (the caller asks only about words no dictionary knows)."""

from __future__ import annotations

from collections.abc import Iterable

from symspellpy import SymSpell, Verbosity

FAQ_COUNT = 1000  # a FAQ word wins a tie against a root word at the same distance
PREFIX_LENGTH = 5  # symspellpy's prefix: 5 keeps the 30,000-word build near 0.4 s
MIN_PART = 2  # the shortest part of a split word ("ga", "yg" are parts)


class Speller:
    """Segmentation against `known` words, correction against `known` plus `extra`."""

    def __init__(self, known: Iterable[str], extra: Iterable[str] = ()) -> None:
        self.known = frozenset(w for w in known if w.isalpha())
        self._segmenter = SymSpell(max_dictionary_edit_distance=0, prefix_length=PREFIX_LENGTH)
        # Sorted: symspellpy breaks ties by insertion order, which must not depend on hashing.
        ordered = sorted(self.known)
        for word in ordered:
            self._segmenter.create_dictionary_entry(word, FAQ_COUNT)
        self._lookup = SymSpell(max_dictionary_edit_distance=2, prefix_length=PREFIX_LENGTH)
        for word in sorted(set(extra) - self.known):
            self._lookup.create_dictionary_entry(word, 1)
        for word in ordered:
            self._lookup.create_dictionary_entry(word, FAQ_COUNT)

    def split(self, word: str) -> list[str] | None:
        """The known words `word` is made of, when it is two or more of them run together."""
        if len(word) < 2 * MIN_PART + 1:
            return None
        result = self._segmenter.word_segmentation(word, max_edit_distance=0)
        parts = result.corrected_string.split()
        if len(parts) < 2 or any(len(p) < MIN_PART or p not in self.known for p in parts):
            return None
        return parts

    def correct(
        self, word: str, max_distance: int = 2, avoid: frozenset[str] = frozenset()
    ) -> str | None:
        """The closest dictionary word to a typo (distance 1 up to 4 letters, else at most
        `max_distance`), or None. It may be a word the FAQ does not know. Among equally
        close FAQ words, one not in `avoid` (stopwords) wins: "agnda" is "agenda", not "anda"."""
        if len(word) < 3:
            return None
        distance = 1 if len(word) <= 4 else max_distance
        hits = self._lookup.lookup(word, Verbosity.CLOSEST, max_edit_distance=distance)
        if not hits:
            return None
        # CLOSEST: all hits share the smallest distance, the most frequent (FAQ) first.
        best = hits[0]
        for hit in hits:
            if hit.count == best.count and hit.term not in avoid:
                return str(hit.term)
        return str(best.term)
