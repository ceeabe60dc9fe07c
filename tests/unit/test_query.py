"""The query language on the real digests in tests/data/digests."""

from __future__ import annotations

import threading
import time
from array import array
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tui.core.query.engine as query_module
from tui.core.digest import find_digest_files, parse_digest_file
from tui.core.merge import merge_papers
from tui.core.models import Paper, PaperState
from tui.core.query import (
    And,
    Not,
    Or,
    QueryEngine,
    SearchCancelled,
    Term,
    filter_papers,
    fold,
    highlight_spans,
    parse_query,
)
from tui.core.query.words import needle_pattern
from tui.core.textfold import fold_with_map

DIGESTS = Path(__file__).resolve().parents[1] / "data" / "digests"


@pytest.fixture(scope="module")
def papers() -> list[Paper]:
    files, problems = find_digest_files([DIGESTS])
    assert not problems
    merged = merge_papers(p for f in files for p in parse_digest_file(f).papers)
    return list(merged.values())


@pytest.fixture(scope="module")
def engine(papers: list[Paper]) -> QueryEngine:
    return QueryEngine(papers)


def ids(papers: list[Paper], engine: QueryEngine, text: str, states=None, candidates=None) -> set[str]:
    """Ids matched by ``text``; also checks the result is ascending."""
    found = engine.search(parse_query(text), states or {}, candidates)
    assert found == sorted(found)
    return {papers[i].id for i in found}


# -- folding ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dünnwald", "dunnwald"),
        ("Gödel", "godel"),
        ("Ondřej Dušek", "ondrej dusek"),
        ("Straße Øre Łódź Æther", "strasse ore lodz aether"),
        ("Pl\x7fücker", "plucker"),  # DEL inside a real title (cs.CV 2016-02-18)
        ("ﬁne\t  tuning", "fine tuning"),
        ("Σ-Net", "σ-net"),  # non-Latin letters are kept, only lower-cased
    ],
)
def test_fold(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_fold_with_map_points_back_to_original() -> None:
    folded, index = fold_with_map("Max Dünnwald, Straße")
    assert folded == "max dunnwald, strasse"
    assert len(index) == len(folded)
    # both s of "ss" come from the single ß at 18
    assert index[folded.index("ss")] == index[folded.index("ss") + 1] == 18


def test_fold_with_map_of_plain_ascii_is_the_same_as_character_by_character() -> None:
    import random

    from tui.core.textfold import _fold_each

    rng = random.Random(7)
    alphabet = "abcXYZ 09-:,.'\"()\t\n\x7f\x01  "
    samples = ["Attention Is All You Need", "A  double  space", "tab\there", "", " ", "x"]
    samples += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 30))) for _ in range(2000)]
    for text in samples:
        folded, index = fold_with_map(text)
        expected = _fold_each(text)
        assert (folded, list(index)) == expected, text


# -- bare words, phrases, accents -----------------------------------------------


def test_bare_words_are_anded_case_insensitive(papers, engine) -> None:
    assert ids(papers, engine, "captioning") == {
        "1905.01919", "2201.12944", "2306.00931", "2506.16082", "2511.05369", "2511.19149",
    }
    assert ids(papers, engine, "Captioning REVIEW") == {"2201.12944"}


def test_word_prefix_matching(papers, engine) -> None:
    assert "2201.13027" in ids(papers, engine, "transf")  # BOAT: ... Vision Transformer
    assert ids(papers, engine, "bilateral local attent") == {"2201.13027"}
    # The start of a word only: "former" is inside "Transformer", not a word start there.
    assert "2201.13027" not in ids(papers, engine, "ti:former")
    assert "2201.13027" in ids(papers, engine, 'ti:"vision transf"')  # a phrase from a word start


def test_accent_insensitive_both_ways(papers, engine) -> None:
    # "Max Dünnwald" is an author of 2201.13271 (cs.CV 2022-01-31).
    assert ids(papers, engine, "dunnwald") == {"2201.13271"}
    assert ids(papers, engine, "DÜNNWALD") == {"2201.13271"}
    # "Ondřej Dušek" (cs.CL 2026-08-04); the query may carry accents the text lacks.
    assert ids(papers, engine, "au:dušek") == ids(papers, engine, "dusek") == {"2608.03675"}
    assert ids(papers, engine, "hammerl") == {"2608.03446"}
    # "Pl\x7fücker" in the 2016 title: the control character is dropped too.
    assert ids(papers, engine, "plucker") == {"1602.05990"}


