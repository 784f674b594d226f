"""What to run: the algorithm and its stopping rule (no heavy imports, used by the CLI)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from tripp.errors import FieldProblem, InputError

__all__ = ["Algorithm", "AssignmentSpec", "ChoiceSpec", "choose_algorithm"]

#: ``auto`` takes gp below this target gap, whatever the network.
GP_BELOW_GAP = 1e-5
#: ``auto`` takes gp at looser gaps when there are at most this many OD pairs per search link.
GP_MAX_ODS_PER_LINK = 20.0


def choose_algorithm(target_gap: float, n_od_pairs: int, n_search_links: int) -> Algorithm:
    """The algorithm ``auto`` runs: gp (path-based gradient projection) when the target gap
    is below 1e-5, or when there are at most 20 OD pairs with demand per link of the search
    graph; else bfw.

    A gp iteration costs about as much as a bfw iteration's shortest-path trees plus work
    on every OD's paths, and needs far fewer iterations; bfw's iterations grow fast as the
    gap tightens. So gp wins at tight gaps everywhere, and at 1e-4 wherever the ODs are few
    for the network (Anaheim, Berlin, the 50,000-link grid). With very many ODs per link
    (Chicago-Sketch-like 387 zones on 3,000 links, a 13,000-node city with 865 zones) bfw
    reaches 1e-4 first. Measured in ``benchmarks/assignment.py``; see docs/assignment.md.
    """
    if target_gap < GP_BELOW_GAP or n_od_pairs <= GP_MAX_ODS_PER_LINK * n_search_links:
        return Algorithm.GP
    return Algorithm.BFW


class Algorithm(StrEnum):
    """Assignment algorithms."""

    AUTO = "auto"
    """bfw or gp, whichever :func:`choose_algorithm` expects to be faster."""
    FW = "fw"
    """Frank–Wolfe."""
    CFW = "cfw"
    """Conjugate Frank–Wolfe (Mitradjieva & Lindberg 2013)."""
    BFW = "bfw"
    """Biconjugate Frank–Wolfe (Mitradjieva & Lindberg 2013)."""
    GP = "gp"
    """Path-based gradient projection: the high-precision algorithm (1e-8 and beyond)."""
    LOGIT = "logit"
    """Route choice: path-size logit stochastic user equilibrium (corridor scenarios)."""


@dataclass(frozen=True)
class AssignmentSpec:
    """How to run an assignment.

    Attributes:
        algorithm: one of :class:`Algorithm` (or its value).
        target_gap: stop when the relative gap is at most this.
        max_iterations: stop after this many iterations even if the gap is not reached.
        threads: most threads an all-or-nothing pass runs its origins on (None: every core
            this process may use; a small network runs on one whatever this says).
        compress_graph: search shortest paths on the network with its chains of degree-2
            nodes merged and its dead ends dropped, when that saves at least 5 % of the
            links or the network has more than 20,000 nodes
            (:mod:`tripp.assignment.compress`); False: on every link as it is.
    """

    algorithm: Algorithm | str = Algorithm.AUTO
    target_gap: float = 1e-4
    max_iterations: int = 1000
    threads: int | None = None
    compress_graph: bool = True

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
        if self.threads is not None and self.threads < 1:
            problems.append(
                FieldProblem(
                    "threads", problem="must be at least 1", fix="use 1 or more (none: every core)"
                )
            )
        if problems:
            raise InputError(problems)


@dataclass(frozen=True)
class ChoiceSpec:
    """How route choice runs.

    Attributes:
        paths_per_od: K, the most paths in an OD's choice set.
        penalty_factor: link penalisation factor of choice-set generation (> 1).
        theta: sensitivity to relative cost (dimensionless, > 0).
        path_size: correct for overlapping paths (path-size logit) or not (plain logit).
        max_iter: most MSA iterations (1: the logit split at free-flow costs).
        tolerance: stop when the split changes by at most this share of demand.
        reliability_ratio: value of reliability over value of time: a route's cost adds
            ratio × VOT × the standard deviation of its time (0: reliability not priced).
    """

    paths_per_od: int = 5
    penalty_factor: float = 1.5
    theta: float = 8.0
    path_size: bool = True
    max_iter: int = 50
    tolerance: float = 1e-4
    reliability_ratio: float = 0.0

    def __post_init__(self) -> None:
        checks = (
            ("paths_per_od", self.paths_per_od >= 1, "use at least 1"),
            ("penalty_factor", self.penalty_factor > 1, "use a factor above 1, e.g. 1.5"),
            ("theta", 0 < self.theta < math.inf, "use a positive number, e.g. 8"),
            ("max_iter", self.max_iter >= 1, "use at least 1"),
            ("tolerance", 0 < self.tolerance < 1, "use e.g. 1e-4"),
            ("reliability_ratio", 0 <= self.reliability_ratio < 100, "use e.g. 1.24, or 0"),
        )
        problems = [
            FieldProblem(name, f"{getattr(self, name)} is out of range", fix)
            for name, ok, fix in checks
            if not ok
        ]
        if problems:
            raise InputError(problems)
