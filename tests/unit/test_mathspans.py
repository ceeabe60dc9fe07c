"""The shared formula scanner used by citations and the readable-LaTeX view."""

from tui.core.mathspans import math_spans


def pieces(text, accept=None):
    return [(is_math, text[start:end]) for is_math, start, end in math_spans(text, accept)]


def test_formulas_and_text_cover_the_input() -> None:
    text = r"$\ell_0$ Minimization and $$x^2$$ done"
    assert pieces(text) == [(True, r"$\ell_0$"), (False, " Minimization and "), (True, "$$x^2$$"), (False, " done")]


def test_escaped_unpaired_and_empty_dollars_stay_text() -> None:
    assert pieces(r"costs \$5 only") == [(False, r"costs \$5 only")]
    assert pieces("a $ b") == [(False, "a $ b")]
    assert pieces("empty $$ pair") == [(False, "empty $$ pair")]
    assert pieces(r"$a\$b$") == [(True, r"$a\$b$")]


def test_a_filter_can_reject_single_dollar_pairs() -> None:
    def no_prices(text, opening, closing):
        return not text[closing + 1 : closing + 2].isdigit()

    assert pieces("from $5 to $10", no_prices) == [(False, "from $5 to $10")]
    assert pieces("from $5 to $10") == [(False, "from "), (True, "$5 to $"), (False, "10")]
