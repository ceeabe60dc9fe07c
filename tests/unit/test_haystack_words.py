"""The reader's haystack finds short needles at word starts exactly as the word semantics say,
whichever of its paths (the words' initials for one letter, one regex pass, one by one) answers."""

from __future__ import annotations

import random

import pytest

from tui.core.query import haystack as haystack_module
from tui.core.query import initials as initials_module
from tui.core.query.haystack import _Haystack
from tui.core.query.words import needle_pattern

PIECES = ["e", "ex", "be", "é", "ée", "ω", "ωe", "x1", "1e", "e2", " ", " ", " ", "-", "—", "(", "_", ".", "q", "zq"]


def random_texts(rng: random.Random, count: int, common: bool) -> list[str]:
    """Texts where most hold `` e`` (common) or where ``e`` is rare."""
    pieces = PIECES + [" e", " ex"] * 4 if common else [p for p in PIECES if "e" not in p or p == "be"]
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 16))) for _ in range(count)]


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("common", [True, False])
def test_short_needles_match_word_starts_exactly(monkeypatch, seed: int, common: bool) -> None:
    monkeypatch.setattr(haystack_module, "_SEGMENT", 50)  # many segments, each path taken
    monkeypatch.setattr(initials_module, "_STEP", 30)
    rng = random.Random(seed)
    texts = random_texts(rng, 400, common)
    hay = _Haystack(texts)
    for needle in ["e", "ex", "x", "é", "ω", "1", "q", "zq", "-", "e2", "2"]:
        expected = [k for k, text in enumerate(texts) if needle_pattern(needle).search(text)]
        assert hay.find_all(needle.encode()) == expected, (needle, seed)
        candidates = sorted(rng.sample(range(len(texts)), 150))
        assert hay.find_in(needle.encode(), candidates) == [k for k in candidates if k in set(expected)], needle


def test_one_letter_needles_are_found_in_the_initials_of_the_words() -> None:
    texts = ["", "the cat", "a—b", "ωmega x1", "(e)", "resnet50 e2e", "\n" * 3 + "z"]
    hay = _Haystack(texts)
    initials = hay.initials()
    assert initials.text.split(b"\x00")[:-1] == [b"", b"tc", b"ab", "ωx".encode(), b"e", b"re", b"z"]
