"""FAQ book and matcher for the bimtek bot.

Content lives in ``faq.{lang}.yaml``; the slang map, domain synonyms and stopwords in
``faq_lexicon.yaml``. A question goes through: normalise -> phrase and slang expansion ->
stopword removal -> per-word resolution (synonyms, PySastrawi stem, informal affixes,
rapidfuzz typo correction against the FAQ's own vocabulary) -> BM25 ranking over every
phrasing of every entry -> a calibrated "not sure" decision.
"""

from __future__ import annotations

import csv
import math
import re
import statistics
import string
import time
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml
from rank_bm25 import BM25Okapi
from rapidfuzz import fuzz, process
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

from locales import LOCALES_DIR  # the FAQ's content is text: it lives in locales/

LEXICON_PATH = LOCALES_DIR / "faq_lexicon.yaml"
LANGS: tuple[str, ...] = ("id", "en")

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
        "dimensions",
        "stage_count",
        "my_group",
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
)
CATEGORY_IDS: tuple[str, ...] = (
    "schedule",
    "attendance",
    "proposals",
    "smartcity",
    "admin",
    "privacy",
)

# Calibration of the "not sure" decision (see bench/faq_bench.py).
MIN_COVERAGE = 0.45  # idf-weighted share of the question's words known to the best entry
PARTIAL_CREDIT = 0.5  # credit for a word the FAQ knows, but not the best entry
MIN_MARGIN = 0.03  # relative BM25 lead of the best entry over the second ("usulan" alone: tie)
UNKNOWN_WEIGHT = 2.0  # weight of a word unknown to the FAQ, in units of the highest idf
COMBINED_WEIGHT = 1.0  # weight of the whole-entry BM25 score added to the best phrasing's
FUZZY_CUTOFF = 84.0  # rapidfuzz ratio needed to correct a typo
FUZZY_MIN_LEN = 4  # shorter words are never "corrected"


# ---------------------------------------------------------------- public data types


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
    def phrasings(self) -> tuple[str, ...]:
        """The question followed by its alternatives."""
        return (self.question, *self.alternatives)


@dataclass(frozen=True)
class FaqMatch:
    """Result of matching a question: ``entry`` is None when the matcher is not sure."""

    entry: FaqEntry | None
    score: float
    candidates: tuple[FaqEntry, ...]


# ---------------------------------------------------------------- lexicon and analysis


@dataclass(frozen=True)
class Lexicon:
    """Data from faq_lexicon.yaml."""

    phrases: dict[str, str]
    slang: dict[str, dict[str, str]]
    synonyms: dict[str, str]
    stopwords: dict[str, frozenset[str]]
    keep: frozenset[str]
    suffixes: tuple[str, ...]
    prefixes: tuple[str, ...]
    nasal: dict[str, str]

    @classmethod
    def load(cls, path: Path = LEXICON_PATH) -> Lexicon:
        """Read and check the lexicon file."""
        raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        keep = frozenset(_words(raw, "keep"))
        affixes = raw.get("affixes", {})
        return cls(
            phrases=_word_map(raw, "phrases"),
            slang={"id": _word_map(raw, "slang"), "en": _word_map(raw, "slang_en")},
            synonyms=_word_map(raw, "synonyms"),
            stopwords={lang: frozenset(_words(raw, f"stopwords_{lang}")) - keep for lang in LANGS},
            keep=keep,
            suffixes=tuple(_words(affixes, "suffixes")),
            prefixes=tuple(_words(affixes, "prefixes")),
            nasal=_word_map(affixes, "nasal"),
        )


def _words(raw: Mapping[str, Any], key: str) -> list[str]:
    """A list of strings from the lexicon; YAML's `no`/`on` booleans are an error."""
    items = raw.get(key) or []
    bad = [w for w in items if not isinstance(w, str)]
    if bad:
        raise ValueError(f"faq_lexicon.yaml: {key} has non-text items {bad} (quote them)")
    return list(items)


def _word_map(raw: Mapping[str, Any], key: str) -> dict[str, str]:
    """A str -> str mapping from the lexicon; non-text keys or values are an error."""
    items = raw.get(key) or {}
    bad = [k for k, v in items.items() if not isinstance(k, str) or not isinstance(v, str)]
    if bad:
        raise ValueError(f"faq_lexicon.yaml: {key} has non-text entries {bad} (quote them)")
    return dict(items)


_NON_WORD = re.compile(r"[^0-9a-z]+")
_REDUPLICATION = re.compile(r"\b([a-z]{2,})2\b")  # "masing2" -> "masing"
_EN_SUFFIXES = (("ies", "y"), ("ing", ""), ("ed", ""), ("s", ""))


