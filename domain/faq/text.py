"""Text analysis for the FAQ: normalising, phrase and slang expansion, stopwords, stemming
and informal affixes, with the data of ``locales/faq_lexicon.yaml``.

A question and every FAQ phrasing go through the same `Analyzer`: normalise -> phrase and
slang expansion -> stopword removal; `Analyzer.term` maps a word to its index term (domain
synonym, PySastrawi stem or a light English stem)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from locales import LOCALES_DIR, load_yaml  # the FAQ's content is text: it lives in locales/

LEXICON_PATH = LOCALES_DIR / "faq_lexicon.yaml"
LANGS: tuple[str, ...] = ("id", "en")


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
    protected: frozenset[str] = frozenset()
    javanese: dict[str, str] = field(default_factory=dict)
    own_slang: dict[str, dict[str, str]] = field(default_factory=dict)  # the lexicon's own
    anchors: frozenset[str] = frozenset()  # words that name the event or its things

    @classmethod
    def load(cls, path: Path = LEXICON_PATH) -> Lexicon:
        """Read and check the lexicon file."""
        raw: dict[str, Any] = load_yaml(path)
        keep = frozenset(_words(raw, "keep"))
        affixes = raw.get("affixes", {})
        protected = frozenset(_words(raw, "protected"))
        javanese = _word_map(raw, "javanese")
        # Javanese phrases ("kados pundi") join the phrases; single words are slang-like.
        phrases = {k: v for k, v in javanese.items() if " " in k} | _word_map(raw, "phrases")
        # Small talk ("sudah makan belum?") is one word the FAQ does not know.
        phrases |= {normalise(p): SMALL_TALK for p in _words(raw, "small_talk")}
        words = {k: v for k, v in javanese.items() if " " not in k}
        chat = chat_dictionary(protected | set(_words(raw, "stopwords_id")) | keep)
        return cls(
            phrases=phrases,
            slang={"id": chat | words | _word_map(raw, "slang"), "en": _word_map(raw, "slang_en")},
            synonyms=_word_map(raw, "synonyms"),
            stopwords={lang: frozenset(_words(raw, f"stopwords_{lang}")) - keep for lang in LANGS},
            keep=keep,
            suffixes=tuple(_words(affixes, "suffixes")),
            prefixes=tuple(_words(affixes, "prefixes")),
            nasal=_word_map(affixes, "nasal"),
            protected=protected,
            javanese=javanese,
            own_slang={"id": _word_map(raw, "slang"), "en": _word_map(raw, "slang_en")},
            anchors=protected | frozenset(_words(raw, "anchors")),
        )


def chat_dictionary(protected: Iterable[str]) -> dict[str, str]:
    """indoNLP's colloquial Indonesian dictionary (Kamus Alay, about 4,300 entries), made
    safe: an entry is used only for a word that is not protected (a domain word, stopword or
    question word) and not itself a real Indonesian word, and only when it changes the word.
    "bimtek" stays "bimtek"; "blh" becomes "boleh"."""
    from indoNLP.preprocessing.slang_data import SLANG_DATA  # data only, no dependencies

    keep = set(protected)
    out: dict[str, str] = {}
    for key, value in SLANG_DATA.items():
        word, standard = normalise(key), normalise(value)
        if not word or " " in word or word in keep or not standard or standard == word:
            continue
        if is_root_word(word):  # a real word ("tak", "pas") keeps its own meaning
            continue
        out[word] = standard
    return out


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


SMALL_TALK = "basabasi"  # what a small-talk question is read as: a real word the FAQ lacks
OFFICE_MARK = "kantoropd"  # what an office name in a question is replaced with (no real word)
OFFICE_WORD = "opd"  # the word the FAQ reads it as


def mark_offices(text: str, names: tuple[str, ...]) -> str:
    """The text with every office name of the event ("Dinsos", "Dinas Sosial", "DPM-PTSP")
    replaced by the one word OFFICE_WORD: the FAQ knows offices only as "OPD", so a name is
    neither a word it does not know nor a word that points at another entry. Punctuation
    stays, for last_clause."""
    pattern = _office_pattern(names)
    return pattern.sub(f" {OFFICE_MARK} ", text) if pattern is not None else text


@lru_cache(maxsize=8)
def _office_pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    """One regular expression for all the names, longest first ("Dinas Sosial" before
    "Dinas"), words separated by any spaces, dots or hyphens."""
    spelled = {tuple(normalise(name).split()) for name in names}
    words = sorted((w for w in spelled if w), key=lambda w: (-len(" ".join(w)), w))
    if not words:
        return None
    alternatives = [r"[\s.\-/]*".join(map(re.escape, w)) for w in words]
    return re.compile(r"(?<![0-9a-z])(?:" + "|".join(alternatives) + r")(?![0-9a-z])", re.I)


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
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory  # with the FAQ, not at start-up

    return StemmerFactory().create_stemmer()


def _sastrawi() -> Callable[[str], str]:
    return _sastrawi_stemmer().stem


def root_words() -> frozenset[str]:
    """PySastrawi's dictionary of Indonesian root words (about 30,000)."""
    return _root_words()


@cache
def _root_words() -> frozenset[str]:
    return frozenset(_sastrawi_stemmer().delegatedStemmer.dictionary.words)


def is_root_word(word: str) -> bool:
    """True for a root word of PySastrawi's dictionary (no stemming: fast)."""
    return word in _root_words()


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
            if token == OFFICE_MARK:
                out.append(OFFICE_WORD)
                continue
            for word in self.expand(token):
                if word not in self.stopwords:
                    out.append(word)
        return out

    def expand(self, token: str) -> list[str]:
        """A token's standard words: its slang entry, and that entry's words' own entries
        once more ("tlat" -> "telat" -> "terlambat": the chat and Javanese lists meet)."""
        words = self.slang.get(token, token).split()
        if words == [token]:
            return words
        return [w for word in words for w in self.slang.get(word, word).split()]

    def names_event(self, text: str) -> bool:
        """Whether the text names the event or one of its things ("bimtek", "peserta",
        "usulan", "zoom"), with an informal suffix or not ("acaranya"). Stopwords count:
        the English pipeline drops "workshop"."""
        for token in normalise(text).split():
            if token in self.lexicon.anchors:
                return True
            if any(v in self.lexicon.anchors for v in self.variants(token)):
                return True
        return False

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


@cache
def default_lexicon() -> Lexicon:
    """The lexicon of locales/faq_lexicon.yaml, loaded once."""
    return Lexicon.load()
