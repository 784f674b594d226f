"""The assignment network compressed for path search: chains of degree-2 nodes become one
link, dead ends are dropped, and a crosswalk leads back to the links.

Real road networks carry many nodes that only shape a road (two neighbours, no zone) and
many cul-de-sacs; a shortest-path tree pays for each of them on every origin and every
iteration. The search graph keeps every node (node indices do not change) but only the
links a shortest path between zones can use, with each chain of links through
*chain nodes* merged into one search link:

* a **dead-end** node is neither a zone nor ``no_through`` and, among the links still
  kept, has no link in, no link out, or links to and from a single neighbour only. No
  path between two other nodes passes through it, so its links are dropped; dropping
  them can make a neighbour a dead end in turn (a whole cul-de-sac tree goes).
* a **chain** node is neither a zone nor ``no_through`` and has exactly one link in from
  ``u`` and one out to ``w ≠ u`` (one-way road), or exactly links in from and out to two
  neighbours ``u ≠ w`` and nothing else (two-way road). A path entering it goes on to the
  other neighbour (turning back is never shorter), so the chain ``u → v → … → w``
  becomes one search link whose cost is the sum of its links' costs.

The flow of a search link is the flow of each of its links (nothing joins or leaves a
chain), so loading the search graph and gathering through ``link_of`` gives the same
link flows as searching the full network, up to the choice among equally short paths.

The search graph has nodes of its own: the zones, the ``no_through`` nodes and the ends of
its links (chain and dead-end nodes are gone), numbered in reverse Cuthill–McKee order
(SciPy), so that the nodes of one neighbourhood sit together in memory whatever the
network's ids were. On a 200,000-link grid whose node ids were shuffled, a shortest-path
tree took 35 % longer than on the row-major one before this renumbering.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import reverse_cuthill_mckee

from tripp.graph.csr import Csr, build_csr

__all__ = [
    "SearchGraph",
    "compress",
    "expand_flows",
    "identity_search_graph",
    "search_costs",
    "worth_compressing",
]

#: Search the compressed graph when it removes at least this share of the links, or when
#: the network has more nodes than ``LOCALITY_NODES`` (its node order then matters more than
#: summing the chains' costs and gathering their flows every iteration).
MIN_LINKS_SAVED = 0.05
LOCALITY_NODES = 20_000


@dataclass(frozen=True, eq=False)
class SearchGraph:
    """The links a shortest path between zones can use, chains merged (see module doc).

    Attributes:
        csr: the search links sorted by tail, on the search nodes.
        nodes: the network node index of each search node.
        search_node: the search node of each network node (-1: not in the search graph).
        no_through: ``no_through`` of each search node.
        link_of: the search link each network link belongs to (-1: on a dead end, never
            on a shortest path between zones); network CSR order.
        members_ptr, members: the network links of search link ``c``, in path order, are
            ``members[members_ptr[c]:members_ptr[c + 1]]``.
    """

    csr: Csr
    nodes: np.ndarray
    search_node: np.ndarray
    no_through: np.ndarray
    link_of: np.ndarray
    members_ptr: np.ndarray
    members: np.ndarray

    @property
    def n_nodes(self) -> int:
        """Number of search nodes."""
        return self.csr.n_vertices

    @property
    def n_links(self) -> int:
        """Number of search links."""
        return self.csr.n_arcs


def compress(
    offsets: np.ndarray,
    tail: np.ndarray,
    head: np.ndarray,
    keep_nodes: np.ndarray,
    no_through: np.ndarray,
) -> SearchGraph:
    """The search graph of a network in CSR form (``offsets``, ``tail``, ``head``), keeping
    every node where ``keep_nodes`` is true (zones and ``no_through`` nodes) as it is."""
    active = _prune_dead_ends(offsets, tail, head, keep_nodes)
    chain = _chain_nodes(offsets, tail, head, keep_nodes, active)
    c_tail, c_head, members_ptr, members, link_of = _merge_chains(
        offsets, tail, head, active, chain
    )
    nodes, search_node = _renumber(keep_nodes, c_tail, c_head)
    csr = build_csr(search_node[c_tail], search_node[c_head], n_vertices=nodes.shape[0])
    # renumber the search links from creation order to CSR order
    position = np.empty(csr.n_arcs, dtype=np.int64)
    position[csr.order] = np.arange(csr.n_arcs)
    link_of = np.where(link_of >= 0, position[np.maximum(link_of, 0)], -1)
    counts = np.diff(members_ptr)[csr.order]
    sorted_ptr = np.zeros(csr.n_arcs + 1, dtype=np.int64)
    np.cumsum(counts, out=sorted_ptr[1:])
    sorted_members = np.empty_like(members)
    _copy_runs(members_ptr, members, csr.order, sorted_ptr, sorted_members)
    return SearchGraph(
        csr, nodes, search_node, no_through[nodes], link_of, sorted_ptr, sorted_members
    )


def identity_search_graph(csr: Csr, no_through: np.ndarray) -> SearchGraph:
    """A network as its own search graph: its nodes, each link a search link of one member."""
    links = np.arange(csr.n_arcs, dtype=np.int64)
    nodes = np.arange(csr.n_vertices, dtype=np.int64)
    members_ptr = np.arange(csr.n_arcs + 1, dtype=np.int64)
    return SearchGraph(csr, nodes, nodes, no_through, links, members_ptr, links)


def _renumber(
    keep_nodes: np.ndarray, c_tail: np.ndarray, c_head: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The search nodes (kept nodes and search link ends) in reverse Cuthill–McKee order of
    the search links taken both ways: ``(nodes, search_node)`` as in :class:`SearchGraph`."""
    n_network = keep_nodes.shape[0]
    used = keep_nodes.copy()
    used[c_tail] = True
    used[c_head] = True
    compact = np.full(n_network, -1, dtype=np.int64)
    compact[used] = np.arange(int(used.sum()))
    k = int(used.sum())
    ends = (
        np.concatenate([compact[c_tail], compact[c_head]]),
        np.concatenate([compact[c_head], compact[c_tail]]),
    )
    adjacency = csr_matrix((np.ones(ends[0].shape[0]), ends), shape=(k, k))
    order = np.asarray(reverse_cuthill_mckee(adjacency, symmetric_mode=True), dtype=np.int64)
    nodes = np.flatnonzero(used)[order]
    search_node = np.full(n_network, -1, dtype=np.int64)
    search_node[nodes] = np.arange(k)
    return nodes, search_node


