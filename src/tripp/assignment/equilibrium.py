"""Static user-equilibrium assignment: the public entry point.

>>> from tripp.assignment import AssignmentSpec, Demand, assign, build_network
>>> import numpy as np
>>> net = build_network([1, 1], [2, 2], free_flow_time=[10.0, 20.0], capacity=[100.0, 200.0],
...                     alpha=[1.0, 1.0], beta=[1.0, 1.0])
>>> demand = Demand(zone_nodes=net.node_index([1, 2]), trips=np.array([[0.0, 200.0], [0, 0]]))
>>> result = assign(net, demand, AssignmentSpec(algorithm="gp", target_gap=1e-10))
>>> [round(float(f), 6) for f in result.flow]
[150.0, 50.0]
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from tripp.assignment.context import SolveContext
from tripp.assignment.frank_wolfe import LinkBasedRun, solve_link_based
from tripp.assignment.gradient_projection import solve_gradient_projection
from tripp.assignment.network import AssignmentNetwork, Demand
from tripp.assignment.result import AssignmentResult, IterationRecord
from tripp.assignment.spec import Algorithm, AssignmentSpec
from tripp.errors import InputError, Problem
from tripp.graph.kernels import dijkstra

__all__ = ["assign", "relative_gap"]


def assign(
    network: AssignmentNetwork,
    demand: Demand,
    spec: AssignmentSpec | None = None,
    *,
    progress: Callable[[IterationRecord], None] | None = None,
) -> AssignmentResult:
    """Static user-equilibrium assignment of ``demand`` on ``network``.

    The relative gap is ``(TSTT − SPTT) / TSTT`` with ``TSTT = Σ_a x_a c_a(x_a)`` (total
    generalised cost at the flows) and ``SPTT = Σ_od d_od × shortest-path cost at c(x)``.
    The reported gap is recomputed from the returned flows with a fresh shortest-path pass.
    A run that stops at ``max_iterations`` returns ``converged=False``; it does not raise.
    ``progress`` receives each :class:`IterationRecord` as it happens.

    Raises:
        InputError: the demand refers to zones that are not in the network, or an OD with
            demand has no path.
    """
    spec = spec or AssignmentSpec()
    started = time.perf_counter()
    ctx = _prepare(network, demand)
    algorithm = Algorithm(spec.algorithm)
    run: LinkBasedRun
    if algorithm is Algorithm.GP:
        run = solve_gradient_projection(
            ctx,
            target_gap=spec.target_gap,
            max_iterations=spec.max_iterations,
            started=started,
            progress=progress,
        )
    else:
        run = solve_link_based(
            ctx,
            variant=algorithm.value,
            target_gap=spec.target_gap,
            max_iterations=spec.max_iterations,
            started=started,
            progress=progress,
        )
    gap, tstt, cost = ctx.gap(run.flows)
    wall_s = time.perf_counter() - started
    return AssignmentResult(
        init_node=network.node_ids[network.to_input_order(network.tail)],
        term_node=network.node_ids[network.to_input_order(network.head)],
        flow=network.to_input_order(run.flows),
        cost=network.to_input_order(cost),
        history=run.history,
        converged=gap <= spec.target_gap,
        relative_gap=gap,
        target_gap=spec.target_gap,
        tstt=tstt,
        wall_s=wall_s,
        algorithm=algorithm.value,
        iterations=len(run.history),
    )


def relative_gap(network: AssignmentNetwork, demand: Demand, flows: np.ndarray) -> float:
    """Relative gap ``(TSTT − SPTT) / TSTT`` of link ``flows`` given in input order."""
    ctx = _prepare(network, demand)
    csr_flows = network.csr.from_caller_order(np.asarray(flows, dtype=np.float64))
    return ctx.gap(csr_flows)[0]


def _prepare(network: AssignmentNetwork, demand: Demand) -> SolveContext:
    problems = []
    trips = np.asarray(demand.trips)
    zones = np.asarray(demand.zone_nodes)
    if trips.ndim != 2 or trips.shape != (zones.shape[0], zones.shape[0]):
        problems.append(
            Problem(
                where=demand.source,
                problem=f"trip matrix has shape {trips.shape} for {zones.shape[0]} zones",
                fix="give a square matrix with one row and column per zone",
            )
        )
    elif not np.all(np.isfinite(trips)) or (trips < 0).any():
        problems.append(
            Problem(where=demand.source, problem="negative or non-finite demand", fix="use >= 0")
        )
    if zones.size and (zones.min() < 0 or zones.max() >= network.n_nodes):
        problems.append(
            Problem(
                where=demand.source,
                problem="zone node index outside the network",
                fix="build zone_nodes with network.node_index(zone ids)",
            )
        )
    if problems:
        raise InputError(problems)
    ctx = SolveContext(network, demand)
    _check_reachable(ctx)
    return ctx


def _check_reachable(ctx: SolveContext) -> None:
    """Raise InputError naming every OD with demand but no path (at free-flow costs)."""
    net = ctx.network
    cost = ctx.costs(np.zeros(net.n_links))
    if ctx.sptt(cost) < np.inf:
        return
    origin_nodes, od_offsets, od_dest, _ = ctx.od
    w = ctx.work
    missing: list[str] = []
    for i, origin in enumerate(origin_nodes):
        dijkstra(
            origin,
            net.csr.indptr,
            net.head,
            cost,
            net.no_through,
            w.dist,
            w.pred,
            w.order,
            w.done,
            w.heap_key,
            w.heap_node,
        )
        dests = od_dest[od_offsets[i] : od_offsets[i + 1]]
        for dest in dests[~np.isfinite(w.dist[dests])]:
            missing.append(f"{net.node_ids[origin]}→{net.node_ids[dest]}")
    shown = ", ".join(missing[:10]) + (
        f" and {len(missing) - 10} more" if len(missing) > 10 else ""
    )
    raise InputError(
        Problem(
            where=ctx.demand.source,
            problem=f"{len(missing)} OD pair(s) with demand have no path: {shown}",
            fix="add the missing links, or remove that demand",
        )
    )