def test_default_haystack_includes_id_and_categories(papers, engine) -> None:
    assert ids(papers, engine, "2201.1294") == {"2201.12944"}
    assert ids(papers, engine, "physics.med-ph dunnwald") == {"2201.13271"}


def test_phrase_and_quoted_field_value(papers, engine) -> None:
    assert ids(papers, engine, 'ti:"image captioning"') == {"1905.01919", "2201.12944", "2306.00931"}
    # words in the wrong order are no phrase
    assert ids(papers, engine, '"captioning image"') == set()


# -- fields -----------------------------------------------------------------------


def test_fields(papers, engine) -> None:
    assert ids(papers, engine, "ti:boat") == {"2201.13027"}
    assert ids(papers, engine, "TI:Boat au:Zhuang") == set()  # field names case-insensitive
    assert ids(papers, engine, 'au:"yixin zhuang"') == {"2201.13013"}
    assert ids(papers, engine, "co:FINN") == {"2201.13013"}  # "Source code at .../FINN"
    assert ids(papers, engine, "doi:compbiomed") == {"2201.13271"}
    assert "2201.12944" in ids(papers, engine, "doi:10.1145/3617592")
    assert len(ids(papers, engine, "jr:ieee")) == 18


def test_abstract_only_with_abs_or_any(papers, engine) -> None:
    # "object hallucination" is in the abstract of 2201.12944, not its title.
    assert "2201.12944" not in ids(papers, engine, "hallucination")
    assert "2201.12944" in ids(papers, engine, "abs:hallucination")
    assert ids(papers, engine, "any:hallucination") == ids(papers, engine, "abs:hallucination")
    assert ids(papers, engine, "?hallucination") == ids(papers, engine, "any:hallucination")
    assert len(ids(papers, engine, "abs:hallucination")) == 31
    assert parse_query("abs:x").uses_abstract
    assert parse_query("-any:x").uses_abstract
    assert parse_query("?x").uses_abstract
    assert not parse_query("ti:x au:y x").uses_abstract


def test_categories_exact_and_archive(papers, engine) -> None:
    everything = {p.id for p in papers}
    # quant-ph/9802028 is primary quant-ph, cross-listed in cs.CV
    assert ids(papers, engine, "cat:quant-ph") == {"quant-ph/9802028", "2205.11480"}
    assert "quant-ph/9802028" in ids(papers, engine, "cat:cs.CV")
    assert ids(papers, engine, "cat:cs") == everything  # every test digest is a cs.* digest
    cv = ids(papers, engine, "cat:cs.cv")
    assert len(cv) == 1453
    assert cv < ids(papers, engine, "cat:cs")
    # cat:cs.C is neither a category nor an archive: no prefix match
    assert ids(papers, engine, "cat:cs.C") == set()
    # 2201.13271: eess.IV primary, cross-listed cs.CV, cs.LG, physics.med-ph
    assert "2201.13271" in ids(papers, engine, "cat:physics dunnwald")
    assert "2201.13271" in ids(papers, engine, "cat:eess")


def test_id_prefix(papers, engine) -> None:
    assert ids(papers, engine, "id:2201.129") == {"2201.12944", "2201.12961"}
    assert ids(papers, engine, "id:arXiv:2201.12944v5") == {"2201.12944"}
    assert ids(papers, engine, "id:quant-ph/98") == {"quant-ph/9802028"}
    assert ids(papers, engine, "id:2201.1296 OR id:cs/04") == {"2201.12961", "cs/0407047"}


def test_dates(papers, engine) -> None:
    assert ids(papers, engine, "date:..1999") == {"quant-ph/9802028", "math/9905165"}
    assert ids(papers, engine, "date:1998..2004") == {"quant-ph/9802028", "math/9905165", "cs/0407047"}
    assert ids(papers, engine, "date:2004-07-19") == {"cs/0407047"}
    jan = ids(papers, engine, "date:2022-01")
    assert len(jan) == 39 and "2201.12944" in jan
    assert ids(papers, engine, "date:2022-01-31") == jan
    assert ids(papers, engine, "date:20220131") == jan
    assert ids(papers, engine, "date:2022-01-30..2022-02") == jan
    # open end: everything listed from 2026-08 on is the one cs.CL 2026-08-04 digest
    assert len(ids(papers, engine, "date:2026-08..")) == len(ids(papers, engine, "date:2026-08-04"))
    assert ids(papers, engine, "date:2022-02..2022-03") == set()


