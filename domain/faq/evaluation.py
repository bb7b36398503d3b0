"""Evaluation of the FAQ on a labelled CSV (question,expected_id; an empty id means the
question is out of scope; optional columns `style` and `split`; lines starting with # are
comments): top-1 accuracy, out-of-scope rejection, the right entry among the three offered
when the matcher is not sure, latency, per style, and the misses."""

from __future__ import annotations

import csv
import math
import statistics
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from domain.faq.book import answer_question, load_books


@dataclass(frozen=True)
class EvalRow:
    """One labelled question (expected "" = out of scope)."""

    question: str
    expected: str
    style: str = ""
    split: str = ""


@dataclass
class StyleFigures:
    """Top-1 accuracy of one style (in-scope questions only)."""

    in_scope: int = 0
    correct: int = 0
    out_of_scope: int = 0
    rejected: int = 0


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
    # In-scope questions the matcher was not sure of, and how many of them had the right
    # entry among the (at most) three it offered.
    unsure: int = 0
    offered_right: int = 0
    # "Mungkin maksud ...": in-scope questions answered in the middle tier (right / all), and
    # out-of-scope questions that got it (not sure, but a suggestion shown).
    maybe: int = 0
    maybe_right: int = 0
    top3: int = 0  # in-scope questions whose right entry ranks in the first three
    maybe_out_of_scope: int = 0
    styles: dict[str, StyleFigures] = field(default_factory=dict)

    @property
    def offered_rate(self) -> float:
        """Share of the unsure in-scope questions whose right entry was offered."""
        return self.offered_right / self.unsure if self.unsure else 1.0

    def style_accuracy(self, style: str) -> float:
        figures = self.styles[style]
        return figures.correct / figures.in_scope if figures.in_scope else 1.0

    def format(self, misses: bool = True) -> str:
        """Human-readable summary, per style when the CSV has styles, with the misses."""
        lines = [
            f"questions: {self.total} ({self.in_scope} in scope, {self.out_of_scope} out of scope)",
            f"top-1 accuracy: {self.top1_accuracy:.1%} ({self.correct}/{self.in_scope})",
            f"out-of-scope rejected: {self.rejection_rate:.1%} "
            f"({self.rejected}/{self.out_of_scope})",
            f"right entry among the three offered when not sure: {self.offered_rate:.1%} "
            f"({self.offered_right}/{self.unsure})",
            f"right entry ranked in the first three: {self.top3}/{self.in_scope}",
            f"'did you mean' tier: {self.maybe} in scope ({self.maybe_right} right), "
            f"{self.maybe_out_of_scope} out of scope",
            f"latency: p50 {self.p50_ms:.2f} ms, p99 {self.p99_ms:.2f} ms",
        ]
        if self.styles:
            lines.append("per style: top-1 (in scope) | out-of-scope rejected")
            for style in sorted(self.styles):
                f = self.styles[style]
                oos = f"{f.rejected}/{f.out_of_scope}" if f.out_of_scope else "-"
                lines.append(
                    f"  {style:<10} {self.style_accuracy(style):6.1%} "
                    f"({f.correct}/{f.in_scope}) | {oos}"
                )
        if misses and self.misses:
            lines.append(f"misses ({len(self.misses)}): question | expected | got")
            lines += [f"  {q} | {exp or '-'} | {got or '-'}" for q, exp, got in self.misses]
        return "\n".join(lines)


def read_eval_rows(csv_path: Path) -> list[EvalRow]:
    """The rows of an evaluation CSV with a header line; lines starting with # are skipped."""
    with Path(csv_path).open(encoding="utf-8", newline="") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    return [
        EvalRow(
            question=row["question"].strip(),
            expected=(row.get("expected_id") or "").strip(),
            style=(row.get("style") or "").strip(),
            split=(row.get("split") or "").strip(),
        )
        for row in csv.DictReader(lines)
        if (row.get("question") or "").strip()
    ]


def read_eval_csv(csv_path: Path) -> list[tuple[str, str]]:
    """Rows (question, expected_id) of an evaluation CSV."""
    return [(r.question, r.expected) for r in read_eval_rows(csv_path)]


def _percentile(values: list[float], q: float) -> float:
    """q-th percentile (0-100) of the values, nearest rank."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def evaluate(
    csv_path: Path,
    lang: str | None = None,
    split: str | None = None,
    offices: tuple[str, ...] = (),
) -> EvalReport:
    """Run every question of the CSV (only the rows of `split`, when given) through
    answer_question (lang defaults to "id"; `offices`: the event's office names, as the bot
    passes them)."""
    rows = [r for r in read_eval_rows(csv_path) if split is None or r.split == split]
    return evaluate_rows(rows, lang or "id", offices)


def evaluate_rows(
    rows: Iterable[EvalRow], lang: str = "id", offices: tuple[str, ...] = ()
) -> EvalReport:
    """The report of a list of rows."""
    rows = list(rows)
    load_books()
    answer_question("warm up", lang)  # caches and lazy data are not the first question's cost
    timings: list[float] = []
    report = EvalReport(0, 0, 0, 0.0, 0, 0, 0.0, 0.0, 0.0, [])
    has_styles = any(r.style for r in rows)
    for row in rows:
        start = time.perf_counter()
        match = answer_question(row.question, lang, offices)
        timings.append((time.perf_counter() - start) * 1000)
        got = match.entry.id if match.entry else ""
        style = report.styles.setdefault(row.style, StyleFigures()) if has_styles else None
        offered = [e.id for e in match.candidates[:3]]
        if row.expected:
            report.in_scope += 1
            report.correct += got == row.expected
            report.top3 += row.expected in offered
            if style is not None:
                style.in_scope += 1
                style.correct += got == row.expected
            if not got:
                report.unsure += 1
                report.offered_right += row.expected in offered
            if match.maybe:
                report.maybe += 1
                report.maybe_right += offered[:1] == [row.expected]
        else:
            report.out_of_scope += 1
            report.rejected += not got
            report.maybe_out_of_scope += match.maybe
            if style is not None:
                style.out_of_scope += 1
                style.rejected += not got
        if got != row.expected:
            report.misses.append((row.question, row.expected, got))
    report.total = len(rows)
    report.top1_accuracy = report.correct / report.in_scope if report.in_scope else 0.0
    report.rejection_rate = report.rejected / report.out_of_scope if report.out_of_scope else 0.0
    report.p50_ms = statistics.median(timings) if timings else 0.0
    report.p99_ms = _percentile(timings, 99)
    return report
