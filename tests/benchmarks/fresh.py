"""The environment of the fresh processes benchmarks time.

Fresh processes find the project's modules compiled, as an installed
arxiv-reader does after its first run: bytecode goes to a cache of the
benchmarks' own (the tree stays clean), whatever PYTHONDONTWRITEBYTECODE says
(else every fresh process compiles over a hundred modules: 0.1-0.16 s).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

BYTECODE = Path(tempfile.gettempdir()) / "arxiv-reader-bench-bytecode"


def fresh_env() -> dict[str, str]:
    """This process's environment for a timed child: bytecode cached under :data:`BYTECODE`."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(BYTECODE)
    return env