def test_date_matches_published_not_only_digest(engine, papers) -> None:
    paper = Paper(id="9999.00001", version=1, title="x", published="2019-03-04 00:00:00+00:00")
    small = QueryEngine([*papers[:3], paper])
    assert small.search(parse_query("date:2019-03"), {}) == [3]


def test_is_states(papers, engine) -> None:
    states = {
        "2201.12944": PaperState("2201.12944", starred=True),
        "2201.13027": PaperState("2201.13027", read=True, starred=True),
        "2201.13013": PaperState("2201.13013", read=True),
        "not-in-archive": PaperState("not-in-archive", starred=True),
    }
    assert ids(papers, engine, "is:starred", states) == {"2201.12944", "2201.13027"}
    assert ids(papers, engine, "is:read", states) == {"2201.13027", "2201.13013"}
    assert ids(papers, engine, "is:starred -is:read", states) == {"2201.12944"}
    unread = ids(papers, engine, "is:unread", states)
    assert len(unread) == len(papers) - 2 and "2201.13013" not in unread
    assert ids(papers, engine, "is:starred", {}) == set()


# -- boolean structure ------------------------------------------------------------


def test_exclusion(papers, engine) -> None:
    assert ids(papers, engine, "captioning -review") == ids(papers, engine, "captioning") - {"2201.12944"}
    # 2201.12944 is by Ghandi; 2506.16082 ("...Dense Video Captioning") and 2511.05369 have "Dense" in the title
    assert ids(papers, engine, "captioning -ti:dense -au:ghandi") == {"1905.01919", "2306.00931", "2511.19149"}
    assert ids(papers, engine, "captioning NOT review") == ids(papers, engine, "captioning -review")
    assert ids(papers, engine, "-cat:cs") == set()


def test_or_and_parentheses(papers, engine) -> None:
    assert ids(papers, engine, "(captioning OR deblurring) survey") == {"2202.07456"}
    assert ids(papers, engine, "ti:boat OR ti:deblurring") == {
        "2201.13027", "2202.07456", "2306.00834", "2505.24407",
    }
    assert ids(papers, engine, "ti:boat | ti:deblurring") == ids(papers, engine, "ti:boat OR ti:deblurring")
    # AND binds tighter than OR
    assert ids(papers, engine, "ti:boat OR deblurring survey") == {"2201.13027", "2202.07456"}
    assert ids(papers, engine, "-(captioning OR deblurring) id:2202.07") == set()
    assert "or" in fold("Or")  # lower-case "or" is an ordinary word
    assert isinstance(parse_query("a or b").root, And)


def test_tree_shapes() -> None:
    root = parse_query('a (b OR "c d") -ti:e').root
    assert root == And(
        (
            Term("default", "a", "a"),
            Or((Term("default", "b", "b"), Term("default", "c d", "c d"))),
            Not(Term("title", "e", "e")),
        )
    )
    assert parse_query("--x").root == Term("default", "x", "x")  # double negation


# -- malformed queries ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "warning"),
    [
        ("deblurring )", "ignored unmatched ')'"),
        ("(deblurring", "added missing ')'"),
        ("deblurring OR", "ignored dangling OR"),
        ("OR deblurring", "ignored dangling OR"),
        ("- deblurring", "ignored lone '-'"),
        ("deblurring -", "ignored lone '-'"),
        ("deblurring NOT", "ignored dangling NOT"),  # (review F4: it said "lone '-'", never typed)
        ("NOT OR deblurring", "ignored dangling NOT"),
        ("(deblurring NOT)", "ignored dangling NOT"),
        ("ti: deblurring", "ignored empty 'ti:'"),
        ("deblurring date:2022-13", "bad date 2022-13"),
        ("deblurring date:2022-02-30", "bad date 2022-02-30"),
        ("deblurring date:yesterday..", "bad date yesterday"),
        ("deblurring is:bogus", "unknown is:bogus (use starred, read, unread, new, muted)"),
        ('deblurring "', "closed an unmatched '\"'"),
        ("deblurring ()", "ignored empty ()"),
    ],
)
def test_malformed_queries_warn_and_keep_the_rest(papers, engine, text, warning) -> None:
    query = parse_query(text)
    assert warning in query.warnings
    assert {papers[i].id for i in engine.search(query, {})} == {"2202.07456", "2306.00834", "2505.24407"}


@pytest.mark.parametrize("text", ["deblurring NOT", "NOT", "(NOT) deblurring", "deblurring NOT OR x"])
def test_a_dangling_not_is_named_as_typed(text) -> None:
    warnings = parse_query(text).warnings
    assert "ignored dangling NOT" in warnings and not any("'-'" in w for w in warnings), warnings


