"""The assignment network compiled to arrays, and the demand it carries.

An :class:`AssignmentNetwork` is a forward star (:class:`tripp.graph.csr.Csr`, the same layout
and builder as the compiled atlas graph) whose vertices are node indices and whose arcs are
links, plus one volume-delay function per link. ``csr.order`` maps each CSR link back to its
position in the caller's input, so results come back in input order. Nothing is simplified
away: every input link and node stays, so flow conservation holds at every node, including
nodes whose links all point in or all out.

Two ways in: :func:`build_network` from link arrays keyed by arbitrary integer node ids (TNTP
files, tests), and :func:`network_from_csr` on a forward star that already exists (corridor
freight runs on a restriction of the compiled graph's own CSR, see
:mod:`tripp.freight.corridor`). Either way ``node_ids[i]`` is the id of node index ``i``.
No Numba is imported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tripp.assignment.vdf_kind import ALPHA, BETA, CAPACITY, FIXED, N_PARAMS, T0, VdfKind
from tripp.errors import InputError, Problem
from tripp.graph.csr import Csr, build_csr

__all__ = ["AssignmentNetwork", "Demand", "build_network", "network_from_csr"]

Values = npt.ArrayLike


@dataclass(frozen=True, eq=False)
class AssignmentNetwork:
    """A directed network of links with volume-delay functions, as contiguous arrays.

    Attributes:
        csr: the links sorted by tail node index, with the crosswalk ``csr.order`` from each
            CSR link to its input position.
        node_ids: id of each node index (int64, sorted ascending).
        vdf_kind: :class:`~tripp.assignment.vdf_kind.VdfKind` of each link (int64, CSR order).
        vdf_params: ``(5, n_links)`` float64 (CSR order): free-flow time (network time unit),
            capacity (network flow unit per period), alpha, beta, fixed cost (network time unit).
        no_through: True for nodes that paths may start or end at but never pass through
            (TNTP zones below FIRST THRU NODE).
    """

    csr: Csr
    node_ids: np.ndarray
    vdf_kind: np.ndarray
    vdf_params: np.ndarray
    no_through: np.ndarray

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return int(self.node_ids.shape[0])

    @property
    def n_links(self) -> int:
        """Number of links."""
        return self.csr.n_arcs

    @property
    def tail(self) -> np.ndarray:
        """Node index each link leaves (CSR order, sorted)."""
        return self.csr.tail

    @property
    def head(self) -> np.ndarray:
        """Node index each link enters (CSR order)."""
        return self.csr.head

    def node_index(self, ids: np.ndarray | Sequence[int]) -> np.ndarray:
        """Node indices of the given node ids; raises InputError naming unknown ids."""
        wanted = np.asarray(ids, dtype=np.int64)
        position = np.searchsorted(self.node_ids, wanted)
        position = np.minimum(position, self.n_nodes - 1)
        unknown = wanted[self.node_ids[position] != wanted]
        if unknown.size:
            shown = ", ".join(str(i) for i in unknown[:10])
            raise InputError(
                Problem(
                    where="network",
                    problem=f"unknown node id(s): {shown}",
                    fix="use node ids that appear as a link end in the network",
                )
            )
        return position

    def to_input_order(self, values: np.ndarray) -> np.ndarray:
        """Reorder a per-link array from CSR order to the caller's input order."""
        return self.csr.to_caller_order(values)


