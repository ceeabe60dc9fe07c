"""Which copy of the package the tests run against: this checkout, always.

``pip install '.[test]'`` (the README's and CI's command) installs a *copy* of
``tui`` into the virtual environment; after an edit, a plain ``pytest`` would
test that stale copy. :func:`use_this_checkout` keeps an installed copy only
while it is identical to the checkout's sources (CI: a fresh install, so the
built package is what is tested, packaging included); otherwise it puts the
checkout first on ``sys.path`` and in ``PYTHONPATH`` (for the processes tests
start), so the code under test is the code in front of you.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[1]
SOURCE = CHECKOUT / "tui"


def digest_of(package: Path) -> str:
    """A hash of every ``.py`` file under ``package`` (names and contents)."""
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(package.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def installed_package() -> Path | None:
    """Where ``import tui`` would load the package from (without importing it)."""
    spec = importlib.util.find_spec("tui")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))).resolve()


def use_this_checkout() -> str:
    """Make ``import tui`` load this checkout's sources (see the module doc); says what it did."""
    if "tui" in sys.modules:
        raise RuntimeError("tui was imported before the tests chose which copy to test")
    installed = installed_package()
    if installed == SOURCE:
        return f"testing the checkout {SOURCE} (editable install)"
    if installed is not None and digest_of(installed) == digest_of(SOURCE):
        return f"testing the installed copy {installed} (identical to the checkout)"
    sys.path.insert(0, str(CHECKOUT))
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(CHECKOUT), os.environ.get("PYTHONPATH")]))
    importlib.invalidate_caches()
    stale = f"; the installed copy at {installed} differs and is not tested" if installed else ""
    return f"testing the checkout {SOURCE}{stale}"
