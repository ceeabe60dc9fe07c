"""The problems found in one digest file, collected with a cap so garbage can't flood the user."""

from __future__ import annotations

from .models import Problem

__all__ = ["MAX_PROBLEMS_PER_FILE", "ProblemReporter"]

#: A garbage file must not drown the user in messages: after this many
#: problems in one file, one summary problem replaces the rest.
MAX_PROBLEMS_PER_FILE = 50


class ProblemReporter:
    """Collects problems for one file, capped at :data:`MAX_PROBLEMS_PER_FILE`."""

    __slots__ = ("path", "problems", "dropped")

    def __init__(self, path: str, problems: list[Problem] | None = None) -> None:
        self.path = path
        self.problems: list[Problem] = problems if problems is not None else []
        self.dropped = 0

    def __call__(self, line: int, message: str) -> None:
        """Record ``message`` at ``line`` (0: the whole file), or count it once the cap is reached."""
        if len(self.problems) < MAX_PROBLEMS_PER_FILE:
            self.problems.append(Problem(self.path, line, message))
        else:
            self.dropped += 1

    def finish(self) -> list[Problem]:
        """The problems, ending with one that says how many were left out (if any)."""
        if self.dropped:
            self.problems.append(
                Problem(self.path, 0, f"{self.dropped} more problems not shown")
            )
            self.dropped = 0
        return self.problems