def worth_compressing(graph: SearchGraph, n_links: int, n_nodes: int) -> bool:
    """Whether searching ``graph`` instead of the network (``n_links``, ``n_nodes``) pays."""
    return graph.n_links <= (1.0 - MIN_LINKS_SAVED) * n_links or n_nodes > LOCALITY_NODES


@njit(cache=True, nogil=True)
def search_costs(
    members_ptr: np.ndarray, members: np.ndarray, cost: np.ndarray, out: np.ndarray
) -> None:
    """``out[c]`` = Σ of ``cost`` over the network links of search link ``c``."""
    for c in range(out.shape[0]):
        total = 0.0
        for k in range(members_ptr[c], members_ptr[c + 1]):
            total += cost[members[k]]
        out[c] = total


@njit(cache=True, nogil=True)
def expand_flows(link_of: np.ndarray, search_flows: np.ndarray, flows: np.ndarray) -> None:
    """Network link flows from search link flows (0 on dropped links)."""
    for a in range(link_of.shape[0]):
        c = link_of[a]
        flows[a] = search_flows[c] if c >= 0 else 0.0


@njit(cache=True)
def _copy_runs(
    ptr: np.ndarray, values: np.ndarray, order: np.ndarray, new_ptr: np.ndarray, out: np.ndarray
) -> None:
    for c in range(order.shape[0]):
        start = ptr[order[c]]
        for k in range(new_ptr[c + 1] - new_ptr[c]):
            out[new_ptr[c] + k] = values[start + k]


