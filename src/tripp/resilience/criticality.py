"""Criticality: close each element (or each pair of the worst), re-route the demand, rank.

For a scenario, the demand rows of its demand year (t/year) are routed under the objective
(time unless asked otherwise, as every command). Closing an element removes its arcs
(:mod:`tripp.resilience.elements`) and every O-D is re-routed. Scores per closure:

* ``unmet_t_per_year`` — tonnes a year of O-Ds that had a route and have none;
* ``delta_objective_per_year`` — over the O-Ds routed before and after,
  Σ (t_per_year / t_per_teu) × (objective_after − objective_before), the increase of what
  routes minimise, in ``spec["objective_unit"]``: TEU-h per year for time, USD per year for
  cost and generalised cost. Routes are re-chosen under the same objective, so a closure
  can never lower it: it is ≥ 0 for every closure. ``t_per_teu`` (default 10 t/TEU, the
  factor the atlas demand uses) turns tonnes into TEU;
* ``delta_generalized_usd_per_year`` — the same sum of GC = money cost + value of time × time
  (USD per TEU), for information; None without a value of time. Under another objective
  than generalised it may be negative (a slower route can be cheaper);
* ``delta_time_h_mean`` — the t-weighted mean change of time (h).

Closures are ranked by unmet tonnes, then by the objective's increase (``rank``), and each
also gets its rank by the objective's increase alone (``rank_by_cost``). With ``k=2`` the
pairs among the ``top`` single closures are closed together and ranked the same way.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import combinations
from typing import TYPE_CHECKING, Any

import numpy as np

from tripp.errors import FieldProblem, InputError
from tripp.resilience.elements import Element, ElementKind, list_elements
from tripp.resilience.kernel import (
    FloatArray,
    ODPair,
    RoutingKernel,
    Solution,
    build_kernel,
    od_pairs,
)
from tripp.resilience.runner import Progress, dask_client, run_tasks
from tripp.routing.request import DEFAULT_OBJECTIVE, Objective, RouteSettings
from tripp.scenarios.network import ScenarioNetwork

if TYPE_CHECKING:
    import pandas as pd

#: Closures per Dask task.
CLOSURES_PER_TASK = 16
#: Tonnes per TEU used to weight per-TEU costs by tonnes (the atlas demand's factor).
T_PER_TEU = 10.0
#: The unit of ``delta_objective_per_year`` per objective.
OBJECTIVE_UNITS = {
    Objective.TIME: "TEU-h/year",
    Objective.COST: "USD/year",
    Objective.GENERALIZED: "USD/year",
}


@dataclass(frozen=True, slots=True)
class Impact:
    """The effect of closing one element or one pair of elements."""

    elements: tuple[Element, ...]
    unmet_t_per_year: float
    delta_objective_per_year: float  # TEU × objective units per year (module docstring)
    delta_generalized_usd_per_year: float | None  # None: no value of time
    delta_time_h_mean: float | None  # t-weighted mean change over O-Ds still routed (h)
    pairs_cut: int
    pairs_rerouted: int
    rank: int = 0
    rank_by_cost: int = 0

    @property
    def element_id(self) -> str:
        """The element ids joined by ``+``."""
        return "+".join(e.element_id for e in self.elements)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {
            "rank": self.rank,
            "rank_by_cost": self.rank_by_cost,
            "elements": [e.element_id for e in self.elements],
            "labels": [e.label for e in self.elements],
            "unmet_t_per_year": round(self.unmet_t_per_year, 1),
            "delta_objective_per_year": round(self.delta_objective_per_year, 1),
            "delta_generalized_usd_per_year": _rounded(self.delta_generalized_usd_per_year, 1),
            "delta_time_h_mean": None
            if self.delta_time_h_mean is None
            else round(self.delta_time_h_mean, 3),
            "pairs_cut": self.pairs_cut,
            "pairs_rerouted": self.pairs_rerouted,
        }


@dataclass(frozen=True)
class CriticalityResult:
    """Ranked closures of one scenario (``impacts`` holds the ``top`` of the ranking)."""

    spec: dict[str, Any]
    base: dict[str, float | None]
    closed: int  # closures evaluated
    impacts: tuple[Impact, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping: spec, base totals and the ranked closures."""
        return {
            "spec": self.spec,
            "base": self.base,
            "closures_evaluated": self.closed,
            "ranking": [impact.to_dict() for impact in self.impacts],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def to_frame(self) -> pd.DataFrame:
        """The ranking, one row per closure: ``rank``, ``rank_by_cost``, ``elements`` and
        ``labels`` (lists), ``unmet_t_per_year``, ``delta_objective_per_year``,
        ``delta_generalized_usd_per_year``,
        ``delta_time_h_mean``, ``pairs_cut``, ``pairs_rerouted``."""
        import pandas as pd

        return pd.DataFrame(self.to_dict()["ranking"])


def criticality(
    network: ScenarioNetwork,
    *,
    elements: ElementKind | str = ElementKind.LINKS,
    k: int = 1,
    top: int = 10,
    objective: Objective | str = DEFAULT_OBJECTIVE,
    settings: RouteSettings | None = None,
    t_per_teu: float = T_PER_TEU,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> CriticalityResult:
    """Close every element of kind ``elements`` (and, for ``k=2``, every pair among the
    ``top`` single closures), re-route the demand on Dask and rank the closures.

    ``elements``: ``links``, ``nodes``, ``crossings`` or ``countries``; ``objective`` is
    what routes minimise (time by default); scores are t/year unmet and the objective's
    increase per year (module docstring); the value of time is ``settings``', else the
    atlas's (needed for the generalized objective only). Runs on a local Dask cluster of
    ``workers`` processes (default: CPU cores) or on the cluster at ``scheduler``;
    ``progress(what, done, total)`` follows the tasks.

    >>> import tripp
    >>> network = tripp.scenario(tripp.load_atlas(), "tripp-2030")
    >>> result = tripp.criticality(network, elements="countries", top=3, workers=1)
    >>> [impact.element_id for impact in result.impacts]
    ['country:CN', 'country:KZ', 'country:RU']
    """
    kind = _check(elements, k, top, t_per_teu)
    atlas, year = network.atlas, network.year
    demand_year = network.demand_year
    ods = od_pairs(atlas, demand_year)
    kernel = build_kernel(network.graph, ods, year=year, objective=objective, settings=settings)
    base = kernel.solve()
    candidates = list_elements(network.graph, kind, year=year)
    tonnes = np.array([od.t_per_year for od in ods])
    scorer = _Scorer(base, tonnes, kernel.vot_usd_per_teu_h, t_per_teu)
    with dask_client(workers=workers, scheduler=scheduler) as client:
        singles = _rank(_evaluate(client, kernel, [(e,) for e in candidates], scorer, progress))
        ranking = singles
        if k == 2:
            lead = [impact.elements[0] for impact in singles[:top]]
            pairs = [tuple(pair) for pair in combinations(lead, 2)]
            ranking = _rank(_evaluate(client, kernel, pairs, scorer, progress))
    spec = {
        "scenario": network.applied().name,
        "year": year,
        "demand_year": demand_year,
        "elements": kind.value,
        "k": k,
        "top": top,
        "objective": kernel.objective.value,
        "objective_unit": OBJECTIVE_UNITS[kernel.objective],
        "vot_usd_per_teu_h": kernel.vot_usd_per_teu_h,
        "t_per_teu": t_per_teu,
    }
    return CriticalityResult(
        spec, _base_totals(ods, base, scorer), len(ranking), tuple(ranking[:top])
    )


def _check(elements: ElementKind | str, k: int, top: int, t_per_teu: float) -> ElementKind:
    problems = []
    try:
        kind = ElementKind(str(elements))
    except ValueError:
        problems.append(
            FieldProblem(
                "elements",
                f"unknown elements '{elements}'",
                "use links, nodes, crossings or countries",
            )
        )
        kind = ElementKind.LINKS
    if kind is ElementKind.ENERGY:
        problems.append(
            FieldProblem(
                "elements",
                "energy elements are ranked by unmet demand, not by routing",
                "call tripp.energy_criticality (the CLI does)",
            )
        )
    if k not in (1, 2):
        problems.append(FieldProblem("k", f"{k} is not supported", "use 1 (single) or 2 (pairs)"))
    if top < 1:
        problems.append(FieldProblem("top", f"{top} is out of range", "give 1 or more"))
    if not 0 < t_per_teu < np.inf:
        problems.append(
            FieldProblem("t_per_teu", f"{t_per_teu} is out of range", "give a finite value > 0")
        )
    if problems:
        raise InputError(problems)
    return kind


def close_each(kernel: RoutingKernel, closures: list[list[np.ndarray]]) -> list[Solution]:
    """Solve with each closure's arcs removed (a closure: one arc array per element)."""
    solutions = []
    for arcs in closures:
        closed = np.zeros(len(kernel.head), dtype=bool)
        for index in arcs:
            closed[index] = True
        solutions.append(kernel.solve(closed=closed))
    return solutions


@dataclass(frozen=True)
class _Scorer:
    base: Solution
    tonnes: FloatArray
    vot_usd_per_teu_h: float | None
    t_per_teu: float

    def score(self, elements: tuple[Element, ...], after: Solution) -> Impact:
        before_ok, after_ok = self.base.routed, after.routed
        both = before_ok & after_ok
        cut = before_ok & ~after_ok
        teu = self.tonnes / self.t_per_teu
        delta_objective = float(
            np.sum(teu[both] * (after.objective[both] - self.base.objective[both]))
        )
        delta_gc = None
        if self.vot_usd_per_teu_h is not None:
            gc_before = self.base.generalized_usd_per_teu(self.vot_usd_per_teu_h)
            gc_after = after.generalized_usd_per_teu(self.vot_usd_per_teu_h)
            delta_gc = float(np.sum(teu[both] * (gc_after[both] - gc_before[both])))
        weight = self.tonnes[both].sum()
        delta_time = (
            float(
                np.sum(self.tonnes[both] * (after.time_h[both] - self.base.time_h[both])) / weight
            )
            if weight > 0
            else None
        )
        changed = both & ~np.isclose(after.objective, self.base.objective, rtol=1e-12, atol=1e-9)
        return Impact(
            elements,
            float(self.tonnes[cut].sum()),
            delta_objective,
            delta_gc,
            delta_time,
            int(cut.sum()),
            int(changed.sum()),
        )


def _evaluate(
    client: Any,
    kernel: RoutingKernel,
    closures: Sequence[tuple[Element, ...]],
    scorer: _Scorer,
    progress: Progress | None,
) -> list[Impact]:
    impacts: list[Impact | None] = [None] * len(closures)
    starts = list(range(0, len(closures), CLOSURES_PER_TASK))
    payloads = [
        [[e.arcs for e in closure] for closure in closures[a : a + CLOSURES_PER_TASK]]
        for a in starts
    ]
    label = "pairs" if closures and len(closures[0]) == 2 else "closures"
    count = 0

    def finished(task: int, solutions: list[Solution]) -> None:
        nonlocal count
        for offset, solution in enumerate(solutions):
            index = starts[task] + offset
            impacts[index] = scorer.score(closures[index], solution)
        count += len(solutions)
        if progress:
            progress(label, count, len(closures))

    run_tasks(client, kernel, close_each, payloads, on_done=finished, name="close")
    return [impact for impact in impacts if impact is not None]


def _rank(impacts: list[Impact]) -> list[Impact]:
    """Sort by unmet tonnes then the objective's increase (ties by id); number both."""
    by_cost = sorted(impacts, key=lambda i: (-i.delta_objective_per_year, i.element_id))
    cost_rank = {impact.element_id: r for r, impact in enumerate(by_cost, start=1)}
    ordered = sorted(
        impacts,
        key=lambda i: (-i.unmet_t_per_year, -i.delta_objective_per_year, i.element_id),
    )
    return [
        replace(impact, rank=r, rank_by_cost=cost_rank[impact.element_id])
        for r, impact in enumerate(ordered, start=1)
    ]


def _base_totals(
    ods: tuple[ODPair, ...], base: Solution, scorer: _Scorer
) -> dict[str, float | None]:
    routed = base.routed
    teu = scorer.tonnes / scorer.t_per_teu
    gc = None
    if scorer.vot_usd_per_teu_h is not None:
        per_teu = base.generalized_usd_per_teu(scorer.vot_usd_per_teu_h)
        gc = round(float(np.sum(teu[routed] * per_teu[routed])), 1)
    return {
        "od_pairs": len(ods),
        "t_per_year": round(float(scorer.tonnes.sum()), 1),
        "unrouted_t_per_year": round(float(scorer.tonnes[~routed].sum()), 1),
        "objective_per_year": round(float(np.sum(teu[routed] * base.objective[routed])), 1),
        "generalized_usd_per_year": gc,
    }


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)
