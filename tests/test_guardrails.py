"""The guardrails configured in pyproject.toml, run as part of the test suite (so CI runs them).

* import-linter: the core never imports Textual or Rich; widgets never import the store;
* ruff: pyflakes, pycodestyle and bugbear findings over the whole repository;
* mypy: the headless core (``tui/core``) type-checks.

Each runs the tool the ``test`` extra installs, from the repository's root, and fails
with the tool's own report. They are also run by hand (README, "Development").
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _run(*command: str) -> None:
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        pytest.fail(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}", pytrace=False)


def test_import_contracts() -> None:
    _run(str(BIN / "lint-imports"), "--no-cache")


def test_ruff() -> None:
    _run(sys.executable, "-m", "ruff", "check", "--no-cache", ".")


def test_mypy_on_the_core() -> None:
    _run(sys.executable, "-m", "mypy")
