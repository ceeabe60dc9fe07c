"""What the paper list asks of the screen when the user wants another paper (see :mod:`.paper_list`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class MoveRequest:
    """The user asked for another paper: ``step`` papers on (negative: back), or the one at ``position``.

    ``position`` -1 is the last paper.
    """

    step: int = 0
    position: int | None = None

    def target(self, cursor: int, count: int) -> int:
        """Where the cursor goes from ``cursor`` in a list of ``count`` papers (-1: empty)."""
        if count <= 0:
            return -1
        if self.position is not None:
            wanted = count - 1 if self.position < 0 else self.position
        else:
            wanted = cursor + self.step
        return min(max(wanted, 0), count - 1)