def test_unknown_field_is_searched_as_text(papers, engine) -> None:
    query = parse_query("BOAT: bilateral")
    assert query.warnings == ["unknown field 'BOAT:', searched as text"]
    assert ids(papers, engine, "BOAT: bilateral") == {"2201.13027"}
    assert ids(papers, engine, "foo:bar") == set()


def test_unclosed_quote_takes_the_rest(papers, engine) -> None:
    assert ids(papers, engine, '"image deblurring') == {"2202.07456", "2505.24407"}


@pytest.mark.parametrize("text", ["", "   ", "-", "()", "OR", "ti:", '""', "((", "))", "| |", "date:..", "- - -"])
def test_nothing_searchable_is_empty(papers, engine, text) -> None:
    query = parse_query(text)
    assert query.is_empty
    assert engine.search(query, {}) == list(range(len(papers)))
    assert engine.search(query, {}, [3, 5]) == [3, 5]


def test_parse_never_raises_on_junk() -> None:
    junk = ['(((a OR', 'a ) ) OR ( -', 'ti:"', 'date:2022-01..2021', '"\x00"', "cat:.", "id:", "?", "is:", "|||"]
    for text in junk:
        parse_query(text)  # must not raise
    assert "empty date range 2022-01..2021" in parse_query("date:2022-01..2021").warnings


# -- candidates and narrowing ----------------------------------------------------


def test_candidates_restrict_and_narrowing(papers, engine) -> None:
    first = parse_query("ima")
    previous = engine.search(first, {})
    second = parse_query("image deblur")
    assert second.narrows(first)
    assert not parse_query("image OR deblur").narrows(first)
    assert not parse_query("ti:image").narrows(first)
    assert parse_query("id:2201.12").narrows(parse_query("id:2201.1"))
    assert engine.search(second, {}, previous) == engine.search(second, {})
    assert engine.search(parse_query("deblurring"), {}, [0, 1, 2]) == []


# -- highlighting -------------------------------------------------------------------


def test_highlight_real_title(papers) -> None:
    title = next(p.title for p in papers if p.id == "2201.12944")
    assert title == "Deep Learning Approaches on Image Captioning: A Review"
    spans = highlight_spans(parse_query("caption learn -review"), title, "title")
    assert [title[a:b] for a, b in spans] == ["Learn", "Caption"]
    # ti: highlights the title only; abs: never highlights the title
    assert highlight_spans(parse_query("ti:deep"), title, "title") == [(0, 4)]
    assert highlight_spans(parse_query("ti:deep"), "Deep", "authors") == []
    assert highlight_spans(parse_query("abs:deep"), title, "title") == []
    assert highlight_spans(parse_query("abs:deep"), "deep dive", "summary") == [(0, 4)]


def test_highlight_accents_map_to_original(papers) -> None:
    authors = ", ".join(next(p.authors for p in papers if p.id == "2201.13271"))
    spans = highlight_spans(parse_query("dunnwald nurnberger"), authors, "authors")
    assert [authors[a:b] for a, b in spans] == ["Dünnwald", "Nürnberger"]
    title = "Pl\x7fücker Correction"
    assert [title[a:b] for a, b in highlight_spans(parse_query("plucker"), title, "title")] == ["Pl\x7fücker"]
    assert highlight_spans(parse_query("strasse"), "Straße", "title") == [(0, 6)]


def test_highlight_merges_overlaps_and_skips_excluded() -> None:
    text = "Image Deblurring via Deblur Nets"
    spans = highlight_spans(parse_query('"image deblur" deblur'), text, "title")
    assert spans == [(0, 12), (21, 27)]
    assert highlight_spans(parse_query("-deblur image"), text, "title") == [(0, 5)]
    assert highlight_spans(parse_query("image OR -(nets)"), text, "title") == [(0, 5)]


def test_highlight_ids_and_categories() -> None:
    assert highlight_spans(parse_query("cat:cs"), "eess.IV, cs.CV, physics.med-ph", "categories") == [(9, 14)]
    assert highlight_spans(parse_query("cat:cs.CV"), "cs.CV, cs.LG", "categories") == [(0, 5)]
    assert highlight_spans(parse_query("id:2201.12"), "2201.12944", "id") == [(0, 7)]
    assert highlight_spans(parse_query("1294"), "2201.12944", "id") == [(5, 9)]
    assert highlight_spans(parse_query("id:2201"), "2201.12944", "title") == []


