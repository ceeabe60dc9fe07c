"""The reading list's query terms on the real digests: tags, notes, @saved searches, muting,
answered the same by the QueryEngine and the search index."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.digest import find_digest_files, parse_digest_file
from tui.core.index import build_index, open_index
from tui.core.index.bitsets import from_docs, to_docs
from tui.core.index.segment import sort_key
from tui.core.merge import merge_papers
from tui.core.models import Paper, PaperState
from tui.core.query import QueryEngine, parse_query
from tui.core.query.nodes import NOTHING, And, Not, Or, Term
from tui.core.readinglist import (
    Selector, Snapshot, UserSets, bitset_states, hide_muted, hide_muted_bits, mute_query, muting_in,
)

DIGESTS = Path(__file__).resolve().parents[1] / "data" / "digests"


@pytest.fixture(scope="module")
def papers() -> list[Paper]:
    files, problems = find_digest_files([DIGESTS])
    assert not problems
    merged = merge_papers(p for f in files for p in parse_digest_file(f).papers)
    return sorted(merged.values(), key=sort_key, reverse=True)


@pytest.fixture(scope="module")
def engine(papers: list[Paper]) -> QueryEngine:
    return QueryEngine(papers)


@pytest.fixture(scope="module")
def index(papers: list[Paper], tmp_path_factory):
    directory = tmp_path_factory.mktemp("index")
    build_index(directory, papers, source="test")
    opened = open_index(directory, source="test")
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def snapshot(papers: list[Paper]) -> Snapshot:
    """Tags and notes on real papers: the first ten are "ml", every third of them "vision" too."""
    first = [p.id for p in papers[:10]]
    return Snapshot(
        tags={"ml": frozenset(first), "vision": frozenset(first[::3]), "gone": frozenset({"9999.99999"})},
        notes={first[0]: "Compare with the **Dünnwald** baseline", first[5]: "weak baseline; skip", "9999.99999": "x"},
        searches={
            "vision-ml": "tag:ml tag:vision",
            "captions": "captioning OR ti:caption",
            "both": "@captions @vision-ml",
            "mute": "cat:cs.IR",
        },
    )


def found(engine: QueryEngine, text: str, snapshot: Snapshot, states=None, muted=frozenset()) -> set[str]:
    query = parse_query(text, snapshot.searches)
    hits = engine.search(query, states or {}, sets=UserSets(snapshot, muted))
    assert hits == sorted(hits)
    return {engine.papers[i].id for i in hits}


# -- terms ----------------------------------------------------------------------------


def test_tag_terms(engine, papers, snapshot) -> None:
    every = {p.id for p in papers}
    ml = set(snapshot.tags["ml"])
    assert found(engine, "tag:ml", snapshot) == ml
    assert found(engine, "tag:ML", snapshot) == ml  # names are case-insensitive
    assert found(engine, "-tag:ml", snapshot) == every - ml
    assert found(engine, "tag:ml -tag:vision", snapshot) == ml - snapshot.tags["vision"]
    assert found(engine, "tag:nothing", snapshot) == set()
    assert found(engine, "has:tag", snapshot) == ml  # "gone" is on no paper of the list
    assert found(engine, "-has:tags", snapshot) == every - ml


def test_note_terms(engine, papers, snapshot) -> None:
    first = [p.id for p in papers[:10]]
    assert found(engine, "has:note", snapshot) == {first[0], first[5]}
    assert found(engine, "note:baseline", snapshot) == {first[0], first[5]}
    assert found(engine, "note:dunnwald", snapshot) == {first[0]}  # accents folded, as everywhere
    assert found(engine, 'note:"weak baseline"', snapshot) == {first[5]}
    assert found(engine, "-note:skip has:note", snapshot) == {first[0]}


def test_state_terms_without_sets_match_nothing(engine) -> None:
    assert engine.search(parse_query("tag:ml"), {}) == []
    assert engine.search(parse_query("is:muted"), {}) == []


def test_terms_mix_with_the_rest(engine, papers, snapshot) -> None:
    ml = snapshot.tags["ml"]
    cv = {p.id for p in papers if "cs.CV" in p.categories}
    assert found(engine, "tag:ml cat:cs.CV", snapshot) == ml & cv
    noted = {papers[0].id, papers[5].id}
    assert found(engine, "tag:vision OR has:note", snapshot) == set(snapshot.tags["vision"]) | noted
    starred = {papers[1].id: PaperState(papers[1].id, starred=True)}
    assert found(engine, "tag:ml is:starred", snapshot, starred) == {papers[1].id}


def test_unknown_has_and_is_values_warn() -> None:
    assert parse_query("has:stars x").warnings == ["unknown has:stars (use tag, note)"]
    assert parse_query("is:muted").warnings == []


def test_uses_state_and_mentions_muted() -> None:
    assert parse_query("tag:ml").uses_state and parse_query("note:x").uses_state
    assert parse_query("is:unread").uses_state and not parse_query("ti:x au:y").uses_state
    assert parse_query("a -is:muted").mentions_muted and not parse_query("tag:muted").mentions_muted


# -- @saved searches --------------------------------------------------------------------


def test_a_saved_search_is_its_query_in_parentheses(engine, snapshot) -> None:
    assert found(engine, "@captions", snapshot) == found(engine, "(captioning OR ti:caption)", snapshot)
    expanded = found(engine, "(captioning OR ti:caption) cat:cs.CV", snapshot)
    assert found(engine, "@captions cat:cs.CV", snapshot) == expanded
    assert found(engine, "-@captions", snapshot) == found(engine, "-(captioning OR ti:caption)", snapshot)
    assert found(engine, "@CAPTIONS", snapshot) == found(engine, "@captions", snapshot)


def test_saved_searches_nest(engine, snapshot) -> None:
    query = parse_query("@both", snapshot.searches)
    assert query.warnings == []
    assert found(engine, "@both", snapshot) == found(
        engine, "(captioning OR ti:caption) (tag:ml tag:vision)", snapshot
    )


def test_unknown_and_cyclic_saved_searches_match_nothing_with_a_warning() -> None:
    saved = {"a": "x @b", "b": "y @a", "self": "z @self", "c": "@nothing"}
    query = parse_query("@a w", saved)
    assert query.warnings == ["in @a: in @b: @a refers back to itself (@a -> @b -> @a): the query matches nothing"]
    assert query.root == NOTHING
    assert parse_query("@self", saved, inside="self").warnings == [
        "@self refers back to itself (@self -> @self): the query matches nothing"
    ]
    assert parse_query("q @c", saved).warnings == ["in @c: unknown saved search @nothing: the query matches nothing"]
    assert parse_query("@missing", {}).warnings == ["unknown saved search @missing: the query matches nothing"]
    for text in ("@missing", "-@missing", "x OR @missing", "q @c", "-(@c)"):  # never the whole library
        assert parse_query(text, saved).root == NOTHING, text


def test_a_removed_saved_search_matches_nothing_in_the_engine_and_the_index(engine, index, snapshot) -> None:
    for text in ("@gone", "-@gone", "@gone OR tag:ml", "@captions @gone"):
        assert found(engine, text, snapshot) == set(), text
        result = index.search(parse_query(text, snapshot.searches), bitset_states({}, UserSets(snapshot),
                                                                                  index.bits_of_ids), limit=10**6)
        assert result.docs().tolist() == [], text
    assert parse_query("mail@example.org").terms()[0].needle == "mail@example.org"  # not a reference


def test_a_query_cannot_explode_through_saved_searches() -> None:
    saved = {f"s{n}": f"@s{n + 1} @s{n + 1}" for n in range(30)} | {"s30": "leaf"}
    query = parse_query("@s0", saved)
    assert any("more than 200 saved searches" in w for w in query.warnings)
    assert len(query.terms()) <= 200


# A random graph of saved searches that use each other (cycles included).
_names = st.sampled_from(list("abcde"))
_texts = st.lists(st.one_of(_names.map(lambda n: "@" + n), st.sampled_from(["w1", "w2", "-w3"])), max_size=4)


def _reaches_cycle(saved: dict[str, list[str]], start: list[str]) -> bool:
    def visit(name: str, path: tuple[str, ...]) -> bool:
        if name not in saved:
            return False
        if name in path:
            return True
        return any(visit(ref[1:], (*path, name)) for ref in saved[name] if ref.startswith("@"))

    return any(visit(ref[1:], ()) for ref in start if ref.startswith("@"))


def _expand(saved: dict[str, list[str]], words: list[str], path: tuple[str, ...] = ()) -> object:
    """The reference expansion: a cycle-free graph expanded by hand."""
    parts = []
    for word in words:
        if word.startswith("@"):
            name = word[1:]
            if name in saved:
                parts.append(("group", _expand(saved, saved[name], (*path, name))))
        else:
            parts.append(word)
    return parts


def _shape(node) -> object:
    if node is None:
        return None
    if isinstance(node, Term):
        return node.needle
    if isinstance(node, Not):
        return ("not", _shape(node.child))
    if isinstance(node, And):
        return ("and", [_shape(c) for c in node.children])
    if isinstance(node, Or):
        return ("or", [_shape(c) for c in node.children])
    raise TypeError(node)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_names, _texts, max_size=5), _texts)
def test_expansion_terminates_and_reports_exactly_the_cycles(graph: dict[str, list[str]], start: list[str]) -> None:
    saved = {name: " ".join(words) for name, words in graph.items() if words}
    graph = {name: words for name, words in graph.items() if words}
    query = parse_query(" ".join(start), saved)
    cyclic = any("refers back to itself" in w for w in query.warnings)
    assert cyclic == _reaches_cycle(graph, start)
    unknown = any("unknown saved search" in w for w in query.warnings)
    refs = {w[1:] for words in [start, *graph.values()] for w in words if w.startswith("@")}
    if unknown:
        assert refs - set(graph)
    if not cyclic and not unknown and len(query.terms()) < 200:
        # Same words as the hand expansion, nothing lost or added.
        def words_of(parts) -> list[str]:
            out = []
            for part in parts:
                out += words_of(part[1]) if isinstance(part, tuple) else [part.lstrip("-")]
            return out

        assert sorted(t.needle for t in query.terms()) == sorted(words_of(_expand(graph, start)))


# -- muting -----------------------------------------------------------------------------


def test_muting_hides_matches_everywhere_unless_the_query_says_is_muted(engine, papers, snapshot) -> None:
    ir = {p.id for p in papers if "cs.IR" in p.categories}
    assert ir, "the test data must hold cs.IR papers"
    selector = Selector(engine, snapshot, {})
    assert selector.muting.ids == ir
    every = selector.select("")
    assert every.hidden == len(ir) and len(every.indices) == len(papers) - len(ir)
    assert not {papers[i].id for i in every.indices} & ir
    shown = selector.select("is:muted")
    assert {papers[i].id for i in shown.indices} == ir and shown.hidden == 0
    assert {papers[i].id for i in selector.select("-is:muted").indices} == {p.id for p in papers} - ir
    word = selector.select("retrieval")
    plain = {engine.papers[i].id for i in engine.search(parse_query("retrieval"), {})}
    assert {papers[i].id for i in word.indices} == plain - ir and word.hidden == len(plain & ir)
    assert selector.select("retrieval", mute=False).hidden == 0


def test_the_mute_search_cannot_use_is_muted_and_may_use_others() -> None:
    query = mute_query(Snapshot(searches={"mute": "@junk OR is:muted", "junk": "cat:hep-th"}))
    assert query is not None
    assert query.warnings == ["is:muted matches nothing inside the mute search itself"]
    assert mute_query(Snapshot(searches={"mine": "x"})) is None


def test_muting_with_no_mute_search_hides_nothing(engine, papers) -> None:
    selector = Selector(engine, Snapshot(), {})
    result = selector.select("cat:cs.IR")
    assert result.hidden == 0 and result.indices == engine.search(parse_query("cat:cs.IR"), {})
    assert muting_in(engine, Snapshot(), {}).indices == frozenset()


def test_hide_muted_helpers() -> None:
    assert hide_muted([5, 1, 3, 9], {1, 9}) == ([5, 3], 2)
    kept, hidden = hide_muted_bits(from_docs([1, 3, 5, 9], 2), from_docs([3, 9, 10], 2))
    assert to_docs(kept).tolist() == [1, 5] and hidden == 2


# -- the index answers the same -----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["tag:ml", "-tag:ml", "tag:ml -tag:vision", "has:tag", "-has:tag cat:cs.CV", "has:note", "note:baseline",
     "note:dunnwald", "is:muted", "-is:muted", "@vision-ml", "@both OR has:note", "tag:ml is:starred",
     "tag:vision OR is:muted"],
)
def test_the_index_answers_reading_list_terms_like_the_engine(engine, index, papers, snapshot, text) -> None:
    muted = frozenset(p.id for p in papers if "cs.IR" in p.categories)
    starred = {papers[i].id: PaperState(papers[i].id, starred=True) for i in (1, 3)}
    sets = UserSets(snapshot, muted)
    expected = found(engine, text, snapshot, starred, muted)
    states = bitset_states({"starred": index.bits_of_ids(starred)}, sets, index.bits_of_ids)
    result = index.search(parse_query(text, snapshot.searches), states, limit=10**6)
    assert {index.row(d).id for d in result.docs().tolist()} == expected, text


@pytest.mark.parametrize(
    "text", ["is:read", "is:unread", "is:starred", "is:new", "tag:ml", "-tag:ml", "has:note", "note:baseline",
             "tag:ml is:unread", "-is:starred has:tag"],
)
def test_few_candidates_are_answered_one_by_one_as_the_whole_library(papers, text: str) -> None:
    """Under an eighth of the library as candidates, state terms are looked up paper by
    paper (the sidebar's recounts): the same answer as matching everything, then intersecting."""
    ids = [p.id for p in papers]
    engine = QueryEngine(papers)
    engine.new_ids = frozenset(ids[::3])
    states = {i: PaperState(i, read=n % 2 == 0, starred=n % 5 == 0) for n, i in enumerate(ids[:400])}
    sets = UserSets(Snapshot(tags={"ml": frozenset(ids[::4])}, notes={ids[1]: "Baseline", ids[8]: "other"}))
    query = parse_query(text)
    everything = set(engine.search(query, states, sets=sets))
    few = sorted({7, 1, 8, 2, 3, 40, 401, len(ids) - 1})
    assert len(few) * 8 < len(ids)
    assert engine.search(query, states, few, sets=sets) == sorted(everything & set(few))


def test_reading_list_terms_are_cheap_without_any_index() -> None:
    """tag:, has:, note: are answered from the reading list's sets: no engine index is
    needed, so the reader matches them with the key instead of sending them to a worker."""
    from tui.core.query import search_cost

    nothing_built = lambda key: False  # noqa: E731
    assert search_cost(parse_query("tag:ml has:note note:baseline -tag:old"), 200_000, nothing_built) < 300_000
    assert search_cost(parse_query("tag:ml ti:graph"), 200_000, nothing_built) == float("inf")
