"""The headless core must never pull in Textual or Rich: the CLI and scripts rely on it."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import tui.core


def test_core_modules_do_not_import_textual() -> None:
    modules = [info.name for info in pkgutil.walk_packages(tui.core.__path__, "tui.core.")]
    assert "tui.core.digest" in modules and "tui.core.store" in modules
    assert "tui.core.cite.bibfile" in modules and "tui.core.latex_converter" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
