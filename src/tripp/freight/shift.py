"""What a scenario moves: the tonnes a corridor attracts, where they came from, and who gains
and who loses transit, from the route choice's path flows of two scenarios on one demand.

* **Attracted** — the tonnes (and TEU) of the other scenario's routes that use at least one
  link tagged ``corridor`` (links.csv ``corridors``), by market.
* **From** — for each OD, its attracted tonnes are traced to the routes it took in the base
  scenario, in proportion to their flows; a base route is named by the countries it
  transits, in order (``via GE, TR``; ``direct`` when it transits none).
* **Transit** — per country, the tonnes whose route passes through it when it is neither
  the origin's nor the destination's country, before and after.

Both assignments must carry the same demand (:func:`shift` checks it): only the network
differs, so every change is the network's.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np

from tripp.errors import FieldProblem, InputError
from tripp.freight.choice import ChoiceRun
from tripp.freight.corridor import CorridorAssignment
from tripp.freight.settings import FreightSettings
from tripp.graph.compile import Graph
from tripp.scenarios.network import ScenarioNetwork

__all__ = ["Shift", "flow_shift", "shift", "transit_by_country"]


@dataclass(frozen=True)
class Shift:
    """Tonnes a corridor attracts between two scenarios and the transit they move (t/year)."""

    base: str
    other: str
    corridor: str
    demand_year: int | None
    attracted_t_per_year: float
    attracted_teu_per_year: float
    by_market: dict[str, float]
    from_routes: dict[str, float]
    transit_before: dict[str, float]
    transit_after: dict[str, float]

    def transit_change(self) -> list[dict[str, Any]]:
        """Per country: transit tonnes before, after and the change, largest change first."""
        countries = set(self.transit_before) | set(self.transit_after)
        rows = [
            {
                "country": c,
                "transit_t_before": round(self.transit_before.get(c, 0.0), 1),
                "transit_t_after": round(self.transit_after.get(c, 0.0), 1),
                "change_t": round(
                    self.transit_after.get(c, 0.0) - self.transit_before.get(c, 0.0), 1
                ),
            }
            for c in countries
        ]
        return sorted(rows, key=lambda r: (-abs(r["change_t"]), r["country"]))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping (t/year rounded to 0.1 t)."""
        return {
            "base": self.base,
            "other": self.other,
            "corridor": self.corridor,
            "demand_year": self.demand_year,
            "attracted_t_per_year": round(self.attracted_t_per_year, 1),
            "attracted_teu_per_year": round(self.attracted_teu_per_year, 1),
            "by_market": _rounded(self.by_market),
            "from_routes": _rounded(self.from_routes),
            "transit": self.transit_change(),
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)


def _rounded(values: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 1) for k, v in sorted(values.items(), key=lambda kv: -kv[1]) if v > 0}


def _path_tags(graph: Graph, arcs: np.ndarray) -> set[str]:
    links = graph.link[arcs]
    return {
        t for i in np.unique(links[links >= 0]).tolist() for t in graph.atlas.links[i].corridors
    }


def _transited(graph: Graph, arcs: np.ndarray, ends: set[str]) -> list[str]:
    """Countries a path passes through, in order, other than ``ends``."""
    nodes = graph.atlas.node_by_id
    seen: list[str] = []
    for state in np.r_[graph.tail[arcs[:1]], graph.head[arcs]].tolist():
        country = nodes[graph.node_ids[graph.state_node[state]]].country
        if country not in ends and country not in seen:
            seen.append(country)
    return seen


def transit_by_country(graph: Graph, run: ChoiceRun) -> dict[str, float]:
    """Per country, the tonnes a year whose route passes through it when it is neither the
    origin's nor the destination's country (international waters excluded)."""
    nodes = graph.atlas.node_by_id
    out: dict[str, float] = defaultdict(float)
    result = run.result
    for p in np.flatnonzero(result.path_flow > 0).tolist():
        od = run.ods[int(result.paths.od[p])].row
        ends = {nodes[od.origin].country, nodes[od.destination].country, "XZ"}
        for country in _transited(graph, result.paths.path(p), ends):
            out[country] += float(result.path_flow[p])
    return dict(out)


