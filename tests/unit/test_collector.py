"""The collector's pacing: full collections held while keys arrive, caught up when the user pauses."""

from __future__ import annotations

import gc

import pytest

from tui.screens.collector import CollectorPacing


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def thresholds():
    """The interpreter's thresholds, restored after the test whatever it did."""
    saved = gc.get_threshold()
    yield saved
    gc.set_threshold(*saved)


def test_keys_hold_the_full_collections_and_a_pause_restores_them(thresholds):
    gc.set_threshold(700, 10, 10)
    clock = Clock()
    pacing = CollectorPacing(clock)
    pacing.input()
    assert pacing.holding
    young, middle, old = gc.get_threshold()
    assert (young, middle) == (700, 10) and old > 1_000_000  # the young ones as before
    clock.now += pacing.IDLE / 2
    pacing.input()
    clock.now += pacing.IDLE / 2
    pacing.tick()  # the last key was less than IDLE ago
    assert pacing.holding
    clock.now += pacing.IDLE
    pacing.tick()
    assert not pacing.holding and gc.get_threshold() == (700, 10, 10)


def test_a_held_down_key_holds_them_no_longer_than_longest(thresholds):
    gc.set_threshold(700, 10, 10)
    clock = Clock()
    pacing = CollectorPacing(clock)
    for _ in range(int(pacing.LONGEST / 0.05) + 2):
        pacing.input()
        clock.now += 0.05
        pacing.tick()
        if not pacing.holding:
            break
    assert not pacing.holding and gc.get_threshold() == (700, 10, 10)
    assert clock.now - 100.0 <= pacing.LONGEST + 0.1


def test_the_held_collection_runs_when_released(thresholds, monkeypatch):
    gc.set_threshold(700, 10, 10)
    ran = []
    monkeypatch.setattr(gc, "collect", lambda *a: ran.append(a) or 0)
    monkeypatch.setattr(gc, "get_count", lambda: (5, 3, 11))  # more middle collections than the threshold
    pacing = CollectorPacing(Clock())
    pacing.input()
    pacing.release(collect=True)
    assert ran == [()]
    monkeypatch.setattr(gc, "get_count", lambda: (5, 3, 2))  # none was due: nothing run
    pacing.input()
    pacing.release(collect=True)
    assert ran == [()]


def test_left_alone_when_collections_are_off_or_set_by_someone_else(thresholds):
    pacing = CollectorPacing(Clock())
    gc.disable()
    try:
        pacing.input()
        assert not pacing.holding
    finally:
        gc.enable()
    gc.set_threshold(700, 10, 0)  # full collections off: stays so
    pacing.input()
    assert not pacing.holding and gc.get_threshold() == (700, 10, 0)
    gc.set_threshold(700, 10, 10)
    pacing.input()
    gc.set_threshold(500, 5, 5)  # changed meanwhile: not overwritten
    pacing.release()
    assert gc.get_threshold() == (500, 5, 5)


def test_keys_alone_release_them_after_longest_even_without_ticks(thresholds, monkeypatch):
    gc.set_threshold(700, 10, 10)
    ran = []
    monkeypatch.setattr(gc, "collect", lambda *a: ran.append(a) or 0)
    monkeypatch.setattr(gc, "get_count", lambda: (5, 3, 11))
    clock = Clock()
    pacing = CollectorPacing(clock)
    pacing.input()
    clock.now += pacing.LONGEST + 0.01
    pacing.input()  # the full collection held back runs, then the keys hold them again
    assert ran == [()] and pacing.holding
