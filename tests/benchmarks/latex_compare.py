"""Compare the LaTeX converters on every title and abstract of ../shared/digests.

    .venv/bin/python tests/benchmarks/latex_compare.py [DIGESTS]

Readable text (the detail panel, text/Markdown citations): the hand-written
``tui.core.latex.latex_to_text`` against pylatexenc's ``LatexNodes2Text``.
For every formula (``$...$`` as the reader finds them) it counts renderings
left with a ``$`` or a backslash command, renderings that dropped letters of
the source (an unknown macro's name, an argument), and exceptions; then the
median time per paper (title + abstract) over several runs.

Unicode to LaTeX (BibTeX export): the hand-written ``texmap`` tables against
pylatexenc's ``UnicodeToLatexEncoder``, by how many of the non-ASCII characters
of titles, authors and journal references each can spell.
"""

from __future__ import annotations

import logging
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tui.core.cite.escaping import non_ascii_to_latex  # noqa: E402
from tui.core.digest import find_digest_files, parse_digest_file  # noqa: E402
from tui.core.latex import _split_math, latex_to_text  # noqa: E402
from tui.core import latex_tables as T  # noqa: E402
from tui.core.texmap import MATH_SYMBOLS, TEXT_SYMBOLS, latin_to_latex  # noqa: E402

_KNOWN = {*T.SYMBOLS, *T.STYLED, *T.INVISIBLE, *T.MATH_ACCENTS, *T.ACCENTS, "frac", "dfrac", "tfrac", "sqrt",
          "href", "url", "unicode", "textsuperscript", "textsubscript", *T.SHORTHANDS}
_LEFTOVER = re.compile(r"\$|\\[A-Za-z]+")


def _letters(text: str) -> Counter[str]:
    """ASCII letters, counting styled forms as their letter (𝐜 -> c, ℝ -> R, x̂ -> x, ᵗ -> t)."""
    folded = unicodedata.normalize("NFKD", text)
    return Counter(c for c in folded if c.isascii() and c.isalpha())


def _formulas(texts: list[str]) -> list[str]:
    spans = []
    for text in texts:
        for is_math, delimiter, content in _split_math(text):
            if is_math:
                spans.append(delimiter + content + delimiter)
    return spans


def _judge(name: str, convert, formulas: list[str]) -> None:
    left = dropped = errors = unnamed = 0
    examples: list[str] = []
    drops: list[str] = []
    for formula in formulas:
        try:
            out = convert(formula)
        except Exception as error:  # the library raises on some input
            errors += 1
            examples.append(f"    {formula!r}: {error.__class__.__name__}")
            continue
        if _LEFTOVER.search(out):
            left += 1
            examples.append(f"    {formula!r} -> {out!r}")
        # An author's own macro (\\DWT), known to neither converter: is it still named?
        own = [m for m in re.findall(r"\\([A-Za-z]+)", formula) if m not in _KNOWN]
        if any(m not in out for m in own):
            unnamed += 1
        # The formula's own letters (x, W, DWT's argument...), macro names aside.
        source_letters = _letters(re.sub(r"\\[A-Za-z]+", " ", formula))
        if source_letters - _letters(out):
            dropped += 1
            if len(drops) < 4:
                drops.append(f"    dropped: {formula!r} -> {out!r}")
    print(f"  {name:<14} formulas with a $ or \\command left: {left:4d}   letters dropped: {dropped:4d}   "
          f"exceptions: {errors:3d}   own macros lost: {unnamed:3d}")
    for line in examples[:6] + drops:
        print(line)


def _time(convert, papers, runs: int = 5) -> float:
    per_paper = []
    for _ in range(runs):
        start = time.perf_counter()
        for paper in papers:
            try:
                convert(paper.title)
                convert(paper.summary)
            except Exception:
                pass
        per_paper.append((time.perf_counter() - start) / len(papers) * 1000)
    return statistics.median(per_paper)


def main() -> None:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "digests"
    files, _ = find_digest_files([root])
    papers = list({p.id: p for f in files for p in parse_digest_file(f).papers}.values())
    texts = [t for p in papers for t in (p.title, p.summary)]
    formulas = _formulas(texts)
    print(f"{len(papers):,} papers, {len(formulas):,} formulas in titles and abstracts ({root})")

    from pylatexenc.latex2text import LatexNodes2Text

    library = LatexNodes2Text(math_mode="text").latex_to_text
    print("LaTeX to readable text:")
    _judge("hand-written", latex_to_text, formulas)
    _judge("pylatexenc", library, formulas)
    print(f"  median per paper: hand-written {_time(latex_to_text, papers):.3f} ms, "
          f"pylatexenc {_time(library, papers):.3f} ms")

    logging.disable(logging.WARNING)
    chars = sorted({c for p in papers for t in (p.title, p.journal_ref or "", *p.authors) for c in t
                    if not c.isascii()})

    def hand(c: str) -> bool:
        return bool(latin_to_latex(c) or c in TEXT_SYMBOLS or c in MATH_SYMBOLS)

    def lib(c: str) -> bool:
        from tui.core.cite.escaping import _library_encoder

        return _library_encoder().unicode_to_latex(c) != c

    print("Unicode to LaTeX (BibTeX):")
    print(f"  {len(chars)} distinct non-ASCII characters in the digests: hand-written spells "
          f"{sum(map(hand, chars))}, pylatexenc {sum(map(lib, chars))}, the two together "
          f"{sum(non_ascii_to_latex(c) != c for c in chars)}")
    wide = [chr(cp) for cp in (*range(0xA0, 0x250), *range(0x370, 0x400), *range(0x2000, 0x2300))]
    print(f"  U+00A0-024F, Greek, U+2000-22FF ({len(wide)} characters): hand-written "
          f"{sum(map(hand, wide))}, pylatexenc {sum(map(lib, wide))}, "
          f"both used {sum(non_ascii_to_latex(c) != c for c in wide)}")


if __name__ == "__main__":
    main()
