"""The FAQ's index: BM25 (rank-bm25) over every phrasing of every entry, the resolution of
words the FAQ does not know (informal affixes, rapidfuzz typo correction against the FAQ's
own vocabulary), and the calibrated "not sure" decision.

Entries are numbered in the order they are given; the index knows only their phrasings."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rank_bm25 import BM25Okapi
from rapidfuzz import fuzz, process

from domain.faq.text import Analyzer, is_indonesian_word

# Calibration of the "not sure" decision (see bench/faq_bench.py).
MIN_COVERAGE = 0.45  # idf-weighted share of the question's words known to the best entry
PARTIAL_CREDIT = 0.5  # credit for a word the FAQ knows, but not the best entry
MIN_MARGIN = 0.03  # relative BM25 lead of the best entry over the second ("usulan" alone: tie)
UNKNOWN_WEIGHT = 2.0  # weight of a word unknown to the FAQ, in units of the highest idf
COMBINED_WEIGHT = 1.0  # weight of the whole-entry BM25 score added to the best phrasing's
FUZZY_CUTOFF = 84.0  # rapidfuzz ratio needed to correct a typo
FUZZY_MIN_LEN = 4  # shorter words are never "corrected"


@dataclass(frozen=True)
class Ranking:
    """The closest entries (at most three with a positive score, best first), the score of
    the best one and whether the index is sure of it."""

    best: tuple[int, ...]
    score: float
    sure: bool
    maybe: bool = False


class Index:
    """BM25 over every phrasing of every entry, plus the resolution of unknown words.
    `phrasings[i]` are the texts of entry i (its question, then its alternatives)."""

    def __init__(self, phrasings: Sequence[Sequence[str]], analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        self.size = len(phrasings)
        docs_words = [(i, analyzer.words(p)) for i, texts in enumerate(phrasings) for p in texts]
        surface = {w for _, words in docs_words for w in words}
        self.terms = {analyzer.term(w) for w in surface}  # first pass, for _doc_term
        self.doc_entry = [i for i, _ in docs_words]
        docs = [[self._doc_term(w) for w in words] for _, words in docs_words]
        self.entry_terms: list[set[str]] = [set() for _ in range(self.size)]
        for doc, i in zip(docs, self.doc_entry, strict=True):
            self.entry_terms[i].update(doc)
        self.terms = set().union(*self.entry_terms)
        known = surface | set(analyzer.synonyms) | analyzer.stopwords
        self.vocab = sorted(w for w in known if len(w) >= FUZZY_MIN_LEN)
        self.bm25 = BM25Okapi(docs)
        self.bm25_entries = BM25Okapi([_concat(docs, self.doc_entry, i) for i in range(self.size)])
        self.weight, self.unknown_weight = _entry_idf(self.entry_terms)
        self.resolve = lru_cache(maxsize=8192)(self._resolve)

    def _known_variant(self, word: str) -> str | None:
        """Term of the first informal-affix variant of ``word`` that the FAQ knows."""
        for variant in self.analyzer.variants(word):
            candidate = self.analyzer.term(self.analyzer.slang.get(variant, variant))
            if candidate in self.terms and candidate != word:
                return candidate
        return None

    def _doc_term(self, word: str) -> str:
        """Term of a word of the FAQ itself: a word the stemmer left alone may still carry
        an informal affix of a known root ("bimteknya" -> "bimtek")."""
        term = self.analyzer.term(word)
        if term != word:
            return term
        return self._known_variant(word) or term

    def _resolve(self, word: str) -> str | None:
        """Term of a question word; unknown words get affix variants, then typo correction.

        Returns None for a misspelt stopword.
        """
        term = self.analyzer.term(word)
        if term in self.terms or word.isdigit():
            return term
        variant = self._known_variant(word)
        if variant is not None:
            return variant
        if self.analyzer.lang == "id" and is_indonesian_word(word):
            # A real word the FAQ does not know ("disediakan") is not a typo of one it knows
            # ("disiapkan"): correcting it would answer a question nobody asked.
            return term
        if len(word) >= FUZZY_MIN_LEN:
            hit = process.extractOne(word, self.vocab, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
            if hit is not None:
                fixed = hit[0]
                return None if fixed in self.analyzer.stopwords else self.analyzer.term(fixed)
        return term

    def query_terms(self, text: str) -> list[str]:
        """Distinct index terms of a question, in order."""
        seen: dict[str, None] = {}
        for word in self.analyzer.words(text):
            term = self.resolve(word)
            if term is not None:
                seen.setdefault(term, None)
        return list(seen)

    def coverage(self, terms: list[str], entry_index: int) -> float:
        """Idf-weighted share of the question's terms that the entry knows.

        Terms known elsewhere in the FAQ get partial credit; unknown terms weigh most.
        """
        known = self.entry_terms[entry_index]
        total = hit = 0.0
        for t in terms:
            if t.isdigit() and t not in self.terms:
                continue
            w = self.weight.get(t, self.unknown_weight)
            total += w
            if t in known:
                hit += w
            elif t in self.terms:
                hit += PARTIAL_CREDIT * w
        return hit / total if total else 0.0

    def entry_scores(self, terms: list[str]) -> list[float]:
        """Per entry: best BM25 score over its phrasings plus the weighted whole-entry score."""
        best = [0.0] * self.size
        if not terms:
            return best
        for score, i in zip(self.bm25.get_scores(terms), self.doc_entry, strict=True):
            if score > best[i]:
                best[i] = float(score)
        if COMBINED_WEIGHT:
            combined = self.bm25_entries.get_scores(terms)
            best = [b + COMBINED_WEIGHT * float(c) for b, c in zip(best, combined, strict=True)]
        return best

    def rank(self, text: str) -> Ranking:
        """The closest entries to a question, and whether the best one is sure: it covers
        enough of the question's words and leads the runner-up."""
        terms = self.query_terms(text)
        scores = self.entry_scores(terms)
        order = sorted(range(len(scores)), key=lambda i: scores[i], reverse=True)
        best = tuple(i for i in order[:3] if scores[i] > 0)
        if not best:
            return Ranking(best=(), score=0.0, sure=False)
        coverage = self.coverage(terms, order[0])
        top, second = scores[order[0]], scores[order[1]] if len(order) > 1 else 0.0
        margin = (top - second) / top
        return Ranking(
            best=best,
            score=round(coverage * min(1.0, margin / MIN_MARGIN), 4),
            sure=coverage >= MIN_COVERAGE and margin >= MIN_MARGIN,
        )


def _concat(docs: list[list[str]], doc_entry: list[int], entry_index: int) -> list[str]:
    """All terms of one entry's phrasings, as one document."""
    return [t for doc, i in zip(docs, doc_entry, strict=True) if i == entry_index for t in doc]


def _entry_idf(entry_terms: list[set[str]]) -> tuple[dict[str, float], float]:
    """Idf of each term over entries, and the weight given to a term the FAQ lacks."""
    n = len(entry_terms)
    df: dict[str, int] = {}
    for terms in entry_terms:
        for t in terms:
            df[t] = df.get(t, 0) + 1
    return {t: math.log(1 + n / c) for t, c in df.items()}, UNKNOWN_WEIGHT * math.log(1 + n)