# -- CLI helper ----------------------------------------------------------------------


def test_filter_papers(papers) -> None:
    found, warnings = filter_papers(papers, "ti:deblurring date:2022 (")
    assert [p.id for p in found] == ["2202.07456"]
    assert warnings == ["added missing ')'", "ignored empty ()"]
    found, warnings = filter_papers(papers, "is:starred", {"2201.12944": PaperState("2201.12944", starred=True)})
    assert [p.id for p in found] == ["2201.12944"] and warnings == []


# -- robustness ----------------------------------------------------------------------

_QUERY_ALPHABET = st.sampled_from(
    list('ab -()"|:.Ü\x7f') + ["OR", "NOT", "ti:", "date:", "cat:", "..", "is:", "2022-01"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_QUERY_ALPHABET, max_size=30).map("".join))
def test_any_query_parses_and_searches(text: str) -> None:
    papers = [
        Paper(id="2201.12944", version=5, title="Deep Learning Approaches on Image Captioning: A Review",
              authors=["Taraneh Ghandi"], categories=["cs.CV"], published="2022-01-31 00:39:37+00:00"),
        Paper(id="2201.13271", version=3, title="StRegA: Unsupervised Anomaly Detection in Brain MRIs",
              authors=["Max Dünnwald"], categories=["eess.IV", "cs.CV"]),
    ]
    query = parse_query(text)
    found = QueryEngine(papers).search(query, {})
    assert found == sorted(set(found)) and set(found) <= {0, 1}
    for name, shown in [("title", papers[1].title), ("authors", "Max Dünnwald"), ("id", "2201.13271"),
                        ("categories", "eess.IV, cs.CV"), ("summary", "")]:
        spans = highlight_spans(query, shown, name)
        assert spans == sorted(spans)
        assert all(0 <= a < b <= len(shown) for a, b in spans)
        assert all(b1 < a2 for (_, b1), (a2, _) in zip(spans, spans[1:]))


def test_deep_nesting_does_not_recurse_forever(papers, engine) -> None:
    query = parse_query("(" * 500 + "deblurring" + ")" * 500)
    assert "ignored nesting deeper than 50" in query.warnings
    assert query.warnings.count("ignored unmatched ')'") == 1  # each message once
    assert len(engine.search(query, {})) == 3


def test_results_are_fresh_lists(papers, engine) -> None:
    for text, count in [("cat:cs.CV", 1453), ("cat:cs", len(papers)), ("id:2201.129", 2), ("date:..1999", 2)]:
        engine.search(parse_query(text), {}).clear()  # the UI may keep or change what it gets
        assert len(engine.search(parse_query(text), {})) == count


# -- thread safety, cancellation, memory layout ---------------------------------------


def test_concurrent_abstract_searches_build_the_index_once(papers, monkeypatch) -> None:
    from tui.core.query import lazy_indexes  # where the engine's haystacks are built

    builds: list[str] = []
    real_build = lazy_indexes._build_haystack

    def slow_build(papers_, key):
        builds.append(key)
        time.sleep(0.2)  # keep the build running while the other thread arrives
        return real_build(papers_, key)

    monkeypatch.setattr(lazy_indexes, "_build_haystack", slow_build)
    engine = QueryEngine(papers)
    query = parse_query("abs:contrastive")
    barrier = threading.Barrier(3)
    results: list[list[int]] = []

    def worker() -> None:
        barrier.wait()
        results.append(engine.search(query, {}))

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert builds == ["summary"]
    assert len(results) == 3 and results[0] == results[1] == results[2]
    expected = [i for i, p in enumerate(papers) if "contrastive" in fold(p.summary or "")]
    assert len(expected) == 62 and results[0] == expected


def test_should_stop_cancels_and_default_is_unchanged(papers, engine) -> None:
    query = parse_query("abs:learning OR graph")
    expected = engine.search(query, {})
    assert expected and engine.search(query, {}, should_stop=lambda: False) == expected
    with pytest.raises(SearchCancelled):
        engine.search(query, {}, should_stop=lambda: True)
    calls = []

    def stop_later() -> bool:  # stops in the middle: after the first check passed
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(SearchCancelled):
        engine.search(query, {}, should_stop=stop_later)
    assert len(calls) == 3
    with pytest.raises(SearchCancelled):  # candidates path checks too
        engine.search(parse_query("abs:learning"), {}, [0, 1, 2], should_stop=lambda: True)


