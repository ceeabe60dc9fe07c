"""The search index answers exactly like a brute-force check of word-prefix semantics, on real digests."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.core.digest import find_digest_files, parse_digest_file
from tui.core.index import build_index, open_index
from tui.core.index.bitsets import first_docs, from_docs, to_docs
from tui.core.index.segment import sort_key
from tui.core.merge import merge_papers
from tui.core.models import Paper, PaperState
from tui.core.query import Query, QueryEngine, parse_query
from tui.core.query.nodes import ANY_FIELDS, And, Not, Or, Term, cat_matches
from tui.core.textfold import fold

ROOT = Path(__file__).resolve().parents[2]
DIGEST_DIRS = [ROOT / "tests" / "data" / "digests", ROOT.parent / "shared" / "digests", Path("/work/shared/digests")]
_WORD = re.compile(r"[^\W_]+")


def load_papers() -> list[Paper]:
    """Every real digest the tests can see, merged, newest first."""
    dirs = [d for d in dict.fromkeys(p.resolve() for p in DIGEST_DIRS if p.is_dir())]
    files, problems = find_digest_files(dirs)
    merged = merge_papers(p for f in files for p in parse_digest_file(f).papers)
    return sorted(merged.values(), key=sort_key, reverse=True)


@pytest.fixture(scope="module")
def papers() -> list[Paper]:
    return load_papers()


@pytest.fixture(scope="module")
def index(papers, tmp_path_factory):
    directory = tmp_path_factory.mktemp("index")
    build_index(directory, papers, source="test")
    opened = open_index(directory, source="test")
    yield opened
    opened.close()


# -- the reference: brute force over Paper objects ------------------------------


def _texts(paper: Paper, field: str) -> list[str]:
    return {
        "default": lambda: [paper.title, ", ".join(paper.authors), paper.id, " ".join(paper.categories)],
        "title": lambda: [paper.title],
        "authors": lambda: [", ".join(paper.authors)],
        "summary": lambda: [paper.summary],
        "comment": lambda: [paper.comment or ""],
        "journal": lambda: [paper.journal_ref or ""],
        "doi": lambda: [" ".join(paper.dois)],
    }[field]()


def _has(text: str, needle: str) -> bool:
    """Word-prefix semantics: the folded needle at a position not preceded by a letter or digit."""
    folded = fold(text)
    start = folded.find(needle)
    while start != -1:
        if start == 0 or not folded[start - 1].isalnum():
            return True
        start = folded.find(needle, start + 1)
    return False


def brute_term(paper: Paper, term: Term, states: dict[str, set[str]]) -> bool:
    if term.field == "any":
        return any(_has(t, term.needle) for f in ANY_FIELDS for t in _texts(paper, f))
    if term.field == "cat":
        return any(cat_matches(c, term.needle) for c in paper.categories)
    if term.field == "id":
        return paper.id.lower().startswith(term.needle)
    if term.field == "date":
        dates = [d.date for d in paper.digests] + ([paper.published[:10]] if paper.published else [])
        return any(term.lo <= d <= term.hi for d in dates)
    if term.field == "is":
        if term.needle == "unread":
            return paper.id not in states.get("read", set())
        return paper.id in states.get(term.needle, set())
    return any(_has(t, term.needle) for t in _texts(paper, term.field))


def brute(paper: Paper, node, states) -> bool:
    if isinstance(node, Term):
        return brute_term(paper, node, states)
    if isinstance(node, Not):
        return not brute(paper, node.child, states)
    if isinstance(node, And):
        return all(brute(paper, c, states) for c in node.children)
    if isinstance(node, Or):
        return any(brute(paper, c, states) for c in node.children)
    raise TypeError(node)


def engine_answer(engine: QueryEngine, papers, query: Query, states: dict[str, set[str]]) -> list[str]:
    """What the reader's :class:`QueryEngine` answers, with the same read/starred/new sets."""
    paper_states = {key: PaperState(key, read=key in states.get("read", ()), starred=key in states.get("starred", ()))
                    for key in set(states.get("read", ())) | set(states.get("starred", ()))}
    engine.new_ids = frozenset(states.get("new", ()))
    return [papers[i].id for i in engine.search(query, paper_states)]


def check(index, papers, text: str, states: dict[str, set[str]] | None = None,
          engine: QueryEngine | None = None) -> list[str]:
    """Index answer == brute force (and == the QueryEngine's, when given) for ``text``;
    returns the matched ids in index order."""
    states = states or {}
    query = parse_query(text)
    bits = {name: index.bits_of_ids(ids) for name, ids in states.items()}
    result = index.search(query, bits, limit=7)
    docs = result.docs().tolist()
    got = [index.row(d).id for d in docs]
    if query.root is None:
        expected = [p.id for p in papers]
    else:
        expected = [p.id for p in papers if brute(p, query.root, states)]
    assert got == expected, text
    if engine is not None:
        assert engine_answer(engine, papers, query, states) == got, text
    assert result.count == len(docs)
    assert result.first == docs[:7]
    return got


# -- random queries from the real vocabulary -------------------------------------


@pytest.fixture(scope="module")
def vocabulary(papers):
    """Words and adjacent word pairs (with what separates them) from every field, folded."""
    words: dict[str, list[str]] = {}
    pairs: dict[str, list[str]] = {}
    for paper in papers[::3]:
        for field in ("title", "authors", "summary", "comment", "journal", "doi"):
            for text in _texts(paper, field):
                folded = fold(text)
                found = list(_WORD.finditer(folded))
                words.setdefault(field, []).extend(m.group() for m in found[:12])
                for a, b in list(zip(found, found[1:]))[:4]:
                    pairs.setdefault(field, []).append(folded[a.start() : b.end()])
    categories = sorted({c for p in papers for c in p.categories})
    ids = [p.id for p in papers]
    return words, pairs, categories, ids