@njit(cache=True)
def _in_links(offsets: np.ndarray, head: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Links entering each node: ``in_links[in_ptr[v]:in_ptr[v + 1]]``."""
    n_nodes = offsets.shape[0] - 1
    in_ptr = np.zeros(n_nodes + 1, dtype=np.int64)
    for a in range(head.shape[0]):
        in_ptr[head[a] + 1] += 1
    for v in range(n_nodes):
        in_ptr[v + 1] += in_ptr[v]
    fill = in_ptr[:-1].copy()
    in_links = np.empty(head.shape[0], dtype=np.int64)
    for a in range(head.shape[0]):
        in_links[fill[head[a]]] = a
        fill[head[a]] += 1
    return in_ptr, in_links


@njit(cache=True)
def _is_dead_end(
    v: int,
    offsets: np.ndarray,
    tail: np.ndarray,
    head: np.ndarray,
    in_ptr: np.ndarray,
    in_links: np.ndarray,
    active: np.ndarray,
) -> bool:
    """No active link in, none out, or every active link joins v to one other node."""
    neighbour = -1
    several = False
    n_in = 0
    n_out = 0
    for k in range(offsets[v], offsets[v + 1]):
        if active[k]:
            n_out += 1
            several = several or (neighbour != -1 and head[k] != neighbour)
            neighbour = head[k]
    for k in range(in_ptr[v], in_ptr[v + 1]):
        a = in_links[k]
        if active[a]:
            n_in += 1
            several = several or (neighbour != -1 and tail[a] != neighbour)
            neighbour = tail[a]
    return n_in == 0 or n_out == 0 or not several


@njit(cache=True)
def _prune_dead_ends(
    offsets: np.ndarray, tail: np.ndarray, head: np.ndarray, keep_nodes: np.ndarray
) -> np.ndarray:
    """Active flag per link after dropping dead ends (and self-loops) until none is left."""
    n_nodes = offsets.shape[0] - 1
    active = tail != head  # a self-loop is never on a shortest path
    in_ptr, in_links = _in_links(offsets, head)
    queue = np.empty(n_nodes + 2 * head.shape[0], dtype=np.int64)
    queued = np.zeros(n_nodes, dtype=np.bool_)
    size = 0
    for v in range(n_nodes):
        queue[size] = v
        size += 1
        queued[v] = True
    first = 0
    while first < size:
        v = queue[first]
        first += 1
        queued[v] = False
        if keep_nodes[v] or not _is_dead_end(v, offsets, tail, head, in_ptr, in_links, active):
            continue
        for k in range(offsets[v], offsets[v + 1]):
            if active[k]:
                active[k] = False
                if not queued[head[k]]:
                    queue[size] = head[k]
                    size += 1
                    queued[head[k]] = True
        for k in range(in_ptr[v], in_ptr[v + 1]):
            a = in_links[k]
            if active[a]:
                active[a] = False
                if not queued[tail[a]]:
                    queue[size] = tail[a]
                    size += 1
                    queued[tail[a]] = True
    return active


@njit(cache=True)
def _chain_nodes(
    offsets: np.ndarray,
    tail: np.ndarray,
    head: np.ndarray,
    keep_nodes: np.ndarray,
    active: np.ndarray,
) -> np.ndarray:
    """True for the chain nodes (see module doc) among the active links."""
    n_nodes = offsets.shape[0] - 1
    in_ptr, in_links = _in_links(offsets, head)
    chain = np.zeros(n_nodes, dtype=np.bool_)
    outs = np.empty(2, dtype=np.int64)
    ins = np.empty(2, dtype=np.int64)
    for v in range(n_nodes):
        if keep_nodes[v]:
            continue
        n_out = 0
        for k in range(offsets[v], offsets[v + 1]):
            if active[k]:
                if n_out == 2:
                    n_out = 3
                    break
                outs[n_out] = head[k]
                n_out += 1
        n_in = 0
        for k in range(in_ptr[v], in_ptr[v + 1]):
            a = in_links[k]
            if active[a]:
                if n_in == 2:
                    n_in = 3
                    break
                ins[n_in] = tail[a]
                n_in += 1
        if n_in == 1 and n_out == 1:
            chain[v] = ins[0] != outs[0]
        elif n_in == 2 and n_out == 2:
            chain[v] = (
                ins[0] != ins[1]
                and outs[0] != outs[1]
                and (
                    (ins[0] == outs[0] and ins[1] == outs[1])
                    or (ins[0] == outs[1] and ins[1] == outs[0])
                )
            )
    return chain


@njit(cache=True)
def _merge_chains(
    offsets: np.ndarray,
    tail: np.ndarray,
    head: np.ndarray,
    active: np.ndarray,
    chain: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Walk from every active link that leaves a non-chain node through chain nodes to the
    next non-chain node: ``(tail, head, members_ptr, members, link_of)`` of the search
    links, in the order they were found."""
    n_links = tail.shape[0]
    link_of = np.full(n_links, -1, dtype=np.int64)
    c_tail = np.empty(n_links, dtype=np.int64)
    c_head = np.empty(n_links, dtype=np.int64)
    members_ptr = np.zeros(n_links + 1, dtype=np.int64)
    members = np.empty(n_links, dtype=np.int64)
    n_search = 0
    n_members = 0
    for a in range(n_links):
        if not active[a] or chain[tail[a]]:
            continue
        link = a
        while True:
            members[n_members] = link
            n_members += 1
            link_of[link] = n_search
            v = head[link]
            if not chain[v]:
                break
            came_from = tail[link]
            nxt = -1
            for k in range(offsets[v], offsets[v + 1]):
                if active[k] and head[k] != came_from:
                    nxt = k
            link = nxt
        c_tail[n_search] = tail[a]
        c_head[n_search] = head[link]
        n_search += 1
        members_ptr[n_search] = n_members
    return (
        c_tail[:n_search],
        c_head[:n_search],
        members_ptr[: n_search + 1],
        members[:n_members],
        link_of,
    )
