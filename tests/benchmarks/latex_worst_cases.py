"""Worst-case inputs for the LaTeX readers: unmatched delimiters must cost one
pass, not one rescan per delimiter (20,000 unmatched braces took 23 s before).

    .venv/bin/python tests/benchmarks/latex_worst_cases.py

Prints the median of 5 runs for each input, for the detail panel's converter
(latex_to_markdown), the list rows' (title_text, uncached) and BibTeX's escaper.
"""

from __future__ import annotations

import statistics
import time

from tui.core.cite.escaping import latex_escape
from tui.core.latex import latex_to_markdown, latex_to_text

N = 20_000
CASES = {
    "unmatched {": "{" * N,
    "unmatched }": "}" * N,
    "lone $": "$ " * N,
    "$x pairs": "$x" * N,
    "unmatched \\(": "\\(" * N,
    "\\emph{ never closed": "\\emph{" * N,
    "\\begin{equation} never ended": "\\begin{equation}" * (N // 4),
}


def median_ms(function, text: str) -> float:
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        function(text)
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs)


def main() -> None:
    print(f"{'input':<32} {'markdown':>10} {'text':>10} {'bibtex':>10}  (ms, median of 5)")
    for name, text in CASES.items():
        print(
            f"{name:<32} {median_ms(latex_to_markdown, text):>10.1f} {median_ms(latex_to_text, text):>10.1f}"
            f" {median_ms(latex_escape, text):>10.1f}"
        )


if __name__ == "__main__":
    main()
