"""The FAQ's index: BM25 (rank-bm25) over every phrasing of every entry, the resolution of
words the FAQ does not know (informal affixes, run-together words and typos with SymSpell,
domain/faq/spelling.py), and the calibrated "sure" / "did you mean" / "not sure" decision.

Entries are numbered in the order they are given; the index knows only their phrasings."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rank_bm25 import BM25Okapi
from rapidfuzz import fuzz, process

from domain.faq.spelling import Speller
from domain.faq.text import OFFICE_MARK, SMALL_TALK, Analyzer, is_indonesian_word, root_words

# The "sure" decision: a logistic model per language over Index.features (intercept first:
# coverage, known-word coverage, phrasing coverage, margin, unknown share, question word, log
# score, office named, letter similarity, letter ranking agrees, term share of the best and
# of the second entry, share of real words the FAQ lacks, names the event, that share when
# it does not, vague), fitted on the tuning half by bench/faq_calibrate.py --write, which
# sets these lines (one per language: ruff format leaves them alone); bench/faq_cv.py
# checks the fit by leaving each style out in turn.
# fmt: off
CALIBRATION: dict[str, tuple[float, ...]] = {
    "id": (-6.052, 1.113, 1.146, 1.911, 1.231, -0.581, -0.182, 1.097, -1.142, 0.412, 0.952, 0.908, 0.211, -0.262, 1.418, -0.926, -0.482),
    "en": (-3.355, 1.206, 0.259, 0.220, 1.330, -1.052, -0.151, 1.378, -1.242, 0.629, -0.149, 0.682, -0.540, 0.816, 0.476, 0.302, 0.083),
}
# fmt: on
SURE_AT = 0.880  # probability needed to answer
MAYBE_AT = 0.847  # probability needed for "did you mean <question>?"
PARTIAL_CREDIT = 0.5  # credit for a word the FAQ knows, but not the best entry
UNKNOWN_WEIGHT = 2.0  # weight of a word unknown to the FAQ, in units of the highest idf
COMBINED_WEIGHT = 1.0  # weight of the whole-entry BM25 score added to the best phrasing's
FUZZY_MIN_LEN = 3  # shorter words are never "corrected"
EN_PART = 4  # the shortest part of an English word split in two ("zoomlink")
# The closest questions offered when not sure: the BM25 ranking and a letter-level one
# (rapidfuzz over the same words, which still sees a typo or an unknown word the terms lost)
# merged by reciprocal rank; the BM25 best stays first.
FUSION_K = 5  # reciprocal rank fusion: 1 / (FUSION_K + rank)
LETTERS_MIN = 60.0  # a letter-level candidate needs this similarity (0-100)
OFFERED = 3  # closest questions offered when not sure
CLAUSE_TERMS = 2  # a last clause that changes the best entry needs this many terms
RIVALS = 4  # other entries holding every matched term that make a match vague


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
        self.bm25 = BM25Okapi(docs)
        self.bm25_entries = BM25Okapi([_concat(docs, self.doc_entry, i) for i in range(self.size)])
        self.weight, self.unknown_weight = _entry_idf(self.entry_terms)
        self.doc_terms = [set(doc) for doc in docs]
        self.doc_texts = [" ".join(words) for _, words in docs_words]
        # The last question's letter-level scores: an unsure question needs them twice (a
        # confidence feature, then the ranking of the three offered).
        self._letters_memo: tuple[str, dict[int, float]] = ("", {})
        self.entry_docs: list[list[int]] = [[] for _ in range(self.size)]
        for d, i in enumerate(self.doc_entry):
            self.entry_docs[i].append(d)
        lexicon = analyzer.lexicon
        own = lexicon.own_slang.get(analyzer.lang, {})
        spoken = set(own) | set(own.values()) | set(lexicon.javanese) | set(analyzer.slang)
        known_words = surface | set(analyzer.synonyms) | analyzer.stopwords | spoken
        self.known_words = frozenset(w for w in known_words if " " not in w)
        # The speller's words: the FAQ's and its lexicon's (not the whole chat dictionary,
        # whose keys are abbreviations). Indonesian typos are looked up among real words too
        # (PySastrawi's roots), so that a typo of a word the FAQ lacks is not "corrected"
        # into a FAQ word.
        spell_words = surface | set(analyzer.synonyms) | analyzer.stopwords | set(own)
        spell_words |= {w for v in own.values() for w in v.split()} | set(lexicon.javanese)
        roots = root_words() if analyzer.lang == "id" else frozenset()
        self.speller = Speller(
            (w for w in spell_words if " " not in w), (r for r in roots if len(r) >= 4)
        )
        self.resolve = lru_cache(maxsize=8192)(self._resolve)
        self.question_terms = frozenset(analyzer.term(w) for w in lexicon.keep)
        # Real words that are no typos: the ones above, and English function words, which
        # Indonesian chat mixes in ("for" is not a typo of "form").
        self.real_words = self.known_words | lexicon.stopwords["en"] | lexicon.stopwords["id"]
        self.real_words |= {SMALL_TALK}

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

    def _resolve(self, word: str, split: bool = True) -> tuple[str, ...]:
        """Terms of a question word: the word's own term when the FAQ knows it, an informal
        affix variant, the known words of a run-together word ("linkzoom"), or the FAQ word
        a typo stands for. A real word the FAQ does not know stays as it is; a misspelt
        stopword gives no term."""
        term = self.analyzer.term(word)
        if term in self.terms or word.isdigit():
            return (term,)
        variant = self._known_variant(word)
        if variant is not None:
            return (variant,)
        if word in self.real_words or (self.analyzer.lang == "id" and is_indonesian_word(word)):
            # A real word the FAQ does not know ("disediakan") is not a typo of one it knows
            # ("disiapkan"): correcting it would answer a question nobody asked.
            return (term,)
        lookup = self.analyzer.lang == "id" and len(word) >= FUZZY_MIN_LEN
        if lookup:
            # One letter off a FAQ word ("dimnsi") is a typo of it, before any split into
            # chat abbreviations ("dimn si").
            near = self._corrected(word, max_distance=1)
            if near is not None:
                return near
        parts = self.speller.split(word) if split else None
        if parts is not None and self.analyzer.lang == "en" and min(map(len, parts)) < EN_PART:
            parts = None  # "outcome" is no "out com": English words run together are longer
        if parts is not None:
            out: list[str] = []
            for part in parts:
                for w in self.analyzer.slang.get(part, part).split():
                    if w not in self.analyzer.stopwords:
                        out.extend(self._resolve(w, split=False))
            return tuple(out)
        # English has no dictionary larger than the FAQ's here: its typos stay unknown.
        if not lookup:
            return (term,)
        fixed = self.speller.correct(word, avoid=self.analyzer.stopwords)
        if fixed is not None:
            fixed = self.analyzer.slang.get(fixed, fixed)
            if " " in fixed or fixed in self.analyzer.stopwords:
                return ()
        found = self._known(fixed) if fixed is not None else None
        if found is None:
            # A typo with an informal suffix ("sertifkatnya"): the typo of its stem.
            for variant in self.analyzer.variants(word):
                found = self._corrected(variant, max_distance=1)
                if found is not None:
                    break
        return found or (term,)

    def _known(self, word: str) -> tuple[str, ...] | None:
        """The FAQ term of a word, directly or through an informal affix, else None."""
        fixed_term = self.analyzer.term(word)
        if fixed_term in self.terms:
            return (fixed_term,)
        variant = self._known_variant(word)
        return (variant,) if variant is not None else None

    def _corrected(self, word: str, max_distance: int) -> tuple[str, ...] | None:
        """The FAQ term of the closest FAQ word to a typo, when it is one the FAQ knows."""
        if len(word) < FUZZY_MIN_LEN or word in self.real_words:
            return None
        fixed = self.speller.correct(word, max_distance, avoid=self.analyzer.stopwords)
        if fixed is None or fixed not in self.speller.known:
            return None
        fixed = self.analyzer.slang.get(fixed, fixed)
        if " " in fixed or fixed in self.analyzer.stopwords:
            return None
        return self._known(fixed)

    def query_terms(self, text: str) -> list[str]:
        """Distinct index terms of a question, in order."""
        seen: dict[str, None] = {}
        for word in self.analyzer.words(text):
            for term in self.resolve(word):
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

    def known_coverage(self, terms: list[str], entry_index: int) -> float:
        """Idf-weighted share of the question's FAQ-known terms that the entry knows: words the
        FAQ has never seen (context, names) do not count against a clear match."""
        known = self.entry_terms[entry_index]
        total = hit = 0.0
        for t in terms:
            if t in self.terms:
                w = self.weight[t]
                total += w
                hit += w if t in known else 0.0
        return hit / total if total else 0.0

    def phrasing_coverage(self, terms: list[str], entry_index: int) -> float:
        """The largest idf-weighted share of one of the entry's phrasings found in the
        question: a long question that holds a whole phrasing matches it."""
        asked = set(terms)
        best = 0.0
        for d in self.entry_docs[entry_index]:
            doc = self.doc_terms[d]
            total = sum(self.weight.get(t, 0.0) for t in doc)
            if total:
                best = max(best, sum(self.weight.get(t, 0.0) for t in doc & asked) / total)
        return best

    def features(
        self,
        terms: list[str],
        scores: list[float],
        order: list[int],
        office: bool = False,
        letters: dict[int, float] | None = None,
        anchored: bool = False,
    ) -> list[float]:
        """What the "sure" decision is made of (see CALIBRATION)."""
        top = order[0]
        first, second = scores[top], scores[order[1]] if len(order) > 1 else 0.0
        weights = [self.weight.get(t, self.unknown_weight) for t in terms]
        unknown = sum(w for t, w in zip(terms, weights, strict=True) if t not in self.terms)
        foreign = sum(w for t, w in zip(terms, weights, strict=True) if self.is_foreign(t))
        foreign_share = foreign / sum(weights) if weights else 0.0
        return [
            self.coverage(terms, top),
            self.known_coverage(terms, top),
            self.phrasing_coverage(terms, top),
            min(1.0, max(0.0, (first - second) / first)) if first else 0.0,
            unknown / sum(weights) if weights else 1.0,
            1.0 if any(t in self.question_terms for t in terms) else 0.0,
            math.log1p(first),
            1.0 if office else 0.0,
            # A second, letter-level opinion: how close the best entry is, and whether it
            # is also the entry that ranking puts first.
            (letters or {}).get(top, 0.0) / 100,
            1.0 if letters and max(letters, key=lambda i: letters[i]) == top else 0.0,
            # Unweighted: the share of the question's terms the best and the second entry
            # hold (a rare word alone does not make a question match).
            self.term_share(terms, top),
            self.term_share(terms, order[1]) if len(order) > 1 else 0.0,
            # Real words the FAQ does not know ("nikah", "pajak") point at another topic;
            # an unknown typo or name does not.
            foreign_share,
            # A question that names the event or its things ("bimtek", "peserta") is about
            # it; real words the FAQ lacks in one that does not point away from the FAQ.
            1.0 if anchored else 0.0,
            0.0 if anchored else foreign_share,
            # How many other entries hold every term the best one matched: one word that
            # half the FAQ has ("usulan") is no clear match.
            1.0 if self.rivals(terms, top) >= RIVALS else 0.0,
        ]

    def rivals(self, terms: list[str], entry_index: int) -> int:
        """The number of other entries that hold every question term the entry holds."""
        matched = self.entry_terms[entry_index].intersection(terms)
        if not matched:
            return 0
        return sum(
            1 for i, held in enumerate(self.entry_terms) if i != entry_index and matched <= held
        )

    def is_foreign(self, term: str) -> bool:
        """A real word (a dictionary word, not a typo) that the FAQ does not know."""
        if term in self.terms or term.isdigit():
            return False
        if term in self.real_words:
            return True
        return self.analyzer.lang == "id" and is_indonesian_word(term)

    def term_share(self, terms: list[str], entry_index: int) -> float:
        """The share of the question's terms that the entry holds."""
        known = self.entry_terms[entry_index]
        return sum(1 for t in terms if t in known) / len(terms) if terms else 0.0

    def rank(self, text: str) -> Ranking:
        """The closest entries to a question, and how sure the index is of the best one: a
        probability from the calibrated features; "sure" above SURE_AT, "maybe" (shown as
        "did you mean") above MAYBE_AT."""
        ranking = self._rank(text)
        whole = ranking.best
        question = last_clause(text)
        clause: tuple[int, ...] = ()
        if question is not None:
            # A long message with context first: the question is often its last clause. It
            # decides only for an entry the whole message also ranks among its closest: a
            # tag question at the end ("..., is that a problem?") does not override it.
            inner = self._rank(question)
            clause = inner.best
            if inner.score > ranking.score and self._clause_agrees(inner.best, whole, question):
                ranking = inner
        if ranking.sure:
            return ranking
        offered = self.offered(ranking.best, text, (whole, clause))
        return Ranking(best=offered, score=ranking.score, sure=False, maybe=ranking.maybe)

    def _clause_agrees(
        self, clause: tuple[int, ...], whole: tuple[int, ...], question: str
    ) -> bool:
        """Whether a last clause's best entry may stand for the whole message: the same best
        entry, or one of the whole message's closest when the clause has two terms or more
        (a single word, "after", is no question of its own)."""
        if not clause or clause[:1] == whole[:1]:
            return bool(clause)
        return clause[0] in whole and len(self.query_terms(question)) >= CLAUSE_TERMS

    def offered(
        self, best: tuple[int, ...], text: str, others: Sequence[tuple[int, ...]] = ()
    ) -> tuple[int, ...]:
        """The closest questions to offer when not sure: the best ranking's first, then the
        rankings (of the whole message and of its last clause) and the letter-level one
        merged by reciprocal rank."""
        letters = self.letter_ranking(text)
        fused: dict[int, float] = {}
        for ranks in (best, *others, letters):
            for n, i in enumerate(ranks):
                fused[i] = fused.get(i, 0.0) + 1.0 / (FUSION_K + n + 1)
        head = best[:1] or letters[:1]
        rest = sorted((i for i in fused if i not in head), key=lambda i: -fused[i])
        return (*head, *rest)[:OFFERED]

    def letter_ranking(self, text: str) -> tuple[int, ...]:
        """Entries by their letter-level similarity to the question, at least LETTERS_MIN."""
        best = self.letter_scores(text)
        ranked = sorted((i for i in best if best[i] >= LETTERS_MIN), key=lambda i: -best[i])
        return tuple(ranked[:OFFERED])

    def letter_scores(self, text: str) -> dict[int, float]:
        """Per entry, the letter-level similarity (rapidfuzz token set ratio, 0-100) of its
        closest phrasing to the question's words."""
        query = " ".join(self.analyzer.words(text))
        if not query:
            return {}
        memo_query, memo = self._letters_memo  # read once: the warm-up thread may replace it
        if query == memo_query:
            return memo
        best: dict[int, float] = {}
        scores = process.cdist([query], self.doc_texts, scorer=fuzz.token_set_ratio)[0]
        for d, score in enumerate(scores):
            entry = self.doc_entry[d]
            if score > best.get(entry, -1.0):
                best[entry] = float(score)
        self._letters_memo = (query, best)
        return best

    def decision(self, text: str) -> tuple[list[int], list[float], list[float]]:
        """Entries by BM25 score (best first), their scores and the features of the "sure"
        decision (empty when no entry scores)."""
        terms = self.query_terms(text)
        scores = self.entry_scores(terms)
        order = sorted(range(len(scores)), key=lambda i: scores[i], reverse=True)
        if not scores or scores[order[0]] <= 0:
            return order, scores, []
        office = OFFICE_MARK in text
        letters = self.letter_scores(text)
        anchored = self.analyzer.names_event(text)
        return order, scores, self.features(terms, scores, order, office, letters, anchored)

    def _rank(self, text: str) -> Ranking:
        order, scores, features = self.decision(text)
        best = tuple(i for i in order[:OFFERED] if scores[i] > 0)
        if not best:
            return Ranking(best=(), score=0.0, sure=False)
        probability = confidence(features, self.analyzer.lang)
        return Ranking(
            best=best,
            score=round(probability, 4),
            sure=probability >= SURE_AT,
            maybe=probability >= MAYBE_AT,
        )


_CLAUSE = re.compile(r"[,;.!?]+\s+|\s+(?:tapi|tetapi|namun|jadi|sebenarnya|kira-kira)\s+", re.I)
LONG_WORDS = 10  # a message of at least this many words may hold context before its question


def last_clause(text: str) -> str | None:
    """The last clause of a long message ("Kemarin saya ..., tapi ... bisa ditarik tidak?"),
    when it has at least three words; None for a short message."""
    if len(text.split()) < LONG_WORDS:
        return None
    parts = [p for p in _CLAUSE.split(text.strip()) if p.strip()]
    if len(parts) < 2 or len(parts[-1].split()) < 3:
        return None
    return parts[-1]


def confidence(features: Sequence[float], lang: str) -> float:
    """Logistic model of "the best entry is the right one", fitted on the tuning half of
    tests/data/faq_eval_styles.csv by bench/faq_calibrate.py."""
    weights = CALIBRATION[lang]
    z = weights[0] + sum(w * f for w, f in zip(weights[1:], features, strict=True))
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


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
