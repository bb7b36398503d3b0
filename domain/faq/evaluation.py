"""Evaluation of the FAQ on a labelled CSV (question,expected_id; an empty id means the
question is out of scope): top-1 accuracy, out-of-scope rejection, latency, misses."""

from __future__ import annotations

import csv
import math
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from domain.faq.book import answer_question, load_books


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