def test_haystack_is_one_joined_byte_string_with_offsets(papers) -> None:
    engine = QueryEngine(papers)
    engine.prepare(["default", "summary"])
    for key in ("default", "summary"):
        hay = engine._haystacks[key]
        # Nothing else kept per paper (the words' initials: only once a one-letter needle asks).
        assert set(hay.__slots__) == {"text", "offsets", "_initials", "_initials_lock"}
        assert hay._initials is None
        assert isinstance(hay.text, (bytes, bytearray))
        assert isinstance(hay.offsets, array) and hay.offsets.itemsize <= 8
        assert len(hay) == len(papers) and hay.offsets[-1] == len(hay.text)
    summary = engine._haystacks["summary"]
    texts = summary.texts()
    assert texts == [fold(p.summary or "") for p in papers]
    # Non-Latin text stays searchable: UTF-8 offsets still map hits to the right paper.
    greek = next(i for i, text in enumerate(texts) if "δ" in text)
    hits = engine.search(parse_query("abs:δ"), {})
    assert greek in hits and all("δ" in texts[i] for i in hits)
    assert hits == [i for i, text in enumerate(texts) if "δ" in text]


def test_dense_and_narrowed_text_searches_match_a_naive_scan(papers) -> None:
    """The dense path, find_in and the full scan + mask agree with a regex for word starts."""
    engine = QueryEngine(papers)
    engine.prepare(["default", "authors"])
    for key, prefix in (("default", ""), ("authors", "au:")):
        texts = engine._haystacks[key].texts()
        # "e"/"a" are in nearly every paper (mostly not at a word start), "x"/"w" in some, "an" two bytes.
        for needle in ("e", "a", "n", "x", "w", "an", "zzzq"):
            expected = [i for i, text in enumerate(texts) if needle_pattern(needle).search(text)]
            assert engine.search(parse_query(prefix + needle), {}) == expected, (key, needle)
            for step in (1, 2, 3, 17):  # candidate shares 100%, 50%, 33% (full scan / find_in), 6%
                cands = list(range(0, len(papers), step))
                want = [i for i in expected if i % step == 0]
                assert engine.search(parse_query(prefix + needle), {}, cands) == want, (key, needle, step)


def test_dense_path_keeps_only_word_starts_at_segment_edges() -> None:
    """A needle found in nearly every paper, but inside a word in some, at segment edges too."""
    titles = ["teacup"] * 9000
    for gap in (1, 2, 33, 4095, 4096, 4097, 5000, 8191, 8999):
        titles[gap] = "steacup"  # inside a word: no match
    titles[7] = "δteacup"  # after a Greek letter: inside a word
    titles[8] = "–teacup"  # after a dash: a word start
    titles[9] = "δteacup teacup"  # inside a word, then at a word start
    papers = [Paper(id=f"2201.{i:05d}", version=1, title=title) for i, title in enumerate(titles)]
    engine = QueryEngine(papers)
    for needle in ("te", "teacu"):  # a short needle (one regex pass) and a longer one (find)
        hits = engine.search(parse_query("ti:" + needle), {})
        assert hits == [i for i, title in enumerate(titles) if needle_pattern(needle).search(title)]
        assert len(hits) == 9000 - 10 and 8 in hits and 9 in hits and 7 not in hits


def test_intersect_mask_and_whole_library_candidates() -> None:
    intersect = query_module._intersect
    assert intersect([1, 5, 9], None) == [1, 5, 9]
    assert intersect([1, 5, 9], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 10) == [1, 5, 9]  # every paper: as is
    assert intersect([1, 5, 9], [5, 6, 9, 12]) == [5, 9]
    assert intersect([5, 6, 9, 12, 40], [1, 5, 40]) == [5, 40]
    assert intersect([], [1, 2]) == [] and intersect([1, 2], []) == []


def test_date_index_is_the_sorted_date_paper_pairs(papers) -> None:
    engine = QueryEngine(papers)
    keys = engine._dates()
    pairs = set()
    for i, paper in enumerate(papers):
        pairs.update((ref.date, i) for ref in paper.digests)
        if paper.published:
            pairs.add((paper.published[:10], i))
    starts = engine._date_starts
    assert keys == sorted(keys) and len(starts) == len(keys) + 1 and starts[-1] == len(engine._date_index)
    flat = [(date, i) for k, date in enumerate(keys) for i in engine._date_index[starts[k] : starts[k + 1]]]
    assert flat == sorted(pairs)
