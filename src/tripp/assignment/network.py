"""The assignment network compiled to arrays, and the demand it carries.

A network is compiled once into a CSR forward star: links sorted by tail node (stable),
``offsets[u]:offsets[u + 1]`` the links leaving node index ``u``. ``link_order`` maps each
CSR position back to the link's position in the caller's input, so results come back in
input order. Nothing is simplified away: every input link and node stays, so flow
conservation holds at every node, including nodes whose links all point in or all out.

Node ids are arbitrary integers; ``node_ids[i]`` is the id of node index ``i``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tripp.assignment.vdf import ALPHA, BETA, CAPACITY, FIXED, T0, VdfKind
from tripp.errors import InputError, Problem

__all__ = ["AssignmentNetwork", "Demand", "build_network"]


@dataclass(frozen=True, eq=False)
class AssignmentNetwork:
    """A directed network of links with volume-delay functions, as contiguous arrays.

    Attributes:
        node_ids: id of each node index (int64, sorted ascending).
        offsets: CSR offsets, length ``n_nodes + 1``.
        tail, head: node index at each end of each link (CSR order).
        link_order: input position of each CSR link.
        vdf_kind: :class:`~tripp.assignment.vdf.VdfKind` of each link (int64).
        vdf_params: ``(5, n_links)`` float64: free-flow time (network time unit), capacity
            (network flow unit per period), alpha, beta, fixed cost (network time unit).
        no_through: True for nodes that paths may start or end at but never pass through
            (TNTP zones below FIRST THRU NODE).
    """

    node_ids: np.ndarray
    offsets: np.ndarray
    tail: np.ndarray
    head: np.ndarray
    link_order: np.ndarray
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
        return int(self.tail.shape[0])

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
        out = np.empty_like(values)
        out[self.link_order] = values
        return out


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
    init_node: np.ndarray | Sequence[int],
    term_node: np.ndarray | Sequence[int],
    *,
    free_flow_time: np.ndarray | Sequence[float],
    capacity: np.ndarray | Sequence[float],
    alpha: np.ndarray | Sequence[float],
    beta: np.ndarray | Sequence[float],
    vdf_kind: np.ndarray | Sequence[int] | None = None,
    fixed_cost: np.ndarray | Sequence[float] | None = None,
    no_through_nodes: np.ndarray | Sequence[int] = (),
    extra_node_ids: np.ndarray | Sequence[int] = (),
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
    kind = np.zeros(n, dtype=np.int64) if vdf_kind is None else np.asarray(vdf_kind, dtype=np.int64)
    params = np.empty((5, n), dtype=np.float64)
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
    if head_ids.shape != (n,) or kind.shape != (n,):
        problems.append(_problem("term_node/vdf_kind", f"lengths differ from init_node ({n})"))
    if problems:
        raise InputError(problems)
    problems.extend(_check_params(kind, params))
    if problems:
        raise InputError(problems)

    node_ids = np.unique(
        np.concatenate([tail_ids, head_ids, np.asarray(extra_node_ids, dtype=np.int64)])
    )
    tail = np.searchsorted(node_ids, tail_ids)
    head = np.searchsorted(node_ids, head_ids)
    order = np.argsort(tail, kind="stable")
    offsets = np.zeros(node_ids.shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(tail, minlength=node_ids.shape[0]), out=offsets[1:])
    blocked_ids = np.asarray(no_through_nodes, dtype=np.int64)
    no_through = np.isin(node_ids, blocked_ids)
    return AssignmentNetwork(
        node_ids=node_ids,
        offsets=offsets,
        tail=tail[order].astype(np.int64),
        head=head[order].astype(np.int64),
        link_order=order.astype(np.int64),
        vdf_kind=kind[order],
        vdf_params=np.ascontiguousarray(params[:, order]),
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
