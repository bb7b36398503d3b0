"""How well the FAQ's ranking generalises to phrasings it has not seen, measured on the FAQ's
own phrasings (no evaluation data at all): each book is indexed with half of every entry's
alternative phrasings (the main question always stays) and asked the other half, then the
other way round. Prints, per language, how often the right entry is ranked first and how
often it is among the three offered when the FAQ is not sure (BM25, its merge with the
letter-level ranking, and the first three of BM25 alone).

Used to compare rankers and their merge (domain/faq/index.py FUSION_K, COMBINED_WEIGHT,
LETTERS_MIN) where the tuning half is saturated (its right entry is in the first three for
586 of 588 questions).

Run from the project root: ``python bench/faq_phrasings_cv.py``.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from domain.faq.book import FaqBook  # noqa: E402


def half_book(book: FaqBook, fold: int) -> tuple[FaqBook, list[tuple[str, str]]]:
    """A book with the alternatives of one parity, and the others as (question, id)."""
    entries = []
    asked: list[tuple[str, str]] = []
    for entry in book.entries:
        kept = tuple(a for n, a in enumerate(entry.alternatives) if n % 2 == fold)
        asked += [(a, entry.id) for n, a in enumerate(entry.alternatives) if n % 2 != fold]
        entries.append(replace(entry, alternatives=kept))
    return FaqBook(lang=book.lang, categories=book.categories, entries=entries), asked


def main() -> int:
    for lang in ("id", "en"):
        full = FaqBook.load(lang)
        n = first = offered = bm25_three = 0
        for fold in (0, 1):
            book, asked = half_book(full, fold)
            index = book._index
            for question, expected in asked:
                order, scores, _ = index.decision(question)
                ids = [book.entries[i].id for i in order[:3] if scores[i] > 0]
                ranking = index.rank(question)
                best = list(ranking.best)
                if ranking.sure:  # what would be offered, had it not been sure
                    best = list(index.offered(ranking.best, question))
                shown = [book.entries[i].id for i in best]
                n += 1
                first += ids[:1] == [expected]
                offered += expected in shown
                bm25_three += expected in ids
        print(
            f"{lang}: {n} phrasings; first {first / n:.1%}, among the three offered "
            f"{offered / n:.1%}, in BM25's first three {bm25_three / n:.1%}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