@dataclass(frozen=True, eq=False)
class Demand:
    """Origin–destination demand between zones (network flow unit per period).

    Attributes:
        zone_nodes: node index of each zone.
        trips: ``(n_zones, n_zones)`` float64 matrix, row = origin zone, column = destination.
            The diagonal (intrazonal demand) never uses the network and is ignored.
        source: where the demand came from (a file path), used in error messages.
    """

    zone_nodes: np.ndarray
    trips: np.ndarray
    source: str = "demand"

    def od_table(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Positive off-diagonal demand grouped by origin.

        Returns ``(origin_nodes, od_offsets, od_dest_nodes, od_demand)``: the ODs of
        ``origin_nodes[i]`` are ``od_offsets[i]:od_offsets[i + 1]``.
        """
        trips = np.array(self.trips, dtype=np.float64)
        np.fill_diagonal(trips, 0.0)
        origins, dests = np.nonzero(trips > 0.0)
        used = np.unique(origins)
        counts = np.bincount(origins, minlength=trips.shape[0])[used]
        od_offsets = np.zeros(used.shape[0] + 1, dtype=np.int64)
        np.cumsum(counts, out=od_offsets[1:])
        return (
            self.zone_nodes[used].astype(np.int64),
            od_offsets,
            self.zone_nodes[dests].astype(np.int64),
            trips[origins, dests],
        )


def build_network(
    init_node: Values,
    term_node: Values,
    *,
    free_flow_time: Values,
    capacity: Values,
    alpha: Values,
    beta: Values,
    vdf_kind: Values | None = None,
    fixed_cost: Values | None = None,
    no_through_nodes: Values = (),
    extra_node_ids: Values = (),
) -> AssignmentNetwork:
    """Compile link arrays (node ids per link, VDF parameters) into an AssignmentNetwork.

    ``vdf_kind`` defaults to BPR on every link and ``fixed_cost`` (generalised cost added to
    the travel time, network time unit) to zero. ``extra_node_ids`` adds nodes no link
    touches (e.g. zones without links). Raises InputError when the arrays disagree or a
    parameter would make a cost negative, undefined or non-convex.
    """
    tail_ids = np.asarray(init_node, dtype=np.int64)
    head_ids = np.asarray(term_node, dtype=np.int64)
    n = tail_ids.shape[0]
    if head_ids.shape != (n,):
        raise InputError(_problem("term_node", f"has shape {head_ids.shape}, expected ({n},)"))
    node_ids = np.unique(
        np.concatenate([tail_ids, head_ids, np.asarray(extra_node_ids, dtype=np.int64)])
    )
    csr = build_csr(
        np.searchsorted(node_ids, tail_ids),
        np.searchsorted(node_ids, head_ids),
        n_vertices=node_ids.shape[0],
    )
    return network_from_csr(
        csr,
        free_flow_time=free_flow_time,
        capacity=capacity,
        alpha=alpha,
        beta=beta,
        vdf_kind=vdf_kind,
        fixed_cost=fixed_cost,
        node_ids=node_ids,
        no_through=np.isin(node_ids, np.asarray(no_through_nodes, dtype=np.int64)),
    )


def network_from_csr(
    csr: Csr,
    *,
    free_flow_time: Values,
    capacity: Values,
    alpha: Values,
    beta: Values,
    vdf_kind: Values | None = None,
    fixed_cost: Values | None = None,
    node_ids: np.ndarray | None = None,
    no_through: np.ndarray | None = None,
) -> AssignmentNetwork:
    """An AssignmentNetwork whose links are the arcs of ``csr``, which it keeps (no copy).

    The per-link values are given in ``csr``'s caller order (one per arc) and are stored in
    CSR order. ``node_ids`` defaults to the vertex indices themselves and ``no_through`` to
    no such node; ``vdf_kind`` and ``fixed_cost`` default as in :func:`build_network`.
    Raises InputError when a value has the wrong length or would make a cost negative,
    undefined or non-convex.
    """
    n = csr.n_arcs
    kind = np.zeros(n, dtype=np.int64) if vdf_kind is None else np.asarray(vdf_kind, dtype=np.int64)
    params = np.empty((N_PARAMS, n), dtype=np.float64)
    columns = {
        "free_flow_time": (T0, free_flow_time),
        "capacity": (CAPACITY, capacity),
        "alpha": (ALPHA, alpha),
        "beta": (BETA, beta),
        "fixed_cost": (FIXED, np.zeros(n) if fixed_cost is None else fixed_cost),
    }
    problems: list[Problem] = []
    for name, (row, values) in columns.items():
        array = np.asarray(values, dtype=np.float64)
        if array.shape != (n,):
            problems.append(_problem(name, f"has shape {array.shape}, expected ({n},)"))
            continue
        params[row] = array
    if kind.shape != (n,):
        problems.append(_problem("vdf_kind", f"has shape {kind.shape}, expected ({n},)"))
    if problems:
        raise InputError(problems)
    problems.extend(_check_params(kind, params))
    if problems:
        raise InputError(problems)
    if node_ids is None:
        node_ids = np.arange(csr.n_vertices, dtype=np.int64)
    if no_through is None:
        no_through = np.zeros(csr.n_vertices, dtype=np.bool_)
    if node_ids.shape != (csr.n_vertices,) or no_through.shape != (csr.n_vertices,):
        raise ValueError(f"node_ids and no_through need one entry per vertex ({csr.n_vertices})")
    return AssignmentNetwork(
        csr=csr,
        node_ids=node_ids,
        vdf_kind=csr.from_caller_order(kind),
        vdf_params=np.ascontiguousarray(csr.from_caller_order(params)),
        no_through=no_through,
    )


def _problem(column: str, problem: str) -> Problem:
    return Problem(where="network", column=column, problem=problem, fix="pass one value per link")


def _check_params(kind: np.ndarray, params: np.ndarray) -> list[Problem]:
    """Every parameter problem, one Problem per kind of violation (first offending link)."""
    bpr = kind == VdfKind.BPR
    queue = kind == VdfKind.QUEUE
    rules = [
        ("vdf_kind", ~(bpr | queue), "is not a known VDF kind", "use 0 (BPR) or 1 (queue)"),
        ("free_flow_time", ~(params[T0] >= 0), "is negative or missing", "use a value >= 0"),
        ("capacity", ~(params[CAPACITY] > 0), "is not positive", "use a capacity > 0"),
        ("alpha", ~(params[ALPHA] >= 0), "is negative or missing", "use a value >= 0"),
        (
            "beta",
            bpr & ~((params[BETA] == 0) | (params[BETA] >= 1)),
            "of a BPR link is not 0 or >= 1 (its derivative would be infinite at zero flow)",
            "use a power of 0 or at least 1",
        ),
        (
            "beta",
            queue & ~((params[BETA] > 0) & (params[BETA] < 1)),
            "of a queue link (saturation where the linear extension starts) is not in (0, 1)",
            "use e.g. 0.95",
        ),
        ("fixed_cost", ~(params[FIXED] >= 0), "is negative or missing", "use a value >= 0"),
    ]
    problems = []
    for column, bad, what, fix in rules:
        if bad.any():
            first = int(np.flatnonzero(bad)[0])
            problems.append(
                Problem(
                    where="network",
                    column=column,
                    problem=f"{column} {what} on {int(bad.sum())} link(s), first at link {first}",
                    fix=fix,
                )
            )
    return problems
