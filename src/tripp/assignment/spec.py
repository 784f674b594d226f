"""What to run: the algorithm and its stopping rule (no heavy imports, used by the CLI)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from tripp.errors import FieldProblem, InputError

__all__ = ["Algorithm", "AssignmentSpec"]


class Algorithm(StrEnum):
    """Assignment algorithms."""

    FW = "fw"
    """Frank–Wolfe."""
    CFW = "cfw"
    """Conjugate Frank–Wolfe (Mitradjieva & Lindberg 2013)."""
    BFW = "bfw"
    """Biconjugate Frank–Wolfe (Mitradjieva & Lindberg 2013)."""
    GP = "gp"
    """Path-based gradient projection: the high-precision algorithm (1e-8 and beyond)."""


@dataclass(frozen=True)
class AssignmentSpec:
    """How to run an assignment.

    Attributes:
        algorithm: one of :class:`Algorithm` (or its value).
        target_gap: stop when the relative gap is at most this.
        max_iterations: stop after this many iterations even if the gap is not reached.
    """

    algorithm: Algorithm | str = Algorithm.BFW
    target_gap: float = 1e-4
    max_iterations: int = 1000

    def __post_init__(self) -> None:
        problems = []
        if self.algorithm not in set(Algorithm):
            known = ", ".join(a.value for a in Algorithm)
            problems.append(
                FieldProblem(
                    "algorithm",
                    problem=f"unknown algorithm {self.algorithm!r}",
                    fix=f"use one of {known}",
                )
            )
        if not 0 < self.target_gap < math.inf:
            problems.append(
                FieldProblem("gap", problem="must be positive and finite", fix="use e.g. 1e-4")
            )
        if self.max_iterations < 1:
            problems.append(
                FieldProblem("max_iter", problem="must be at least 1", fix="use e.g. 1000")
            )
        if problems:
            raise InputError(problems)