def _run_of(assignment: CorridorAssignment) -> ChoiceRun:
    if assignment.choice is None:
        raise InputError(
            FieldProblem(
                "algorithm",
                f"{assignment.scenario} was assigned by {assignment.algorithm}, which keeps "
                "no routes",
                "assign both scenarios by route choice (algorithm logit)",
            )
        )
    return assignment.choice


def shift(
    base: tuple[Graph, CorridorAssignment],
    other: tuple[Graph, CorridorAssignment],
    *,
    corridor: str = "TRIPP",
) -> Shift:
    """What ``other`` changes against ``base`` (each a graph and its route-choice
    assignment on one demand year): the module docstring's figures for ``corridor``."""
    (base_graph, before), (other_graph, after) = base, other
    run_before, run_after = _run_of(before), _run_of(after)
    if before.demand_year != after.demand_year:
        raise InputError(
            FieldProblem(
                "demand_year",
                f"the scenarios were assigned on demand {before.demand_year} and "
                f"{after.demand_year}",
                "assign both on one demand year, so that only the network differs",
            )
        )
    base_routes: dict[tuple[str, ...], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    res = run_before.result
    nodes = base_graph.atlas.node_by_id
    for p in np.flatnonzero(res.path_flow > 0).tolist():
        row = run_before.ods[int(res.paths.od[p])].row
        ends = {nodes[row.origin].country, nodes[row.destination].country, "XZ"}
        countries = _transited(base_graph, res.paths.path(p), ends)
        label = f"via {', '.join(countries)}" if countries else "direct"
        base_routes[run_before.ods[int(res.paths.od[p])].key()][label] += float(res.path_flow[p])
    attracted = teu = 0.0
    by_market: dict[str, float] = defaultdict(float)
    from_routes: dict[str, float] = defaultdict(float)
    res = run_after.result
    for p in np.flatnonzero(res.path_flow > 0).tolist():
        if corridor not in _path_tags(other_graph, res.paths.path(p)):
            continue
        od = int(res.paths.od[p])
        tonnes = float(res.path_flow[p])
        attracted += tonnes
        cls = int(res.path_class[p])
        if run_after.classes[cls][0] == "container":
            teu += tonnes / run_after.t_per_unit[cls]
        by_market[run_after.ods[od].row.market] += tonnes
        earlier = base_routes.get(run_after.ods[od].key())
        if not earlier:
            from_routes["no route before"] += tonnes
            continue
        total = sum(earlier.values())
        for label, t in earlier.items():
            from_routes[label] += tonnes * t / total
    return Shift(
        before.scenario,
        after.scenario,
        corridor,
        after.demand_year,
        attracted,
        teu,
        dict(by_market),
        dict(from_routes),
        transit_by_country(base_graph, run_before),
        transit_by_country(other_graph, run_after),
    )


def flow_shift(
    base: ScenarioNetwork,
    other: ScenarioNetwork,
    *,
    corridor: str = "TRIPP",
    demand_year: int | None = None,
    settings: FreightSettings | None = None,
) -> tuple[Shift, tuple[CorridorAssignment, CorridorAssignment]]:
    """:func:`shift` of two scenarios, each assigned by route choice on one demand year
    (default: ``other``'s) with ``settings``; also returns the two assignments (whose
    ``converged`` the caller must check).

    >>> import tripp
    >>> atlas = tripp.load_atlas()
    >>> base, other = tripp.scenario(atlas, "baseline-2025"), tripp.scenario(atlas, "tripp-2030")
    >>> result, runs = tripp.flow_shift(base, other)
    >>> result.corridor, result.demand_year, all(r.converged for r in runs)
    ('TRIPP', 2030, True)
    """
    from tripp.freight.scenario import assign

    year = other.demand_year if demand_year is None else demand_year
    before, after = (assign(n, demand_year=year, settings=settings) for n in (base, other))
    return shift((base.graph, before), (other.graph, after), corridor=corridor), (before, after)
