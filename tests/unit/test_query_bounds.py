"""Hostile queries cost a bounded amount: caps in the parser, a cost estimate that routes them.

A paste of thousands of terms, a phrase of megabytes, thousands of brackets or
NOTs: the parser reads a bounded prefix, says what it ignored, and the estimate
(:func:`search_cost`) tells the reader to run anything dear off its UI thread.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from tui.core.digest import find_digest_files, parse_digest_file
from tui.core.merge import merge_papers
from tui.core.models import Paper
from tui.core.query import QueryEngine, parse_query, search_cost
from tui.core.query.syntax import MAX_QUERY_CHARS, MAX_TERMS

DIGESTS = Path(__file__).resolve().parents[1] / "data" / "digests"


@pytest.fixture(scope="module")
def papers() -> list[Paper]:
    files, _ = find_digest_files([DIGESTS])
    return list(merge_papers(p for f in files for p in parse_digest_file(f).papers).values())


def test_a_hundred_pasted_ids_fit_whole(papers: list[Paper]) -> None:
    ids = [paper.id for paper in papers[:100]]
    query = parse_query(" OR ".join(ids))
    assert query.warnings == []
    assert len(query.terms()) == 100
    found = QueryEngine(papers).search(query, {})
    assert sorted(papers[i].id for i in found) == sorted(ids)


def test_terms_past_the_cap_are_ignored_and_said() -> None:
    query = parse_query(" ".join(["z in OR"] * 2000))
    assert len(query.terms()) == MAX_TERMS
    said = [w for w in query.warnings if w.startswith(f"searched the first {MAX_TERMS} terms only")]
    assert len(said) == 1
    assert "characters)" in said[0] and len(said[0]) < 120  # the rest is quoted short, with its size
    assert f"read only the first {MAX_QUERY_CHARS:,} characters (of 15,999)" in query.warnings


def test_the_term_cap_counts_terms_not_brackets_or_operators() -> None:
    words = [f"w{i}" for i in range(MAX_TERMS)]
    exact = parse_query("(" + " OR ".join(words) + ")")
    assert len(exact.terms()) == MAX_TERMS and exact.warnings == []
    over = parse_query(" ".join(words) + " -extra")
    assert len(over.terms()) == MAX_TERMS
    assert over.warnings == [f"searched the first {MAX_TERMS} terms only; ignored '-extra'"]


def test_a_huge_phrase_is_cut_to_the_length_cap() -> None:
    query = parse_query('"' + "neural " * 200_000 + '"')
    (term,) = query.terms()
    assert len(term.value) < MAX_QUERY_CHARS
    assert query.warnings[0] == f"read only the first {MAX_QUERY_CHARS:,} characters (of 1,400,002)"


@pytest.mark.parametrize(
    "text",
    [
        "(" * 100_000 + "a" + ")" * 100_000,
        "-" * 100_000 + "a",
        "NOT " * 50_000 + "a",
        "OR " * 50_000,
        '"' * 100_001,
        ":" * 100_000,
        "ti:" * 30_000,
        "date:" + "..".join(["2020"] * 20_000),
        "\x00\x1b]52;c;AAAA\x07" * 10_000,
    ],
    ids=["brackets", "dashes", "NOTs", "ORs", "quotes", "colons", "fields", "dates", "controls"],
)
def test_pathological_input_parses_within_the_caps(papers: list[Paper], text: str) -> None:
    query = parse_query(text)
    assert len(query.terms()) <= MAX_TERMS
    assert any("first 4,000 characters" in w for w in query.warnings)
    QueryEngine(papers).search(query, {})  # and matching it is an ordinary search


# -- the cost estimate --------------------------------------------------------------


def _built(*keys: str):
    return lambda key: key in keys


def test_cost_grows_with_terms_fields_and_candidates() -> None:
    built = _built("default", "title", "summary", "comment", "journal", "doi", "cat", "id", "date")
    one = search_cost(parse_query("neural"), 1000, built)
    assert search_cost(parse_query(""), 1000, built) == 0
    assert one == 1000
    assert search_cost(parse_query("neural network"), 1000, built) == 2 * one
    assert search_cost(parse_query("neural"), 100, built) == one / 10  # narrowing the previous result
    assert search_cost(parse_query("ti:neural"), 1000, built) < one
    assert search_cost(parse_query("cat:cs.CL id:2607 date:2026 is:starred"), 1000, built) < one
    assert search_cost(parse_query("abs:neural"), 1000, built) > 5 * one
    assert search_cost(parse_query("any:neural"), 1000, built) > search_cost(parse_query("abs:neural"), 1000, built)
    assert search_cost(parse_query("neural OR network"), 1000, built) > 2 * one  # the union costs too
    pasted = search_cost(parse_query(" OR ".join(f"2607.{i:05d}" for i in range(100))), 1000, built)
    assert pasted > 100 * one


def test_an_index_not_built_yet_is_infinitely_dear() -> None:
    only_default = _built("default", "cat")
    assert search_cost(parse_query("neural cat:cs.CL"), 1000, only_default) == 1000 + 50
    for text in ("ti:neural", "abs:x", "any:x", "id:2607", "date:2026", "neural -au:smith"):
        assert math.isinf(search_cost(parse_query(text), 1000, only_default)), text


def test_the_engine_says_which_indexes_exist(papers: list[Paper]) -> None:
    engine = QueryEngine(papers)
    assert not any(engine.built(key) for key in ("default", "title", "summary", "cat", "id", "date"))
    engine.search(parse_query("neural ti:x cat:cs.CL"), {})
    assert engine.built("default") and engine.built("title") and engine.built("cat")
    assert not engine.built("summary") and not engine.built("id") and not engine.built("date")
