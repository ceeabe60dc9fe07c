"""Fixtures for every test: nothing reads or writes the real user's files.

Also chooses the code under test before any test imports it: this checkout's
sources, even when an older copy is installed (see ``_checkout.py``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

from _checkout import use_this_checkout

TESTED = use_this_checkout()

# Property tests explore the same examples on every run, so a red run always
# means a change broke something (CI must not fail at random on an old bug).
# `pytest --hypothesis-profile=explore` searches new examples each time.
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile("repeatable")


def pytest_report_header() -> str:
    return TESTED


@pytest.fixture(autouse=True)
def _own_config_file(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the config file at a fresh, absent path (tests that need one write it)."""
    path = tmp_path_factory.mktemp("config") / "config.toml"
    monkeypatch.setenv("ARXIV_READER_CONFIG", str(path))
    return path