_PREFIX = {"title": "ti:", "authors": "au:", "summary": "abs:", "comment": "co:", "journal": "jr:", "doi": "doi:"}


@st.composite
def leaf(draw, vocabulary) -> str:
    words, pairs, categories, ids = vocabulary
    kind = draw(st.sampled_from(["word", "word", "word", "phrase", "cat", "id", "date", "is", "any"]))
    if kind in ("word", "phrase", "any"):
        field = draw(st.sampled_from(sorted(_PREFIX)))
        pool = words[field] if kind != "phrase" or not pairs.get(field) else pairs[field]
        value = draw(st.sampled_from(pool))
        value = value[: draw(st.integers(1, max(1, len(value))))].strip() or value
        if kind == "any":
            return f'any:"{value}"' if not value.isalnum() else f"any:{value}"
        prefix = draw(st.sampled_from([_PREFIX[field], ""]))  # bare words search the default field
        return f'{prefix}"{value}"' if not value.isalnum() else f"{prefix}{value}"
    if kind == "cat":
        category = draw(st.sampled_from(categories))
        return "cat:" + draw(st.sampled_from([category, category.split(".")[0], category.lower()]))
    if kind == "id":
        paper_id = draw(st.sampled_from(ids))
        return "id:" + paper_id[: draw(st.integers(1, len(paper_id)))]
    if kind == "date":
        year = draw(st.integers(1998, 2026))
        month = draw(st.integers(1, 12))
        return draw(st.sampled_from([f"date:{year}", f"date:{year}-{month:02d}", f"date:{year}..{year + 1}-{month}",
                                     f"date:..{year}", f"date:{year}-{month:02d}.."]))
    return "is:" + draw(st.sampled_from(["read", "unread", "starred", "new"]))


@st.composite
def query_text(draw, vocabulary) -> str:
    parts = [draw(leaf(vocabulary))]
    for _ in range(draw(st.integers(0, 3))):
        joiner = draw(st.sampled_from([" ", " ", " OR ", " -", " | "]))
        parts.append(joiner + draw(leaf(vocabulary)))
    text = "".join(parts)
    if draw(st.booleans()) and len(parts) > 1:
        text = f"-({text})" if draw(st.booleans()) else f"({text}) {draw(leaf(vocabulary))}"
    return text


@pytest.fixture(scope="module")
def engine(papers) -> QueryEngine:
    return QueryEngine(papers)


def test_property_index_answers_like_brute_force_and_the_engine(index, papers, vocabulary, engine) -> None:
    """Random queries from the real vocabulary: the index, a brute-force check of the documented
    semantics and the reader's QueryEngine give the same papers in the same order."""
    states = {"read": {p.id for p in papers[::5]}, "starred": {p.id for p in papers[::17]},
              "new": {p.id for p in papers[::3]}}

    @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(text=query_text(vocabulary))
    def run(text: str) -> None:
        check(index, papers, text, states, engine)

    run()


# -- named cases: what word prefix means ----------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["transf", "segmentation", "au:wang", "abs:diffusion", "any:hallucin", '"neural field"', "vision-language",
     "cat:cs", "cat:cs.CL", "id:2201.1", "date:2022-01", "-cat:cs.CV", "c++", "3d", "dunnwald", "ti:a OR au:b",
     "", "   ", "zzzzqqq", 'abs:"of the"', "doi:10.1145", "jr:ieee", "co:accepted", '"pl"',
     "ti:former", "abs:based", "abs:δ", "abs:α", 'abs:"(a"', 'abs:"-based"', "au:jr", "abs:2d"],
)
def test_named_queries(index, papers, engine, text: str) -> None:
    check(index, papers, text, engine=engine)


def test_word_prefix_not_substring(index, papers) -> None:
    assert check(index, papers, "transf")  # transformer
    former = set(check(index, papers, "ti:former"))
    assert not any("transformer" in fold(p.title) and "former" not in _WORD.findall(fold(p.title))
                   and p.id in former for p in papers)


def test_states_from_bitsets_and_ids(index, papers) -> None:
    starred = {papers[3].id, papers[10].id}
    assert check(index, papers, "is:starred", {"starred": starred}) == [papers[3].id, papers[10].id]
    assert index.search("is:new").count == 0  # is:new is its own term now: no "new" set given, none new
    new = Query("is:new", root=Term("is", "new", "new"))  # a "new" set, for when the parser passes it
    assert index.search(new, {"new": [0, 2]}).first == [0, 2]
    assert index.search("is:unread", {"read": from_docs([0, 1], index.nbytes)}).first[0] == 2


def test_rows_and_papers_round_trip(index, papers) -> None:
    for doc in (0, 1, len(papers) // 2, len(papers) - 1):
        assert index.paper(doc) == papers[doc]
        row = index.row(doc)
        paper = papers[doc]
        assert (row.id, row.title, row.category, row.first_date) == (
            paper.id, paper.title, paper.primary_category, paper.first_digest_date)
        assert row.authors == len(paper.authors)
    assert index.doc_of(papers[7].id) == 7 and index.doc_of("0000.00000") is None
    assert len(index) == len(papers)


def test_bitset_helpers() -> None:
    bits = from_docs([0, 9, 10, 63], 8)
    assert to_docs(bits).tolist() == [0, 9, 10, 63]
    assert first_docs(bits, 2) == [0, 9]
    assert first_docs(bits, 5, start=10) == [10, 63]
    assert first_docs(np.zeros(4, np.uint8), 3) == []
