"""The pass/fail lines that end a benchmark's output, one per target."""

from __future__ import annotations

from collections.abc import Sequence

#: One target's outcome: (what is targeted, met or not, the figure that decided it).
Target = tuple[str, bool, str]


def print_targets(results: Sequence[Target]) -> int:
    """Print a ``targets:`` section, one PASS/FAIL line per target; the exit status
    (0 when every target is met, else 1)."""
    print("\ntargets:")
    for name, ok, detail in results:
        print(f"  {'PASS' if ok else 'FAIL'}  {name}: {detail}")
    return 0 if all(ok for _, ok, _ in results) else 1
