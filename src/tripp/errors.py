"""The exception tree of tripp.

Every error a user can cause is an :class:`InputError` that lists *all* the problems found,
each naming where it is (file, row, column) and how to fix it. Interfaces print
``str(error)`` and exit with ``error.exit_code``; they never show a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input: where it is, what is wrong and how to fix it.

    ``row`` is the 1-based line number in the file (the header is line 1), or ``None``
    when the problem concerns a whole file or an option.
    """

    where: str
    problem: str
    fix: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        place = self.where if self.row is None else f"{self.where}:{self.row}"
        column = f" {self.column}:" if self.column else ""
        return f"{place}:{column} {self.problem} — fix: {self.fix}"

    def to_dict(self) -> dict[str, object]:
        """The problem as a JSON-ready mapping."""
        return {
            "where": self.where,
            "row": self.row,
            "column": self.column,
            "problem": self.problem,
            "fix": self.fix,
        }


class TrippError(Exception):
    """Base class of every error raised on purpose by tripp."""

    exit_code = 1


class InputError(TrippError, ValueError):
    """Bad input: a file, a table row, an option. Carries every problem found at once."""

    exit_code = 2

    def __init__(self, problems: Iterable[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(where="input", problem=problems, fix="see the message")]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not self.problems:
            raise ValueError("InputError needs at least one problem")
        super().__init__(self._message())

    def _message(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = [f"{len(self.problems)} problems found:"]
        lines.extend(str(problem) for problem in self.problems)
        return "\n".join(lines)


class NoRouteError(TrippError, LookupError):
    """No route satisfies the request; the message names the constraint that cut it."""

    exit_code = 3


class ConvergenceError(TrippError, RuntimeError):
    """An iterative method stopped before reaching the requested precision."""

    exit_code = 4