def normalise(text: str) -> str:
    """Lowercase, fold accents, drop apostrophes, turn punctuation and hyphens into spaces."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"['’`]", "", text)
    text = _NON_WORD.sub(" ", text)
    return _REDUPLICATION.sub(r"\1", text).strip()


@cache
def _sastrawi_stemmer() -> Any:
    """The PySastrawi stemmer (with its dictionary of Indonesian roots), created once."""
    return StemmerFactory().create_stemmer()


def _sastrawi() -> Callable[[str], str]:
    return _sastrawi_stemmer().stem


@lru_cache(maxsize=8192)
def is_indonesian_word(word: str) -> bool:
    """True when Sastrawi's dictionary knows the word's root: a real word, not a typo."""
    return bool(_sastrawi_stemmer().delegatedStemmer.dictionary.contains(stem_id(word)))


@lru_cache(maxsize=8192)
def stem_id(word: str) -> str:
    """Indonesian stem (PySastrawi), cached."""
    return _sastrawi()(word) or word


@lru_cache(maxsize=8192)
def stem_en(word: str) -> str:
    """A light English suffix stripper: consistent, not linguistic."""
    for suffix, repl in _EN_SUFFIXES:
        if word.endswith(suffix) and not word.endswith("ss") and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + repl
            break
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    return word


class Analyzer:
    """Turns text into surface words and words into index terms for one language."""

    def __init__(self, lexicon: Lexicon, lang: str) -> None:
        self.lang = lang
        self.lexicon = lexicon
        self.stem = stem_id if lang == "id" else stem_en
        self.slang = lexicon.slang[lang]
        self.stopwords = lexicon.stopwords[lang]
        phrases = sorted(lexicon.phrases, key=len, reverse=True)
        self._phrase_re = re.compile(r"\b(" + "|".join(map(re.escape, phrases)) + r")\b")
        self.synonyms = {k: self.stem(v) for k, v in lexicon.synonyms.items()}

    def words(self, text: str) -> list[str]:
        """Normalised, slang-expanded surface words without stopwords."""
        text = self._phrase_re.sub(lambda m: self.lexicon.phrases[m.group(1)], normalise(text))
        out: list[str] = []
        for token in text.split():
            for word in self.slang.get(token, token).split():
                if word not in self.stopwords:
                    out.append(word)
        return out

    def term(self, word: str) -> str:
        """Index term of a word: synonym of the word, else synonym of its stem, else the stem."""
        if word in self.synonyms:
            return self.synonyms[word]
        stemmed = self.stem(word)
        return self.synonyms.get(stemmed, stemmed)

    def variants(self, word: str) -> Iterable[str]:
        """Informal affix variants of a word ("ngusulin" -> "usulin", "usul")."""
        lex = self.lexicon
        heads = [word]
        for prefix in lex.prefixes:
            if word.startswith(prefix) and len(word) - len(prefix) >= 3:
                rest = word[len(prefix) :]
                heads.append(rest)
                if prefix in lex.nasal:
                    heads.append(lex.nasal[prefix] + rest)
        for head in heads:
            if head != word:
                yield head
            for suffix in lex.suffixes:
                if head.endswith(suffix) and len(head) - len(suffix) >= 3:
                    yield head[: -len(suffix)]


# ---------------------------------------------------------------- the index


class _Index:
    """BM25 over every phrasing of every entry, plus the resolution of unknown words."""

    def __init__(self, entries: list[FaqEntry], analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        self.entries = entries
        phrasings = [(i, analyzer.words(p)) for i, e in enumerate(entries) for p in e.phrasings]
        surface = {w for _, words in phrasings for w in words}
        self.terms = {analyzer.term(w) for w in surface}  # first pass, for _doc_term
        self.doc_entry = [i for i, _ in phrasings]
        docs = [[self._doc_term(w) for w in words] for _, words in phrasings]
        self.entry_terms: list[set[str]] = [set() for _ in entries]
        for doc, i in zip(docs, self.doc_entry, strict=True):
            self.entry_terms[i].update(doc)
        self.terms = set().union(*self.entry_terms)
        known = surface | set(analyzer.synonyms) | analyzer.stopwords
        self.vocab = sorted(w for w in known if len(w) >= FUZZY_MIN_LEN)
        self.bm25 = BM25Okapi(docs)
        self.bm25_entries = BM25Okapi(
            [_concat(docs, self.doc_entry, i) for i in range(len(entries))]
        )
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
        best = [0.0] * len(self.entries)
        if not terms:
            return best
        for score, i in zip(self.bm25.get_scores(terms), self.doc_entry, strict=True):
            if score > best[i]:
                best[i] = float(score)
        if COMBINED_WEIGHT:
            combined = self.bm25_entries.get_scores(terms)
            best = [b + COMBINED_WEIGHT * float(c) for b, c in zip(best, combined, strict=True)]
        return best


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


# ---------------------------------------------------------------- the book


@dataclass
class FaqBook:
    """All FAQ entries of one language, with their categories and a matcher."""

    lang: str
    categories: list[tuple[str, str]]
    entries: list[FaqEntry]
    _by_id: dict[str, FaqEntry] = field(init=False, repr=False)
    _index: _Index = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id = {e.id: e for e in self.entries}
        self._index = _Index(self.entries, Analyzer(_lexicon(), self.lang))

    @classmethod
    def load(cls, lang: str) -> FaqBook:
        """Load and validate ``locales/faq.{lang}.yaml``."""
        if lang not in LANGS:
            raise ValueError(f"unknown FAQ language {lang!r}")
        path = LOCALES_DIR / f"faq.{lang}.yaml"
        raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
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
        index = self._index
        terms = index.query_terms(text)
        scores = index.entry_scores(terms)
        order = sorted(range(len(scores)), key=lambda i: scores[i], reverse=True)
        candidates = tuple(self.entries[i] for i in order[:3] if scores[i] > 0)
        if not candidates:
            return FaqMatch(entry=None, score=0.0, candidates=())
        coverage = index.coverage(terms, order[0])
        best, second = scores[order[0]], scores[order[1]] if len(order) > 1 else 0.0
        margin = (best - second) / best
        sure = coverage >= MIN_COVERAGE and margin >= MIN_MARGIN
        return FaqMatch(
            entry=candidates[0] if sure else None,
            score=round(coverage * min(1.0, margin / MIN_MARGIN), 4),
            candidates=candidates,
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


# ---------------------------------------------------------------- module-level API


@cache
def _lexicon() -> Lexicon:
    """The lexicon, loaded once."""
    return Lexicon.load()


@cache
def load_books() -> dict[str, FaqBook]:
    """Both FAQ books, loaded once."""
    return {lang: FaqBook.load(lang) for lang in LANGS}


def answer_question(text: str, lang: str) -> FaqMatch:
    """Match in both books (a question may come in either language); answer from ``lang``.

    An unknown ``lang`` falls back to Indonesian.
    """
    books = load_books()
    own = books.get(lang) or books["id"]
    matches = [(own.match(text), 1)] + [
        (book.match(text), 0) for book in books.values() if book is not own
    ]
    accepted = [m for m in matches if m[0].entry is not None]
    pool = accepted or matches
    best, _ = max(pool, key=lambda m: (m[0].score, m[1]))
    return _in_book(best, own)


def _in_book(match: FaqMatch, book: FaqBook) -> FaqMatch:
    """The same match with its entries taken from ``book``."""

    def local(entry: FaqEntry) -> FaqEntry:
        return book.get(entry.id) or entry

    return FaqMatch(
        entry=local(match.entry) if match.entry else None,
        score=match.score,
        candidates=tuple(local(e) for e in match.candidates),
    )


# ---------------------------------------------------------------- evaluation


@dataclass
class EvalReport:
    """Accuracy, rejection and latency of the matcher on a labelled CSV."""

    total: int
    in_scope: int
    correct: int
    top1_accuracy: float
    out_of_scope: int
    rejected: int
    rejection_rate: float
    p50_ms: float
    p99_ms: float
    misses: list[tuple[str, str, str]]

    def format(self) -> str:
        """Human-readable summary with the misses."""
        lines = [
            f"questions: {self.total} ({self.in_scope} in scope, {self.out_of_scope} out of scope)",
            f"top-1 accuracy: {self.top1_accuracy:.1%} ({self.correct}/{self.in_scope})",
            f"out-of-scope rejected: {self.rejection_rate:.1%} "
            f"({self.rejected}/{self.out_of_scope})",
            f"latency: p50 {self.p50_ms:.2f} ms, p99 {self.p99_ms:.2f} ms",
        ]
        if self.misses:
            lines.append(f"misses ({len(self.misses)}): question | expected | got")
            lines += [f"  {q} | {exp or '-'} | {got or '-'}" for q, exp, got in self.misses]
        return "\n".join(lines)


def read_eval_csv(csv_path: Path) -> list[tuple[str, str]]:
    """Rows (question, expected_id) of an evaluation CSV with a header line."""
    with Path(csv_path).open(encoding="utf-8", newline="") as fh:
        return [
            (row["question"].strip(), (row.get("expected_id") or "").strip())
            for row in csv.DictReader(fh)
            if row.get("question", "").strip()
        ]


def _percentile(values: list[float], q: float) -> float:
    """q-th percentile (0-100) of the values, nearest rank."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def evaluate(csv_path: Path, lang: str | None = None) -> EvalReport:
    """Run every question of the CSV through answer_question (lang defaults to "id")."""
    rows = read_eval_csv(csv_path)
    load_books()
    timings: list[float] = []
    misses: list[tuple[str, str, str]] = []
    correct = rejected = 0
    for question, expected in rows:
        start = time.perf_counter()
        match = answer_question(question, lang or "id")
        timings.append((time.perf_counter() - start) * 1000)
        got = match.entry.id if match.entry else ""
        if got == expected:
            correct += bool(expected)
            rejected += not expected
        else:
            misses.append((question, expected, got))
    in_scope = sum(1 for _, e in rows if e)
    out_of_scope = len(rows) - in_scope
    return EvalReport(
        total=len(rows),
        in_scope=in_scope,
        correct=correct,
        top1_accuracy=correct / in_scope if in_scope else 0.0,
        out_of_scope=out_of_scope,
        rejected=rejected,
        rejection_rate=rejected / out_of_scope if out_of_scope else 0.0,
        p50_ms=statistics.median(timings) if timings else 0.0,
        p99_ms=_percentile(timings, 99),
        misses=misses,
    )
