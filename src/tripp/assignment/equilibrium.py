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
from pathlib import Path

import numpy as np

from tripp.assignment.context import SolveContext
from tripp.assignment.frank_wolfe import LinkBasedRun, solve_link_based
from tripp.assignment.gradient_projection import solve_gradient_projection
from tripp.assignment.network import AssignmentNetwork, Demand
from tripp.assignment.result import AssignmentResult, IterationRecord
from tripp.assignment.spec import Algorithm, AssignmentSpec, choose_algorithm
from tripp.assignment.tntp import load_tntp
from tripp.errors import FieldProblem, InputError, Problem
from tripp.graph.kernels import dijkstra

__all__ = ["assign", "assign_tntp", "relative_gap"]


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
    algorithm = Algorithm(spec.algorithm)
    if algorithm is Algorithm.LOGIT:
        raise InputError(
            FieldProblem(
                "algorithm",
                "logit is route choice, not user equilibrium",
                "run tripp.assignment.stochastic.stochastic_assign, or use fw, cfw, bfw or gp",
            )
        )
    started = time.perf_counter()
    ctx = _prepare(network, demand, spec.threads, spec.compress_graph)
    if algorithm is Algorithm.AUTO:
        algorithm = choose_algorithm(spec.target_gap, len(ctx.od[2]), ctx.search.n_links)
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


def assign_tntp(
    network_file: str | Path,
    trips_file: str | Path,
    *,
    spec: AssignmentSpec | None = None,
    toll_factor: float = 0.0,
    distance_factor: float = 0.0,
    progress: Callable[[IterationRecord], None] | None = None,
) -> AssignmentResult:
    r"""Static user-equilibrium assignment of a TNTP network (``_net.tntp``) and its trips
    (``_trips.tntp``): the verb behind ``tripp assign --tntp-net … --tntp-trips …``.

    Link costs are BPR travel times plus ``toll_factor`` × toll and ``distance_factor`` ×
    length, in the network's own time unit; flows are in its flow unit per period. See
    :func:`assign` for ``spec`` (default: biconjugate Frank–Wolfe to a gap of 1e-4) and
    ``progress``; a run that stops short says so in ``converged``.

    Raises :class:`~tripp.errors.InputError` naming file, line and column of every bad
    entry, or when the two files disagree.

    Two parallel links (free-flow 10 and 20, capacity 100 and 200, linear BPR) and 200 trips:

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> net, trips = folder / "two_net.tntp", folder / "two_trips.tntp"
    >>> _ = net.write_text(
    ...     "<NUMBER OF ZONES> 2\n<NUMBER OF NODES> 2\n<FIRST THRU NODE> 1\n"
    ...     "<NUMBER OF LINKS> 2\n<END OF METADATA>\n"
    ...     "1 2 100 1 10 1 1 0 0 1 ;\n1 2 200 1 20 1 1 0 0 1 ;\n"
    ... )
    >>> _ = trips.write_text(
    ...     "<NUMBER OF ZONES> 2\n<TOTAL OD FLOW> 200\n<END OF METADATA>\nOrigin 1\n2 : 200;\n"
    ... )
    >>> result = assign_tntp(net, trips, spec=AssignmentSpec("gp", 1e-10))
    >>> [round(float(f), 6) for f in result.flow]
    [150.0, 50.0]
    """
    network, demand = load_tntp(
        network_file, trips_file, toll_factor=toll_factor, distance_factor=distance_factor
    )
    return assign(network, demand, spec, progress=progress)


def relative_gap(network: AssignmentNetwork, demand: Demand, flows: np.ndarray) -> float:
    """Relative gap ``(TSTT − SPTT) / TSTT`` of link ``flows`` given in input order."""
    ctx = _prepare(network, demand, None, compress_graph=True)
    csr_flows = network.csr.from_caller_order(np.asarray(flows, dtype=np.float64))
    return ctx.gap(csr_flows)[0]


def _prepare(
    network: AssignmentNetwork, demand: Demand, threads: int | None, compress_graph: bool
) -> SolveContext:
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
    ctx = SolveContext(network, demand, threads, compress_graph)
    _check_reachable(ctx)
    return ctx


def _check_reachable(ctx: SolveContext) -> None:
    """Raise InputError naming every OD with demand but no path (at free-flow costs)."""
    net = ctx.network
    cost = ctx.costs(np.zeros(net.n_links))
    if ctx.sptt(cost) < np.inf:
        return
    origin_nodes, od_offsets, od_dest, _ = ctx.od
    offsets, head, _, no_through = ctx.arrays
    search_cost = ctx.search_costs(cost)
    w = ctx.work
    at = ctx.search.nodes  # the network node of each search node
    missing: list[str] = []
    for i, origin in enumerate(origin_nodes):
        dijkstra(
            origin,
            offsets,
            head,
            search_cost,
            no_through,
            w.dist,
            w.pred,
            w.order,
            w.done,
            w.heap_key,
            w.heap_node,
        )
        dests = od_dest[od_offsets[i] : od_offsets[i + 1]]
        for dest in dests[~np.isfinite(w.dist[dests])]:
            missing.append(f"{net.node_ids[at[origin]]}→{net.node_ids[at[dest]]}")
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
