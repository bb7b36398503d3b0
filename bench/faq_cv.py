"""Cross-validation of the FAQ's "sure" decision on the TUNING data only (the `tune` half of
tests/data/faq_eval_styles.csv and tests/data/faq_eval.csv; the held-out half is never read).

Leave one style out: for each style (the project's own set counts as one, "own"), the
confidence model and SURE_AT are fitted by bench/faq_calibrate.py's rules on every other
style and the style left out is measured with them. Fit-and-report on the same rows flatters
the model; this is the figure to compare changes by. Also prints how spread the fitted
probabilities are (a model squeezed into a narrow band makes the threshold a cliff).

Run from the project root: ``python bench/faq_cv.py [--min-rejected 0.965]``.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import faq_calibrate as cal  # noqa: E402

from domain.faq import index as faq_index  # noqa: E402
from domain.faq.book import load_books  # noqa: E402
from domain.faq.evaluation import EvalReport, EvalRow, evaluate_rows  # noqa: E402


def _memoise() -> None:
    """The features and the letter ranking of a text do not depend on the model: compute
    them once for all folds."""
    index_class = faq_index.Index
    decision = index_class.decision
    letters = index_class.letter_scores
    index_class.decision = lru_cache(maxsize=None)(decision)  # type: ignore[method-assign]
    index_class.letter_scores = lru_cache(maxsize=None)(letters)  # type: ignore[method-assign]


def folds(rows: list[EvalRow]) -> dict[str, list[EvalRow]]:
    out: dict[str, list[EvalRow]] = defaultdict(list)
    for row in rows:
        out[row.style or "own"].append(row)
    return dict(out)


def fit_on(rows: list[EvalRow]) -> None:
    """bench/faq_calibrate.py's fit (model, then SURE_AT), into domain/faq/index.py's
    module constants (not the file)."""
    faq_index.CALIBRATION = {
        lang: tuple(float(v) for v in cal.fit(*cal.samples(rows, lang))) for lang in ("id", "en")
    }
    faq_index.SURE_AT = cal.lowest_sure_at(rows)


def spread(rows: list[EvalRow]) -> tuple[float, float, float]:
    """5th, 50th and 95th percentile of the Indonesian book's probability."""
    x, _ = cal.samples(rows, "id")
    w = np.array(faq_index.CALIBRATION["id"])
    p = 1 / (1 + np.exp(-(w[0] + x @ w[1:])))
    return tuple(float(v) for v in np.percentile(p, [5, 50, 95]))  # type: ignore[return-value]


def main() -> int:
    if "--min-rejected" in sys.argv:  # try another rejection target than the calibration's
        cal.MIN_REJECTED = float(sys.argv[sys.argv.index("--min-rejected") + 1])
    _memoise()
    load_books()
    rows = cal.tuning_rows()
    groups = folds(rows)
    total = EvalReport(0, 0, 0, 0.0, 0, 0, 0.0, 0.0, 0.0, [])
    print("left out   top-1            refused       offered       SURE_AT  p5/p50/p95")
    for name, held in sorted(groups.items()):
        rest = [r for r in rows if (r.style or "own") != name]
        fit_on(rest)
        report = evaluate_rows(held, "id", cal.OFFICES)
        p5, p50, p95 = spread(rest)
        print(
            f"{name:<10} {report.top1_accuracy:6.1%} ({report.correct:>3}/{report.in_scope:<3}) "
            f"{report.rejected:>3}/{report.out_of_scope:<3}       "
            f"{report.offered_right:>3}/{report.unsure:<3}       {faq_index.SURE_AT:.3f}    "
            f"{p5:.2f}/{p50:.2f}/{p95:.2f}"
        )
        for attr in (
            "in_scope", "correct", "out_of_scope", "rejected", "unsure", "offered_right", "top3"
        ):  # fmt: skip
            setattr(total, attr, getattr(total, attr) + getattr(report, attr))
    print(
        f"all folds  top-1 {total.correct / total.in_scope:.1%} ({total.correct}/{total.in_scope}), "
        f"refused {total.rejected / total.out_of_scope:.1%} ({total.rejected}/{total.out_of_scope}), "
        f"offered when not sure {total.offered_rate:.1%} ({total.offered_right}/{total.unsure}), "
        f"top three {total.top3}/{total.in_scope}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
